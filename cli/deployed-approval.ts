import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { describeSdkError } from '../engine/aws-calls.ts';
import { formatGateRequest, operator, REJECTED, terminal, type Decision } from './approval.ts';
import type { Output } from './command.ts';
import { awsError, call, executionHistory, namedExecution, stageWorkflowOf, stepFunctions, type DeployedFlags } from './deployed.ts';
import { NoPendingApproval } from './errors.ts';
import { EXIT } from './exit.ts';

/**
 * `opsflow approve` and `opsflow reject` against a deployed stage: find the approval an execution
 * waits for in its history, show its plan, and answer it with SendTaskSuccess or SendTaskFailure,
 * as the local `run` does (cli/approval.ts). The task token is read from the history and sent to
 * Step Functions only: never printed, never in an error's message, never in --json.
 */

/** An approval gate's task that is waiting for its answer. */
export interface PendingApproval {
  /** The gate's Task state. */
  readonly state: string;
  /** The task token (Payload.taskToken of the task's parameters). */
  readonly token: string;
  /** The task's effective parameters (FunctionName, Payload with the plan), as formatGateRequest takes them. */
  readonly request: unknown;
  /** When the task was scheduled. */
  readonly scheduledAt: Date | undefined;
}

/** Events that end a scheduled task (Step Functions API Reference, HistoryEvent `type`). */
const taskEnded = new Set(['TaskSucceeded', 'TaskFailed', 'TaskTimedOut', 'TaskStartFailed', 'TaskSubmitFailed', 'TaskStateAborted', 'TaskStateExited']);

const waitForTaskToken = '.waitForTaskToken';

/**
 * The task of `gate` (a `.waitForTaskToken` Task state) that waits for its answer in `events` (an
 * execution's whole history, oldest first, with execution data): the latest TaskScheduled of that
 * state with no event ending it after it. Events are linked by previousEventId: a TaskScheduled
 * belongs to the state whose StateEntered event it follows, and a TaskSucceeded, TaskFailed,
 * TaskTimedOut... follows the TaskScheduled it ends (Step Functions API Reference, HistoryEvent,
 * TaskScheduledEventDetails: resourceType `lambda`, resource `invoke.waitForTaskToken`, and
 * `parameters`, the effective parameters as a JSON string). No `pending` when none waits; `closed`
 * then names the event that ended the latest one, if any. Throws NoPendingApproval when the waiting
 * task's parameters hold no Payload.taskToken.
 */
export function pendingApproval(events: readonly HistoryEvent[], gate: string): { pending?: PendingApproval; closed?: HistoryEvent } {
  const byId = new Map(events.flatMap((event) => (event.id === undefined ? [] : [[event.id, event] as const])));
  const scheduled = events.filter(
    (event) => event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resource?.endsWith(waitForTaskToken) && stateOf(event, byId) === gate,
  );
  const latest = scheduled.at(-1);
  if (latest?.id === undefined) return {};
  const closed = events.find((event) => (event.id ?? 0) > (latest.id ?? 0) && taskEnded.has(event.type ?? '') && descendsFrom(event, latest.id ?? 0, byId));
  if (closed) return { closed };
  const request = parseParameters(latest.taskScheduledEventDetails?.parameters);
  const token = taskTokenOf(request);
  if (token === undefined) throw new NoPendingApproval(`the approval task at ${gate} carries no Payload.taskToken in its parameters: it cannot be answered from here`);
  return { pending: { state: gate, token, request, scheduledAt: latest.timestamp } };
}

/** The name of the state whose StateEntered event `event` follows (through previousEventId). */
function stateOf(event: HistoryEvent, byId: ReadonlyMap<number, HistoryEvent>): string | undefined {
  for (let current = previous(event, byId); current; current = previous(current, byId)) {
    if (current.type?.endsWith('StateEntered')) return current.stateEnteredEventDetails?.name;
  }
  return undefined;
}

/** Whether `event` follows the event `ancestorId` through previousEventId (ids only decrease along the way). */
function descendsFrom(event: HistoryEvent, ancestorId: number, byId: ReadonlyMap<number, HistoryEvent>): boolean {
  for (let current = previous(event, byId); current && (current.id ?? 0) >= ancestorId; current = previous(current, byId)) {
    if (current.id === ancestorId) return true;
  }
  return false;
}

function previous(event: HistoryEvent, byId: ReadonlyMap<number, HistoryEvent>): HistoryEvent | undefined {
  const id = event.previousEventId;
  return id === undefined || id >= (event.id ?? 0) ? undefined : byId.get(id);
}

function parseParameters(parameters: string | undefined): unknown {
  if (parameters === undefined) return undefined;
  try {
    return JSON.parse(parameters) as unknown;
  } catch {
    return undefined;
  }
}

function taskTokenOf(request: unknown): string | undefined {
  const payload = isRecord(request) && isRecord(request.Payload) ? request.Payload : undefined;
  const token = payload?.taskToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * The states the execution is in: entered and not yet exited (a Map or Parallel state and those
 * running inside it), outermost first.
 */
export function currentStates(events: readonly HistoryEvent[]): string[] {
  const open: string[] = [];
  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) open.push(event.stateEnteredEventDetails.name);
    if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      const at = open.lastIndexOf(event.stateExitedEventDetails.name);
      if (at >= 0) open.splice(at, 1);
    }
  }
  return open;
}

/** The flags approve and reject take. */
export interface ApprovalFlags extends DeployedFlags {
  readonly json?: boolean;
}

/** Errors with which SendTaskSuccess/SendTaskFailure say the task is not open any more (Step Functions API Reference, SendTaskSuccess, Errors). */
const taskGone = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Answers the approval the execution named by `argument` waits for: `decision` as given (reject
 * with its reason; approve once the person at the terminal said yes, or at once with `yes`). Sends DescribeExecution, GetExecutionHistory (every page), then SendTaskSuccess
 * `{approved: true, by: <os user>, at: <now, ISO-8601>}` or SendTaskFailure `RunbookRejected`
 * with the reason as cause. Returns EXIT.ok once answered, EXIT.failed when the person at the
 * terminal did not approve (nothing sent). Throws NoPendingApproval when there is nothing to
 * answer (not running, no gate, not at it, or closed meanwhile), UsageError for a state machine
 * not of the stage or an ARN of another Region than --region, and what deployed.ts throws for a
 * failed call, the token redacted.
 */
export async function answerDeployedApproval(argument: string, decision: Decision, flags: ApprovalFlags & { readonly yes?: boolean }, output: Output): Promise<number> {
  const named = await namedExecution(argument, flags, output.readStdin);
  const { ref: execution } = named;
  const module = stageWorkflowOf(named);
  const label = `${module.name} execution ${execution.name}`;
  if (!module.approval) throw new NoPendingApproval(`${module.name} has no approval gate: there is nothing to ${decision.kind}`);
  const gate = module.approval.state;

  const client = await stepFunctions(execution.region);
  try {
    const { DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
    const described = await call(`states:DescribeExecution ${execution.executionArn}`, () => client.send(new DescribeExecutionCommand({ executionArn: execution.executionArn })));
    if (described.status !== 'RUNNING') {
      const ended = described.stopDate ? ` at ${described.stopDate.toISOString()}` : '';
      const status = described.status === 'PENDING_REDRIVE' ? 'is PENDING_REDRIVE (redriven, not yet running)' : `ended ${String(described.status)}${ended}`;
      throw new NoPendingApproval(`${label} ${status}: there is no approval to ${decision.kind}`);
    }
    const events = await executionHistory(client, execution.executionArn);
    const { pending, closed } = pendingApproval(events, gate);
    if (!pending) {
      const states = currentStates(events);
      const where = states.length > 0 ? `is at ${states.join(' > ')}` : 'is between states';
      const gateSaid = closed ? `its approval at ${gate} closed with ${String(closed.type)}${closed.timestamp ? ` at ${closed.timestamp.toISOString()}` : ''}` : `it has not reached its approval at ${gate}`;
      throw new NoPendingApproval(`${label} ${where}, not waiting for approval (${gateSaid}): there is nothing to ${decision.kind}`);
    }
    return await answer(client, pending, decision, { label, executionArn: execution.executionArn, workflow: module.name, yes: flags.yes ?? false, json: flags.json ?? false }, output);
  } finally {
    client.destroy();
  }
}

interface AnswerContext {
  readonly label: string;
  readonly executionArn: string;
  readonly workflow: string;
  readonly yes: boolean;
  readonly json: boolean;
}

async function answer(client: SFNClient, pending: PendingApproval, decision: Decision, context: AnswerContext, output: Output): Promise<number> {
  const { token, state } = pending;
  const redact = (line: string) => line.replaceAll(token, '<task token>');
  const show = (line: string) => (context.json ? output.err(redact(line)) : output.out(redact(line)));
  const note = (line: string) => output.err(redact(line));

  show(`${context.label} waits for approval at ${state}${pending.scheduledAt ? ` since ${pending.scheduledAt.toISOString()}` : ''}`);
  for (const line of formatGateRequest(pending.request, token)) show(line);
  if (decision.kind === 'approve' && !context.yes && !(await confirmed())) {
    note(`opsflow: not approved, and nothing was sent: ${context.label} still waits (opsflow reject ${context.executionArn} --reason "<why>" rejects it)`);
    return EXIT.failed;
  }

  const at = new Date().toISOString();
  const { SendTaskFailureCommand, SendTaskSuccessCommand } = await import('@aws-sdk/client-sfn');
  const action = decision.kind === 'approve' ? 'SendTaskSuccess' : 'SendTaskFailure';
  const by = operator();
  try {
    if (decision.kind === 'approve') {
      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true, by, at }) }));
    } else {
      await client.send(new SendTaskFailureCommand({ taskToken: token, error: REJECTED, cause: decision.reason }));
    }
  } catch (error) {
    throw sendFailed(error, `states:${action} for ${context.label} at ${state}`, redact);
  }
  if (context.json) {
    const answered = decision.kind === 'approve' ? { decision: 'approved', by, at } : { decision: 'rejected', error: REJECTED, reason: decision.reason, at };
    output.out(redact(JSON.stringify({ executionArn: context.executionArn, workflow: context.workflow, state, ...answered })));
  } else {
    show(decision.kind === 'approve' ? `Approved by ${by} at ${at}` : `Rejected (${REJECTED}) at ${at}: ${decision.reason}`);
  }
  return EXIT.ok;
}

/** Asks the person at the terminal; only `y` or `yes` approves. */
async function confirmed(): Promise<boolean> {
  const prompt = terminal.open(new AbortController().signal);
  try {
    const answer = await prompt.ask('Approve? [y/N] ');
    return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    prompt.close();
  }
}

/**
 * A failed SendTask* call as one line with the token redacted, and without the SDK's error as
 * cause (its message can quote the token): NoPendingApproval when the task is not open any more,
 * else what awsError makes of it.
 */
function sendFailed(error: unknown, what: string, redact: (line: string) => string): Error {
  const { name, what: detail } = describeSdkError(error);
  if (taskGone.has(name)) return new NoPendingApproval(redact(`the approval is no longer open (${detail}): ${what} was not taken`));
  const failure = awsError(error, what);
  const sameKind = failure.constructor as new (message: string) => Error;
  return new sameKind(redact(failure.message));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
