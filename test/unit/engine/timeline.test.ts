import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../engine/clock.ts';
import type { Engine } from '../../../engine/engine.ts';
import { InvalidClockUse, UnsupportedConstruct } from '../../../engine/errors.ts';
import { retryDelaySeconds } from '../../../engine/executor.ts';
import { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../../engine/target.ts';
import { OpsflowError } from '../../../handlers/shared/errors.ts';
import { createEngine, fakeFunction, Queue, workflow } from '../../fixtures/engine/harness.ts';

const START = '2025-03-01T00:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(START) + seconds * 1000).toISOString();
const leaderArn = 'arn:aws:states:eu-west-1:123456789012:execution:opsflow-test-Leader:the-leader';

class NotYet extends OpsflowError {
  override readonly name = 'NotYet';
}

/** A `mark` function that records, in the order they run, which execution ran it at what clock time; it fails NotYet `failures` times per label. */
function marker(engine: () => Engine) {
  const marks: { label: string; at: string }[] = [];
  const mark = fakeFunction(async (event) => {
    const { label, failures } = event as { label: string; failures: number };
    marks.push({ label, at: engine().clock.now().toISOString() });
    if (marks.filter((entry) => entry.label === label).length <= failures) throw new NotYet(`${label} is not ready`);
    return {};
  });
  return { marks, mark };
}

describe('one clock for the whole engine', () => {
  it('lets a follower polling another execution see it end at its own finish time, not earlier nor later than its next poll', async () => {
    const engine = await createEngine({ workflows: [workflow('leader', 'Leader'), workflow('follower', 'Follower')], clock: Clock.simulated(START) });

    const leader = engine.start('leader', {}, { name: 'the-leader' });
    const follower = engine.start('follower', { leaderArn });
    const [led, followed] = await Promise.all([leader.done, follower.done]);

    expect(led).toMatchObject({ status: 'SUCCEEDED', startDate: at(0), stopDate: at(100), simulatedSeconds: 100 });
    // Polled at 0, 30, 60 and 90 s (RUNNING), then at 120 s: SUCCEEDED since 100 s.
    expect(followed).toMatchObject({ status: 'SUCCEEDED', stopDate: at(120), simulatedSeconds: 120 });
    expect(followed.output).toEqual({ seenAt: at(120), leaderStopped: at(100) });
    expect(followed.states.filter((state) => state.name === 'Describe').map((state) => state.enteredAt)).toEqual([0, 30, 60, 90, 120].map(at));
  });

  it('fires Waits and retry intervals of executions running at once in time order, with the backoff Step Functions computes', async () => {
    const { marks, mark } = marker(() => engine);
    const engine = await createEngine({ workflows: [workflow('timeline', 'Timeline')], functions: { mark }, clock: Clock.simulated(START) });

    const records = await Promise.all([
      engine.run('timeline', { label: 'A', wait: 30, failures: 0 }),
      engine.run('timeline', { label: 'B', wait: 0, failures: 2 }),
      engine.run('timeline', { label: 'C', wait: 20, failures: 0 }),
    ]);

    // B's retries wait 10 s, then 20 s capped to MaxDelaySeconds 15. Marks are listed in the order they ran.
    expect(marks).toEqual([
      { label: 'B', at: at(0) },
      { label: 'B', at: at(10) },
      { label: 'C', at: at(20) },
      { label: 'B', at: at(25) },
      { label: 'A', at: at(30) },
    ]);
    expect(records.map((record) => [record.status, record.simulatedSeconds])).toEqual([
      ['SUCCEEDED', 30],
      ['SUCCEEDED', 25],
      ['SUCCEEDED', 20],
    ]);
    expect(records[1]?.states.find((state) => state.name === 'Mark')).toMatchObject({ retries: 2, enteredAt: at(0), exitedAt: at(25) });
  });

  it('times a Task out at its TimeoutSeconds while it waits for a child, as States.Timeout that States.TaskFailed does not catch; the child runs on', async () => {
    const engine = await createEngine({ workflows: [workflow('slow-parent', 'SlowParent'), workflow('leader', 'Leader')], clock: Clock.simulated(START) });

    const parent = await engine.run('slow-parent', {});

    expect(parent).toMatchObject({ status: 'SUCCEEDED', output: { at: at(60), error: 'States.Timeout' }, stopDate: at(60) });
    expect(parent.states.map((state) => state.name)).toEqual(['RunLeader', 'TimedOut']);
    const child = engine.executions.find((execution) => execution.workflow === 'leader');
    expect(child).toMatchObject({ status: 'SUCCEEDED', startDate: at(0), stopDate: at(100) });
  });

  it('gives $$.State.EnteredTime, $$.Execution.StartTime and the records the clock time', async () => {
    const engine = await createEngine({ workflows: [workflow('entered-time', 'EnteredTime')], clock: Clock.simulated(START) });
    await engine.advanceTime(5);

    const record = await engine.run('entered-time', {});

    expect(record.output).toEqual({ start: { startTime: at(5), enteredTime: at(5) }, look: { startTime: at(5), enteredTime: at(47) } });
    expect(record.states.map(({ name, enteredAt, exitedAt }) => ({ name, enteredAt, exitedAt }))).toEqual([
      { name: 'Start', enteredAt: at(5), exitedAt: at(5) },
      { name: 'Hold', enteredAt: at(5), exitedAt: at(47) },
      { name: 'Look', enteredAt: at(47), exitedAt: at(47) },
    ]);
    expect(record).toMatchObject({ startDate: at(5), stopDate: at(47), simulatedSeconds: 42 });
  });

  it("keeps $$.State.EnteredTime at the state's entry on the clock across retries, which are not entries, while RetryCount counts them", async () => {
    const attempts: { enteredTime: string; retryCount: number; at: string }[] = [];
    const flaky = fakeFunction(async (event) => {
      const seen = event as { enteredTime: string; retryCount: number };
      attempts.push({ ...seen, at: engine.clock.now().toISOString() });
      if (seen.retryCount < 2) throw new NotYet(`attempt ${seen.retryCount + 1}`);
      return {};
    });
    const engine = await createEngine({
      workflows: [workflow('wait-short', 'WaitShort')],
      functions: { flaky },
      clock: Clock.simulated(START),
      loadDefinition: async () => ({
        StartAt: 'Hold',
        States: {
          Hold: { Type: 'Wait', Seconds: 5, Next: 'Flaky' },
          Flaky: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: '${flaky}', Payload: { 'enteredTime.$': '$$.State.EnteredTime', 'retryCount.$': '$$.State.RetryCount' } },
            TimeoutSeconds: 30,
            Retry: [{ ErrorEquals: ['NotYet'], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 2 }],
            End: true,
          },
        },
      }),
    });

    const record = await engine.run('wait-short', {});

    expect(record.status).toBe('SUCCEEDED');
    // Entered at 5 s; retried after 10 s and 20 s on the clock.
    expect(attempts).toEqual([
      { enteredTime: at(5), retryCount: 0, at: at(5) },
      { enteredTime: at(5), retryCount: 1, at: at(15) },
      { enteredTime: at(5), retryCount: 2, at: at(35) },
    ]);
    expect(record.states.find((state) => state.name === 'Flaky')).toMatchObject({ enteredAt: at(5), exitedAt: at(35), retries: 2 });
  });

  it('does not move while a task does real work, however long it takes', async () => {
    const order: string[] = [];
    const now = (): string => engine.clock.now().toISOString();
    const slow = fakeFunction(async () => {
      await sleep(150);
      order.push(`slow work done at ${now()}`);
      return {};
    });
    const mark = fakeFunction(async () => {
      order.push(`mark at ${now()}`);
      return {};
    });
    const engine = await createEngine({
      workflows: [workflow('timeline', 'Timeline'), workflow('wait-short', 'WaitShort')],
      functions: { mark, flaky: slow },
      clock: Clock.simulated(START),
    });

    const [waited, worked] = await Promise.all([engine.run('timeline', { label: 'W', wait: 10, failures: 0 }), engine.run('wait-short', {})]);

    // wait-short waits 1 s, then its function works for 150 ms of real time. No simulated time passes meanwhile,
    // so the other execution's 10 s Wait ends only after that work.
    expect(order).toEqual([`slow work done at ${at(1)}`, `mark at ${at(10)}`]);
    expect(worked.simulatedSeconds).toBe(1);
    expect(waited.simulatedSeconds).toBe(10);
  });

  it('never lets the clock pass a waiting task\'s timeout by itself, even for other executions\' Waits', async () => {
    const tokens = new Queue<string>();
    const notify = fakeFunction(async (event) => {
      tokens.push((event as { token: string }).token);
      return {};
    });
    const { mark } = marker(() => engine);
    const engine = await createEngine({
      workflows: [workflow('approval', 'Approval'), workflow('timeline', 'Timeline'), workflow('wait-path', 'Waits')],
      functions: { notify, mark },
      clock: Clock.simulated(START),
    });

    const asking = engine.start('approval', { change: 'failover' });
    const token = await tokens.next();
    const short = await engine.run('timeline', { label: 'short', wait: 100, failures: 0 });
    const long = engine.start('wait-path', { delay: 0, inner: {} });
    await engine.advanceTime(0);

    // The approval times out at 300 s unless someone answers first: the clock stops short of that moment.
    expect(short.stopDate).toBe(at(100));
    expect(engine.clock.now().toISOString()).toBe(at(100));
    expect(engine.executions.map((execution) => execution.status)).toEqual(['RUNNING', 'SUCCEEDED', 'RUNNING']);

    engine.willNotAnswer();
    const [timedOut, waited] = await Promise.all([asking.done, long.done]);
    expect(timedOut).toMatchObject({ status: 'FAILED', error: 'States.Timeout', stopDate: at(300) });
    expect(waited).toMatchObject({ status: 'SUCCEEDED', startDate: at(100), stopDate: at(100 + 3600 + 1) });
    expect(() => engine.sendTaskSuccess(token, {})).toThrow('timed out');
  });

  it('lets executions run up to a waiting task\'s timeout, and an answer at that moment wins', async () => {
    const tokens = new Queue<string>();
    const notify = fakeFunction(async (event) => {
      tokens.push((event as { token: string }).token);
      return {};
    });
    const { mark } = marker(() => engine);
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval'), workflow('timeline', 'Timeline')], functions: { notify, mark }, clock: Clock.simulated(START) });

    const asking = engine.start('approval', { change: 'failover' });
    const token = await tokens.next();
    const before = await engine.run('timeline', { label: 'early', wait: 299, failures: 0 });
    engine.sendTaskSuccess(token, { approvedBy: 'operator' });

    expect(before.stopDate).toBe(at(299));
    expect(await asking.done).toMatchObject({ status: 'SUCCEEDED', stopDate: at(299) });
  });
});

describe('JitterStrategy FULL', () => {
  it('draws each retry interval between 0 and the computed backoff, which MaxDelaySeconds caps', () => {
    const retrier = { IntervalSeconds: 4, BackoffRate: 3, MaxDelaySeconds: 20, JitterStrategy: 'FULL' };
    const draws = [0, 0.5, 0.999];
    const delays = draws.map((draw, index) => retryDelaySeconds(retrier, index + 1, () => draw));
    expect(delays).toEqual([0, 6, 19.98]);
    expect(retryDelaySeconds({ ...retrier, JitterStrategy: 'NONE' }, 2, () => 0)).toBe(12);
    expect(retryDelaySeconds({}, 3, () => 0)).toBe(4);
  });

  it('retries a Task after a seeded draw on the clock', async () => {
    const run = async (randomSeed: number) => {
      let calls = 0;
      const flaky = fakeFunction(async () => {
        calls += 1;
        if (calls === 1) throw new RangeError('first call fails');
        return { calls };
      });
      const jittered = workflow('wait-short', 'WaitShort');
      const engine = await createEngine({
        workflows: [jittered],
        functions: { flaky },
        randomSeed,
        clock: Clock.simulated(START),
        loadDefinition: async () => ({
          StartAt: 'Flaky',
          States: {
            Flaky: {
              Type: 'Task',
              Resource: '${flaky}',
              TimeoutSeconds: 30,
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 100, MaxAttempts: 1, JitterStrategy: 'FULL' }],
              End: true,
            },
          },
        }),
      });
      return (await engine.run('wait-short', {})).simulatedSeconds;
    };
    const [first, again, other] = [await run(7), await run(7), await run(8)];
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(100);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});

describe('the engine and its account', () => {
  it('shares its sandbox\'s clock, and refuses another one', async () => {
    const sandbox = SandboxAccount.fromSeed({});
    await expect(createEngine({ workflows: [], target: sandboxTarget(sandbox), clock: Clock.simulated() })).rejects.toThrow(InvalidClockUse);
    await expect(createEngine({ workflows: [], target: sandboxTarget(sandbox), realTime: true })).rejects.toThrow(/realTime needs a real-time clock/);
    const shared = await createEngine({ workflows: [], target: sandboxTarget(sandbox) });
    expect(shared.clock).toBe(sandbox.clock);
  });
});

describe('timers the engine cannot keep as Step Functions does', () => {
  it('refuses Retry on a Parallel or Map state, and TimeoutSecondsPath, with one line', async () => {
    await expect(createEngine({ workflows: [workflow('retry-parallel', 'RetryParallel')] })).rejects.toThrow(
      new UnsupportedConstruct('retry-parallel: state Both: Retry on a Parallel state is not run by the local engine (its intervals would not be kept); retry the Tasks inside it'),
    );
    const withPath = workflow('wait-short', 'WaitShort');
    await expect(
      createEngine({
        workflows: [withPath],
        functions: { flaky: fakeFunction(async () => ({})) },
        loadDefinition: async () => ({ StartAt: 'Flaky', States: { Flaky: { Type: 'Task', Resource: '${flaky}', TimeoutSecondsPath: '$.timeout', End: true } } }),
      }),
    ).rejects.toThrow(
      new UnsupportedConstruct('wait-short: state Flaky: TimeoutSecondsPath is not run by the local engine (its task timers are kept on the engine clock from TimeoutSeconds); write TimeoutSeconds'),
    );
  });
});
