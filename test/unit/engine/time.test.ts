import { describe, expect, it } from 'vitest';
import { createEngine, fakeFunction, workflow } from '../../fixtures/engine/harness.ts';

const waits = workflow('wait-path', 'Waits');

describe('simulated time', () => {
  it('waits Wait seconds (SecondsPath evaluated on the input) on the simulated clock, not in real time', async () => {
    const engine = await createEngine({ workflows: [waits] });

    const record = await engine.run('wait-path', { delay: 86_400, inner: { kept: true } });

    expect(record.status).toBe('SUCCEEDED');
    expect(record.simulatedSeconds).toBe(86_400 + 3600 + 1);
    expect(record.states.map(({ name, type, status }) => ({ name, type, status }))).toEqual([
      { name: 'Poll', type: 'Wait', status: 'succeeded' },
      { name: 'Settle', type: 'Wait', status: 'succeeded' },
      { name: 'Narrow', type: 'Wait', status: 'succeeded' },
    ]);
    // A Wait outputs its effective input (after InputPath).
    expect(record.output).toEqual({ kept: true });
  });

  it.each([['soon'], [-5], [1.5]])('fails with States.Runtime when SecondsPath gives %j, as Step Functions does', async (delay) => {
    const engine = await createEngine({ workflows: [waits] });

    const record = await engine.run('wait-path', { delay, inner: {} });

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('States.Runtime');
    expect(record.simulatedSeconds).toBe(0);
    expect(record.states.map((state) => state.name)).toEqual(['Poll']);
  });

  it('fails with States.Runtime when SecondsPath points at nothing', async () => {
    const engine = await createEngine({ workflows: [waits] });

    const record = await engine.run('wait-path', { inner: {} });

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('States.Runtime');
  });

  it('with realTime, waits and retries for real on the same scheduler and records no simulated time', async () => {
    let calls = 0;
    const flaky = fakeFunction(async () => {
      calls += 1;
      if (calls === 1) throw new RangeError('first call fails');
      return { calls };
    });
    const engine = await createEngine({ workflows: [workflow('wait-short', 'WaitShort')], functions: { flaky }, realTime: true });

    const began = Date.now();
    const record = await engine.run('wait-short', {});

    // The 1 s Wait and the 1 s retry interval, in real time, on the records too.
    expect(Date.now() - began).toBeGreaterThanOrEqual(1950);
    expect(Date.parse(record.stopDate ?? '') - Date.parse(record.startDate)).toBeGreaterThanOrEqual(1950);
    expect(record).toMatchObject({ status: 'SUCCEEDED', output: { calls: 2 }, simulatedSeconds: 0 });
    expect(record.states.map(({ name, type, retries }) => ({ name, type, retries }))).toEqual([
      { name: 'Pause', type: 'Wait', retries: 0 },
      { name: 'Flaky', type: 'Task', retries: 1 },
    ]);
  });

  it('reports each state as it goes to onStateEvent', async () => {
    const seen: string[] = [];
    const engine = await createEngine({
      workflows: [waits],
      onStateEvent: (execution, event) => seen.push(`${execution.workflow} ${event.type} ${event.state.name} ${event.state.type}`),
    });

    await engine.run('wait-path', { delay: 1, inner: {} });

    expect(seen).toEqual(
      ['Poll', 'Settle', 'Narrow'].flatMap((name) => [`wait-path entered ${name} Wait`, `wait-path exited ${name} Wait`]),
    );
  });
});
