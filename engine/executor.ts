import './polyfills.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { ExecutionAbortedError, ExecutionError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { JsonValue, WorkflowModule } from '../workflows/types.ts';
import { assertRunnable, clockWaitResource, delocalisePaths, prepareDefinition, type PreparedDefinition, type TaskSite } from './asl.ts';
import type { CallingExecution, TaskBinding, TaskTime } from './bridge.ts';
import type { ExecutionChain } from './bus.ts';
import type { Activity, Clock, ClockTimer } from './clock.ts';
import { DuplicateTaskState, ExecutionContextLost, InvalidDefinition, TaskFailure } from './errors.ts';
import { checkStatePayload, checkTaskResult } from './limits.ts';
import type { ExecutionRecord, StateEvent, StateRecord } from './records.ts';
import { runContext, type RunContext } from './run-context.ts';
import { unitHash } from './sandbox/ids.ts';
import { TaskTokens } from './task-tokens.ts';

/**
 * Runs definitions with aws-local-stepfunctions: each workflow's StateMachine is built (and
 * validated) once, every execution reuses it with its own context object and records, and
 * every Task state is answered by the resource bridge. Time is the engine's clock: the
 * library's own timers are taken out (engine/asl.ts), retry intervals are overridden to 0 and
 * waited here instead, and task and execution timeouts are clock timers.
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
  readonly clock: Clock;
  readonly tokens: TaskTokens;
  /** Seeds the draws of JitterStrategy FULL. */
  readonly randomSeed: number;
  readonly onStateEvent?: (execution: ExecutionRecord, event: StateEvent) => void;
  readonly warn: (message: string) => void;
}

export interface CompileRequest {
  readonly module: WorkflowModule;
  readonly definition: JsonValue;
  readonly stateMachineArn: string;
  readonly deployedName: string;
  readonly roleArn: string;
  readonly bind: (site: TaskSite) => Promise<TaskBinding>;
  /** False skips aws-local-stepfunctions' schema validation, for a definition known to pass it. Default true. */
  readonly validate?: boolean;
}

const executions = new AsyncLocalStorage<RunningExecution>();
/** The run (the execution's own, a Map iteration or a Parallel branch) whose state is running now. */
const strands = new AsyncLocalStorage<Strand>();

/** The execution whose task (or whose SDK call, or whose event) is running now. */
export function currentExecution(): RunningExecution | undefined {
  return executions.getStore();
}

export class Executor {
  private builds = 0;
  private jitterDraws = 0;
  /** Aborts each execution running now, by its ARN. */
  private readonly aborts = new Map<string, () => void>();

  constructor(private readonly options: ExecutorOptions) {}

  /** StateMachine constructions so far: one per workflow, however many executions. */
  get machineBuilds(): number {
    return this.builds;
  }

  async compile(request: CompileRequest): Promise<CompiledWorkflow> {
    const where = request.module.name;
    await loadStatesTimeoutError();
    assertRunnable(request.definition, where);
    const written = structuredClone(request.definition);
    const prepared = prepareDefinition(request.definition, where);
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
    // Retried at once by the library; the interval is waited on the clock before the next attempt (Strand.attempt).
    const retryIntervalOverrides = Object.fromEntries(prepared.retryableStates.map((name) => [name, 0]));

    const machine = buildMachine(written, prepared, where, request.validate ?? true);
    this.builds += 1;
    return {
      module: request.module,
      stateMachineArn: request.stateMachineArn,
      deployedName: request.deployedName,
      roleArn: request.roleArn,
      prepared,
      machine,
      overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
    };
  }

  /** Aborts a running execution (it ends ABORTED); false if none of that ARN runs. */
  abort(executionArn: string): boolean {
    const abort = this.aborts.get(executionArn);
    abort?.();
    return abort !== undefined;
  }

  /**
   * Runs one execution to its end, filling its record; never rejects for a failed execution.
   * Its TimeoutSeconds is a clock timer that aborts the run (TIMED_OUT, States.Timeout).
   */
  async execute(workflow: CompiledWorkflow, record: ExecutionRecord, cause: Cause): Promise<ExecutionRecord> {
    const { clock } = this.options;
    const strand = new Strand(clock.activity());
    try {
      return await this.runTracked(workflow, record, new RunningExecution(record, workflow, cause, clock), strand);
    } finally {
      strand.end();
    }
  }

  private async runTracked(workflow: CompiledWorkflow, record: ExecutionRecord, running: RunningExecution, strand: Strand): Promise<ExecutionRecord> {
    const { clock } = this.options;
    const tracker = new ExecutionTracker(record, workflow.prepared, this.options, () => unitHash(this.options.randomSeed, 'jitter', (this.jitterDraws += 1)));
    const options: TrackedRunOptions = {
      context: running.context,
      overrides: workflow.overrides,
      [runTracking]: { tracker, running, strand, ownRun: true },
    };
    const run = executions.run(running, () => strands.run(strand, () => workflow.machine.run(record.input as JsonValue, options)));
    this.aborts.set(record.executionArn, () => run.abort());
    let timedOut = false;
    const limit = workflow.prepared.timeoutSeconds;
    const timeout =
      limit === undefined
        ? undefined
        : clock.after(limit, () => {
            timedOut = true;
            run.abort();
          });
    try {
      record.output = await run.result;
      record.status = 'SUCCEEDED';
    } catch (error) {
      Object.assign(record, timedOut ? { status: 'TIMED_OUT', error: 'States.Timeout', cause: undefined } : failureOf(error));
    }
    timeout?.cancel();
    this.aborts.delete(record.executionArn);
    const stoppedAt = clock.millis();
    await tracker.drained();
    record.stopDate = new Date(stoppedAt).toISOString();
    record.simulatedSeconds = clock.realTime ? 0 : (stoppedAt - Date.parse(record.startDate)) / 1000;
    this.options.tokens.discardExecution(record.executionArn);
    return record;
  }
}

/**
 * The machine, validated by the executor on the definition as written (a Fail state's rewrite is
 * not valid ASL), then set to run the engine's prepared rewrite of it: one construction.
 */
function buildMachine(written: JsonValue, prepared: PreparedDefinition, where: string, validate: boolean): StateMachine {
  let machine: StateMachine;
  try {
    // ARNs are checked by the bridge; the validator's own check refuses local account ids.
    const validationOptions = validate ? { checkArn: false } : { noValidate: true };
    machine = new StateMachine(written as unknown as StateMachineDefinition, { validationOptions });
  } catch (error) {
    throw new InvalidDefinition(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  (machine as unknown as { definition: object }).definition = prepared.machine;
  return machine;
}

/**
 * A Task's attempt: its effective input and its result are held to Step Functions' payload limits
 * (a Wait run as a Task outputs its own input, which was held to them as the state before exited).
 */
async function dispatch(binding: TaskBinding, input: JsonValue): Promise<JsonValue> {
  const execution = executions.getStore();
  const strand = strands.getStore();
  if (!execution || !strand) throw new ExecutionContextLost(`task ${binding.stateName} ran outside an engine execution`);
  // Taken before anything awaits: the executor evaluated this attempt's Parameters just now.
  const token = execution.takeToken();
  const limited = binding.resource !== clockWaitResource;
  if (limited) checkStatePayload(binding.stateName, input, 'input');
  return strand.attempt(binding, async (time) => {
    const result = await binding.invoke(input, { execution, token, time });
    if (limited) checkTaskResult(binding.stateName, binding.resource, result);
    return result;
  });
}

/**
 * aws-local-stepfunctions exports no StatesTimeoutError, and tells a timeout from other task
 * errors with `instanceof` (States.TaskFailed must not catch it). Its class is taken once from
 * the error of a Task the library times out after a millisecond.
 */
let statesTimeoutError: (new () => Error) | undefined;

async function loadStatesTimeoutError(): Promise<void> {
  if (statesTimeoutError) return;
  const probe = new StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:probe', TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const never = (): Promise<never> => new Promise(() => {});
  const failure = await probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: never } } }).result.then(
    () => undefined,
    (error: unknown) => (error instanceof ExecutionError ? error.cause : error),
  );
  if (!(failure instanceof Error) || failure.name !== 'States.Timeout') throw new InvalidDefinition('aws-local-stepfunctions no longer raises States.Timeout as the engine expects');
  statesTimeoutError = failure.constructor as new () => Error;
}

function failureOf(error: unknown): Pick<ExecutionRecord, 'status' | 'error' | 'cause'> {
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
 * One run of an execution: its own, a Map iteration or a Parallel branch. It is the activity
 * the clock waits for (a run that starts nested runs waits for them), and it keeps the retry
 * interval the next attempt of a state must wait.
 */
class Strand {
  private readonly retryDelays = new Map<string, number>();

  constructor(
    private readonly activity: Activity,
    private readonly whenEnded: () => void = () => {},
  ) {}

  /** A run started inside this one; this one counts as waiting until it ends. */
  branch(): Strand {
    return new Strand(this.activity.clock.activity(), this.activity.pause());
  }

  end(): void {
    this.activity.end();
    this.whenEnded();
  }

  /** The library retries `stateName` at once; its next attempt waits `seconds` first. */
  retryAfter(stateName: string, seconds: number): void {
    this.retryDelays.set(stateName, seconds);
  }

  /**
   * One attempt of a Task: after the retry interval if it is a retry, within the Task's
   * TimeoutSeconds on the clock (except a callback task, whose token times itself out), and
   * with a States.Timeout raised as the library's own so that States.TaskFailed does not catch it.
   */
  async attempt(binding: TaskBinding, invoke: (time: TaskTime) => Promise<JsonValue>): Promise<JsonValue> {
    // The library reports a retry as an event just before it calls again; the tracker has read it by the next macrotask.
    await nextMacrotask();
    const delay = this.retryDelays.get(binding.stateName);
    if (delay !== undefined) {
      this.retryDelays.delete(binding.stateName);
      await this.activity.sleep(delay);
    }
    const time = new AttemptTime(this.activity);
    try {
      const work = invoke(time);
      return await (binding.timeoutSeconds === undefined ? work : Promise.race([work, time.timeout(binding.timeoutSeconds)]));
    } catch (error) {
      if (error instanceof Error && error.name === 'States.Timeout' && statesTimeoutError) throw new statesTimeoutError();
      throw error;
    } finally {
      time.close();
    }
  }
}

/** The clock as one Task attempt uses it: whatever it still waits for when the attempt ends no longer counts. */
class AttemptTime implements TaskTime {
  private readonly resumes = new Set<() => void>();
  private readonly timers = new Set<ClockTimer>();

  constructor(private readonly activity: Activity) {}

  now(): Date {
    return this.activity.clock.now();
  }

  waitFor<T>(promise: Promise<T>): Promise<T> {
    const resume = this.pause();
    return promise.finally(resume);
  }

  sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => {
      const resume = this.pause();
      this.timer(seconds, () => {
        resume();
        resolve();
      });
    });
  }

  /** Rejects with States.Timeout after `seconds`, the attempt active again from that moment. */
  timeout(seconds: number): Promise<never> {
    return new Promise((_resolve, reject) => {
      this.timer(seconds, () => {
        this.close();
        reject(new TaskFailure('States.Timeout', `the task did not finish within its TimeoutSeconds of ${seconds}`));
      });
    });
  }

  close(): void {
    for (const resume of this.resumes) resume();
    this.resumes.clear();
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }

  private pause(): () => void {
    const resume = this.activity.pause();
    this.resumes.add(resume);
    return () => {
      this.resumes.delete(resume);
      resume();
    };
  }

  private timer(seconds: number, fire: () => void): void {
    const timer = this.activity.timer(seconds, () => {
      this.timers.delete(timer);
      fire();
    });
    this.timers.add(timer);
  }
}

/**
 * One execution as its tasks see it: its context object (its runs add `State` and `Task`,
 * engine/run-context.ts), its task token, and the engine's clock its runs stamp times with.
 */
export class RunningExecution implements CallingExecution {
  readonly context: NonNullable<RunOptions['context']>;
  private pendingToken: string | undefined;

  constructor(
    readonly record: ExecutionRecord,
    readonly compiled: CompiledWorkflow,
    readonly cause: Cause,
    readonly clock: Clock,
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
}

/*
 * The executor forwards the events of Map iterations and Parallel branches to the execution's
 * event log asynchronously and drops those that arrive after the execution ended, and it does
 * not say which iteration an event came from. So every run (the execution's and each nested
 * one) is observed directly: StateMachine.prototype.run is wrapped once, and does nothing
 * different for runs the engine did not start. Each nested run is a strand of its own, in
 * scope (AsyncLocalStorage) for the tasks it runs. StateMachine.prototype.execute (the library's
 * loop over one run's states) is hooked too, for each run's own context and payload checks.
 */

const runTracking = Symbol('opsflow.runTracking');

interface RunTracking {
  readonly tracker: ExecutionTracker;
  readonly running: RunningExecution;
  readonly strand: Strand;
  readonly mapIndex?: number;
  /** Given to the execution's own run (which has its strand already), not to the runs nested in it. */
  readonly ownRun?: true;
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
    const execution = strands.run(tracking.strand, () => originalRun.call(this, input, { ...options, [runTracking]: tracking }));
    caller.tracker.observe(execution.eventLogs, tracking);
    if (!caller.ownRun) {
      const end = (): void => tracking.strand.end();
      execution.result.then(end, end);
    }
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
 * exited: its context gets the run's `State` and `Task`, stamped with the engine's clock (nested
 * runs take these options and put their own), and each state's effective input as the run starts
 * and each state's output are held to Step Functions' payload limits; a violation ends the
 * execution, as it does on AWS.
 */
function hookRun(options: ExecuteOptions, tracking: RunTracking): void {
  const { running } = tracking;
  const run: RunContext = runContext(running.compiled.prepared.stateTypes, () => running.issueToken(), () => running.clock.now());
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
  readonly state?: { readonly name: string; readonly type: string };
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly retry?: { readonly retrier: Retrier; readonly attempt: number };
}

interface Retrier {
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}

/**
 * Turns the event logs of an execution's runs into its record (states, transitions), with the
 * clock's times, and tells each run the interval before the retry the library just decided.
 */
class ExecutionTracker {
  private readonly streams: Promise<void>[] = [];
  private readonly iterations = new WeakMap<StateMachine, number>();

  constructor(
    private readonly record: ExecutionRecord,
    private readonly prepared: PreparedDefinition,
    private readonly options: ExecutorOptions,
    private readonly jitter: () => number,
  ) {}

  /**
   * The execution's own run keeps its strand. A Map state builds one machine per run of the
   * state and starts its iterations on it in index order; a Parallel branch keeps its caller's
   * iteration. Either way a nested run is a new strand.
   */
  trackingOf(machine: StateMachine, caller: RunTracking): RunTracking {
    if (caller.ownRun) return { tracker: this, running: caller.running, strand: caller.strand };
    const definition = (machine as unknown as { definition: object }).definition;
    let mapIndex = caller.mapIndex;
    if (this.prepared.iteratorDefinitions.has(definition)) {
      mapIndex = this.iterations.get(machine) ?? 0;
      this.iterations.set(machine, mapIndex + 1);
    }
    return { tracker: this, running: caller.running, strand: caller.strand.branch(), ...(mapIndex !== undefined ? { mapIndex } : {}) };
  }

  observe(events: LibraryEvents, tracking: RunTracking): void {
    this.streams.push(this.consume(events, tracking));
  }

  /** Resolves once every run's log is read to its end (nested runs may end after the execution). */
  async drained(): Promise<void> {
    let count: number;
    do {
      count = this.streams.length;
      await Promise.all(this.streams);
    } while (count !== this.streams.length);
  }

  private async consume(events: LibraryEvents, tracking: RunTracking): Promise<void> {
    const visits = new Map<string, StateRecord>();
    for await (const event of events) this.apply(event as LibraryEvent, tracking, visits);
  }

  /** Events are read in the microtasks right after the library emits them, so the clock has not moved since. */
  private apply(event: LibraryEvent, tracking: RunTracking, visits: Map<string, StateRecord>): void {
    const name = event.state?.name;
    if (name === undefined) return;
    const timestamp = this.options.clock.now().toISOString();
    if (event.type === 'StateEntered') {
      const visit: StateRecord = {
        name,
        type: this.prepared.stateTypes.get(name) ?? event.state?.type ?? 'Unknown',
        enteredAt: timestamp,
        status: 'entered',
        retries: 0,
        ...(tracking.mapIndex !== undefined ? { mapIndex: tracking.mapIndex } : {}),
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
        if (event.retry) tracking.strand.retryAfter(name, retryDelaySeconds(event.retry.retrier, event.retry.attempt, this.jitter));
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

/**
 * Seconds before retry `attempt` (1 for the first), as Step Functions computes them:
 * IntervalSeconds (default 1) × BackoffRate (default 2.0) ^ (attempt − 1), at most
 * MaxDelaySeconds; with JitterStrategy FULL, a draw between 0 and that (`draw()` in [0, 1)).
 * Sources: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * (the retrier fields and their defaults) and
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.JitterType.html
 * (FULL: "a random number between 0 and the computed backoff for the given retry attempt count").
 */
export function retryDelaySeconds(retrier: Retrier, attempt: number, draw: () => number): number {
  const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (attempt - 1);
  const capped = retrier.MaxDelaySeconds !== undefined ? Math.min(interval, retrier.MaxDelaySeconds) : interval;
  return retrier.JitterStrategy === 'FULL' ? capped * draw() : capped;
}
