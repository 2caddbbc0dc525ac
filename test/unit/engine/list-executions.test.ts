import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/engine.ts';
import { accountId, createEngine, fakeAccount, fakeFunction, Queue, region, workflow } from '../../fixtures/engine/harness.ts';

/** aws-sdk:sfn:listExecutions of the engine's own state machines, answered as Step Functions answers it. */

const approvalArn = `arn:aws:states:${region}:${accountId}:stateMachine:opsflow-test-Approval`;
const lister = workflow('lister', 'Lister');
const approval = workflow('approval', 'Approval');

interface Listed {
  readonly Executions: { Name: string; Status: string; ExecutionArn: string; StateMachineArn: string; StartDate: string; StopDate?: string }[];
  readonly NextToken?: string;
}

/** Three approvals started in order a1, a2, a3; a1 answered (SUCCEEDED), a2 and a3 still waiting. */
async function approvals(): Promise<{ engine: Engine; tokens: Map<string, string>; start: (name: string) => Promise<void> }> {
  const opened = new Queue<{ token: string; change: string }>();
  const notify = fakeFunction(async (event) => {
    opened.push(event as { token: string; change: string });
    return {};
  });
  const account = fakeAccount();
  account.answers.ListExecutionsCommand = (input) => ({ executions: [{ executionArn: 'elsewhere', name: 'remote', status: 'RUNNING', startDate: new Date(0) }], echoed: input });
  const engine = await createEngine({ workflows: [lister, approval], functions: { notify }, target: account });
  const tokens = new Map<string, string>();
  const started = new Map<string, Promise<unknown>>();
  const start = async (name: string): Promise<void> => {
    started.set(name, engine.start('approval', { change: name }, { name }).done);
    const { token, change } = await opened.next();
    tokens.set(change, token);
  };
  for (const name of ['a1', 'a2', 'a3']) await start(name);
  engine.sendTaskSuccess(tokens.get('a1') ?? '', { approved: true });
  await started.get('a1');
  return { engine, tokens, start };
}

async function list(engine: Engine, request: Record<string, unknown>) {
  return engine.run('lister', request);
}

describe('listExecutions of an engine state machine', () => {
  it('lists newest first, with the fields ListExecutions returns', async () => {
    const { engine } = await approvals();

    const record = await list(engine, { StateMachineArn: approvalArn });

    const listed = record.output as Listed;
    expect(listed.Executions.map(({ Name, Status }) => ({ Name, Status }))).toEqual([
      { Name: 'a3', Status: 'RUNNING' },
      { Name: 'a2', Status: 'RUNNING' },
      { Name: 'a1', Status: 'SUCCEEDED' },
    ]);
    const a1 = engine.executions[0];
    expect(listed.Executions[2]).toEqual({
      ExecutionArn: a1?.executionArn,
      StateMachineArn: approvalArn,
      Name: 'a1',
      Status: 'SUCCEEDED',
      StartDate: a1?.startDate,
      StopDate: a1?.stopDate,
    });
    expect(listed.Executions[0]).not.toHaveProperty('StopDate');
    expect(listed).not.toHaveProperty('NextToken');
  });

  it('answers "is another one running?" with StatusFilter RUNNING', async () => {
    const { engine } = await approvals();

    const record = await list(engine, { StateMachineArn: approvalArn, StatusFilter: 'RUNNING' });

    expect((record.output as Listed).Executions.map((execution) => execution.Name)).toEqual(['a3', 'a2']);
    const none = await list(engine, { StateMachineArn: approvalArn, StatusFilter: 'FAILED' });
    expect(none.output).toEqual({ Executions: [] });
  });

  it('pages with MaxResults and NextToken, and a page stays put while executions start', async () => {
    const { engine, start } = await approvals();

    const first = (await list(engine, { StateMachineArn: approvalArn, MaxResults: 2 })).output as Listed;
    await start('a4');
    const second = (await list(engine, { StateMachineArn: approvalArn, MaxResults: 2, NextToken: first.NextToken })).output as Listed;

    expect(first.Executions.map((execution) => execution.Name)).toEqual(['a3', 'a2']);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(second.Executions.map((execution) => execution.Name)).toEqual(['a1']);
    expect(second).not.toHaveProperty('NextToken');
  });

  it('refuses a token used with other arguments, or not its own, with InvalidToken', async () => {
    const { engine } = await approvals();
    const { NextToken } = (await list(engine, { StateMachineArn: approvalArn, MaxResults: 1 })).output as Listed;

    const changed = await list(engine, { StateMachineArn: approvalArn, MaxResults: 1, StatusFilter: 'RUNNING', NextToken });
    const forged = await list(engine, { StateMachineArn: approvalArn, NextToken: 'not-a-token' });

    expect(changed).toMatchObject({ status: 'FAILED', error: 'Sfn.InvalidTokenException' });
    expect(changed.cause).toMatch(/^Invalid Token: '.+' \(Service: Sfn, Status Code: 400, Request ID: /);
    expect(forged).toMatchObject({ status: 'FAILED', error: 'Sfn.InvalidTokenException' });
  });

  it('refuses a StatusFilter or MaxResults out of the API\'s range with ValidationException', async () => {
    const { engine } = await approvals();

    const record = await list(engine, { StateMachineArn: approvalArn, StatusFilter: 'DONE', MaxResults: 1001 });

    expect(record).toMatchObject({ status: 'FAILED', error: 'Sfn.ValidationException' });
    expect(record.cause).toContain(
      "2 validation errors detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: " +
        "[RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]; Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  it("sends any other state machine's request to the target's Step Functions", async () => {
    const { engine } = await approvals();
    const elsewhere = `arn:aws:states:${region}:${accountId}:stateMachine:someone-else`;

    const record = await list(engine, { StateMachineArn: elsewhere, StatusFilter: 'RUNNING' });

    expect(record.status).toBe('SUCCEEDED');
    expect((record.output as Listed).Executions).toEqual([{ ExecutionArn: 'elsewhere', Name: 'remote', Status: 'RUNNING', StartDate: '1970-01-01T00:00:00.000Z' }]);
  });

  it('fails as the integration fails under an injected fault', async () => {
    const { engine } = await approvals();
    engine.injectFault({ service: 'sfn', operation: 'ListExecutions', error: 'ThrottlingException', nth: [1] });

    const throttled = await list(engine, { StateMachineArn: approvalArn });

    expect(throttled).toMatchObject({ status: 'FAILED', error: 'Sfn.SfnException' });
  });
});
