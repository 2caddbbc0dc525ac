import { describe, expect, it } from 'vitest';
import { createEngine, workflow } from '../../fixtures/engine/harness.ts';

const child = workflow('child', 'ChildMachine');

describe('states:startExecution', () => {
  it('.sync:2 runs the child in the engine, records it with its parent, and returns its output parsed', async () => {
    const engine = await createEngine({ workflows: [workflow('parent-sync2', 'Parent'), child] });

    const record = await engine.run('parent-sync2', { n: 21, fail: false });

    const childRecord = engine.executions.find((execution) => execution.workflow === 'child');
    expect(childRecord).toMatchObject({
      status: 'SUCCEEDED',
      parentExecutionArn: record.executionArn,
      input: { n: 21, fail: false, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: record.executionArn },
      output: { doubled: 42 },
    });
    expect(record.output).toEqual({ doubled: 42, status: 'SUCCEEDED', childArn: childRecord?.executionArn });
  });

  it('fails the task with States.TaskFailed whose cause names the child error', async () => {
    const engine = await createEngine({ workflows: [workflow('parent-sync2', 'Parent'), child] });

    const record = await engine.run('parent-sync2', { n: 1, fail: true });

    expect(record.status).toBe('SUCCEEDED');
    const failure = (record.output as { childFailure: { Error: string; Cause: string } }).childFailure;
    expect(failure.Error).toBe('States.TaskFailed');
    expect(JSON.parse(failure.Cause)).toMatchObject({ Status: 'FAILED', Error: 'ChildBroke', Cause: 'asked to fail', Input: { n: 1, fail: true } });
    expect(engine.executions.find((execution) => execution.workflow === 'child')).toMatchObject({ status: 'FAILED', error: 'ChildBroke' });
  });

  it('.sync returns the description with Input and Output as JSON strings', async () => {
    const engine = await createEngine({ workflows: [workflow('parent-sync', 'Parent'), child] });

    const record = await engine.run('parent-sync', { n: 5 });

    const output = record.output as Record<string, unknown>;
    expect(output).toMatchObject({
      Status: 'SUCCEEDED',
      Input: JSON.stringify({ n: 5, fail: false }),
      InputDetails: { Included: true },
      Output: JSON.stringify({ doubled: 10 }),
      OutputDetails: { Included: true },
      StateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:opsflow-test-ChildMachine',
    });
    expect(typeof output.StartDate).toBe('number');
    expect(typeof output.StopDate).toBe('number');
  });

  it('without .sync returns the child execution ARN at once, and run() still waits for the child', async () => {
    const engine = await createEngine({ workflows: [workflow('parent-fire', 'Parent'), child] });

    const record = await engine.run('parent-fire', {});

    const childArn = 'arn:aws:states:eu-west-1:123456789012:execution:opsflow-test-ChildMachine:fired-child';
    expect(record.output).toMatchObject({ ExecutionArn: childArn, StartDate: expect.any(Number), SdkHttpMetadata: { HttpStatusCode: 200 } });
    expect(engine.executions.find((execution) => execution.executionArn === childArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: { doubled: 8 },
      parentExecutionArn: record.executionArn,
    });
  });

  it('fails the task with StepFunctions.ExecutionAlreadyExistsException when the child name is taken', async () => {
    const engine = await createEngine({ workflows: [workflow('parent-fire', 'Parent'), child] });
    await engine.run('parent-fire', {});

    const second = await engine.run('parent-fire', {});

    expect(second.status).toBe('FAILED');
    expect(second.error).toBe('StepFunctions.ExecutionAlreadyExistsException');
  });
});
