import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, CloudFormationServiceException, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, ExecutionAlreadyExists, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, SFNServiceException, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { CredentialsProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { polling } from '../../../cli/follow.ts';
import { main } from '../../../cli/main.ts';
import { HistoryBuilder, newestFirst } from './history-events.ts';

/**
 * `opsflow start` and `opsflow executions` against a deployed stage, with CloudFormation and Step
 * Functions mocked (aws-sdk-client-mock): the exact calls, paging, and each AWS error as one line.
 */
const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);

const realPolling = { ...polling };

afterEach(() => {
  cloudFormation.reset();
  sfn.reset();
  Object.assign(polling, realPolling);
});

const ACCOUNT = '210987654321';
const machine = (name: string, region = 'eu-west-1') => `arn:aws:states:${region}:${ACCOUNT}:stateMachine:opsflow-dev-${name}`;

async function opsflow(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => stdin });
  return { code, out: out.join('\n'), err };
}

/** The dev stack in `region` holds `name`'s state machine. */
function deployed(logicalId: string, arn: string): void {
  cloudFormation.on(DescribeStackResourceCommand, { StackName: 'opsflow-dev', LogicalResourceId: logicalId }).resolves({
    StackResourceDetail: {
      StackName: 'opsflow-dev',
      LogicalResourceId: logicalId,
      PhysicalResourceId: arn,
      ResourceType: 'AWS::StepFunctions::StateMachine',
      ResourceStatus: 'UPDATE_COMPLETE',
      LastUpdatedTimestamp: new Date('2026-11-20T09:00:00Z'),
    },
  });
}

function stackMissing(): void {
  cloudFormation.on(DescribeStackResourceCommand).rejects(
    new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Stack with id opsflow-dev does not exist' }),
  );
}

describe('opsflow start', () => {
  it("starts the stack's state machine with the file's input and the name given, and prints the execution", async () => {
    deployed('SearchFailoverStateMachine', machine('SearchFailover', 'eu-central-1'));
    const executionArn = `arn:aws:states:eu-central-1:${ACCOUNT}:execution:opsflow-dev-SearchFailover:failover-1`;
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date('2026-11-30T03:12:00Z') });
    const input = { reason: 'eu-west-1 domain red since 02:50', conflicts: 'delete' };

    const result = await opsflow(['start', 'search-failover', '--input', '-', '--name', 'failover-1', '--region', 'eu-central-1'], JSON.stringify(input));

    expect(result).toMatchObject({ code: 0, err: [] });
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStackResourceCommand, { StackName: 'opsflow-dev', LogicalResourceId: 'SearchFailoverStateMachine' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const sent = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent).toEqual({ stateMachineArn: machine('SearchFailover', 'eu-central-1'), name: 'failover-1', input: JSON.stringify(input) });
    expect(result.out).toContain(`execution  ${executionArn}`);
    expect(result.out).toContain('started    2026-11-30T03:12:00.000Z');
    expect(result.out).toContain(`opsflow approve ${executionArn}`);
  });

  it("does not send a runbook's dry run to an approval it will never ask for", async () => {
    deployed('SearchFailoverStateMachine', machine('SearchFailover', 'eu-central-1'));
    const executionArn = `arn:aws:states:eu-central-1:${ACCOUNT}:execution:opsflow-dev-SearchFailover:dry-1`;
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date('2026-11-30T03:12:00Z') });

    const result = await opsflow(['start', 'search-failover', '--input', '-', '--region', 'eu-central-1'], JSON.stringify({ reason: 'rehearsal', dryRun: true }));

    expect(result.code).toBe(0);
    expect(result.out).toContain(`Follow it: opsflow watch ${executionArn}`);
    expect(result.out).not.toContain('opsflow approve');
  });

  it.each([
    ['search-failover', '{"reasn": "typo"}', 'standard input: RunbookRequestInvalid: failover request: unknown field "reasn" (the fields are reason, snapshot, indices, dryRun, conflicts, finalSnapshot)'],
    ['search-failover', '{"reason": "eu-west-1 red", "conflicts": "rename"}', 'standard input: RunbookRequestInvalid: failover request: conflicts'],
    ['search-failback', '{"reason": "   "}', 'standard input: RunbookRequestInvalid: failback request: '],
    ['search-dr-drill', '{"snapshot": 7}', 'standard input: RunbookRequestInvalid: drill request: '],
  ])("refuses a %s request its preflight would refuse, in one line, before any call", async (workflow, input, message) => {
    const result = await opsflow(['start', workflow, '--input', '-', '--region', 'eu-central-1'], input);

    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toContain(`opsflow: ${message}`);
    expect(cloudFormation.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it("starts a scheduled workflow with its schedule rule's input when no file is given", async () => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${machine('DnsReconcile').replace(':stateMachine:', ':execution:')}:x`, startDate: new Date('2026-11-30T03:12:00Z') });

    const result = await opsflow(['start', 'dns-reconcile', '--json']);

    expect(result.code).toBe(0);
    const sent = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent?.name).toBeUndefined();
    const { workflows } = await import('../../../workflows/index.ts');
    const { readConfig } = await import('../../../cli/files.ts');
    const config = await readConfig('config/dev.json');
    const schedule = workflows.find((module) => module.name === 'dns-reconcile')?.triggers(config).find((trigger) => trigger.kind === 'schedule');
    expect(JSON.parse(sent?.input ?? 'null')).toEqual(schedule?.kind === 'schedule' ? schedule.input : 'no schedule');
    expect(JSON.parse(result.out)).toMatchObject({ workflow: 'dns-reconcile', stage: 'dev', region: 'eu-west-1', startDate: '2026-11-30T03:12:00.000Z' });
  });

  it.each([
    [['start', 'instance-dns'], 'instance-dns has no schedule to take its input from; give --input <file>'],
    [['start', 'nope'], 'unknown workflow nope'],
    [['start', 'dns-reconcile', '--name', 'has space'], '--name: Invalid Name'],
    [['start', 'dns-reconcile', '--name', 'x'.repeat(81)], '--name: '],
    [['start', 'dns-reconcile', '--stage', 'prod/eu'], '--stage: "prod/eu" is not a stage name'],
    [['start', 'dns-reconcile', '--region', 'Europe'], '--region: "Europe" is not a Region code'],
    [['start', 'dns-reconcile', '--stage', 'nosuchstage'], 'config config/nosuchstage.json: no such file'],
    [['start', 'instance-dns', '--region', 'eu-central-1'], 'instance-dns is not deployed in eu-central-1 by stage dev: config/dev.json deploys it to eu-west-1'],
    [['start', 'dns-reconcile', '--input', '-'], 'event standard input: holds an array, not a JSON object'],
  ])('refuses %j with one line, exit 2, and calls nothing', async (argv, message) => {
    const result = await opsflow(argv, '[1]');

    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toContain(message);
    expect(cloudFormation.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('says the stage is not deployed in that Region when the stack does not exist, and starts nothing', async () => {
    stackMissing();

    const result = await opsflow(['start', 'dns-reconcile']);

    expect(result.code).toBe(2);
    expect(result.err).toEqual(['opsflow: stage dev is not deployed in eu-west-1: ValidationError: Stack with id opsflow-dev does not exist (deploy it: npx osls deploy --stage dev --region eu-west-1)']);
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    [new ExecutionAlreadyExists({ $metadata: {}, message: 'Execution Already Exists: failover-1' }), 2, 'states:StartExecution'],
    [new StateMachineDoesNotExist({ $metadata: {}, message: 'State Machine Does Not Exist' }), 2, 'StateMachineDoesNotExist: State Machine Does Not Exist'],
    [new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'User: arn:aws:sts::210987654321:assumed-role/oncall/ana is not authorized to perform: states:StartExecution' }), 1, 'not permitted (AccessDeniedException: User:'],
    [new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'Rate exceeded' }), 1, 'failed (ThrottlingException: Rate exceeded)'],
    [new CredentialsProviderError('Could not load credentials from any providers'), 2, 'no usable AWS credentials from the default credential chain'],
    [new SFNServiceException({ name: 'ExpiredTokenException', $fault: 'client', $metadata: {}, message: 'The security token included in the request is expired' }), 2, 'the AWS credentials have expired'],
  ])('says %s from StartExecution in one line, exit %i', async (error, code, message) => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    sfn.on(StartExecutionCommand).rejects(error);

    const result = await opsflow(['start', 'dns-reconcile', '--name', 'failover-1']);

    expect(result.code).toBe(code);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toContain(message);
    expect(result.err[0]).not.toContain('\n');
    expect(result.out).toBe('');
  });
});

describe('opsflow start --watch', () => {
  const executionArn = `${machine('DnsReconcile').replace(':stateMachine:', ':execution:')}:after-change-42`;

  /** dns-reconcile's history in two polls: first only started, then through its Succeed state. */
  function twoPolls(): void {
    const history = new HistoryBuilder();
    history.started('arn:aws:iam::210987654321:role/opsflow-dev-DnsReconcileRole');
    const first = history.events.slice();
    let last = history.entered('Task', 'ListGroups', 1);
    last = history.exited('Task', 'ListGroups', history.sdkCall(last, 'succeeded'));
    last = history.entered('Succeed', 'Reconciled', last);
    history.succeeded(history.exited('Succeed', 'Reconciled', last));
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce(newestFirst(first))
      .resolves(newestFirst(history.events));
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn, stateMachineArn: machine('DnsReconcile'), name: 'after-change-42', status: 'SUCCEEDED', startDate: new Date('2026-11-30T09:00:00Z'), stopDate: new Date('2026-11-30T09:00:08Z'),
    });
  }

  it('starts, then follows the execution state by state to its end and exits with its status', async () => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date('2026-11-30T09:00:00Z') });
    twoPolls();
    const sleeps: number[] = [];
    polling.sleep = async (ms) => {
      sleeps.push(ms);
    };

    const result = await opsflow(['start', 'dns-reconcile', '--name', 'after-change-42', '--watch']);

    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual([
      'Started dns-reconcile (stage dev, eu-west-1)',
      `  execution  ${executionArn}`,
      '  started    2026-11-30T09:00:00.000Z',
      '  dns-reconcile → ListGroups',
      '  dns-reconcile → Reconciled',
      'dns-reconcile SUCCEEDED at Reconciled in 2 transitions, 8 s',
    ]);
    expect(sleeps).toEqual([polling.intervalMs]);
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn, includeExecutionData: false });
  });

  it('with --json, prints one object on stdout (the watched end) and the start on stderr', async () => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date('2026-11-30T09:00:00Z') });
    twoPolls();
    polling.sleep = async () => {};

    const result = await opsflow(['start', 'dns-reconcile', '--watch', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ workflow: 'dns-reconcile', executionArn, status: 'SUCCEEDED' });
    expect(result.err[0]).toBe('Started dns-reconcile (stage dev, eu-west-1)');
  });
});

describe('opsflow executions', () => {
  const execution = (name: string, status: 'RUNNING' | 'SUCCEEDED' | 'FAILED', start: string, stop?: string, redriveCount?: number) => ({
    executionArn: `${machine('DnsReconcile').replace(':stateMachine:', ':execution:')}:${name}`,
    stateMachineArn: machine('DnsReconcile'),
    name,
    status,
    startDate: new Date(start),
    ...(stop ? { stopDate: new Date(stop) } : {}),
    ...(redriveCount ? { redriveCount } : {}),
  });

  it('lists executions one line each (name, status, start, duration, redrives), following nextToken', async () => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    sfn
      .on(ListExecutionsCommand, { nextToken: undefined })
      .resolves({ executions: [execution('nightly-3', 'FAILED', '2026-11-30T02:00:00Z', '2026-11-30T02:03:20Z', 1)], nextToken: 'page-2' })
      .on(ListExecutionsCommand, { nextToken: 'page-2' })
      .resolves({ executions: [execution('nightly-2', 'SUCCEEDED', '2026-11-29T02:00:00Z', '2026-11-29T02:00:45Z')] });

    const result = await opsflow(['executions', 'dns-reconcile']);

    expect(result).toMatchObject({ code: 0, err: [] });
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 2);
    expect(sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toEqual({ stateMachineArn: machine('DnsReconcile'), maxResults: 20 });
    expect(sfn.commandCalls(ListExecutionsCommand)[1]?.args[0].input).toEqual({ stateMachineArn: machine('DnsReconcile'), maxResults: 19, nextToken: 'page-2' });
    expect(result.out.split('\n')).toEqual([
      'nightly-3  FAILED     2026-11-30T02:00:00.000Z  3 min 20 s  redriven 1×',
      'nightly-2  SUCCEEDED  2026-11-29T02:00:00.000Z  45 s',
    ]);
  });

  it('stops paging at --max and filters by --status as ListExecutions takes it', async () => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    sfn.on(ListExecutionsCommand).resolves({ executions: [execution('a', 'RUNNING', '2026-11-30T02:00:00Z'), execution('b', 'RUNNING', '2026-11-30T01:00:00Z')], nextToken: 'more' });

    const result = await opsflow(['executions', 'dns-reconcile', '--status', 'running', '--max', '2', '--json']);

    expect(result.code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { stateMachineArn: machine('DnsReconcile'), maxResults: 2, statusFilter: 'RUNNING' });
    expect(JSON.parse(result.out)).toMatchObject({ workflow: 'dns-reconcile', executions: [{ name: 'a', status: 'RUNNING', redriveCount: 0 }, { name: 'b' }] });
  });

  it('shows no duration for an ended execution that has no stopDate, and a running one as running', async () => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    const started = new Date(Date.now() - 65_000).toISOString();
    sfn.on(ListExecutionsCommand).resolves({ executions: [execution('ended', 'FAILED', started), execution('going', 'RUNNING', started)] });

    const result = await opsflow(['executions', 'dns-reconcile']);

    const [ended, going] = result.out.split('\n');
    expect(ended).toMatch(/^ended {2}FAILED {3}\S+$/);
    expect(going).toMatch(/^going {2}RUNNING {2}\S+ {2}running 1 min \d+ s$/);
  });

  it('says so when there are none', async () => {
    deployed('DnsReconcileStateMachine', machine('DnsReconcile'));
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });

    const result = await opsflow(['executions', 'dns-reconcile', '--status', 'FAILED']);

    expect(result).toMatchObject({ code: 0, out: 'dns-reconcile (stage dev, eu-west-1) has no FAILED executions' });
  });

  it.each([
    [['executions', 'dns-reconcile', '--status', 'DONE'], '--status: "DONE" is not one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE'],
    [['executions', 'dns-reconcile', '--max', '0'], '--max: "0" is not a whole number of executions, 1 or more'],
    [['executions', 'dns-reconcile', '--max', 'ten'], '--max: "ten" is not a whole number of executions, 1 or more'],
  ])('refuses %j with one line, exit 2, and calls nothing', async (argv, message) => {
    const result = await opsflow(argv);

    expect(result.code).toBe(2);
    expect(result.err).toEqual([`opsflow: ${message}`]);
    expect(sfn.calls()).toHaveLength(0);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('names the stack resource that is not there yet', async () => {
    cloudFormation.on(DescribeStackResourceCommand).resolves({
      StackResourceDetail: { StackName: 'opsflow-dev', LogicalResourceId: 'DnsReconcileStateMachine', ResourceType: 'AWS::StepFunctions::StateMachine', ResourceStatus: 'CREATE_IN_PROGRESS', LastUpdatedTimestamp: new Date() },
    });

    const result = await opsflow(['executions', 'dns-reconcile']);

    expect(result.code).toBe(2);
    expect(result.err).toEqual(['opsflow: stack opsflow-dev in eu-west-1 has no state machine for dns-reconcile yet (DnsReconcileStateMachine is CREATE_IN_PROGRESS)']);
    expect(sfn.calls()).toHaveLength(0);
  });
});
