import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, CloudFormationServiceException, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand, type HistoryEvent, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { CredentialsProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { polling } from '../../../cli/follow.ts';
import { main } from '../../../cli/main.ts';
import { HistoryBuilder, newestFirst, ROUTE53_DOWN, ROUTE53_OUTAGE_LINES, route53OutageHistory } from './history-events.ts';

/**
 * `opsflow watch` against a deployed stage, Step Functions and CloudFormation mocked with
 * aws-sdk-client-mock: the exact requests, paging, polls that see new events, each end status and
 * its exit code, and each AWS error as one line.
 */
const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);
const realPolling = { ...polling };
let sleeps: number[];

beforeEach(() => {
  sleeps = [];
  polling.sleep = vi.fn(async (ms: number) => {
    sleeps.push(ms);
  });
});

afterEach(() => {
  sfn.reset();
  cloudFormation.reset();
  Object.assign(polling, realPolling);
});

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:opsflow-dev-InstanceDns';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:opsflow-dev-InstanceDns:launch-i-0b7e4d1c8a6f52001';
const START = new Date('2026-11-30T09:00:00.000Z');

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}


function described(status: string, extra: Record<string, unknown> = {}) {
  return { executionArn: EXECUTION, stateMachineArn: MACHINE, name: 'launch-i-0b7e4d1c8a6f52001', status, startDate: START, stopDate: new Date('2026-11-30T09:00:12.500Z'), ...extra } as never;
}

function succeededHistory(): HistoryEvent[] {
  const history = new HistoryBuilder();
  history.started();
  let last = history.entered('Task', 'ReadRecord', 0);
  last = history.exited('Task', 'ReadRecord', history.sdkCall(last, 'succeeded'));
  last = history.entered('Succeed', 'Done', last);
  history.succeeded(history.exited('Succeed', 'Done', last));
  return history.events;
}

describe('opsflow watch', () => {
  it('prints the states of an ended execution from its history, then its summary, exit 0 when it SUCCEEDED', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(succeededHistory()));
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));

    const result = await opsflow('watch', EXECUTION);

    expect(result).toEqual({ code: 0, err: [], out: ['  instance-dns → ReadRecord', '  instance-dns → Done', 'instance-dns SUCCEEDED at Done in 2 transitions, 12.5 s'] });
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: EXECUTION, reverseOrder: true, maxResults: 1000, includeExecutionData: false });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION });
    expect(await sfn.call(0).thisValue.config.region()).toBe('eu-west-1');
    expect(cloudFormation).not.toHaveReceivedAnyCommand();
    expect(sleeps).toEqual([]);
  });

  it('follows a running execution: polls after the interval, prints only the new events, ends with its status (exit 1 when FAILED)', async () => {
    const events = route53OutageHistory().events;
    sfn.on(GetExecutionHistoryCommand).resolvesOnce(newestFirst(events.slice(0, 6))).resolves(newestFirst(events));
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', ROUTE53_DOWN));

    const result = await opsflow('watch', EXECUTION);

    expect(result.out).toEqual([
      ...ROUTE53_OUTAGE_LINES,
      `instance-dns FAILED in 4 transitions, 12.5 s  Route53.Route53Exception: ${ROUTE53_DOWN.cause}`,
    ]);
    expect(result).toMatchObject({ code: 1, err: [] });
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    expect(sleeps).toEqual([2000]);
  });

  it('stops watching at Ctrl-C, saying the execution keeps running, exit 130, no further call', async () => {
    const events = succeededHistory();
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(events.slice(0, 3)));
    // The person presses Ctrl-C while the watch waits for its next poll.
    polling.sleep = vi.fn(() => {
      process.emit('SIGINT');
      return new Promise<void>(() => {});
    });

    const result = await opsflow('watch', EXECUTION);

    expect(result).toEqual({
      code: 130,
      out: ['  instance-dns → ReadRecord'],
      err: [`opsflow: stopped watching; ${EXECUTION} keeps running (opsflow watch ${EXECUTION})`],
    });
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 1);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('keeps polling while nothing new happens, and stops at the end event', async () => {
    const events = succeededHistory();
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce(newestFirst(events.slice(0, 3)))
      .resolvesOnce(newestFirst(events.slice(0, 3)))
      .resolves(newestFirst(events));
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));

    const result = await opsflow('watch', EXECUTION);

    expect(result.out.filter((line) => line.includes('→'))).toEqual(['  instance-dns → ReadRecord', '  instance-dns → Done']);
    expect(sleeps).toHaveLength(2);
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 3);
  });

  it('pages through a long history newest first with nextToken, and stops paging at an event it has read', async () => {
    const events = succeededHistory();
    // First poll: two pages. Second poll: its first page reaches back to events already read.
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce(newestFirst(events.slice(2, 4), 'page-2'))
      .resolvesOnce(newestFirst(events.slice(0, 2)))
      .resolvesOnce(newestFirst(events.slice(1), 'older'));
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));

    const result = await opsflow('watch', EXECUTION);

    expect(result.out).toEqual(['  instance-dns → ReadRecord', '  instance-dns → Done', 'instance-dns SUCCEEDED at Done in 2 transitions, 12.5 s']);
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 3);
    expect(sfn).toHaveReceivedNthCommandWith(GetExecutionHistoryCommand, 1, { executionArn: EXECUTION, reverseOrder: true, maxResults: 1000, includeExecutionData: false });
    expect(sfn).toHaveReceivedNthCommandWith(GetExecutionHistoryCommand, 2, { executionArn: EXECUTION, reverseOrder: true, maxResults: 1000, includeExecutionData: false, nextToken: 'page-2' });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[2]?.args[0].input.nextToken).toBeUndefined();
  });

  it('does not end while DescribeExecution still says RUNNING, whatever the history holds', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(succeededHistory()));
    sfn.on(DescribeExecutionCommand).resolvesOnce(described('RUNNING', { stopDate: undefined })).resolves(described('SUCCEEDED'));

    const result = await opsflow('watch', EXECUTION);

    expect(result.code).toBe(0);
    expect(result.out).toEqual(['  instance-dns → ReadRecord', '  instance-dns → Done', 'instance-dns SUCCEEDED at Done in 2 transitions, 12.5 s']);
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 2);
    expect(sleeps).toEqual([2000]);
  });

  it('shows the events in their order when an endpoint answers oldest first (moto ignores reverseOrder)', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: succeededHistory() });
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));

    expect((await opsflow('watch', EXECUTION)).out).toEqual(['  instance-dns → ReadRecord', '  instance-dns → Done', 'instance-dns SUCCEEDED at Done in 2 transitions, 12.5 s']);
  });

  it.each([
    { end: 'ExecutionSucceeded', status: 'SUCCEEDED', code: 0 },
    { end: 'ExecutionFailed', status: 'FAILED', code: 1 },
    { end: 'ExecutionTimedOut', status: 'TIMED_OUT', code: 1 },
    { end: 'ExecutionAborted', status: 'ABORTED', code: 1 },
  ])('exits $code when the execution ends $status', async ({ end, status, code }) => {
    const history = new HistoryBuilder();
    history.started();
    history.add(end, history.entered('Wait', 'WaitForPropagation', 0));
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(history.events));
    sfn.on(DescribeExecutionCommand).resolves(described(status));

    const result = await opsflow('watch', EXECUTION);

    expect(result.code).toBe(code);
    expect(result.out.at(-1)).toBe(`instance-dns ${status} in 1 transition, 12.5 s`);
  });

  it("takes the error and cause from the history's end when DescribeExecution leaves them out", async () => {
    const history = new HistoryBuilder();
    history.started();
    const failed = history.exited('Task', 'ReadRecord', history.sdkCall(history.entered('Task', 'ReadRecord', 0), { error: 'Route53.Route53Exception', cause: 'Rate exceeded' }));
    history.failed(failed, 'Route53.Route53Exception', 'Rate exceeded');
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(history.events));
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED'));

    const result = await opsflow('watch', EXECUTION);

    expect(result.code).toBe(1);
    expect(result.out.at(-1)).toBe('instance-dns FAILED in 1 transition, 12.5 s  Route53.Route53Exception: Rate exceeded');
  });

  it('--json prints one object at the end: DescribeExecution\'s fields and the states, no lines', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(route53OutageHistory().events));
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', { ...ROUTE53_DOWN, redriveCount: 0, redriveStatus: 'REDRIVABLE', input: '{"detail-type":"EC2 Instance Launch Successful"}' }));

    const result = await opsflow('watch', EXECUTION, '--json');

    expect(result.out).toHaveLength(1);
    const report = JSON.parse(result.out[0] ?? '') as Record<string, unknown> & { states: { name: string; status: string }[] };
    expect(report).toMatchObject({
      workflow: 'instance-dns',
      executionArn: EXECUTION,
      status: 'FAILED',
      startDate: '2026-11-30T09:00:00.000Z',
      stopDate: '2026-11-30T09:00:12.500Z',
      error: ROUTE53_DOWN.error,
      redriveStatus: 'REDRIVABLE',
      input: { 'detail-type': 'EC2 Instance Launch Successful' },
      transitions: 4,
      failure: { state: 'Failed', ...ROUTE53_DOWN },
    });
    expect(report.states.map(({ name, status }) => `${name} ${status}`)).toEqual(['ReadRecord caught', 'MustReleaseLifecycle succeeded', 'Failed failed']);
    expect(report).not.toHaveProperty('$metadata');
    expect(result.code).toBe(1);
  });

  it('finds <workflow>/<name> in the stage\'s stack (CloudFormation DescribeStackResource) and watches that execution', async () => {
    cloudFormation.on(DescribeStackResourceCommand).resolves({
      StackResourceDetail: { StackName: 'opsflow-dev', LogicalResourceId: 'InstanceDnsStateMachine', PhysicalResourceId: MACHINE, ResourceType: 'AWS::StepFunctions::StateMachine', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: START },
    });
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(succeededHistory()));
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));

    const result = await opsflow('watch', 'instance-dns/launch-i-0b7e4d1c8a6f52001');

    expect(result.code).toBe(0);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStackResourceCommand, { StackName: 'opsflow-dev', LogicalResourceId: 'InstanceDnsStateMachine' });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: EXECUTION });
  });

  it('asks in the Region of an execution ARN; a --region that says otherwise is refused before any call', async () => {
    const elsewhere = 'arn:aws:states:eu-central-1:123456789012:execution:opsflow-dev-SearchSnapshot:nightly-2026-11-30';
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(succeededHistory()));
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));

    const contradicted = await opsflow('watch', elsewhere, '--region', 'eu-west-1');
    expect(contradicted).toEqual({ code: 2, out: [], err: [`opsflow: ${elsewhere} runs in eu-central-1, not in eu-west-1 as --region says`] });
    expect(sfn).not.toHaveReceivedAnyCommand();

    const result = await opsflow('watch', elsewhere);

    expect(result.code).toBe(0);
    expect(result.out[0]).toBe('  search-snapshot → ReadRecord');
    expect(await sfn.call(0).thisValue.config.region()).toBe('eu-central-1');
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: elsewhere });
  });

  it('never prints a task token, even one the history holds', async () => {
    const token = 'AQCEAAAAKgAAAAMAAAAAAAAAAQ7fOkeyTokenOfTheGate==';
    const history = new HistoryBuilder();
    history.started();
    const gate = history.entered('Task', 'AwaitApproval', 0);
    history.add('TaskScheduled', gate, {
      taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: 'eu-central-1', parameters: JSON.stringify({ Payload: { taskToken: token } }), timeoutInSeconds: 3600 },
    });
    history.add('ExecutionAborted', gate, { executionAbortedEventDetails: {} });
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(history.events));
    sfn.on(DescribeExecutionCommand).resolves(described('ABORTED'));

    for (const argv of [[], ['--json']]) {
      const result = await opsflow('watch', EXECUTION, ...argv);
      expect(result.code).toBe(1);
      expect([...result.out, ...result.err].join('\n')).not.toContain(token);
    }
  });

  const denied = new SFNServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: `User: arn:aws:sts::123456789012:assumed-role/operator/ana is not authorized to perform: states:GetExecutionHistory on resource: ${EXECUTION}`,
  });
  it.each([
    {
      failure: 'an execution that does not exist',
      error: new ExecutionDoesNotExist({ $metadata: { httpStatusCode: 400 }, message: `Execution Does Not Exist: '${EXECUTION}'` }),
      code: 2,
      line: `opsflow: states:GetExecutionHistory ${EXECUTION}: ExecutionDoesNotExist: Execution Does Not Exist: '${EXECUTION}'`,
    },
    {
      failure: 'access denied',
      error: denied,
      code: 1,
      line: `opsflow: states:GetExecutionHistory ${EXECUTION}: not permitted (AccessDeniedException: ${denied.message}); docs/operating-deployed.md lists the permissions each command needs`,
    },
    {
      failure: 'no credentials',
      error: new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }),
      code: 2,
      line: 'opsflow: no usable AWS credentials from the default credential chain (CredentialsProviderError: Could not load credentials from any providers): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    },
  ])('says $failure in one line on stderr, exit $code', async ({ error, code, line }) => {
    sfn.on(GetExecutionHistoryCommand).rejects(error);

    const result = await opsflow('watch', EXECUTION);

    expect(result).toEqual({ code, out: [], err: [line] });
    expect(sfn).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });

  it('says in one line when the stage is not deployed in the Region, exit 2', async () => {
    cloudFormation.on(DescribeStackResourceCommand).rejects(
      new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Stack with id opsflow-dev does not exist' }),
    );

    const result = await opsflow('watch', 'instance-dns/launch-i-0b7e4d1c8a6f52001');

    expect(result.code).toBe(2);
    expect(result.err).toEqual(['opsflow: stage dev is not deployed in eu-west-1: ValidationError: Stack with id opsflow-dev does not exist (deploy it: npx osls deploy --stage dev --region eu-west-1)']);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [['watch'], 'opsflow: missing execution (its ARN, or <workflow>/<execution name>) (try: opsflow help watch)'],
    [['watch', 'launch-i-0b7e4d1c8a6f52001'], 'opsflow: "launch-i-0b7e4d1c8a6f52001" names no execution: give its ARN, or <workflow>/<execution name> (opsflow executions <workflow> lists them)'],
    [['watch', 'arn:aws:states:eu-west-1:123456789012:stateMachine:opsflow-dev-InstanceDns'], 'opsflow: arn:aws:states:eu-west-1:123456789012:stateMachine:opsflow-dev-InstanceDns is not a Standard workflow execution\'s ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)'],
  ])('%j is refused in one line, exit 2, nothing sent', async (argv, line) => {
    const result = await opsflow(...argv);

    expect(result).toEqual({ code: 2, out: [], err: [line] });
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(cloudFormation).not.toHaveReceivedAnyCommand();
  });
});
