import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct } from '../../../engine/errors.ts';
import type { JsonObject } from '../../../workflows/types.ts';
import { createEngine, loadFixture, workflow } from '../../fixtures/engine/harness.ts';

/**
 * Every field AWS documents for a Fail state, run as on AWS: Error and Cause, ErrorPath and CausePath
 * as paths (the context object included) or as the intrinsics AWS allows there.
 */

const failFields = workflow('fail-fields', 'FailFields');

async function failWith(input: Record<string, unknown>, name?: string) {
  const engine = await createEngine({ workflows: [failFields] });
  return engine.run('fail-fields', input, name === undefined ? {} : { name });
}

describe('a Fail state', () => {
  it('without Error or Cause fails with neither', async () => {
    const record = await failWith({ case: 'bare' });
    expect(record).toMatchObject({ status: 'FAILED', error: undefined, cause: undefined });
  });

  it('with Error and Cause', async () => {
    expect(await failWith({ case: 'static' })).toMatchObject({ status: 'FAILED', error: 'Order.Rejected', cause: 'the order was rejected' });
  });

  it('with ErrorPath and CausePath as paths', async () => {
    expect(await failWith({ case: 'paths', error: 'Order.Gone', cause: 'deleted upstream' })).toMatchObject({ error: 'Order.Gone', cause: 'deleted upstream' });
  });

  it('with a path that selects no string: States.Runtime, as on AWS', async () => {
    const missing = await failWith({ case: 'paths', cause: 'no error field' });
    const number = await failWith({ case: 'paths', error: 42, cause: 'a number' });

    expect(missing).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(missing.cause).toContain("'$.error'");
    expect(number).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('with States.Format in both, reading the input and the context object', async () => {
    const record = await failWith({ case: 'format', kind: 'Refused', id: 'o-17' }, 'order-run');
    expect(record).toMatchObject({ error: 'Order.Refused', cause: 'order o-17 failed in order-run' });
  });

  it('with States.JsonToString', async () => {
    expect(await failWith({ case: 'jsonToString', detail: { sku: 'A-1', qty: 0 } })).toMatchObject({ error: 'Order.Invalid', cause: '{"sku":"A-1","qty":0}' });
  });

  it('with States.ArrayGetItem', async () => {
    expect(await failWith({ case: 'arrayGetItem', errors: ['First.Error', 'Second.Error'] })).toMatchObject({ error: 'Second.Error', cause: 'picked' });
  });

  it('with States.Base64Encode and States.Base64Decode', async () => {
    expect(await failWith({ case: 'base64Encode', cause: 'plain text' })).toMatchObject({ error: 'Encoded', cause: Buffer.from('plain text').toString('base64') });
    expect(await failWith({ case: 'base64Decode', encoded: Buffer.from('decoded text').toString('base64') })).toMatchObject({ error: 'Decoded', cause: 'decoded text' });
  });

  it('with States.Hash', async () => {
    const record = await failWith({ case: 'hash', cause: 'hash me' });
    expect(record).toMatchObject({ error: 'Hashed', cause: createHash('sha256').update('hash me').digest('hex') });
  });

  it('with States.UUID', async () => {
    const record = await failWith({ case: 'uuid' });
    expect(record.error).toBe('Traced');
    expect(record.cause).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('with a nested intrinsic', async () => {
    expect(await failWith({ case: 'nested', detail: { sku: 'B-2' } })).toMatchObject({ error: 'Nested', cause: 'detail: {"sku":"B-2"}' });
  });

  it('with context paths: $$.State.Name and $$.Execution.Name', async () => {
    expect(await failWith({ case: 'context' }, 'ctx-run')).toMatchObject({ error: 'Context', cause: 'ctx-run' });
  });

  it('inside a Parallel branch: a Catch matches the evaluated error name', async () => {
    const record = await failWith({ case: 'caught', kind: 'Refused', detail: { reason: 'stock' } });

    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({
      case: 'caught',
      kind: 'Refused',
      detail: { reason: 'stock' },
      refusal: { Error: 'Order.Refused', Cause: '{"reason":"stock"}' },
    });
  });

  it('refuses to build with an intrinsic AWS does not allow in ErrorPath', async () => {
    const definition = (await loadFixture(failFields)) as JsonObject & { States: Record<string, JsonObject> };
    definition.States.Static = { Type: 'Fail', ErrorPath: 'States.MathAdd($.a, 1)' };

    const build = createEngine({ workflows: [failFields], loadDefinition: async () => definition });

    await expect(build).rejects.toThrow(UnsupportedConstruct);
    await expect(build).rejects.toThrow(
      'fail-fields: state Static: ErrorPath may call only States.Format, States.JsonToString, States.ArrayGetItem, States.Base64Encode, States.Base64Decode, States.Hash, States.UUID (they return strings), not States.MathAdd',
    );
  });
});
