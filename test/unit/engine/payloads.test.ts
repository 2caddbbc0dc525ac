import { EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { maxPutEventsBytes } from '../../../engine/bus.ts';
import { PayloadNotJson, PayloadTooDeep, ValidationException } from '../../../engine/errors.ts';
import type { Trigger } from '../../../workflows/types.ts';
import { accountId, createEngine, fakeAccount, fakeFunction, region, workflow } from '../../fixtures/engine/harness.ts';
import { rejection, sandbox } from './sandbox/sandbox-clients.ts';

/** Inputs the engine cannot take become one named line, wherever they enter; events are held to EventBridge's limits. */

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = { next: value };
  return value;
}

/** The JSON text of nested(depth), written out: JSON.stringify overflows the stack on it. */
function nestedText(depth: number): string {
  return `${'{"next":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
}

const thingHappened: Trigger = {
  kind: 'event',
  id: 'ThingHappened',
  description: 'a thing happened',
  pattern: { source: ['opsflow.test'], 'detail-type': ['Thing Happened'] },
};
const listener = workflow('listener', 'Listener', { triggers: [thingHappened] });

function busEvent(detail: unknown, resources: string[] = []) {
  return { version: '0', id: 'event-1', 'detail-type': 'Thing Happened', source: 'opsflow.test', account: accountId, time: '2024-01-01T00:00:00Z', region, resources, detail };
}

describe('an execution input the engine cannot take', () => {
  it('10,000 levels deep: PayloadTooDeep in one line, nothing started', async () => {
    const engine = await createEngine({ workflows: [workflow('scheduled', 'Scheduled')] });

    const run = engine.run('scheduled', nested(10_000));

    await expect(run).rejects.toThrow(PayloadTooDeep);
    await expect(run).rejects.toThrow(/^the execution input nests deeper than 1000 levels, which the local engine does not take$/);
    expect(engine.executions).toEqual([]);
  });

  it('cyclic: PayloadNotJson', async () => {
    const engine = await createEngine({ workflows: [workflow('scheduled', 'Scheduled')] });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.again = [cyclic];

    await expect(engine.run('scheduled', cyclic)).rejects.toThrow(new PayloadNotJson('the execution input is not JSON: it holds a cycle'));
  });

  it('a huge array: refused as over the quota, without serializing it', async () => {
    const engine = await createEngine({ workflows: [workflow('scheduled', 'Scheduled')] });
    const started = performance.now();

    await expect(engine.run('scheduled', { items: new Array<number>(10_000_000).fill(1) })).rejects.toThrow(ValidationException);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('nesting the engine cannot take, inside an execution', () => {
  it("a Lambda result: the execution fails with PayloadTooDeep, which the Task's Catch of States.ALL does not see", async () => {
    const deep = fakeFunction(async () => nested(10_000));
    const engine = await createEngine({ workflows: [workflow('big-result-legacy', 'BigResultLegacy')], functions: { big: deep } });

    const record = await engine.run('big-result-legacy', {});

    expect(record).toMatchObject({
      status: 'FAILED',
      error: 'PayloadTooDeep',
      cause: 'the result of function big nests deeper than 1000 levels, which the local engine does not take',
    });
    expect(record.states.map((state) => state.name)).toEqual(['Fetch']);
  });

  it("a child execution's input text: the parent fails with PayloadTooDeep and no child starts", async () => {
    const engine = await createEngine({ workflows: [workflow('parent-named', 'Parent'), workflow('child', 'ChildMachine')] });

    const record = await engine.run('parent-named', { name: 'deep-child', input: nestedText(10_000) });

    expect(record).toMatchObject({ status: 'FAILED', error: 'PayloadTooDeep', cause: 'the execution input nests deeper than 1000 levels, which the local engine does not take' });
    expect(engine.executions.map((execution) => execution.workflow)).toEqual(['parent-named']);
  });

  it('a PutEvents Detail built from deep input: the Task fails before anything is put', async () => {
    const account = fakeAccount();
    const engine = await createEngine({ workflows: [workflow('deep-emitter', 'DeepEmitter'), listener], target: account });

    const record = await engine.run('deep-emitter', { detail: nested(998) });

    expect(record).toMatchObject({ status: 'FAILED', error: 'PayloadTooDeep', cause: 'the input of state Announce nests deeper than 1000 levels, which the local engine does not take' });
    expect(account.calls).toEqual([]);
  });

  it('a PutEvents Detail sent as deep JSON text: the event is dropped from the bus with a warning, as EventBridge would not process it', async () => {
    const account = fakeAccount();
    const engine = await createEngine({ workflows: [workflow('deep-emitter', 'DeepEmitter'), listener], target: account });

    const record = await engine.run('deep-emitter', { detail: nestedText(10_000) });

    expect(record.status).toBe('SUCCEEDED');
    expect(engine.executions.map((execution) => execution.workflow)).toEqual(['deep-emitter']);
    expect(engine.warnings.map((warning) => warning.message)).toEqual([
      `dropped Thing Happened from opsflow.test (event id ${account.published[0]?.id}): the event nests deeper than 1000 levels, which the local engine does not take`,
    ]);
  });
});

describe('events entering the local bus', () => {
  it('refuses an event over the PutEvents limit, computed as EventBridge computes an entry', async () => {
    const engine = await createEngine({ workflows: [listener] });
    const envelope = busEvent({ thing: '' }, ['arn:aws:ec2:eu-west-1:123456789012:instance/i-1']);
    // Time 14, Source, DetailType, the Detail's JSON text and each resource, in UTF-8 bytes.
    const overhead = 14 + 'opsflow.test'.length + 'Thing Happened'.length + JSON.stringify({ thing: '' }).length + envelope.resources[0]!.length;
    const sized = (bytes: number) => busEvent({ thing: 'é'.repeat((bytes - overhead) / 2) }, envelope.resources);

    await expect(engine.send(sized(maxPutEventsBytes + 2))).rejects.toThrow(new ValidationException('Total size of the entries in the request is over the limit.'));
    expect(engine.executions).toEqual([]);

    // Within the bus limit, but over Step Functions' input quota: the rule's target cannot start.
    await expect(engine.send(sized(maxPutEventsBytes))).rejects.toThrow(/^1 validation error detected: Value at 'input' failed to satisfy constraint/);
    const fits = await engine.send(sized(200_000));
    expect(fits.map((execution) => execution.status)).toEqual(['SUCCEEDED']);
  });

  it('refuses an event too deep for the engine, or not JSON', async () => {
    const engine = await createEngine({ workflows: [listener] });

    await expect(engine.send(busEvent(nested(1000)))).rejects.toThrow(new PayloadTooDeep('the event nests deeper than 1000 levels, which the local engine does not take'));
    await expect(engine.send(busEvent({ count: 10n }))).rejects.toThrow(PayloadNotJson);
  });
});

describe('the sandbox PutEvents', () => {
  const entry = (detailBytes: number) => ({ Source: 'opsflow.test', DetailType: 'Thing Happened', Detail: JSON.stringify({ p: 'x'.repeat(detailBytes - 8) }) });

  it('takes a request whose entries total 1 MiB, and refuses one byte more as EventBridge does', async () => {
    const { eventBridge, account } = sandbox();
    const heard: unknown[] = [];
    account.onEvent((event) => heard.push(event));
    const half = (maxPutEventsBytes - 2 * 26) / 2;

    const accepted = await eventBridge.send(new PutEventsCommand({ Entries: [entry(half), entry(half)] }));
    expect(accepted.FailedEntryCount).toBe(0);

    const refused = await rejection(eventBridge.send(new PutEventsCommand({ Entries: [entry(half), entry(half + 1)] })));
    expect(refused).toBeInstanceOf(EventBridgeServiceException);
    expect(refused).toMatchObject({ name: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
    expect(heard).toHaveLength(2);
  });

  it('fails an entry whose Detail nests deeper than 1000 levels (EventBridge "will only process nested JSON up to 1000 levels deep")', async () => {
    const { eventBridge, account } = sandbox();
    const heard: unknown[] = [];
    account.onEvent((event) => heard.push(event));

    const result = await eventBridge.send(new PutEventsCommand({ Entries: [{ Source: 'opsflow.test', DetailType: 'Thing Happened', Detail: nestedText(10_000) }] }));

    expect(result).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] });
    expect(heard).toEqual([]);
  });
});
