import './polyfills.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { JsonValue, WorkflowModule } from '../workflows/types.ts';
import { assertRunnable, delocalisePaths, prepareDefinition, type PreparedDefinition, type StateSite } from './asl.ts';
import type { CallingExecution, TaskBinding } from './bridge.ts';
import type { ExecutionChain } from './bus.ts';
import { DuplicateTaskState, ExecutionContextLost, InvalidDefinition } from './errors.ts';
import { checkStatePayload, checkTaskResult } from './limits.ts';
import type { ExecutionRecord, StateEvent, StateRecord } from './records.ts';
import { runContext, type RunContext } from './run-context.ts';
import { TaskTokens } from './task-tokens.ts';

/**
 * Runs definitions with aws-local-stepfunctions: each workflow's StateMachine is built (and
 * validated) once, every execution reuses it with its own context object and records, and
 * every Task state is answered by the resource bridge.
 */

/** Why an execution runs: the chain of executions it belongs to and its event hop. */
export interface Cause {
  readonly chain: ExecutionChain<ExecutionRecord>;
  readonly depth: number;
}

export interface CompiledWorkflow {
  readonly module: WorkflowModule;
  readonly stateMachineArn: string;
  readonly deployedName: string;
  readonly roleArn: string;
  readonly prepared: PreparedDefinition;
  readonly machine: StateMachine;
  readonly overrides: NonNullable<RunOptions['overrides']>;
}

export interface ExecutorOptions {
  readonly realTime: boolean;
  readonly tokens: TaskTokens;
  readonly onStateEvent?: (execution: ExecutionRecord, event: StateEvent) => void;
  readonly warn: (message: string) => void;
}

export interface CompileRequest {
  readonly module: WorkflowModule;
  readonly definition: JsonValue;
  readonly stateMachineArn: string;
  readonly deployedName: string;
  readonly roleArn: string;
  readonly bind: (site: StateSite) => Promise<TaskBinding>;
}

const executions = new AsyncLocalStorage<RunningExecution>();

/** The execution whose task (or whose SDK call, or whose event) is running now. */
export function currentExecution(): RunningExecution | undefined {
  return executions.getStore();
}

export class Executor {
  private builds = 0;

  constructor(private readonly options: ExecutorOptions) {}

  /** StateMachine constructions so far: one per workflow, however many executions. */
  get machineBuilds(): number {
    return this.builds;
  }

  async compile(request: CompileRequest): Promise<CompiledWorkflow> {
    const where = request.module.name;
    assertRunnable(request.definition, where);
    const written = structuredClone(request.definition);
    const prepared = prepareDefinition(request.definition, where, { simulateTime: !this.options.realTime });
    const bindings = new Map<string, TaskBinding>();
    const seen = new Map<string, string>();
    for (const site of prepared.taskStates) {
      const shape = JSON.stringify([site.state.Resource, site.state.Parameters ?? null]);
      const earlier = seen.get(site.name);
      if (earlier !== undefined && earlier !== shape) {
        throw new DuplicateTaskState(`${where}: two Task states are named ${site.name} with different Resource or Parameters`);
      }
      seen.set(site.name, shape);
      if (!bindings.has(site.name)) bindings.set(site.name, await request.bind(site));
    }

    const taskResourceLocalHandlers = Object.fromEntries(
      [...bindings].map(([name, binding]) => [name, (input: JsonValue) => dispatch(binding, input)]),
    );
    const retryIntervalOverrides = this.options.realTime
      ? undefined
      : Object.fromEntries(prepared.retryableStates.map((name) => [name, 0]));

    const machine = buildMachine(written, prepared, where);
    this.builds += 1;
    return {
      module: request.module,
      stateMachineArn: request.stateMachineArn,
      deployedName: request.deployedName,
      roleArn: request.roleArn,
      prepared,
      machine,
      overrides: { taskResourceLocalHandlers, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
    };
  }

  /** Runs one execution to its end, filling its record; never rejects for a failed execution. */
  async execute(workflow: CompiledWorkflow, record: ExecutionRecord, cause: Cause): Promise<ExecutionRecord> {
    const running = new RunningExecution(record, workflow, cause);
    const tracker = new ExecutionTracker(record, workflow.prepared, this.options);
    const options: TrackedRunOptions = {
      context: running.context,
      overrides: workflow.overrides,
      [runTracking]: { tracker, running },
    };
    const run = executions.run(running, () => workflow.machine.run(record.input as JsonValue, options));
    try {
      record.output = await run.result;
      record.status = 'SUCCEEDED';
    } catch (error) {
      Object.assign(record, failureOf(error));
    }
    await tracker.drained();
    record.stopDate = new Date().toISOString();
    this.options.tokens.discardExecution(record.executionArn);
    return record;
  }
}

/**
 * The machine, validated by the executor on the definition as written (a Fail state's rewrite is
 * not valid ASL), then set to run the engine's prepared rewrite of it: one construction.
 */
function buildMachine(written: JsonValue, prepared: PreparedDefinition, where: string): StateMachine {
  let machine: StateMachine;
  try {
    // ARNs are checked by the bridge; the validator's own check refuses local account ids.
    machine = new StateMachine(written as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } });
  } catch (error) {
    throw new InvalidDefinition(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  (machine as unknown as { definition: object }).definition = prepared.machine;
  return machine;
}

/** A Task's attempt: its effective input and its result are held to Step Functions' payload limits. */
async function dispatch(binding: TaskBinding, input: JsonValue): Promise<JsonValue> {
  const execution = executions.getStore();
  if (!execution) throw new ExecutionContextLost(`task ${binding.stateName} ran outside an engine execution`);
  // Taken before anything awaits: the executor evaluated this attempt's Parameters just now.
  const token = execution.takeToken();
  checkStatePayload(binding.stateName, input, 'input');
  const result = await binding.invoke(input, { execution, token });
  checkTaskResult(binding.stateName, binding.resource, result);
  return result;
}

function failureOf(error: unknown): Pick<ExecutionRecord, 'status' | 'error' | 'cause'> {
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', cause: undefined };
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED', error: undefined, cause: undefined };
  const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (!(failure instanceof Error)) return { status: 'FAILED', error: 'Error', cause: String(failure) };
  // A Fail state without Error or Cause: the executor fills in its own words, Step Functions nothing.
  return {
    status: 'FAILED',
    error: failure.name === 'FailStateError' ? undefined : failure.name,
    cause: failure.message === 'Execution failed because of a Fail state' ? undefined : delocalisePaths(failure.message),
  };
}

/**
 * One execution as its tasks see it: its context object (its runs add `State` and `Task`,
 * engine/run-context.ts), its task token, its simulated time.
 */
export class RunningExecution implements CallingExecution {
  readonly context: NonNullable<RunOptions['context']>;
  private pendingToken: string | undefined;

  constructor(
    readonly record: ExecutionRecord,
    readonly compiled: CompiledWorkflow,
    readonly cause: Cause,
  ) {
    const execution = {
      Id: record.executionArn,
      Input: record.input as JsonValue,
      Name: record.name,
      RoleArn: compiled.roleArn,
      StartTime: record.startDate,
      RedriveCount: 0,
    };
    this.context = {
      Execution: execution,
      StateMachine: { Id: compiled.stateMachineArn, Name: compiled.deployedName },
      Opsflow: { Execution: execution },
    };
  }

  /** The token of the attempt whose Parameters are being evaluated (one per attempt). */
  issueToken(): string {
    return (this.pendingToken ??= TaskTokens.mint());
  }

  get executionArn(): string {
    return this.record.executionArn;
  }

  get workflow(): string {
    return this.record.workflow;
  }

  get stateMachineArn(): string {
    return this.record.stateMachineArn;
  }

  /** The token this attempt's Parameters were given (a fresh one per attempt), if any. */
  takeToken(): string | undefined {
    const token = this.pendingToken;
    this.pendingToken = undefined;
    return token;
  }

  addSimulatedSeconds(seconds: number): void {
    this.record.simulatedSeconds += seconds;
  }
}

/*
 * The executor forwards the events of Map iterations and Parallel branches to the execution's
 * event log asynchronously and drops those that arrive after the execution ended, and it does
 * not say which iteration an event came from. So every run (the execution's and each nested
 * one) is observed directly: StateMachine.prototype.run is wrapped once, and does nothing
 * different for runs the engine did not start.
 */

const runTracking = Symbol('opsflow.runTracking');

interface RunTracking {
  readonly tracker: ExecutionTracker;
  readonly running: RunningExecution;
  readonly mapIndex?: number;
}

type TrackedRunOptions = RunOptions & { [runTracking]?: RunTracking };
type Run = (this: StateMachine, input: JsonValue, options?: TrackedRunOptions) => ReturnType<StateMachine['run']>;
type LibraryEvents = ReturnType<StateMachine['run']>['eventLogs'];

/** The part of the executor's run internals the engine hooks into (aws-local-stepfunctions 3.x). */
interface StateEventLogger {
  dispatchStateEnteredEvent(stateName: string, stateType: string, input: JsonValue): void;
  dispatchStateExitedEvent(stateName: string, stateType: string, input: JsonValue, output: JsonValue): void;
  dispatchStateRetriedEvent(stateName: string, stateType: string, input: JsonValue, ...retry: unknown[]): void;
}
interface ExecuteOptions {
  runOptions?: TrackedRunOptions;
  eventLogger: StateEventLogger;
}
type Execute = (this: StateMachine, input: JsonValue, options: ExecuteOptions, cleanup: () => void) => Promise<JsonValue>;

const trackingInstalled = Symbol('opsflow.trackingInstalled');

function installRunTracking(): void {
  const prototype = ownerOf(StateMachine.prototype, 'run') as ({ run: Run; execute: Execute } & { [trackingInstalled]?: true }) | null;
  if (!prototype || prototype[trackingInstalled]) return;
  const originalRun = prototype.run;
  prototype.run = function trackedRun(this: StateMachine, input, options) {
    const caller = options?.[runTracking];
    if (!caller) return originalRun.call(this, input, options);
    const tracking = caller.tracker.trackingOf(this, caller);
    const execution = originalRun.call(this, input, { ...options, [runTracking]: tracking });
    caller.tracker.observe(execution.eventLogs, tracking);
    return { ...execution, eventLogs: noEvents() };
  };
  const originalExecute = prototype.execute;
  prototype.execute = function hookedExecute(this: StateMachine, input, options, cleanup) {
    const tracking = options.runOptions?.[runTracking];
    if (tracking) hookRun(options, tracking);
    return originalExecute.call(this, input, options, cleanup);
  };
  prototype[trackingInstalled] = true;
}

function ownerOf(start: object, method: string): object | null {
  let owner: object | null = start;
  while (owner !== null && !Object.hasOwn(owner, method)) owner = Object.getPrototypeOf(owner) as object | null;
  return owner;
}

/**
 * Hooks one run (the execution, a branch, an iteration) as its states are entered, retried and
 * exited: its context gets the run's `State` and `Task` (nested runs take these options and put
 * their own), and each state's effective input as the run starts and each state's output are held
 * to Step Functions' payload limits; a violation ends the execution, as it does on AWS.
 */
function hookRun(options: ExecuteOptions, tracking: RunTracking): void {
  const { running } = tracking;
  const run: RunContext = runContext(running.compiled.prepared.stateTypes, () => running.issueToken());
  const context = options.runOptions?.context ?? {};
  const opsflow = (context.Opsflow ?? {}) as object;
  options.runOptions = { ...options.runOptions, context: { ...context, Opsflow: { ...opsflow, Run: run.fields } } };

  const logger = options.eventLogger;
  const entered = logger.dispatchStateEnteredEvent.bind(logger);
  const exited = logger.dispatchStateExitedEvent.bind(logger);
  const retried = logger.dispatchStateRetriedEvent.bind(logger);
  let first = true;
  logger.dispatchStateEnteredEvent = (stateName, stateType, input) => {
    entered(stateName, stateType, input);
    run.entered(stateName);
    // Later states enter with the output of the one before, which was checked as it exited.
    if (first) checkStatePayload(stateName, input, 'input');
    first = false;
  };
  logger.dispatchStateRetriedEvent = (stateName, stateType, input, ...retry) => {
    retried(stateName, stateType, input, ...retry);
    run.retried();
  };
  logger.dispatchStateExitedEvent = (stateName, stateType, input, output) => {
    checkStatePayload(stateName, output, 'output');
    exited(stateName, stateType, input, output);
  };
}

// eslint-disable-next-line require-yield -- an event log with nothing left in it
async function* noEvents(): LibraryEvents {
  return;
}

installRunTracking();

interface LibraryEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string };
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly retry?: { readonly retrier: Retrier; readonly attempt: number };
}

interface Retrier {
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

/** Turns the event logs of an execution's runs into its record (states, transitions, time). */
class ExecutionTracker {
  private readonly streams: Promise<void>[] = [];
  private readonly iterations = new WeakMap<StateMachine, number>();

  constructor(
    private readonly record: ExecutionRecord,
    private readonly prepared: PreparedDefinition,
    private readonly options: ExecutorOptions,
  ) {}

  /**
   * A Map state builds one machine per run of the state and starts its iterations on it in
   * index order; a Parallel branch or the execution itself keeps its caller's iteration.
   */
  trackingOf(machine: StateMachine, caller: RunTracking): RunTracking {
    const definition = (machine as unknown as { definition: object }).definition;
    if (!this.prepared.iteratorDefinitions.has(definition)) return caller;
    const mapIndex = this.iterations.get(machine) ?? 0;
    this.iterations.set(machine, mapIndex + 1);
    return { tracker: this, running: caller.running, mapIndex };
  }

  observe(events: LibraryEvents, tracking: RunTracking): void {
    this.streams.push(this.consume(events, tracking.mapIndex));
  }

  /** Resolves once every run's log is read to its end (nested runs may end after the execution). */
  async drained(): Promise<void> {
    let count: number;
    do {
      count = this.streams.length;
      await Promise.all(this.streams);
    } while (count !== this.streams.length);
  }

  private async consume(events: LibraryEvents, mapIndex: number | undefined): Promise<void> {
    const visits = new Map<string, StateRecord>();
    for await (const event of events) this.apply(event as LibraryEvent, mapIndex, visits);
  }

  private apply(event: LibraryEvent, mapIndex: number | undefined, visits: Map<string, StateRecord>): void {
    const name = event.state?.name;
    if (name === undefined) return;
    const timestamp = new Date(event.timestamp).toISOString();
    if (event.type === 'StateEntered') {
      const visit: StateRecord = {
        name,
        type: this.prepared.stateTypes.get(name) ?? event.state?.type ?? 'Unknown',
        enteredAt: timestamp,
        status: 'entered',
        retries: 0,
        ...(mapIndex !== undefined ? { mapIndex } : {}),
      };
      visits.set(name, visit);
      this.record.states.push(visit);
      this.record.transitions += 1;
      this.emit('entered', visit, timestamp);
      return;
    }
    const visit = visits.get(name);
    if (!visit) return;
    switch (event.type) {
      case 'StateExited':
        visit.exitedAt = timestamp;
        if (visit.status !== 'caught') visit.status = 'succeeded';
        this.emit('exited', visit, timestamp);
        break;
      case 'StateFailed':
        visit.status = 'failed';
        visit.error = event.Error;
        visit.cause = typeof event.Cause === 'string' ? delocalisePaths(event.Cause) : JSON.stringify(event.Cause);
        this.emit('failed', visit, timestamp);
        break;
      case 'StateRetried':
        visit.status = 'retried';
        visit.retries += 1;
        this.record.transitions += 1;
        if (!this.options.realTime && event.retry) this.record.simulatedSeconds += retryDelaySeconds(event.retry.retrier, event.retry.attempt);
        this.emit('retried', visit, timestamp);
        break;
      case 'StateCaught':
        visit.status = 'caught';
        this.emit('caught', visit, timestamp);
        break;
    }
  }

  private emit(type: StateEvent['type'], state: StateRecord, timestamp: string): void {
    if (!this.options.onStateEvent) return;
    try {
      this.options.onStateEvent(this.record, { type, state, timestamp });
    } catch (error) {
      this.options.warn(`onStateEvent failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The interval before retry `attempt` (1 for the first), without jitter, as Step Functions computes it. */
function retryDelaySeconds(retrier: Retrier, attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (attempt - 1);
  return retrier.MaxDelaySeconds !== undefined ? Math.min(interval, retrier.MaxDelaySeconds) : interval;
}
