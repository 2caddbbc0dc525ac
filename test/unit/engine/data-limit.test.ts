import { describe, expect, it } from 'vitest';
import { ValidationException } from '../../../engine/errors.ts';
import { maxPayloadBytes } from '../../../engine/limits.ts';
import { accountId, createEngine, deferred, fakeFunction, region, stage, workflow } from '../../fixtures/engine/harness.ts';

/** Step Functions' payload quota through the engine: 262,144 UTF-8 bytes per task result, state input and output. */

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const resultCause = (subject: string): string =>
  `The state/task '${subject}' returned a result with a size exceeding the maximum number of bytes service limit.`;

/** Returns a string of `size` x characters. */
const big = fakeFunction(async (event) => 'x'.repeat((event as { size: number }).size));

describe('a Task result over the quota', () => {
  it('fails the task with States.DataLimitExceeded, which a Catch of that name catches, naming the integration', async () => {
    const engine = await createEngine({ workflows: [workflow('big-result', 'BigResult')], functions: { big } });

    const record = await engine.run('big-result', { size: 300_000 });

    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ size: 300_000, tooLarge: { Error: 'States.DataLimitExceeded', Cause: resultCause('lambda') } });
    expect(record.states.map(({ name, status, error }) => ({ name, status, error }))).toEqual([
      { name: 'Fetch', status: 'caught', error: 'States.DataLimitExceeded' },
      { name: 'TooLarge', status: 'succeeded', error: undefined },
    ]);
  });

  it('is measured before ResultSelector: a large result fails even when what is kept is small', async () => {
    const engine = await createEngine({ workflows: [workflow('big-result', 'BigResult')], functions: { big } });

    const within = await engine.run('big-result', { size: 200_000 });
    const over = await engine.run('big-result', { size: maxPayloadBytes });

    expect(within.output).toEqual({ length: 200_001 });
    expect(over.states.map((state) => state.name)).toEqual(['Fetch', 'TooLarge']);
  });

  it('names the function ARN for a Lambda resource, and States.ALL catches it (as recorded against AWS)', async () => {
    const engine = await createEngine({ workflows: [workflow('big-result-legacy', 'BigResultLegacy')], functions: { big } });

    const record = await engine.run('big-result-legacy', { size: 300_000 });

    const functionArn = `arn:aws:lambda:${region}:${accountId}:function:opsflow-${stage}-big`;
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ size: 300_000, caught: { Error: 'States.DataLimitExceeded', Cause: resultCause(functionArn) } });
  });
});

describe('a state output over the quota', () => {
  const grow = workflow('big-output', 'BigOutput');
  const pad = 'p'.repeat(1000);
  // Grow outputs {"blob":…,"pad":…,"again":…}: its input with the pad once more.
  const inputOf = (outputBytes: number): { blob: string; pad: string } => ({ blob: 'x'.repeat(outputBytes - bytes({ blob: '', pad, again: pad })), pad });

  it('takes an output of exactly 262,144 bytes', async () => {
    const engine = await createEngine({ workflows: [grow] });
    const input = inputOf(maxPayloadBytes);
    expect(bytes({ ...input, again: pad })).toBe(maxPayloadBytes);

    const record = await engine.run('big-output', input);

    expect(record).toMatchObject({ status: 'SUCCEEDED', output: { padLength: 1001 } });
  });

  it('ends the execution one byte over, past the Parallel state\'s Catch of States.ALL', async () => {
    const engine = await createEngine({ workflows: [grow] });

    const record = await engine.run('big-output', inputOf(maxPayloadBytes + 1));

    expect(record).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: resultCause('Grow') });
    expect(record.states.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'Split', status: 'failed' },
      { name: 'Grow', status: 'entered' },
    ]);
  });

  it('counts UTF-8 bytes, not characters', async () => {
    const engine = await createEngine({ workflows: [grow] });
    const input = { blob: 'x'.repeat(130_000), pad: 'é'.repeat(50_000) };
    expect(JSON.stringify({ ...input, again: input.pad }).length).toBeLessThan(maxPayloadBytes);

    const record = await engine.run('big-output', input);

    expect(record).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });
});

describe('a state input over the quota', () => {
  const echo = fakeFunction(async (event) => event);

  it("ends the execution when a Task's Parameters grow past it, before anything is sent", async () => {
    let invoked = 0;
    const counting = fakeFunction(async (event) => {
      invoked += 1;
      return event;
    });
    const engine = await createEngine({ workflows: [workflow('big-parameters', 'BigParameters')], functions: { echo: counting } });

    const record = await engine.run('big-parameters', { blob: 'x'.repeat(140_000) });

    expect(record).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: "The state/task 'Send' received an input with a size exceeding the maximum number of bytes service limit.",
    });
    expect(invoked).toBe(0);
    expect(record.states.map((state) => state.name)).toEqual(['Send']);
  });

  it('sends Parameters within the quota', async () => {
    const engine = await createEngine({ workflows: [workflow('big-parameters', 'BigParameters')], functions: { echo } });

    const record = await engine.run('big-parameters', { blob: 'x'.repeat(100_000) });

    expect(record.status).toBe('SUCCEEDED');
  });

  it("ends the execution when a Map's ItemSelector builds an iteration input past it", async () => {
    const engine = await createEngine({ workflows: [workflow('map-select', 'MapSelect')] });

    const record = await engine.run('map-select', { items: [1, 2], blob: 'x'.repeat(140_000) });

    expect(record).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause: "The state/task 'Look' received an input with a size exceeding the maximum number of bytes service limit.",
    });
    expect(record.output).toBeUndefined();
  });

  it('refuses an execution input over the quota as StartExecution does, starting nothing', async () => {
    const engine = await createEngine({ workflows: [workflow('scheduled', 'Scheduled')] });

    const run = engine.run('scheduled', { blob: 'x'.repeat(maxPayloadBytes) });

    await expect(run).rejects.toThrow(ValidationException);
    await expect(run).rejects.toThrow(
      "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
    );
    expect(engine.executions).toEqual([]);
  });
});

describe('a task token answered with too much', () => {
  it('refuses the answer as SendTaskSuccess does and leaves the task waiting for a right one', async () => {
    const opened = deferred<string>();
    const notify = fakeFunction(async (event) => {
      opened.resolve((event as { token: string }).token);
      return {};
    });
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });
    const { done } = engine.start('approval', { change: 'swap' });
    const token = await opened.promise;

    expect(() => engine.sendTaskSuccess(token, { blob: 'x'.repeat(maxPayloadBytes) })).toThrow(ValidationException);
    expect(engine.pendingTaskTokens().map((task) => task.token)).toEqual([token]);
    engine.sendTaskSuccess(token, { approved: true });

    expect(await done).toMatchObject({ status: 'SUCCEEDED' });
  });
});
