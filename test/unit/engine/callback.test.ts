import { describe, expect, it } from 'vitest';
import { TaskDoesNotExist, TaskTimedOut } from '../../../engine/errors.ts';
import { createEngine, fakeFunction, Queue, workflow } from '../../fixtures/engine/harness.ts';

/** A notify function that hands the test every token it is sent. */
function notifier() {
  const tokens = new Queue<string>();
  const notify = fakeFunction(async (event) => {
    tokens.push((event as { token: string }).token);
    return { notified: true };
  });
  return { tokens, notify };
}

describe('.waitForTaskToken', () => {
  it('sends the request, lists the open token and resumes with the output sent for it', async () => {
    const { tokens, notify } = notifier();
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });

    const { executionArn, done } = engine.start('approval', { change: 'failover' });
    const token = await tokens.next();

    expect(engine.pendingTaskTokens()).toEqual([
      expect.objectContaining({
        token,
        executionArn,
        workflow: 'approval',
        stateName: 'AskApproval',
        resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        request: { FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:opsflow-test-notify', Payload: { token, change: 'failover' } },
        timeoutSeconds: 300,
      }),
    ]);
    engine.sendTaskSuccess(token, { approvedBy: 'operator' });
    const record = await done;

    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ change: 'failover', approval: { approvedBy: 'operator' } });
    expect(engine.pendingTaskTokens()).toEqual([]);
    expect(() => engine.sendTaskSuccess(token, {})).toThrow(TaskDoesNotExist);
  });

  it('fails the task with the error sent, which Catch routes by name', async () => {
    const { tokens, notify } = notifier();
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });

    const { done } = engine.start('approval', { change: 'failback' });
    engine.sendTaskFailure(await tokens.next(), 'Denied', 'not during business hours');
    const record = await done;

    expect(record.output).toEqual({ change: 'failback', denial: { Error: 'Denied', Cause: 'not during business hours' } });
    expect(record.states.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'AskApproval', status: 'caught' },
      { name: 'Rejected', status: 'succeeded' },
    ]);
  });

  it('gives each retry attempt a fresh token', async () => {
    const { tokens, notify } = notifier();
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });

    const { done } = engine.start('approval', { change: 'resize' });
    const first = await tokens.next();
    engine.sendTaskFailure(first, 'TryAgain');
    const second = await tokens.next();
    engine.sendTaskSuccess(second, 'ok');
    const record = await done;

    expect(second).not.toBe(first);
    expect(record.status).toBe('SUCCEEDED');
    expect(record.states[0]).toMatchObject({ name: 'AskApproval', status: 'succeeded', retries: 1 });
    expect(() => engine.sendTaskSuccess(first, 'late')).toThrow(TaskDoesNotExist);
  });

  it('refuses a token it never issued', async () => {
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify: notifier().notify } });

    expect(() => engine.sendTaskSuccess('not-a-token', {})).toThrow(TaskDoesNotExist);
    expect(() => engine.sendTaskFailure('not-a-token', 'Denied')).toThrow(TaskDoesNotExist);
    expect(() => engine.sendTaskHeartbeat('not-a-token')).toThrow(TaskDoesNotExist);
  });

  it('fails the task with States.HeartbeatTimeout when no heartbeat comes within HeartbeatSeconds, once told nobody will answer', async () => {
    const { tokens, notify } = notifier();
    const engine = await createEngine({ workflows: [workflow('approval-heartbeat', 'Heartbeat')], functions: { notify } });

    const { executionArn, done } = engine.start('approval-heartbeat', {});
    const token = await tokens.next();
    await engine.advanceTime(0);
    // Someone may still answer: the clock stands still at the heartbeat deadline.
    expect(engine.executions.find((execution) => execution.executionArn === executionArn)?.status).toBe('RUNNING');
    expect(engine.pendingTaskTokens().map((pending) => pending.token)).toEqual([token]);

    engine.willNotAnswer(token);
    const record = await done;

    expect(record.output).toEqual({ timeout: { Error: 'States.HeartbeatTimeout', Cause: expect.any(String) } });
    expect(record.simulatedSeconds).toBe(1);
    expect(engine.pendingTaskTokens()).toEqual([]);
    expect(() => engine.sendTaskSuccess(token, {})).toThrow('timed out');
  });

  it('keeps the task open as long as heartbeats come, each one giving it HeartbeatSeconds more', async () => {
    const { tokens, notify } = notifier();
    const engine = await createEngine({ workflows: [workflow('approval-heartbeat', 'Heartbeat')], functions: { notify } });
    const started = engine.clock.millis();

    const { done } = engine.start('approval-heartbeat', {});
    const token = await tokens.next();
    await engine.advanceTime(0.5);
    engine.sendTaskHeartbeat(token);
    await engine.advanceTime(0.9);
    engine.sendTaskSuccess(token, { approvedBy: 'operator' });
    const record = await done;

    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ approvedBy: 'operator' });
    expect(engine.clock.millis() - started).toBe(1400);
  });

  it('fails the task with States.Timeout after TimeoutSeconds, which States.TaskFailed does not catch, when the clock is advanced past it', async () => {
    const { tokens, notify } = notifier();
    const engine = await createEngine({ workflows: [workflow('approval-timeout', 'Timeout')], functions: { notify } });

    const { done } = engine.start('approval-timeout', {});
    const token = await tokens.next();
    await engine.advanceTime(0.999);
    expect(engine.pendingTaskTokens().map((pending) => pending.token)).toEqual([token]);
    await engine.advanceTime(0.001);
    const record = await done;

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('States.Timeout');
    expect(record.simulatedSeconds).toBe(1);
    expect(() => engine.sendTaskSuccess(token, {})).toThrow(TaskTimedOut);
  });

  it('ends an execution at its TimeoutSeconds, closing the tokens of every iteration still waiting', async () => {
    const { tokens, notify } = notifier();
    const engine = await createEngine({ workflows: [workflow('execution-timeout', 'ExecutionTimeout')], functions: { notify } });

    const { done } = engine.start('execution-timeout', { approvers: ['ann', 'bob'] });
    const waiting = [await tokens.next(), await tokens.next()];
    const record = await done;

    expect(record).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(record.states.filter((state) => state.name === 'AskApproval').map((state) => state.mapIndex).sort()).toEqual([0, 1]);
    expect(engine.pendingTaskTokens()).toEqual([]);
    for (const token of waiting) expect(() => engine.sendTaskSuccess(token, {})).toThrow(TaskDoesNotExist);
  });
});
