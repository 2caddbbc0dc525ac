import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { PendingTask } from '../../../engine/engine.ts';
import { TaskDoesNotExist } from '../../../engine/errors.ts';
import { createEngine, fakeFunction, workflow } from '../../fixtures/engine/harness.ts';

const atAskApproval = (task: PendingTask) => task.workflow === 'approval' && task.stateName === 'AskApproval';

/** An error a function throws, which the Lambda runtime reports by its name. */
function named(name: string): Error {
  return Object.assign(new Error(`${name} from the fake function`), { name });
}

describe('Engine.waitingTask', () => {
  it('resolves with the open token once its request was sent and nothing runs, the execution still waiting for the answer', async () => {
    const steps: string[] = [];
    const notify = fakeFunction(async () => {
      steps.push('request started');
      // Real time, which a simulated clock does not count: the engine must wait for it all the same.
      await sleep(30);
      steps.push('request sent');
      return {};
    });
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });
    const started = engine.clock.millis();

    const { executionArn, done } = engine.start('approval', { change: 'failover' });
    const task = await engine.waitingTask(atAskApproval);

    expect(steps).toEqual(['request started', 'request sent']);
    expect(task).toMatchObject({ executionArn, stateName: 'AskApproval', request: { Payload: { change: 'failover', token: task.token } } });
    expect(engine.executions[0]?.status).toBe('RUNNING');
    // Waiting for a person does not move the clock towards the task's timeout.
    expect(engine.clock.millis()).toBe(started);

    engine.sendTaskSuccess(task.token, { approvedBy: 'operator' });
    expect(await done).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('resolves at once with a token already open', async () => {
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify: fakeFunction(async () => ({})) } });

    const { done } = engine.start('approval', { change: 'resize' });
    const first = await engine.waitingTask(atAskApproval);
    const again = await engine.waitingTask(atAskApproval);

    expect(again.token).toBe(first.token);
    engine.sendTaskFailure(first.token, 'Denied', 'no');
    expect(await done).toMatchObject({ status: 'SUCCEEDED', output: { denial: { Error: 'Denied', Cause: 'no' } } });
  });

  it('passes over a token whose request failed and resolves with the retry\'s', async () => {
    let calls = 0;
    const notify = fakeFunction(async () => {
      calls += 1;
      if (calls === 1) throw named('TryAgain');
      return {};
    });
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });

    const { done } = engine.start('approval', { change: 'failback' });
    const task = await engine.waitingTask(atAskApproval);

    expect(calls).toBe(2);
    expect(engine.pendingTaskTokens()).toEqual([task]);
    engine.sendTaskSuccess(task.token, {});
    expect(await done).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('rejects with the signal\'s reason when the caller stops waiting, as when the execution ends without reaching the token', async () => {
    const notify = fakeFunction(async () => {
      throw named('Broken');
    });
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });
    const ended = new AbortController();

    const { done } = engine.start('approval', { change: 'failover' });
    void done.then(() => ended.abort(new Error('the execution ended')));
    const waiting = engine.waitingTask(atAskApproval, ended.signal);

    await expect(waiting).rejects.toThrow('the execution ended');
    expect(await done).toMatchObject({ status: 'FAILED', error: 'Broken' });
    expect(engine.pendingTaskTokens()).toEqual([]);
  });
});

describe('Engine.stopExecution', () => {
  it('ends an execution waiting at a task token ABORTED, running no further state, its token closed', async () => {
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify: fakeFunction(async () => ({})) } });

    const { executionArn, done } = engine.start('approval', { change: 'failover' });
    const task = await engine.waitingTask(atAskApproval);
    expect(engine.stopExecution(executionArn)).toBe(true);
    const record = await done;

    expect(record.status).toBe('ABORTED');
    expect(record.states.map((state) => state.name)).toEqual(['AskApproval']);
    expect(engine.pendingTaskTokens()).toEqual([]);
    expect(() => engine.sendTaskSuccess(task.token, {})).toThrow(TaskDoesNotExist);
    expect(engine.stopExecution(executionArn)).toBe(false);
  });
});
