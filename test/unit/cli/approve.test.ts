import 'aws-sdk-client-mock-vitest/extend';
import { userInfo } from 'node:os';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskDoesNotExist,
  TaskTimedOut,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { CredentialsProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { terminal } from '../../../cli/approval.ts';
import { currentStates, pendingApproval } from '../../../cli/deployed-approval.ts';
import { main } from '../../../cli/main.ts';

/**
 * `opsflow approve` and `opsflow reject` against a deployed stage, with Step Functions and
 * CloudFormation mocked (aws-sdk-client-mock). The histories are search-failover's, event by event
 * as GetExecutionHistory returns them (Step Functions API Reference, HistoryEvent and its
 * *EventDetails), its AwaitApproval parameters as workflows/search-failover/definition.asl.json
 * builds them. Every test checks that no task token reaches stdout or stderr.
 */
const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);

const ACCOUNT = '210987654321';
const REGION = 'eu-central-1';
const MACHINE = 'opsflow-dev-SearchFailover';
const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE}`;
const EXECUTION = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE}:incident-4821`;
/** Opaque as Step Functions makes them; long, with characters a careless redaction would miss. */
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAVZ1+OPSFLOW/first-token=QWxhZGRpbjpvcGVuIHNlc2FtZQ0KAAAAAAAAAAAAAAAAAAAA';
const RETRY_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAbZ2+OPSFLOW/retry-token=c2Vjb25kIGF0dGVtcHQgb2YgdGhlIGdhdGUAAAAAAAAAAA';
const tokens = [TOKEN, RETRY_TOKEN];
const NOW = new Date('2026-11-30T03:41:07.250Z');

const plan = {
  runbook: 'failover',
  region: REGION,
  domainName: 'catalog',
  endpoint: 'https://search-catalog.eu-central-1.es.amazonaws.com',
  engineVersion: 'OpenSearch_2.13',
  repository: { name: 'opsflow-dr', bucket: 'opsflow-search-dr-eu-central-1', basePath: 'catalog' },
  snapshot: 'opsflow-20261130t0300z',
  snapshotTakenAt: '2026-11-30T03:00:00.000Z',
  sourceRegion: 'eu-west-1',
  sourceDomain: 'catalog',
  indices: [{ index: 'orders', restoreAs: 'orders', before: 1200, after: 1210 }],
  conflicts: [],
  conflictOption: 'refuse',
  dns: { zoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.', from: 'search-catalog.eu-west-1.es.amazonaws.com', to: 'search-catalog.eu-central-1.es.amazonaws.com' },
  dryRun: false,
  reason: 'eu-west-1 catalog domain unreachable since 03:10 UTC (INC-4821)',
  finalSnapshot: false,
};

/** Builds a history: ids from 1, each event after the one it follows (previousEventId), timestamps a second apart. */
class History {
  readonly events: HistoryEvent[] = [];

  add(type: string, details: Omit<HistoryEvent, 'id' | 'type' | 'timestamp' | 'previousEventId'>, previousEventId = this.events.at(-1)?.id ?? 0): number {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId, type: type as HistoryEvent['type'], timestamp: new Date(Date.parse('2026-11-30T03:19:50.000Z') + id * 1000), ...details });
    return id;
  }

  entered(type: string, name: string, input: unknown = {}): number {
    return this.add(type, { stateEnteredEventDetails: { name, input: JSON.stringify(input), inputDetails: { truncated: false } } });
  }

  exited(type: string, name: string, output: unknown = {}): number {
    return this.add(type, { stateExitedEventDetails: { name, output: JSON.stringify(output), outputDetails: { truncated: false } } });
  }

  /** A lambda:invoke Task that succeeds. */
  lambdaTask(name: string, result: unknown): void {
    this.entered('TaskStateEntered', name);
    this.add('TaskScheduled', {
      taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: REGION, parameters: JSON.stringify({ FunctionName: lambda(name), Payload: {} }), timeoutInSeconds: 60 },
    });
    this.add('TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } });
    this.add('TaskSucceeded', { taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ Payload: result, StatusCode: 200 }), outputDetails: { truncated: false } } });
    this.exited('TaskStateExited', name, result);
  }

  /** AwaitApproval's task scheduled with `token` (the definition's Parameters, resolved), and its Lambda called. */
  gateScheduled(token: string, previousEventId?: number): number {
    const scheduled = this.add(
      'TaskScheduled',
      {
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke.waitForTaskToken',
          region: REGION,
          parameters: JSON.stringify({
            FunctionName: lambda('requestSearchApproval'),
            Payload: { plan, executionArn: EXECUTION, taskToken: token, requestedAt: '2026-11-30T03:20:03.000Z', timeoutSeconds: 3600 },
          }),
          timeoutInSeconds: 3600,
        },
      },
      previousEventId,
    );
    this.add('TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' } });
    return scheduled;
  }

  gateSubmitted(): void {
    this.add('TaskSubmitted', {
      taskSubmittedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: JSON.stringify({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: { requested: true } }), outputDetails: { truncated: false } },
    });
  }
}

function lambda(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:opsflow-dev-${name}`;
}

/** search-failover up to its approval gate: preflight, the plan kept, not a dry run, approval requested. */
function beforeGate(): History {
  const history = new History();
  history.add('ExecutionStarted', {
    executionStartedEventDetails: { input: JSON.stringify({ reason: plan.reason }), inputDetails: { truncated: false }, roleArn: `arn:aws:iam::${ACCOUNT}:role/opsflow-dev-search-failover` },
  });
  history.lambdaTask('PreflightSearchRunbook', { plan });
  history.entered('PassStateEntered', 'KeepPlan');
  history.exited('PassStateExited', 'KeepPlan');
  history.entered('ChoiceStateEntered', 'IsDryRun');
  history.exited('ChoiceStateExited', 'IsDryRun');
  history.entered('PassStateEntered', 'MarkApprovalRequested');
  history.exited('PassStateExited', 'MarkApprovalRequested');
  history.entered('TaskStateEntered', 'AwaitApproval');
  return history;
}

/** Waiting at the gate: its Lambda published the request; the token is out. */
function waitingAtGate(): History {
  const history = beforeGate();
  history.gateScheduled(TOKEN);
  history.gateSubmitted();
  return history;
}

function running(): void {
  sfn.on(DescribeExecutionCommand).resolves({
    executionArn: EXECUTION,
    stateMachineArn: MACHINE_ARN,
    name: 'incident-4821',
    status: 'RUNNING',
    startDate: new Date('2026-11-30T03:19:51.000Z'),
    input: JSON.stringify({ reason: plan.reason }),
    inputDetails: { included: true },
  });
}

function historyIs(history: History): void {
  sfn.on(GetExecutionHistoryCommand).resolves({ events: history.events });
}

/** stdout lines and the terminal's questions, in the order they came. */
let shownAndAsked: string[] = [];

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (line) => {
      out.push(line);
      shownAndAsked.push(line);
    },
    err: (line) => err.push(line),
    readStdin: async () => '',
  });
  const all = [...out, ...err].join('\n');
  for (const token of tokens) expect(all).not.toContain(token);
  return { code, out: out.join('\n'), err };
}

/** A person at the terminal answering `answer`; the questions asked and what was shown before each are kept. */
function personAnswers(answer: string | undefined): { questions: string[] } {
  const questions: string[] = [];
  vi.spyOn(terminal, 'interactive').mockReturnValue(true);
  vi.spyOn(terminal, 'open').mockImplementation(() => ({
    ask: async (question) => {
      questions.push(question);
      shownAndAsked.push(`asked: ${question}`, `sent by then: ${sfn.commandCalls(SendTaskSuccessCommand).length}`);
      return answer;
    },
    close: () => undefined,
  }));
  return { questions };
}

function nobodyAtTerminal(): void {
  vi.spyOn(terminal, 'interactive').mockReturnValue(false);
}

function sfnError<T>(type: new (options: { $metadata: object; message: string }) => T, message: string): T {
  return new type({ $metadata: { httpStatusCode: 400 }, message });
}

function serviceError(name: string, message: string, status = 400): SFNServiceException {
  return new SFNServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
}

const by = userInfo().username;

beforeEach(() => {
  shownAndAsked = [];
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  sfn.reset();
  cloudFormation.reset();
});

describe('opsflow approve', () => {
  it('--yes: reads the execution and its history, shows the plan and when it is due, and sends SendTaskSuccess {approved, by, at}', async () => {
    running();
    historyIs(waitingAtGate());

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(DescribeExecutionCommand, { executionArn: EXECUTION });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(GetExecutionHistoryCommand, { executionArn: EXECUTION, maxResults: 1000, includeExecutionData: true });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(sent?.taskToken).toBe(TOKEN);
    expect(JSON.parse(sent?.output ?? 'null')).toEqual({ approved: true, by, at: NOW.toISOString() });
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
    expect(cloudFormation).not.toHaveReceivedAnyCommand();
    expect(result.out).toContain('search-failover execution incident-4821 waits for approval at AwaitApproval since 2026-11-30T03:20:04.000Z');
    expect(result.out).toContain(`Plan: failover into ${REGION}, domain catalog (OpenSearch_2.13)`);
    expect(result.out).toContain('search.corp.internal. (zone Z0OPSFLOWINTERNAL01): search-catalog.eu-west-1.es.amazonaws.com → search-catalog.eu-central-1.es.amazonaws.com');
    expect(result.out).toContain('answer by      2026-11-30T04:20:03.000Z');
    expect(result.out.split('\n').at(-1)).toBe(`Approved by ${by} at ${NOW.toISOString()}`);
  });

  it('names the execution as <workflow>/<name>: the state machine is read from the stage stack in --region', async () => {
    cloudFormation.on(DescribeStackResourceCommand).resolves({
      StackResourceDetail: {
        StackName: 'opsflow-dev',
        LogicalResourceId: 'SearchFailoverStateMachine',
        PhysicalResourceId: MACHINE_ARN,
        ResourceType: 'AWS::StepFunctions::StateMachine',
        ResourceStatus: 'UPDATE_COMPLETE',
        LastUpdatedTimestamp: new Date('2026-11-20T09:00:00Z'),
      },
    });
    running();
    historyIs(waitingAtGate());

    const result = await opsflow('approve', 'search-failover/incident-4821', '--region', REGION, '--yes');

    expect(result).toMatchObject({ code: 0, err: [] });
    expect(cloudFormation).toHaveReceivedCommandExactlyOnceWith(DescribeStackResourceCommand, { StackName: 'opsflow-dev', LogicalResourceId: 'SearchFailoverStateMachine' });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION });
    expect(await sfn.call(0).thisValue.config.region()).toBe(REGION);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('follows the history across its pages to find the gate', async () => {
    running();
    const { events } = waitingAtGate();
    const first = events.slice(0, 7);
    const second = events.slice(7, 14);
    const third = events.slice(14);
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: first, nextToken: 'page-2' })
      .resolvesOnce({ events: second, nextToken: 'page-3' })
      .resolvesOnce({ events: third });

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result).toMatchObject({ code: 0, err: [] });
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 3);
    expect(sfn).toHaveReceivedNthCommandWith(GetExecutionHistoryCommand, 2, { executionArn: EXECUTION, nextToken: 'page-2', maxResults: 1000, includeExecutionData: true });
    expect(sfn).toHaveReceivedNthCommandWith(GetExecutionHistoryCommand, 3, { executionArn: EXECUTION, nextToken: 'page-3', maxResults: 1000, includeExecutionData: true });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe(TOKEN);
  });

  it('answers the latest open task of a retried gate, not the failed attempt', async () => {
    running();
    const history = beforeGate();
    history.gateScheduled(TOKEN);
    history.add('TaskFailed', {
      taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'Lambda.ServiceException', cause: 'Lambda is unavailable' },
    });
    history.gateScheduled(RETRY_TOKEN);
    history.gateSubmitted();
    historyIs(history);

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result).toMatchObject({ code: 0, err: [] });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe(RETRY_TOKEN);
  });

  it('at a terminal, asks after the plan and sends on y', async () => {
    running();
    historyIs(waitingAtGate());
    const person = personAnswers('y');

    const result = await opsflow('approve', EXECUTION);

    expect(result).toMatchObject({ code: 0, err: [] });
    expect(person.questions).toEqual(['Approve? [y/N] ']);
    const asked = shownAndAsked.indexOf('asked: Approve? [y/N] ');
    expect(shownAndAsked.findIndex((line) => line.startsWith('Plan: failover'))).toBeLessThan(asked);
    expect(shownAndAsked.findIndex((line) => line.startsWith('  answer by'))).toBeLessThan(asked);
    expect(shownAndAsked[asked + 1]).toBe('sent by then: 0');
    expect(shownAndAsked.at(-1)).toBe(`Approved by ${by} at ${NOW.toISOString()}`);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it.each([
    ['n', 'n'],
    ['an empty line', ''],
    ['the terminal closed (Ctrl-D)', undefined],
  ])('at a terminal, sends nothing on %s: one line on stderr, exit 1', async (_label, answer) => {
    running();
    historyIs(waitingAtGate());
    const person = personAnswers(answer);

    const result = await opsflow('approve', EXECUTION);

    expect(person.questions).toEqual(['Approve? [y/N] ']);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `opsflow: not approved, and nothing was sent: search-failover execution incident-4821 still waits (opsflow reject ${EXECUTION} --reason "<why>" rejects it)`,
    ]);
    expect(result.out).toContain('Plan: failover');
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });

  it('with no terminal and no --yes, refuses before any call: exit 2, one line', async () => {
    nobodyAtTerminal();

    const result = await opsflow('approve', EXECUTION);

    expect(result).toEqual({ code: 2, out: '', err: ['opsflow: approve needs --yes when no one is at a terminal'] });
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(cloudFormation).not.toHaveReceivedAnyCommand();
  });

  it('a request without a plan is shown field by field, the token left out', async () => {
    running();
    const history = beforeGate();
    history.add('TaskScheduled', {
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke.waitForTaskToken',
        region: REGION,
        parameters: JSON.stringify({ FunctionName: lambda('requestSearchApproval'), Payload: { executionArn: EXECUTION, taskToken: TOKEN, requestedAt: '2026-11-30T03:20:03.000Z' } }),
        timeoutInSeconds: 3600,
      },
    });
    history.gateSubmitted();
    historyIs(history);

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result).toMatchObject({ code: 0, err: [] });
    expect(result.out).toContain('The approval request carries no plan; it sent:');
    expect(result.out).toContain(`  executionArn   ${EXECUTION}`);
    expect(result.out).not.toContain('taskToken');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe(TOKEN);
  });

  it('--json: the plan on stderr, one JSON object on stdout without the token', async () => {
    running();
    historyIs(waitingAtGate());

    const result = await opsflow('approve', EXECUTION, '--yes', '--json');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ executionArn: EXECUTION, workflow: 'search-failover', state: 'AwaitApproval', decision: 'approved', by, at: NOW.toISOString() });
    expect(result.err.join('\n')).toContain('Plan: failover');
  });
});

describe('opsflow reject', () => {
  it('sends SendTaskFailure RunbookRejected with the trimmed reason as cause, asking no one', async () => {
    running();
    historyIs(waitingAtGate());
    const person = personAnswers('y');

    const result = await opsflow('reject', EXECUTION, '--reason', '  eu-west-1 is back; no failover needed  ');

    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(person.questions).toEqual([]);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({ taskToken: TOKEN, error: 'RunbookRejected', cause: 'eu-west-1 is back; no failover needed' });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(result.out).toContain('Plan: failover');
    expect(result.out.split('\n').at(-1)).toBe(`Rejected (RunbookRejected) at ${NOW.toISOString()}: eu-west-1 is back; no failover needed`);
  });

  it('--json: one JSON object naming the rejection', async () => {
    running();
    historyIs(waitingAtGate());

    const result = await opsflow('reject', EXECUTION, '--reason', 'not now', '--json');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      executionArn: EXECUTION,
      workflow: 'search-failover',
      state: 'AwaitApproval',
      decision: 'rejected',
      error: 'RunbookRejected',
      reason: 'not now',
      at: NOW.toISOString(),
    });
  });

  it.each([
    [['reject', EXECUTION], 'opsflow: reject needs --reason "<why>": say why the plan is rejected'],
    [['reject', EXECUTION, '--reason', '   '], 'opsflow: reject needs --reason "<why>": say why the plan is rejected'],
    [['reject', EXECUTION, '--reason', 'x'.repeat(32_769)], 'opsflow: --reason: the reason is over 32,768 characters, the most SendTaskFailure takes'],
    [['reject', '--reason', 'why'], 'opsflow: missing execution (its ARN, or <workflow>/<execution name>) (try: opsflow help reject)'],
    [['reject', 'incident-4821', '--reason', 'why'], 'opsflow: "incident-4821" names no execution: give its ARN, or <workflow>/<execution name> (opsflow executions <workflow> lists them)'],
  ])('%j is refused in one line before any call, exit 2', async (argv, line) => {
    const result = await opsflow(...argv);

    expect(result).toEqual({ code: 2, out: '', err: [line] });
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(cloudFormation).not.toHaveReceivedAnyCommand();
  });
});

describe('nothing to answer: one line, exit 2, nothing sent', () => {
  function nothingSent(): void {
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
  }

  it.each(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const)('an execution that ended %s (no history read)', async (status) => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION,
      stateMachineArn: MACHINE_ARN,
      name: 'incident-4821',
      status,
      startDate: new Date('2026-11-30T03:19:51.000Z'),
      stopDate: new Date('2026-11-30T03:30:00.000Z'),
    });

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result).toEqual({ code: 2, out: '', err: [`opsflow: search-failover execution incident-4821 ended ${status} at 2026-11-30T03:30:00.000Z: there is no approval to approve`] });
    expect(sfn).not.toHaveReceivedCommand(GetExecutionHistoryCommand);
    nothingSent();
  });

  it('a gate already answered: says where the execution is now', async () => {
    running();
    const history = waitingAtGate();
    history.add('TaskSucceeded', {
      taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: JSON.stringify({ approved: true, by: 'someone', at: '2026-11-30T03:25:00.000Z' }), outputDetails: { truncated: false } },
    });
    history.exited('TaskStateExited', 'AwaitApproval');
    history.entered('ChoiceStateEntered', 'IsApproved');
    history.exited('ChoiceStateExited', 'IsApproved');
    history.entered('PassStateEntered', 'MarkApproved');
    history.exited('PassStateExited', 'MarkApproved');
    history.entered('PassStateEntered', 'MarkRestoreStarted');
    history.exited('PassStateExited', 'MarkRestoreStarted');
    history.entered('ChoiceStateEntered', 'NeedsDelete');
    history.exited('ChoiceStateExited', 'NeedsDelete');
    history.entered('TaskStateEntered', 'RestoreSearchSnapshot');
    historyIs(history);

    const result = await opsflow('reject', EXECUTION, '--reason', 'too late');

    expect(result).toEqual({
      code: 2,
      out: '',
      err: ['opsflow: search-failover execution incident-4821 is at RestoreSearchSnapshot, not waiting for approval (its approval at AwaitApproval closed with TaskSucceeded at 2026-11-30T03:20:07.000Z): there is nothing to reject'],
    });
    nothingSent();
  });

  it('a gate not reached yet', async () => {
    running();
    const history = new History();
    history.add('ExecutionStarted', { executionStartedEventDetails: { input: '{}', inputDetails: { truncated: false }, roleArn: `arn:aws:iam::${ACCOUNT}:role/opsflow-dev-search-failover` } });
    history.entered('TaskStateEntered', 'PreflightSearchRunbook');
    historyIs(history);

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result.err).toEqual([
      'opsflow: search-failover execution incident-4821 is at PreflightSearchRunbook, not waiting for approval (it has not reached its approval at AwaitApproval): there is nothing to approve',
    ]);
    expect(result.code).toBe(2);
    nothingSent();
  });

  it('a workflow without an approval gate, before any call', async () => {
    const result = await opsflow('approve', `arn:aws:states:eu-west-1:${ACCOUNT}:execution:opsflow-dev-DnsReconcile:nightly`, '--yes');

    expect(result).toEqual({ code: 2, out: '', err: ['opsflow: dns-reconcile has no approval gate: there is nothing to approve'] });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('an execution ARN of another Region than --region', async () => {
    const result = await opsflow('approve', EXECUTION, '--region', 'eu-west-1', '--yes');

    expect(result).toEqual({ code: 2, out: '', err: [`opsflow: ${EXECUTION} runs in ${REGION}, not in eu-west-1 as --region says`] });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('a state machine that is not one of the stage', async () => {
    const result = await opsflow('approve', `arn:aws:states:${REGION}:${ACCOUNT}:execution:opsflow-prod-SearchFailover:incident-4821`, '--yes');

    expect(result).toEqual({
      code: 2,
      out: '',
      err: ['opsflow: opsflow-prod-SearchFailover is not a state machine of stage dev (opsflow-dev-<StateMachineName>): --stage names the stage'],
    });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });
});

describe('AWS errors: one line each, the token never in it', () => {
  it.each([
    ['TaskTimedOut', sfnError(TaskTimedOut, `Task Timed Out: '${TOKEN}'`)],
    ['TaskDoesNotExist', sfnError(TaskDoesNotExist, `Task does not exist: ${TOKEN}`)],
    ['InvalidToken', sfnError(InvalidToken, `Invalid token: ${TOKEN}`)],
  ])('SendTaskSuccess answering %s: the approval is no longer open, exit 2', async (name, error) => {
    running();
    historyIs(waitingAtGate());
    sfn.on(SendTaskSuccessCommand).rejects(error);

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(new RegExp(`^opsflow: the approval is no longer open \\(${name}: .*<task token>.*\\): states:SendTaskSuccess for search-failover execution incident-4821 at AwaitApproval was not taken$`));
  });

  it('SendTaskFailure throttled past the retries, its message quoting the token: exit 1, redacted', async () => {
    running();
    historyIs(waitingAtGate());
    sfn.on(SendTaskFailureCommand).rejects(serviceError('ThrottlingException', `Rate exceeded for token ${TOKEN}`));

    const result = await opsflow('reject', EXECUTION, '--reason', 'no');

    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      'opsflow: states:SendTaskFailure for search-failover execution incident-4821 at AwaitApproval failed (ThrottlingException: Rate exceeded for token <task token>)',
    ]);
  });

  it.each([
    ['DescribeExecution', DescribeExecutionCommand, sfnError(ExecutionDoesNotExist, `Execution Does Not Exist: '${EXECUTION}'`), 2, `opsflow: states:DescribeExecution ${EXECUTION}: ExecutionDoesNotExist: Execution Does Not Exist: '${EXECUTION}'`],
    [
      'DescribeExecution',
      DescribeExecutionCommand,
      serviceError('AccessDeniedException', `User: arn:aws:sts::${ACCOUNT}:assumed-role/oncall/me is not authorized to perform: states:DescribeExecution`),
      1,
      `opsflow: states:DescribeExecution ${EXECUTION}: not permitted (AccessDeniedException: User: arn:aws:sts::${ACCOUNT}:assumed-role/oncall/me is not authorized to perform: states:DescribeExecution); docs/operating-deployed.md lists the permissions each command needs`,
    ],
    [
      'GetExecutionHistory',
      GetExecutionHistoryCommand,
      serviceError('AccessDeniedException', `User: arn:aws:sts::${ACCOUNT}:assumed-role/oncall/me is not authorized to perform: states:GetExecutionHistory`),
      1,
      `opsflow: states:GetExecutionHistory ${EXECUTION}: not permitted (AccessDeniedException: User: arn:aws:sts::${ACCOUNT}:assumed-role/oncall/me is not authorized to perform: states:GetExecutionHistory); docs/operating-deployed.md lists the permissions each command needs`,
    ],
    ['GetExecutionHistory', GetExecutionHistoryCommand, serviceError('ServiceUnavailable', 'Service is unavailable', 503), 1, `opsflow: states:GetExecutionHistory ${EXECUTION} failed (ServiceUnavailable: Service is unavailable)`],
  ])('%s failing (case %#): one line, its exit code', async (_action, command, error, code, line) => {
    running();
    historyIs(waitingAtGate());
    sfn.on(command as typeof DescribeExecutionCommand).rejects(error);

    const result = await opsflow('approve', EXECUTION, '--yes');

    expect(result).toEqual({ code, out: '', err: [line] });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('no credentials: exit 2, one line, nothing sent', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }));

    const result = await opsflow('reject', EXECUTION, '--reason', 'no');

    expect(result).toEqual({
      code: 2,
      out: '',
      err: ['opsflow: no usable AWS credentials from the default credential chain (CredentialsProviderError: Could not load credentials from any providers): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'],
    });
    expect(sfn).not.toHaveReceivedCommand(SendTaskFailureCommand);
  });
});

describe('reading a history', () => {
  it('finds nothing pending in a history without the gate, and names the states the execution is in', () => {
    const history = beforeGate();
    expect(pendingApproval(history.events, 'AwaitApproval')).toEqual({});
    expect(currentStates(history.events)).toEqual(['AwaitApproval']);
  });

  it('a gate task that timed out is closed, with the event that closed it', () => {
    const history = waitingAtGate();
    const closing = history.add('TaskTimedOut', { taskTimedOutEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.Timeout' } });
    const found = pendingApproval(history.events, 'AwaitApproval');
    expect(found.pending).toBeUndefined();
    expect(found.closed?.id).toBe(closing);
  });

  it('a TaskScheduled of another state is not the gate', () => {
    const history = new History();
    history.entered('TaskStateEntered', 'OtherGate');
    history.gateScheduled(TOKEN);
    history.gateSubmitted();
    expect(pendingApproval(history.events, 'AwaitApproval')).toEqual({});
    expect(pendingApproval(history.events, 'OtherGate').pending?.token).toBe(TOKEN);
  });
});
