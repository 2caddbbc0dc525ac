import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StateEvent, StateRecord } from '../engine/records.ts';

/**
 * A deployed execution's history (Step Functions GetExecutionHistory's HistoryEvent list) read
 * as the local engine records a run: the states entered, retried, caught and failed, each with
 * its Map iteration, so `watch` prints exactly what `run` prints (cli/executions.ts
 * formatStateEvent). Event types and their `*EventDetails` members: Step Functions API
 * Reference, HistoryEvent; event order and previousEventId links as AWS records them (for
 * example a MapIterationStarted whose previousEventId is the last event of the iteration before
 * it), as in LocalStack's snapshots recorded against AWS
 * (tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json).
 */

/** Where and why an execution stopped unsuccessfully: the state it was in, AWS's error and cause. */
export interface ExecutionFailure {
  readonly state: string;
  readonly mapIndex?: number;
  readonly error?: string;
  readonly cause?: string;
}

/** Failures of a Task's work (a service integration, a Lambda function or an activity): the state may retry or catch them. */
const taskFailures: Readonly<Record<string, (event: HistoryEvent) => { error?: string; cause?: string } | undefined>> = {
  TaskFailed: (event) => event.taskFailedEventDetails,
  TaskTimedOut: (event) => event.taskTimedOutEventDetails,
  TaskStartFailed: (event) => event.taskStartFailedEventDetails,
  TaskSubmitFailed: (event) => event.taskSubmitFailedEventDetails,
  LambdaFunctionFailed: (event) => event.lambdaFunctionFailedEventDetails,
  LambdaFunctionTimedOut: (event) => event.lambdaFunctionTimedOutEventDetails,
  LambdaFunctionStartFailed: (event) => event.lambdaFunctionStartFailedEventDetails,
  LambdaFunctionScheduleFailed: (event) => event.lambdaFunctionScheduleFailedEventDetails,
  ActivityFailed: (event) => event.activityFailedEventDetails,
  ActivityTimedOut: (event) => event.activityTimedOutEventDetails,
  ActivityScheduleFailed: (event) => event.activityScheduleFailedEventDetails,
};

/** A Task's work scheduled: after a failure of the same state, a retry. */
const scheduled = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);

/** A Map or Parallel state failed because an iteration or a branch did (these events carry no error). */
const compoundFailures = new Set(['MapStateFailed', 'ParallelStateFailed']);
/** A Map or Parallel state starts its iterations or branches; again after a failure, a retry. */
const compoundStarts = new Set(['MapStateStarted', 'ParallelStateStarted']);

/** How an execution ends; the event's details hold the error and cause, when AWS gives them. */
const executionEnds: Readonly<Record<string, (event: HistoryEvent) => { error?: string; cause?: string } | undefined>> = {
  ExecutionSucceeded: () => undefined,
  ExecutionFailed: (event) => event.executionFailedEventDetails,
  ExecutionTimedOut: (event) => event.executionTimedOutEventDetails,
  ExecutionAborted: (event) => event.executionAbortedEventDetails,
};

const iterationEvents = new Set(['MapIterationStarted', 'MapIterationSucceeded', 'MapIterationFailed', 'MapIterationAborted']);

/**
 * Reads an execution's history, in pages as they come (events in id order, each once), into the
 * local display's StateEvents and StateRecords. Keeps what later events refer back to.
 */
export class HistoryReader {
  /** Every state entered, in order, as the local engine records them. */
  readonly states: StateRecord[] = [];
  /** States entered plus retries: the state transitions Step Functions bills. */
  transitions = 0;
  /** The id of the last event read (0 before any). */
  lastEventId = 0;
  /** The execution has ended (succeeded, failed, timed out or aborted) and was not redriven since. */
  ended = false;
  /** An ExecutionRedriven event was read. */
  redriven = false;
  /** Where the execution failed, once it ended unsuccessfully (cleared by a redrive). */
  failure: ExecutionFailure | undefined;

  /** Per event id: the state visit it belongs to, and the Map iteration indices around it (outermost first). */
  private readonly owners = new Map<number, StateRecord>();
  private readonly scopes = new Map<number, readonly number[]>();
  private readonly events = new Map<number, HistoryEvent>();
  /** Per Map iteration event's id: the scope of its Map state (so a walk back stops at the iteration before). */
  private readonly iterationOuter = new Map<number, readonly number[]>();
  private readonly visitScopes = new WeakMap<StateRecord, readonly number[]>();
  /** Visits not yet exited, by Map scope and name. */
  private readonly open = new Map<string, StateRecord>();
  /** Visits that failed and have been neither retried nor caught. */
  private readonly failing = new Set<StateRecord>();
  /** The innermost state whose failure is unresolved: where an execution that ends now failed. */
  private unresolved: StateRecord | undefined;
  private lastEntered: StateRecord | undefined;

  /** Reads `events` (those already read are skipped); returns what the local display would show for them, in order. */
  read(events: readonly HistoryEvent[]): StateEvent[] {
    const shown: StateEvent[] = [];
    for (const event of events) {
      if (event.id === undefined || event.id <= this.lastEventId) continue;
      this.lastEventId = event.id;
      this.events.set(event.id, event);
      const emit = (type: StateEvent['type'], state: StateRecord) => shown.push({ type, state: { ...state }, timestamp: isoTime(event) });
      this.apply(event, emit);
    }
    return shown;
  }

  private apply(event: HistoryEvent, emit: (type: StateEvent['type'], state: StateRecord) => void): void {
    const id = event.id ?? 0;
    const type = event.type ?? '';
    const previous = event.previousEventId === undefined ? undefined : this.events.get(event.previousEventId);
    const owner = previous?.id === undefined ? undefined : this.owners.get(previous.id);
    // A Map or Parallel state's start or failure links to an event inside it: it belongs to the state.
    const compound = compoundStarts.has(type) && previous?.type !== type.replace(/Started$/, 'Entered') ? this.lastOpen(type) : compoundFailures.has(type) ? this.failedCompound(type) : undefined;
    const scope = compound ? (this.visitScopes.get(compound) ?? []) : this.scopeOf(event);
    this.scopes.set(id, scope);

    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails) {
      const mapIndex = scope.at(-1);
      const visit: StateRecord = {
        name: event.stateEnteredEventDetails.name ?? '',
        type: type.slice(0, -'StateEntered'.length),
        enteredAt: isoTime(event),
        status: 'entered',
        retries: 0,
        ...(mapIndex === undefined ? {} : { mapIndex }),
      };
      this.states.push(visit);
      this.transitions += 1;
      this.open.set(openKey(scope, visit.name), visit);
      this.visitScopes.set(visit, scope);
      this.owners.set(id, visit);
      this.lastEntered = visit;
      emit('entered', visit);
      return;
    }
    if (type.endsWith('StateExited') && event.stateExitedEventDetails) {
      const key = openKey(scope, event.stateExitedEventDetails.name ?? '');
      const visit = this.open.get(key);
      if (!visit) return;
      this.open.delete(key);
      visit.exitedAt = isoTime(event);
      this.owners.set(id, visit);
      if (this.failing.delete(visit)) {
        // Exited after a failure: a Catch took it to the next state.
        visit.status = 'caught';
        this.unresolved = undefined;
        emit('caught', visit);
      } else {
        visit.status = 'succeeded';
      }
      return;
    }
    if (compound) {
      this.owners.set(id, compound);
      if (compoundFailures.has(type)) this.failCompound(compound, emit);
      else this.retry(compound, emit);
      return;
    }
    // Task events, and a redrive's rescheduled work (the execution's end links to the failed Task), belong to the state before them.
    if (owner && !iterationEvents.has(type)) this.owners.set(id, owner);

    const taskFailure = taskFailures[type];
    if (taskFailure && owner) {
      const details = taskFailure(event);
      fail(owner, details?.error, details?.cause);
      this.failing.add(owner);
      this.unresolved = owner;
      emit('failed', owner);
      return;
    }
    if (scheduled.has(type) && owner && this.failing.has(owner)) {
      this.retry(owner, emit);
      return;
    }
    if (type === 'MapIterationFailed') {
      const name = event.mapIterationFailedEventDetails?.name ?? '';
      const map = this.open.get(openKey(this.iterationOuter.get(id) ?? [], name));
      if (map && !this.failing.has(map)) this.failCompound(map, emit);
      return;
    }
    if (type === 'ExecutionRedriven') {
      this.ended = false;
      this.redriven = true;
      this.failure = undefined;
      this.unresolved = undefined;
      this.failing.clear();
      return;
    }
    const ending = executionEnds[type];
    if (!ending) return;
    this.ended = true;
    if (type === 'ExecutionSucceeded') return;
    const details = ending(event);
    const error = details?.error ?? type;
    const cause = details?.cause;
    const reported = this.unresolved && this.unresolved.error === error ? this.unresolved : undefined;
    const where = reported ?? this.lastEntered;
    if (where && !reported) {
      fail(where, error, cause);
      emit('failed', where);
    }
    this.failure = {
      state: where?.name ?? '',
      ...(where?.mapIndex === undefined ? {} : { mapIndex: where.mapIndex }),
      error,
      ...(cause === undefined ? {} : { cause }),
    };
  }

  /** A state that failed runs again (a Retry): its work scheduled again, or a Map or Parallel state started again. */
  private retry(visit: StateRecord, emit: (type: StateEvent['type'], state: StateRecord) => void): void {
    this.failing.delete(visit);
    visit.status = 'retried';
    visit.retries += 1;
    this.transitions += 1;
    this.unresolved = undefined;
    emit('retried', visit);
  }

  /**
   * A Map or Parallel state failed because an iteration or branch did: the error is the one that
   * failed inside it, when a Task's failure said it (a Fail state's error shows only in the
   * execution's end). Shown once, as the local engine shows it.
   */
  private failCompound(visit: StateRecord, emit: (type: StateEvent['type'], state: StateRecord) => void): void {
    if (this.failing.has(visit)) return;
    fail(visit, this.unresolved?.error, this.unresolved?.cause);
    this.failing.add(visit);
    if (visit.error !== undefined) emit('failed', visit);
  }

  /** The Map or Parallel state (by the event's kind) entered last and not yet exited. */
  private lastOpen(type: string): StateRecord | undefined {
    const kind = type.startsWith('Map') ? 'Map' : 'Parallel';
    return [...this.open.values()].reverse().find((visit) => visit.type === kind);
  }

  /** The Map or Parallel state a MapStateFailed or ParallelStateFailed is about: one already failing, else the one entered last. */
  private failedCompound(type: string): StateRecord | undefined {
    const kind = type.startsWith('Map') ? 'Map' : 'Parallel';
    return [...this.failing].reverse().find((visit) => visit.type === kind) ?? this.lastOpen(type);
  }

  /**
   * The Map iteration indices `event` runs in. An event inherits its previous event's, except
   * that an iteration's start and end take those of their Map state (found by walking back to it:
   * AWS links an iteration's start to the last event of the iteration before it).
   */
  private scopeOf(event: HistoryEvent): readonly number[] {
    const type = event.type ?? '';
    const previous = event.previousEventId === undefined ? [] : (this.scopes.get(event.previousEventId) ?? []);
    if (!iterationEvents.has(type)) return previous;
    const details = event.mapIterationStartedEventDetails ?? event.mapIterationSucceededEventDetails ?? event.mapIterationFailedEventDetails ?? event.mapIterationAbortedEventDetails;
    const outer = this.mapStateScope(details?.name ?? '', event.previousEventId) ?? [];
    if (event.id !== undefined) this.iterationOuter.set(event.id, outer);
    return type === 'MapIterationStarted' && details?.index !== undefined ? [...outer, details.index] : outer;
  }

  /** The scope of the Map state `name` that the event `from` leads back to. */
  private mapStateScope(name: string, from: number | undefined): readonly number[] | undefined {
    let id = from;
    while (id !== undefined && id > 0) {
      const event = this.events.get(id);
      if (!event) return undefined;
      if (event.type === 'MapStateEntered' && event.stateEnteredEventDetails?.name === name) return this.scopes.get(id);
      if (event.type === 'MapIterationStarted' && event.mapIterationStartedEventDetails?.name === name) return this.iterationOuter.get(id);
      id = event.previousEventId;
    }
    return undefined;
  }
}

function fail(visit: StateRecord, error: string | undefined, cause: string | undefined): void {
  visit.status = 'failed';
  if (error === undefined) delete visit.error;
  else visit.error = error;
  if (cause === undefined) delete visit.cause;
  else visit.cause = cause;
}

function openKey(scope: readonly number[], name: string): string {
  return `${scope.join('/')}|${name}`;
}

function isoTime(event: HistoryEvent): string {
  const { timestamp } = event;
  return timestamp instanceof Date ? timestamp.toISOString() : new Date(timestamp ?? 0).toISOString();
}

/** Where the execution whose whole history is `events` failed, if it ended unsuccessfully. */
export function failureOf(events: readonly HistoryEvent[]): ExecutionFailure | undefined {
  const reader = new HistoryReader();
  reader.read(events);
  return reader.failure;
}
