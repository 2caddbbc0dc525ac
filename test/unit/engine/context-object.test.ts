import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct } from '../../../engine/errors.ts';
import type { JsonObject } from '../../../workflows/types.ts';
import { accountId, createEngine, fakeFunction, loadFixture, region, workflow } from '../../fixtures/engine/harness.ts';

/** Every field AWS documents for the context object, as a state of each kind reads it. */

const contextFields = workflow('context-fields', 'ContextFields');
const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

class NotYet extends Error {
  override readonly name = 'NotYet';
}

/** Fails until its third attempt, then returns what it was given. */
const flaky = fakeFunction(async (event) => {
  const payload = event as { retryCount: number; state: string };
  if (payload.retryCount < 2) throw new NotYet(`attempt ${payload.retryCount + 1}`);
  return payload;
});

async function run(input: Record<string, unknown>) {
  const engine = await createEngine({ workflows: [contextFields], functions: { flaky } });
  return engine.run('context-fields', input, { name: 'ctx-fields' });
}

describe('the context object', () => {
  it('$$.Execution, $$.State and $$.StateMachine in a Pass state', async () => {
    const input = { case: 'describe', items: [] };

    const record = await run(input);

    expect(record.status).toBe('SUCCEEDED');
    const { context } = record.output as { context: { execution: JsonObject; state: JsonObject; stateMachine: JsonObject } };
    expect(context.execution).toEqual({
      id: `arn:aws:states:${region}:${accountId}:execution:opsflow-test-ContextFields:ctx-fields`,
      input,
      name: 'ctx-fields',
      roleArn: `arn:aws:iam::${accountId}:role/opsflow-test-ContextFields`,
      startTime: record.startDate,
      redriveCount: 0,
    });
    expect(context.state).toEqual({ name: 'Describe', enteredTime: expect.stringMatching(isoTime), retryCount: 0 });
    expect(Date.parse(String(context.state.enteredTime))).toBeGreaterThanOrEqual(Date.parse(record.startDate));
    expect(context.stateMachine).toEqual({ id: `arn:aws:states:${region}:${accountId}:stateMachine:opsflow-test-ContextFields`, name: 'opsflow-test-ContextFields' });
  });

  it('$$.State.RetryCount counts the retries of the state being run', async () => {
    const record = await run({ case: 'describe', items: [] });

    expect((record.output as { flaky: unknown }).flaky).toEqual({ retryCount: 2, state: 'Flaky' });
    expect(record.states.find((state) => state.name === 'Flaky')?.retries).toBe(2);
  });

  it("$$.Map.Item.Index and $$.Map.Item.Value in ItemSelector, and each iteration's own $$.State", async () => {
    const record = await run({ case: 'describe', items: ['a', { b: 1 }] });

    expect((record.output as { items: unknown }).items).toEqual([
      { got: { index: 0, value: 'a', mapState: 'Items' }, state: 'Inner', executionName: 'ctx-fields' },
      { got: { index: 1, value: { b: 1 }, mapState: 'Items' }, state: 'Inner', executionName: 'ctx-fields' },
    ]);
  });

  it('$$.Execution.RedriveTime exists only for a redriven execution: States.Runtime', async () => {
    const record = await run({ case: 'redriveTime' });

    expect(record).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(record.cause).toBe("Path expression '$$.Execution.RedriveTime' does not point to a value");
  });

  it('$$.Task is null outside a Task state: $$.Task.Token there is States.Runtime', async () => {
    const record = await run({ case: 'tokenOutsideTask' });

    expect(record).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: "Path expression '$$.Task.Token' does not point to a value" });
  });

  it.each([['Key'], ['Source']])('$$.Map.Item.%s exists only in a Distributed Map: the engine refuses to build', async (field) => {
    const definition = (await loadFixture(contextFields)) as JsonObject & { States: Record<string, JsonObject> };
    definition.States.Items = { ...definition.States.Items, ItemSelector: { [`${field.toLowerCase()}.$`]: `$$.Map.Item.${field}` } };

    const build = createEngine({ workflows: [contextFields], functions: { flaky }, loadDefinition: async () => definition });

    await expect(build).rejects.toThrow(
      new UnsupportedConstruct(`context-fields: state Items: $$.Map.Item.${field} exists only in a Distributed Map, which the local engine does not run`),
    );
  });
});
