import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Engine, ExecutionRecord, PendingTask } from '../engine/engine.ts';
import { TaskDoesNotExist, TaskTimedOut } from '../engine/errors.ts';
import type { WorkflowModule } from '../workflows/types.ts';
import { UsageError } from './errors.ts';

/**
 * `opsflow run` at a workflow's approval gate (WorkflowModule.approval): finds the execution
 * waiting there, shows the plan it asks a person to approve, and answers it from the command line
 * (--approve, --reject <reason>), from a person at the terminal, or not at all (the run stops at
 * the gate, nothing changed). The task token is never shown: the answer is sent to the engine here.
 */

/** The answer a person gave. */
export type Decision = { readonly kind: 'approve' } | { readonly kind: 'reject'; readonly reason: string };

/** SendTaskFailure's error for a rejection; the reason is its cause (issue 10's contract). */
export const REJECTED = 'RunbookRejected';

/** SendTaskFailure takes a cause of at most 32,768 characters (Step Functions API reference, SendTaskFailure). */
const maxReasonLength = 32_768;

/**
 * The decision given on the command line, if any. UsageError for --approve with --reject, either
 * for a workflow without an approval gate, and a reason SendTaskFailure would refuse.
 */
export function decisionFromFlags(module: Pick<WorkflowModule, 'name' | 'approval'>, flags: { readonly approve?: boolean; readonly reject?: string }): Decision | undefined {
  if (flags.approve && flags.reject !== undefined) throw new UsageError('--approve and --reject exclude each other: give one');
  const given = flags.approve ? '--approve' : flags.reject !== undefined ? '--reject' : undefined;
  if (given === undefined) return undefined;
  if (!module.approval) throw new UsageError(`${given}: ${module.name} has no approval gate to answer`);
  if (flags.approve) return { kind: 'approve' };
  return { kind: 'reject', reason: rejectionReason(flags.reject ?? '', '--reject') };
}

/**
 * A rejection's reason as SendTaskFailure sends it (its cause): trimmed, not empty, at most 32,768
 * characters. UsageError naming `option` otherwise.
 */
export function rejectionReason(given: string, option: string): string {
  const reason = given.trim();
  if (reason === '') throw new UsageError(`${option} needs a reason`);
  if ([...reason].length > maxReasonLength) throw new UsageError(`${option}: the reason is over ${maxReasonLength.toLocaleString('en-US')} characters, the most SendTaskFailure takes`);
  return reason;
}

/** Questions to the person at the terminal, on one line reader (so that lines typed ahead are not lost). */
export interface Prompt {
  /** The line typed after `question`; undefined once the terminal closed (Ctrl-D) or was interrupted (Ctrl-C). */
  ask(question: string): Promise<string | undefined>;
  close(): void;
}

/** The person at the terminal; replaced in tests. */
export const terminal = {
  /** Someone can answer: standard input and output are both a terminal. */
  interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stdout.isTTY);
  },
  /** A prompt on standard input and output; its questions reject with `signal`'s reason once it aborts. */
  open(signal: AbortSignal): Prompt {
    const lines = createInterface({ input: process.stdin, output: process.stdout });
    // Lines typed ahead of a question wait in the iterator for it.
    const typed = lines[Symbol.asyncIterator]();
    const interrupted = new Promise<undefined>((resolve) => lines.once('SIGINT', () => resolve(undefined)));
    const aborted = new Promise<never>((_resolve, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    return {
      ask: async (question) => {
        lines.setPrompt(question);
        lines.prompt();
        const next = typed.next().then((line) => (line.done ? undefined : line.value));
        return Promise.race([next, interrupted, aborted]);
      },
      close: () => lines.close(),
    };
  },
};

export interface GateOptions {
  readonly workflow: string;
  /** The gate's Task state (WorkflowModule.approval.state). */
  readonly state: string;
  /** Given on the command line; otherwise a person at the terminal is asked, or nobody answers. */
  readonly decision: Decision | undefined;
  /** Where the plan goes (stdout, or stderr when stdout carries --json). */
  readonly show: (line: string) => void;
  /** Notes and the way to answer (stderr). */
  readonly note: (line: string) => void;
}

/**
 * What happened at the gate: `answered` (approved or rejected; the execution runs on), `stopped`
 * (nobody answered: the execution is stopped there, ABORTED, nothing changed), `not reached` (the
 * execution ended before it, as a dry run or a refusal does, or while a person was being asked).
 */
export type GateOutcome = 'answered' | 'stopped' | 'not reached';

/**
 * Waits until `running` (the execution of `workflow`) waits at its gate and nothing else can run
 * (Engine.waitingTask), shows the plan, and answers: approval is SendTaskSuccess
 * `{approved: true, by: <os user>, at: <engine clock, ISO-8601>}`, rejection SendTaskFailure
 * `RunbookRejected` with the reason as cause. A token that timed out meanwhile is noted; the
 * execution then ends as it ended.
 */
export async function answerGate(engine: Engine, running: Promise<ExecutionRecord>, options: GateOptions): Promise<GateOutcome> {
  const ended = new AbortController();
  const stop = () => ended.abort(new Error('the execution ended'));
  running.then(stop, stop);
  const { workflow, state, show, note } = options;
  let pending: PendingTask;
  try {
    pending = await engine.waitingTask((task) => task.workflow === workflow && task.stateName === state, ended.signal);
  } catch (error) {
    if (ended.signal.aborted) {
      if (options.decision) note(`opsflow: ${workflow} ended before its approval gate ${state}; there was nothing to ${options.decision.kind}`);
      return 'not reached';
    }
    throw error;
  }
  const { token } = pending;
  const redact = (line: string) => line.replaceAll(token, '<task token>');
  for (const line of formatGateRequest(pending.request, token)) show(redact(line));

  let decision = options.decision;
  if (!decision && terminal.interactive()) {
    const asked = await askPerson(ended.signal);
    if (asked === 'ended') return 'not reached';
    decision = asked;
  }
  if (!decision) {
    note(`opsflow: ${workflow} waits for approval at ${state}, and nothing has changed: run it again with --approve, or with --reject "<reason>"`);
    // Nobody here will answer, and a local execution cannot outlive the command: it ends ABORTED at the gate.
    engine.stopExecution(pending.executionArn);
    return 'stopped';
  }
  try {
    if (decision.kind === 'approve') {
      const answer = { approved: true, by: operator(), at: engine.clock.now().toISOString() };
      engine.sendTaskSuccess(token, answer);
      show(`Approved by ${answer.by} at ${answer.at}`);
    } else {
      engine.sendTaskFailure(token, REJECTED, decision.reason);
      show(`Rejected (${REJECTED}): ${decision.reason}`);
    }
  } catch (error) {
    if (!(error instanceof TaskTimedOut || error instanceof TaskDoesNotExist)) throw error;
    note(`opsflow: the approval at ${state} is no longer open (${redact(error.message)}): the answer was not sent`);
  }
  return 'answered';
}

/**
 * The lines that show the plan a dry run ended with (its output's `plan`, `dryRun` true), as the
 * gate would have shown it; none for any other execution.
 */
export function dryRunPlan(record: Pick<ExecutionRecord, 'status' | 'output'>): string[] {
  const plan = isRecord(record.output) ? record.output.plan : undefined;
  if (record.status !== 'SUCCEEDED' || !isRecord(plan) || plan.dryRun !== true) return [];
  return formatPlan(plan);
}

/** Asks at the terminal; undefined when nobody answers, `ended` when the execution ended meanwhile. */
async function askPerson(signal: AbortSignal): Promise<Decision | undefined | 'ended'> {
  const prompt = terminal.open(signal);
  try {
    const answer = await prompt.ask('Approve? [y/N] ');
    if (answer === undefined) return undefined;
    if (/^\s*y(es)?\s*$/i.test(answer)) return { kind: 'approve' };
    const reason = await prompt.ask('Why not? (the rejection\'s reason) ');
    if (reason === undefined) return undefined;
    return { kind: 'reject', reason: reason.trim().slice(0, maxReasonLength) || `rejected at the terminal by ${operator()}` };
  } catch (error) {
    if (signal.aborted) return 'ended';
    throw error;
  } finally {
    prompt.close();
  }
}

/** Who answers: the operating system's user (USER or LOGNAME when it has no name there). */
export function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/**
 * The lines that show a gate's request (a Task's effective parameters): its `Payload.plan` as a
 * plan, with when the answer is due (`Payload.expiresAt`, or `requestedAt` plus `timeoutSeconds`,
 * seconds, as the runbooks' AwaitApproval sends them); without a plan, the payload's fields. Never a value equal to `token`.
 */
export function formatGateRequest(request: unknown, token: string): string[] {
  const payload = isRecord(request) && isRecord(request.Payload) ? request.Payload : undefined;
  const answerBy =
    typeof payload?.expiresAt === 'string'
      ? payload.expiresAt
      : typeof payload?.requestedAt === 'string' && typeof payload.timeoutSeconds === 'number'
        ? new Date(Date.parse(payload.requestedAt) + payload.timeoutSeconds * 1000).toISOString()
        : undefined;
  const expires = answerBy === undefined ? [] : [field('answer by', answerBy)];
  if (payload && isRecord(payload.plan)) return [...formatPlan(payload.plan), ...expires];
  const fields = Object.entries(payload ?? (isRecord(request) ? request : {})).filter(([, value]) => value !== token);
  return ['The approval request carries no plan; it sent:', ...fields.map(([key, value]) => field(key, value))];
}

const labelWidth = 15;

function field(label: string, value: unknown): string {
  return `  ${label.padEnd(labelWidth)}${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/** Fields the plan lines below show; any other is shown as it is. */
const shownFields = new Set([
  'runbook', 'region', 'domainName', 'endpoint', 'engineVersion', 'dryRun', 'reason', 'snapshot', 'snapshotTakenAt', 'sourceDomain',
  'sourceRegion', 'repository', 'indices', 'conflicts', 'conflictOption', 'renamePattern', 'renameReplacement', 'dns', 'finalSnapshot', 'finalSnapshotPlan',
  'excluded',
]);

/**
 * A search runbook's plan (issue 10: preflightSearchRunbook's `plan`), key facts first: the
 * runbook, where it restores, the snapshot, each index with its document range, the conflicts and
 * what happens to them, the DNS change. Fields of another shape are shown as key and JSON value.
 */
export function formatPlan(plan: Readonly<Record<string, unknown>>): string[] {
  const text = (key: string) => (typeof plan[key] === 'string' ? plan[key] : undefined);
  const lines: string[] = [];
  const target = [text('region') && `into ${text('region')}`, text('domainName') && `domain ${text('domainName')}${text('engineVersion') ? ` (${text('engineVersion')})` : ''}`].filter(Boolean);
  lines.push(`Plan: ${text('runbook') ?? 'runbook'}${target.length ? ` ${target.join(', ')}` : ''}${plan.dryRun === true ? ' (dry run: nothing will change)' : ''}`);
  if (text('reason')) lines.push(field('reason', text('reason')));
  if (text('snapshot')) {
    const source = [text('sourceDomain') && `of ${text('sourceDomain')}`, text('sourceRegion') && `in ${text('sourceRegion')}`].filter(Boolean).join(' ');
    lines.push(field('snapshot', `${text('snapshot')}${text('snapshotTakenAt') ? `, taken ${text('snapshotTakenAt')}` : ''}${source ? ` ${source}` : ''}`));
  }
  if (plan.finalSnapshot === true) lines.push(field('final snapshot', finalSnapshotLine(plan.finalSnapshotPlan)));
  const { repository } = plan;
  if (isRecord(repository) && typeof repository.name === 'string') {
    const where = typeof repository.bucket === 'string' ? ` (s3://${repository.bucket}/${typeof repository.basePath === 'string' ? repository.basePath : ''})` : '';
    lines.push(field('repository', `${repository.name}${where}`));
  } else if (repository !== undefined) {
    lines.push(field('repository', repository));
  }
  lines.push(...indexLines(plan.indices));
  lines.push(...conflictLines(plan));
  if ('dns' in plan) lines.push(dnsLine(plan.dns));
  if (text('endpoint')) lines.push(field('endpoint', text('endpoint')));
  const { excluded } = plan;
  if (Array.isArray(excluded) && excluded.length > 0) lines.push(field('left out', `${excluded.join(', ')} (system indices are never restored)`));
  for (const [key, value] of Object.entries(plan)) if (!shownFields.has(key)) lines.push(field(key, value));
  return lines;
}

function finalSnapshotLine(finalPlan: unknown): string {
  if (!isRecord(finalPlan)) return 'taken first, of the domain being left';
  const name = typeof finalPlan.snapshotName === 'string' ? `${finalPlan.snapshotName} ` : '';
  return `${name}taken first, of ${String(finalPlan.domainName)} in ${String(finalPlan.region)}, and restored`;
}

function indexLines(indices: unknown): string[] {
  if (!Array.isArray(indices)) return indices === undefined ? [] : [field('indices', indices)];
  if (indices.length === 0) return [field('indices', 'none')];
  const names = indices.map((entry) => {
    if (!isRecord(entry)) return JSON.stringify(entry);
    const { index, restoreAs } = entry;
    return typeof restoreAs === 'string' && restoreAs !== index ? `${String(index)} as ${restoreAs}` : String(index);
  });
  const width = Math.max(...names.map((name) => name.length));
  return indices.map((entry, position) => {
    const range = isRecord(entry) ? documentRange(entry.before, entry.after) : '';
    return `${position === 0 ? `  ${'indices'.padEnd(labelWidth)}` : ' '.repeat(labelWidth + 2)}${(names[position] ?? '').padEnd(width)}${range ? `  ${range}` : ''}`;
  });
}

/** A restored index's count must fall in the manifest's [before, after]; after null: at least before. */
function documentRange(before: unknown, after: unknown): string {
  const count = (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-US') : undefined);
  if (count(before) === undefined) return '';
  if (after === null || after === undefined) return `documents ≥ ${count(before)}`;
  return after === before ? `documents ${count(before)}` : `documents ${count(before)} to ${count(after)}`;
}

function conflictLines(plan: Readonly<Record<string, unknown>>): string[] {
  const { conflicts, conflictOption } = plan;
  const option = typeof conflictOption === 'string' ? conflictOption : undefined;
  if (!Array.isArray(conflicts)) {
    return [...(conflicts === undefined ? [] : [field('conflicts', conflicts)]), ...(option ? [field('on conflict', option)] : [])];
  }
  if (conflicts.length === 0) return [field('conflicts', `none${option ? ` (option ${option})` : ''}`)];
  const handled: Record<string, string> = {
    refuse: 'refuse: the runbook stops before any change',
    delete: 'delete: these open indices are deleted, then restored from the snapshot',
    rename: `rename: restored under new names${typeof plan.renameReplacement === 'string' ? ` (${String(plan.renamePattern)} → ${plan.renameReplacement})` : ''}`,
  };
  return [field('conflicts', conflicts.map(String).join(', ')), ...(option ? [field('on conflict', handled[option] ?? option)] : [])];
}

function dnsLine(dns: unknown): string {
  if (dns === null) return field('DNS', 'unchanged');
  if (!isRecord(dns)) return field('DNS', dns);
  return field('DNS', `${String(dns.name)} (zone ${String(dns.zoneId)}): ${String(dns.from)} → ${String(dns.to)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
