import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, ExecutionNotRedrivable, GetExecutionHistoryCommand, type HistoryEvent, RedriveExecutionCommand, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { polling } from '../../../cli/follow.ts';
import { main } from '../../../cli/main.ts';
import { HistoryBuilder, newestFirst, ROUTE53_DOWN } from './history-events.ts';

/**
 * `opsflow redrive` against a deployed stage, Step Functions and CloudFormation mocked with
 * aws-sdk-client-mock: what it refuses without sending anything, where it says the execution
 * failed, the RedriveExecution it sends (with an idempotency token), --watch, and AWS's errors.
 */
const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);
const realPolling = { ...polling };
let sleeps: number;

beforeEach(() => {
  sleeps = 0;
  polling.sleep = vi.fn(async () => {
    sleeps += 1;
  });
});

afterEach(() => {
  sfn.reset();
  cloudFormation.reset();
  Object.assign(polling, realPolling);
});

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:opsflow-dev-InstanceDns';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:opsflow-dev-InstanceDns:launch-i-0b7e4d1c8a6f52001';
const NAMED = 'instance-dns/launch-i-0b7e4d1c8a6f52001';
const REDRIVE_DATE = new Date('2026-11-30T10:00:00.000Z');

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}


function described(status: string, extra: Record<string, unknown> = {}) {
  return {
    executionArn: EXECUTION,
    stateMachineArn: MACHINE,
    name: 'launch-i-0b7e4d1c8a6f52001',
    status,
    startDate: new Date('2026-11-30T09:00:00.000Z'),
    stopDate: new Date('2026-11-30T09:00:12.500Z'),
    ...extra,
  } as never;
}

/** ReadRecord failed with Route 53 down and nothing caught it; after a redrive its call is scheduled again and succeeds. */
function failedThenRedriven(): { failed: HistoryEvent[]; redriven: HistoryEvent[] } {
  const history = new HistoryBuilder();
  history.started();
  const read = history.entered('Task', 'ReadRecord', 0);
  const failedAt = history.failed(history.sdkCall(read, ROUTE53_DOWN), ROUTE53_DOWN.error, ROUTE53_DOWN.cause);
  const failed = [...history.events];
  const redrive = history.add('ExecutionRedriven', failedAt, { executionRedrivenEventDetails: { redriveCount: 1 } });
  const exited = history.exited('Task', 'ReadRecord', history.sdkCall(redrive, 'succeeded'));
  const done = history.entered('Succeed', 'Done', exited);
  history.succeeded(history.exited('Succeed', 'Done', done));
  return { failed, redriven: history.events };
}

const redrivable = { ...ROUTE53_DOWN, redriveCount: 0, redriveStatus: 'REDRIVABLE' };

describe('opsflow redrive', () => {
  it('shows where the execution failed and how often it was redriven, sends RedriveExecution once with a client token, prints its date', async () => {
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', redrivable));
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(failedThenRedriven().failed));
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });

    const result = await opsflow('redrive', EXECUTION);

    expect(result).toEqual({
      code: 0,
      err: [],
      out: [
        `${NAMED} FAILED at ReadRecord Route53.Route53Exception: ${ROUTE53_DOWN.cause}`,
        'redriven 0 times before',
        `${NAMED} redriven at 2026-11-30T10:00:00.000Z`,
      ],
    });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: EXECUTION, includeExecutionData: false });
    expect(sfn).toHaveReceivedCommandTimes(RedriveExecutionCommand, 1);
    const { input } = sfn.commandCalls(RedriveExecutionCommand)[0]?.args[0] ?? {};
    expect(input).toEqual({ executionArn: EXECUTION, clientToken: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('--json prints one object on stdout: where it failed, the redrive count and date; the lines go to stderr', async () => {
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', redrivable));
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(failedThenRedriven().failed));
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });

    const result = await opsflow('redrive', EXECUTION, '--json');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.out.join('\n'))).toEqual({
      workflow: 'instance-dns',
      executionArn: EXECUTION,
      status: 'FAILED',
      failure: { state: 'ReadRecord', error: 'Route53.Route53Exception', cause: ROUTE53_DOWN.cause },
      redriveCount: 1,
      redriveDate: '2026-11-30T10:00:00.000Z',
    });
    expect(result.err[0]).toBe(`${NAMED} FAILED at ReadRecord Route53.Route53Exception: ${ROUTE53_DOWN.cause}`);
  });

  it('sends the same client token when the command is run again for the same failure, and a new one after another redrive', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(failedThenRedriven().failed));
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', redrivable));
    await opsflow('redrive', EXECUTION);
    await opsflow('redrive', EXECUTION);
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', { ...redrivable, redriveCount: 1 }));
    const third = await opsflow('redrive', EXECUTION);

    const tokens = sfn.commandCalls(RedriveExecutionCommand).map((call) => call.args[0].input.clientToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
    expect(third.out[1]).toBe('redriven once before');
  });

  it.each(['TIMED_OUT', 'ABORTED'])('redrives an execution that %s, saying the state it stopped in', async (status) => {
    const history = new HistoryBuilder();
    history.started();
    const gate = history.entered('Task', 'AwaitApproval', 0);
    history.add(status === 'ABORTED' ? 'ExecutionAborted' : 'ExecutionTimedOut', gate, status === 'ABORTED' ? { executionAbortedEventDetails: {} } : { executionTimedOutEventDetails: {} });
    sfn.on(DescribeExecutionCommand).resolves(described(status, { redriveCount: 2, redriveStatus: 'REDRIVABLE' }));
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(history.events));
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });

    const result = await opsflow('redrive', EXECUTION);

    const end = status === 'ABORTED' ? 'ExecutionAborted' : 'ExecutionTimedOut';
    expect(result).toEqual({ code: 0, err: [], out: [`${NAMED} ${status} at AwaitApproval ${end}`, 'redriven 2 times before', `${NAMED} redriven at 2026-11-30T10:00:00.000Z`] });
    expect(sfn).toHaveReceivedCommandTimes(RedriveExecutionCommand, 1);
  });

  it("refuses an execution of a state machine that is not the stage's, before any call", async () => {
    const foreign = 'arn:aws:states:eu-west-1:123456789012:execution:other-team-machine:nightly';

    const result = await opsflow('redrive', foreign);

    expect(result).toEqual({ code: 2, out: [], err: ['opsflow: other-team-machine is not a state machine of stage dev (opsflow-dev-<StateMachineName>): --stage names the stage'] });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it.each([
    { status: 'RUNNING', extra: { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is RUNNING and cannot be redriven' }, reason: 'Execution is RUNNING and cannot be redriven' },
    { status: 'SUCCEEDED', extra: { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven' }, reason: 'Execution is SUCCEEDED and cannot be redriven' },
    { status: 'FAILED', extra: { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded' }, reason: 'Execution redrivable period exceeded' },
    { status: 'PENDING_REDRIVE', extra: {}, reason: 'it is PENDING_REDRIVE' },
  ])('refuses an execution that is $status ($reason) in one line, exit 2, nothing sent', async ({ status, extra, reason }) => {
    sfn.on(DescribeExecutionCommand).resolves(described(status, extra));

    const result = await opsflow('redrive', EXECUTION);

    expect(result).toEqual({ code: 2, out: [], err: [`opsflow: ${NAMED} cannot be redriven: ${reason}`] });
    expect(sfn).not.toHaveReceivedCommand(RedriveExecutionCommand);
    expect(sfn).not.toHaveReceivedCommand(GetExecutionHistoryCommand);
  });

  it('--watch follows the redriven execution from where it failed, showing only what happens after the redrive', async () => {
    const { failed, redriven } = failedThenRedriven();
    sfn.on(DescribeExecutionCommand).resolvesOnce(described('FAILED', redrivable)).resolves(described('SUCCEEDED', { redriveCount: 1, redriveDate: REDRIVE_DATE, stopDate: new Date('2026-11-30T10:00:04.000Z') }));
    // Right after the redrive the history may not have its ExecutionRedriven event yet: the old end does not end the watch.
    sfn.on(GetExecutionHistoryCommand).resolvesOnce(newestFirst(failed)).resolvesOnce(newestFirst(failed)).resolves(newestFirst(redriven));
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });

    const result = await opsflow('redrive', EXECUTION, '--watch');

    expect(result.out.slice(3)).toEqual(['  instance-dns → Done', 'instance-dns SUCCEEDED at Done in 2 transitions, 3604 s']);
    expect(result).toMatchObject({ code: 0, err: [] });
    expect(sleeps).toBe(1);
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 3);
  });

  it('--watch shows the failed state\'s work rerun, retried and failing again, and exits 1', async () => {
    const { failed } = failedThenRedriven();
    const again = new HistoryBuilder();
    for (const event of failed) again.events.push(event);
    const redrive = again.add('ExecutionRedriven', failed.length, { executionRedrivenEventDetails: { redriveCount: 1 } });
    again.failed(again.sdkCall(again.sdkCall(redrive, ROUTE53_DOWN), ROUTE53_DOWN), ROUTE53_DOWN.error, ROUTE53_DOWN.cause);
    sfn.on(DescribeExecutionCommand).resolvesOnce(described('FAILED', redrivable)).resolves(described('FAILED', { ...ROUTE53_DOWN, redriveCount: 1 }));
    sfn.on(GetExecutionHistoryCommand).resolvesOnce(newestFirst(failed)).resolves(newestFirst(again.events));
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: REDRIVE_DATE });

    const result = await opsflow('redrive', EXECUTION, '--watch');

    expect(result.out.slice(3)).toEqual([
      '  instance-dns   ✗ ReadRecord failed: Route53.Route53Exception',
      '  instance-dns   ↻ ReadRecord retried after Route53.Route53Exception',
      '  instance-dns   ✗ ReadRecord failed: Route53.Route53Exception',
      `instance-dns FAILED in 2 transitions, 12.5 s  Route53.Route53Exception: ${ROUTE53_DOWN.cause}`,
    ]);
    expect(result.code).toBe(1);
  });

  it('finds <workflow>/<name> in the stage\'s stack before anything else', async () => {
    cloudFormation.on(DescribeStackResourceCommand).resolves({ StackResourceDetail: { LogicalResourceId: 'InstanceDnsStateMachine', PhysicalResourceId: MACHINE, ResourceType: 'AWS::StepFunctions::StateMachine', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: REDRIVE_DATE } });
    sfn.on(DescribeExecutionCommand).resolves(described('RUNNING', { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is RUNNING and cannot be redriven' }));

    const result = await opsflow('redrive', NAMED);

    expect(result.code).toBe(2);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStackResourceCommand, { StackName: 'opsflow-dev', LogicalResourceId: 'InstanceDnsStateMachine' });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION });
  });

  it.each([
    {
      failure: 'ExecutionNotRedrivable (it changed since DescribeExecution)',
      error: new ExecutionNotRedrivable({ $metadata: { httpStatusCode: 400 }, message: 'Execution is RUNNING and cannot be redriven' }),
      code: 2,
      line: `opsflow: states:RedriveExecution ${EXECUTION}: ExecutionNotRedrivable: Execution is RUNNING and cannot be redriven`,
    },
    {
      failure: 'access denied',
      error: new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'User: arn:aws:sts::123456789012:assumed-role/operator/ana is not authorized to perform: states:RedriveExecution' }),
      code: 1,
      line: `opsflow: states:RedriveExecution ${EXECUTION}: not permitted (AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/operator/ana is not authorized to perform: states:RedriveExecution); docs/operating-deployed.md lists the permissions each command needs`,
    },
  ])('says $failure in one line on stderr, exit $code', async ({ error, code, line }) => {
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', redrivable));
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(failedThenRedriven().failed));
    sfn.on(RedriveExecutionCommand).rejects(error);

    const result = await opsflow('redrive', EXECUTION);

    expect(result.code).toBe(code);
    expect(result.err).toEqual([line]);
  });

  it('says in one line that an execution does not exist, exit 2', async () => {
    const { ExecutionDoesNotExist } = await import('@aws-sdk/client-sfn');
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ $metadata: { httpStatusCode: 400 }, message: `Execution Does Not Exist: '${EXECUTION}'` }));

    const result = await opsflow('redrive', EXECUTION);

    expect(result).toEqual({ code: 2, out: [], err: [`opsflow: states:DescribeExecution ${EXECUTION}: ExecutionDoesNotExist: Execution Does Not Exist: '${EXECUTION}'`] });
    expect(sfn).not.toHaveReceivedCommand(RedriveExecutionCommand);
  });
});
