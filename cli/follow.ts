import type { DescribeExecutionOutput, HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { Output } from './command.ts';
import type { ExecutionRef } from './deployed.ts';
import { call } from './deployed.ts';
import { EXIT } from './exit.ts';
import { formatStateEvent } from './executions.ts';
import { causeMessage, transitionCount } from './format.ts';
import { HistoryReader, type ExecutionFailure } from './history.ts';

/**
 * Following a deployed execution (`watch`, `start --watch`, `redrive --watch`): its states as they
 * are entered and left, read from its history, until it ends; then one summary line like the local
 * `report`. Step Functions API Reference: GetExecutionHistory, DescribeExecution.
 */

/** How often the history is read while the execution runs; replaced in tests. Throttling's backoff is the SDK's. */
export const polling = {
  intervalMs: 2000,
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  },
};

/** Statuses of an execution that has not ended (Step Functions API Reference, DescribeExecution). */
const RUNNING_STATUSES = new Set(['RUNNING', 'PENDING_REDRIVE']);

/** The most events GetExecutionHistory returns in one page. */
const PAGE_SIZE = 1000;

/**
 * The events of `executionArn` after event `afterId`, oldest first: GetExecutionHistory newest
 * first (reverseOrder), page after page until an event already read, so that a poll reads one
 * page however long the history. Without execution data: the display needs none, and a runbook's
 * history holds the task token in its data. Throws what `call` makes of a failed call.
 */
export async function newHistoryEvents(client: SFNClient, executionArn: string, afterId: number, abortSignal?: AbortSignal): Promise<HistoryEvent[]> {
  const { GetExecutionHistoryCommand } = await import('@aws-sdk/client-sfn');
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(`states:GetExecutionHistory ${executionArn}`, () =>
      client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: PAGE_SIZE, includeExecutionData: false, ...(nextToken ? { nextToken } : {}) }), abortSignal ? { abortSignal } : {}),
    );
    const fresh = (page.events ?? []).filter((event) => (event.id ?? 0) > afterId);
    events.push(...fresh);
    nextToken = fresh.length === (page.events ?? []).length ? page.nextToken : undefined;
  } while (nextToken);
  return events.sort((one, other) => (one.id ?? 0) - (other.id ?? 0));
}

/** `pending`, or a rejection as soon as `signal` aborts. */
function abortable<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** DescribeExecution of `executionArn`; throws what `call` makes of a failed call. */
export async function describeExecution(client: SFNClient, executionArn: string, abortSignal?: AbortSignal): Promise<DescribeExecutionOutput> {
  const { DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
  return call(`states:DescribeExecution ${executionArn}`, () => client.send(new DescribeExecutionCommand({ executionArn }), abortSignal ? { abortSignal } : {}));
}

export interface FollowOptions {
  /** The workflow's name, as the lines show it (the state machine's name when it is not one of the stage's). */
  readonly workflow: string;
  /** One JSON object at the end instead of lines. */
  readonly json?: boolean;
  /** History read already (by `redrive`): it is not shown again. */
  readonly history?: readonly HistoryEvent[];
  /** The execution was just redriven: its earlier end does not end the watch, only an end after ExecutionRedriven. */
  readonly redriven?: boolean;
}

/** What a followed execution came to. */
export interface Followed {
  /** Absent when the watch was stopped (Ctrl-C) before the execution ended. */
  readonly description?: DescribeExecutionOutput;
  readonly reader: HistoryReader;
  /** EXIT.ok when it SUCCEEDED, EXIT.failed otherwise, EXIT.interrupted when the watch was stopped. */
  readonly exitCode: number;
}

/**
 * Prints `ref`'s states (not with `json`) from its history so far, then polls GetExecutionHistory
 * every polling.intervalMs for new events until the execution ends; then one summary line
 * (summaryLine) or with `json` one object (DescribeExecution's fields, its input and output
 * parsed, where it failed, the states). For `start --watch`: `ref` from executionNamed.
 * Stopping the process stops the watch, not the execution. Throws what `call` makes of a failed call.
 */
export async function followExecution(client: SFNClient, ref: ExecutionRef, output: Output, options: FollowOptions): Promise<Followed> {
  // Ctrl-C stops the watch, not the execution: say so, and stop at once (a call under way is aborted).
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await follow(client, ref, output, options, interrupted.signal);
  } catch (error) {
    if (!interrupted.signal.aborted) throw error;
    output.err(`opsflow: stopped watching; ${ref.executionArn} keeps running (opsflow watch ${ref.executionArn})`);
    return { reader: new HistoryReader(), exitCode: EXIT.interrupted };
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function follow(client: SFNClient, ref: ExecutionRef, output: Output, options: FollowOptions, signal: AbortSignal): Promise<Followed> {
  const reader = new HistoryReader();
  const show = (events: readonly HistoryEvent[]) => {
    for (const event of reader.read(events)) {
      const line = formatStateEvent({ workflow: options.workflow }, event);
      if (line && !options.json) output.out(line);
    }
  };
  reader.read(options.history ?? []);
  const ended = () => reader.ended && (!options.redriven || reader.redriven);
  let description: DescribeExecutionOutput | undefined;
  for (;;) {
    show(await newHistoryEvents(client, ref.executionArn, reader.lastEventId, signal));
    // The history's end event ends the watch once DescribeExecution (eventually consistent, API Reference) agrees: RUNNING or PENDING_REDRIVE never does.
    if (ended()) description = await describeExecution(client, ref.executionArn, signal);
    if (description && !RUNNING_STATUSES.has(description.status ?? '')) break;
    await abortable(polling.sleep(polling.intervalMs), signal);
  }
  if (options.json) output.out(JSON.stringify(executionSummary(description, options.workflow, reader), null, 2));
  else output.out(summaryLine(description, options.workflow, reader));
  return { description, reader, exitCode: description.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed };
}

/**
 * `<workflow> <status>[ at <Succeed state>] in <n> transitions, <s> s` and the error and cause, as
 * the local `report` words a run with --aws: seconds from start to stop, to a tenth.
 */
export function summaryLine(description: DescribeExecutionOutput, workflow: string, reader: HistoryReader): string {
  const { status, startDate, stopDate } = description;
  // DescribeExecution leaves out what it does not know; the history's end event may still say it
  // (a failure named only by its end event's type says nothing the status does not).
  const fromHistory = reader.failure && !/^Execution(Failed|TimedOut|Aborted)$/.test(reader.failure.error ?? '') ? reader.failure : undefined;
  const error = description.error ?? fromHistory?.error;
  const cause = description.cause ?? fromHistory?.cause;
  const last = reader.states.at(-1);
  const endedAt = status === 'SUCCEEDED' && last?.type === 'Succeed' ? ` at ${last.name}` : '';
  const seconds = startDate && stopDate ? `, ${Number(((stopDate.getTime() - startDate.getTime()) / 1000).toFixed(1))} s` : '';
  const failure = error ? `  ${error}: ${causeMessage(cause)}` : '';
  return `${workflow} ${status ?? 'UNKNOWN'}${endedAt} in ${transitionCount(reader.transitions)}${seconds}${failure}`;
}

/** `where it failed`: `<state>[<map index>] <error>: <cause>`. */
export function failureLine(failure: ExecutionFailure): string {
  const where = `${failure.state}${failure.mapIndex === undefined ? '' : `[${failure.mapIndex}]`}`;
  return `${where}${failure.error ? ` ${failure.error}` : ''}${failure.cause ? `: ${causeMessage(failure.cause)}` : ''}`;
}

function executionSummary(description: DescribeExecutionOutput, workflow: string, reader: HistoryReader) {
  const { $metadata: _metadata, input, output, ...fields } = description as DescribeExecutionOutput & { $metadata?: unknown };
  return { workflow, ...fields, input: parsed(input), output: parsed(output), transitions: reader.transitions, failure: reader.failure ?? null, states: reader.states };
}

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
