import { createHash, randomUUID } from 'node:crypto';
import { functionRegistry, type FunctionSpec } from '../handlers/registry.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import { listPlaceholders, loadDefinition as loadWorkflowDefinition, substitutePlaceholders } from '../workflows/definition.ts';
import { workflows as everyWorkflow } from '../workflows/index.ts';
import { stackFor } from '../workflows/stack.ts';
import type { DeploymentEnvironment, JsonValue, WorkflowModule } from '../workflows/types.ts';
import { isJsonObject } from './asl.ts';
import { bindTask, type BridgeServices, type CallingExecution, type ChildExecution } from './bridge.ts';
import { checkBusEvent, ExecutionChain, maxEventHops, routableWorkflow, routeEvent, type RoutableWorkflow, type Route } from './bus.ts';
import { Clock } from './clock.ts';
import { ExecutionAlreadyExists, ExecutionStopped, InvalidClockUse, UnknownTrigger, UnknownWorkflow, UnresolvedPlaceholder } from './errors.ts';
import { EngineFaults, type FaultRule, type FaultSite } from './faults.ts';
import { currentExecution, Executor, type Cause, type CompiledWorkflow } from './executor.ts';
import { LambdaInvoker, targetRuntime } from './lambda-invoker.ts';
import { checkStartExecution, checkTaskFailure, checkTaskSuccessOutput } from './limits.ts';
import * as naming from './naming.ts';
import type { ExecutionRecord, StateEvent } from './records.ts';
import { SdkClients } from './sdk-calls.ts';
import type { AccountTarget, BusEvent } from './target.ts';
import { TaskTokens, type PendingTask } from './task-tokens.ts';

export type { ExecutionRecord, ExecutionStatus, StateEvent, StateRecord, StateStatus } from './records.ts';
export type { PendingTask } from './task-tokens.ts';

export type StateMachineDefinitionJson = JsonValue;

export interface EngineOptions {
  config: OpsflowConfig;
  target: AccountTarget;
  /** Default 'local'. */
  stage?: string;
  /**
   * Default: the workflows the config deploys in the target's Region (workflows/stack.ts: the
   * stage's Region holds every workflow, the other search Region the search workflows only),
   * with the config as that Region's stack sees it.
   */
  workflows?: readonly WorkflowModule[];
  /**
   * The workflows to build, by name, with every workflow they start as a child (their definitions'
   * `${<Name>StateMachineArn}` placeholders), so a command that runs one workflow loads only what
   * that needs. Every workflow's triggers still route; an event routed to a workflow not built is
   * dropped with a warning. UnknownWorkflow for a name not in `workflows`. Default: all of `workflows`.
   */
  build?: readonly string[];
  /** Default: workflows/definition.ts loadDefinition. */
  loadDefinition?: (module: WorkflowModule) => Promise<StateMachineDefinitionJson>;
  /** Default: functionRegistry. */
  functions?: Readonly<Record<string, FunctionSpec>>;
  /** Live progress for the CLI. */
  onStateEvent?: (execution: ExecutionRecord, event: StateEvent) => void;
  /**
   * The one clock of the engine, its executions and its account (engine/clock.ts). Default: the
   * target's (a sandbox shares its clock), else a real-time clock with `realTime`, else a
   * simulated clock starting now. InvalidClockUse if it is not the target's own.
   */
  clock?: Clock;
  /** Time is real: Waits, retry intervals and timeouts take the time they say (the target's clock must be real-time too). */
  realTime?: boolean;
  /**
   * Fault rules for what the engine answers itself (Lambda invokes, child executions, its own
   * DescribeExecution) and for any Task picked by `workflow` and `state` (engine/faults.ts).
   */
  faults?: readonly FaultRule[];
  /** Seeds `fraction` fault decisions and the retry intervals of JitterStrategy FULL. Default 1. */
  randomSeed?: number;
  /**
   * Hashes (definitionHash) of substituted definitions that already passed aws-local-stepfunctions'
   * schema validation: those are built without it, which costs 0.1 to 0.2 s per workflow. Every
   * definition this build validates is added, so a caller can keep the set between runs (the CLI
   * does). Default: validate every definition.
   */
  validatedDefinitions?: Set<string>;
}

/** A substituted definition's identity for `validatedDefinitions`: the SHA-256 of its JSON, hex. */
export function definitionHash(definition: JsonValue): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

export interface StartOptions {
  name?: string;
}

export interface StartedExecution {
  readonly executionArn: string;
  readonly done: Promise<ExecutionRecord>;
}

export interface EngineWarning {
  readonly message: string;
  readonly at: string;
}

interface LaunchOptions {
  readonly name?: string;
  readonly cause: Cause;
  readonly parentExecutionArn?: string;
  readonly triggeredBy?: ExecutionRecord['triggeredBy'];
}

interface Launched {
  readonly record: ExecutionRecord;
  readonly done: Promise<ExecutionRecord>;
}

/**
 * The local engine: every workflow's definition, substituted for this target and built once,
 * run on demand, on events (its triggers, evaluated on the local bus) and on schedules, with
 * every execution recorded.
 */
export class Engine {
  private readonly records: ExecutionRecord[] = [];
  private readonly warningList: EngineWarning[] = [];
  private readonly compiled = new Map<string, CompiledWorkflow>();
  private readonly routable: RoutableWorkflow[] = [];
  private readonly workflowByArn = new Map<string, string>();
  /** Every execution by its ARN (unique: a state machine's names are), in start order. */
  private readonly launched = new Map<string, Launched>();
  private readonly unfinished = new Set<Promise<ExecutionRecord>>();
  private readonly tokens: TaskTokens;
  private readonly faultSites: FaultSite[] = [];
  private readonly faults: EngineFaults;
  private readonly executor: Executor;
  private readonly env: DeploymentEnvironment;
  private closed = false;
  /** The engine's one timeline: execution and state times, Waits, retries, timeouts, and the account's `now`. */
  readonly clock: Clock;

  private constructor(private readonly options: EngineOptions) {
    const { target } = options;
    this.env = {
      partition: naming.partitionOf(target.region),
      region: target.region,
      accountId: target.accountId,
      stage: options.stage ?? 'local',
    };
    this.clock = engineClock(options);
    this.tokens = new TaskTokens(this.clock);
    this.faults = new EngineFaults(this.faultSites, options.randomSeed ?? 1, () => this.unbuiltWorkflows());
    this.executor = new Executor({
      clock: this.clock,
      tokens: this.tokens,
      randomSeed: options.randomSeed ?? 1,
      onStateEvent: options.onStateEvent,
      warn: (message) => this.warn(message),
    });
  }

  /**
   * Opens what the target serves locally (the sandbox's OpenSearch endpoint), then substitutes
   * every definition's placeholders and builds every state machine once. `close()` undoes the open.
   */
  static async create(options: EngineOptions): Promise<Engine> {
    const stack = options.workflows ? undefined : stackFor(options.config, options.target.region);
    const engine = new Engine(stack ? { ...options, config: stack.config, workflows: stack.modules } : options);
    await options.target.open?.();
    try {
      await engine.build();
    } catch (error) {
      await options.target.close?.();
      throw error;
    }
    return engine;
  }

  /** Workflows that exist (in the registry or given to this engine) but are not built here. */
  private unbuiltWorkflows(): ReadonlySet<string> {
    const names = [...everyWorkflow, ...(this.options.workflows ?? [])].map((module) => module.name);
    return new Set(names.filter((name) => !this.compiled.has(name)));
  }

  /**
   * Stops what the target serves locally: the sandbox's OpenSearch endpoint, shared by every engine
   * over the same account, stops when the last of them closes. Unclosed, it never keeps the process
   * alive. Executions still running lose it; call `idle()` first to let them end. Closing twice is one close.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.options.target.close?.();
  }

  get executions(): readonly ExecutionRecord[] {
    return this.records;
  }

  get warnings(): readonly EngineWarning[] {
    return this.warningList;
  }

  /** StateMachine constructions: one per workflow, whatever the number of executions. */
  get machineBuilds(): number {
    return this.executor.machineBuilds;
  }

  workflowNames(): string[] {
    return [...this.compiled.keys()];
  }

  /** The triggers (event rules and schedules) an event matches. */
  routes(event: unknown): { workflow: string; trigger: string }[] {
    return this.matchRoutes(event).map((route) => ({ workflow: route.workflow, trigger: route.trigger.id }));
  }

  /**
   * Runs one execution, and waits for everything it caused (children, events it emitted) too.
   * Refuses as StartExecution does: ValidationException (a name over 80 characters, an input over
   * 262,144 bytes), InvalidName, ExecutionAlreadyExists; and PayloadTooDeep or PayloadNotJson for an
   * input the engine cannot take. A running execution of the same name and input is returned as is.
   */
  async run(workflow: string, input: unknown, options: StartOptions = {}): Promise<ExecutionRecord> {
    const chain = new ExecutionChain<ExecutionRecord>();
    const started = this.launch(workflow, input, { ...options, cause: { chain, depth: 0 } });
    const record = await started.done;
    await chain.settled();
    return record;
  }

  start(workflow: string, input: unknown, options: StartOptions = {}): StartedExecution {
    const chain = new ExecutionChain<ExecutionRecord>();
    const { record, done } = this.launch(workflow, input, { ...options, cause: { chain, depth: 0 } });
    return { executionArn: record.executionArn, done };
  }

  /**
   * Starts every workflow the event matches and waits for them and all they caused; returns them
   * all. An event EventBridge would not take is refused (engine/bus.ts checkBusEvent).
   */
  async send(event: unknown): Promise<ExecutionRecord[]> {
    checkBusEvent(event);
    const chain = new ExecutionChain<ExecutionRecord>();
    for (const route of this.matchRoutes(event)) this.launchRoute(route, event, { chain, depth: 0 });
    return chain.settled();
  }

  /** Runs a schedule trigger (the first of the workflow's if none is named) with its input. */
  async runSchedule(workflow: string, triggerId?: string): Promise<ExecutionRecord> {
    const routable = this.routable.find((candidate) => candidate.module.name === workflow);
    if (!routable) throw new UnknownWorkflow(`no workflow named ${workflow}`);
    const trigger = routable.triggers.find((candidate) => candidate.kind === 'schedule' && (triggerId === undefined || candidate.id === triggerId));
    if (trigger?.kind !== 'schedule') throw new UnknownTrigger(`${workflow} has no schedule trigger${triggerId ? ` named ${triggerId}` : ''}`);
    const chain = new ExecutionChain<ExecutionRecord>();
    const started = this.launch(workflow, trigger.input, { cause: { chain, depth: 0 }, triggeredBy: { trigger: trigger.id } });
    const record = await started.done;
    await chain.settled();
    return record;
  }

  /** ValidationException for an output over 262,144 bytes, as SendTaskSuccess answers it. */
  sendTaskSuccess(token: string, output: unknown): void {
    this.tokens.succeed(token, checkTaskSuccessOutput(output));
  }

  /** ValidationException for an error over 256 characters or a cause over 32,768, as SendTaskFailure answers it. */
  sendTaskFailure(token: string, error: string, cause = ''): void {
    checkTaskFailure(error, cause);
    this.tokens.fail(token, error, cause);
  }

  sendTaskHeartbeat(token: string): void {
    this.tokens.heartbeat(token);
  }

  /**
   * Says nobody will answer this open task token (every open one when none is given; a token
   * opened later is not covered). Until then a simulated clock does not move past the task's
   * TimeoutSeconds or HeartbeatSeconds by itself; from now on that timeout fires once nothing else
   * can run. A task without either waits until its execution ends. TaskDoesNotExist or
   * TaskTimedOut for a token that is not open.
   */
  willNotAnswer(token?: string): void {
    this.tokens.willNotAnswer(token);
  }

  /**
   * Carries the simulated clock `seconds` forward (see Clock.advance): every timer due by then
   * fires in time order, a waiting task's timeout too, and each execution they resume runs
   * until it waits again. Resolves once the clock is there and nothing can run.
   * InvalidClockUse with a real-time clock.
   */
  advanceTime(seconds: number): Promise<void> {
    return this.clock.advance(seconds);
  }

  /** Adds a fault rule (the sandbox's format); InvalidSandboxOptions names what is wrong with it, under `where`. */
  injectFault(rule: FaultRule, where = 'fault'): void {
    this.faults.add(rule, where);
  }

  /** Drops every engine fault rule, e.g. to replay an event once the outage is over. */
  clearFaults(): void {
    this.faults.clear();
  }

  pendingTaskTokens(): PendingTask[] {
    return this.tokens.list();
  }

  /**
   * Stops a running execution, as StopExecution does: it ends ABORTED where it is, its open task
   * tokens closed (an answer to one is TaskDoesNotExist), no further state run. So nothing of it
   * outlives the caller (a callback task holds a timer of the executor's until it settles).
   * False when no execution of that ARN is running.
   */
  stopExecution(executionArn: string): boolean {
    if (!this.executor.abort(executionArn)) return false;
    this.tokens.abandonExecution(executionArn, new ExecutionStopped(`execution ${executionArn} was stopped`));
    return true;
  }

  /**
   * The first open task token `match` accepts (one open now, else the next to open), once its
   * execution waits for the answer: its request was sent and nothing can run (the simulated clock
   * stands still, short of the task's timeout, which waits for a person). A token whose request
   * failed is passed over: a retry opens another. So a caller can show the request and ask a
   * person. With a real-time clock it resolves as the token opens, its request perhaps still
   * being sent. Rejects with `signal`'s reason once it aborts (say, when the execution ended).
   */
  async waitingTask(match: (task: PendingTask) => boolean, signal?: AbortSignal): Promise<PendingTask> {
    for (;;) {
      const task = await this.tokens.opened(match, signal);
      if (this.clock.realTime) return task;
      await this.clock.advance(0);
      signal?.throwIfAborted();
      if (this.tokens.list().includes(task)) return task;
    }
  }

  /** Resolves when every execution started so far (and every one they started) has finished. */
  async idle(): Promise<void> {
    while (this.unfinished.size > 0) await Promise.all(this.unfinished);
  }

  private async build(): Promise<void> {
    const { config, target } = this.options;
    const modules = this.options.workflows ?? [];
    const functions = this.options.functions ?? (functionRegistry as Readonly<Record<string, FunctionSpec>>);
    const load = this.options.loadDefinition ?? loadWorkflowDefinition;
    const services = this.bridgeServices(functions);
    const machineArns = new Map(modules.map((module) => [`${module.stateMachineName}StateMachineArn`, naming.stateMachineArn(this.env, module)]));

    for (const module of modules) {
      this.workflowByArn.set(naming.stateMachineArn(this.env, module), module.name);
      this.routable.push(routableWorkflow(module, config));
    }
    for (const { module, written } of await workflowsToBuild(modules, this.options.build, load, this.env.region)) {
      const stateMachineArn = naming.stateMachineArn(this.env, module);
      const resolve = this.placeholderResolver(module, functions, machineArns);
      const definition = substitutePlaceholders(written, resolve);
      const hash = definitionHash(definition);
      this.compiled.set(
        module.name,
        await this.executor.compile({
          module,
          definition,
          stateMachineArn,
          deployedName: naming.deployedStateMachineName(this.env, module),
          roleArn: naming.stateMachineRoleArn(this.env, module),
          validate: !this.options.validatedDefinitions?.has(hash),
          bind: async (site) => {
            const binding = await bindTask(site, services, module.name);
            if (binding.faultCall) this.faultSites.push(binding.faultCall);
            return binding;
          },
        }),
      );
      this.options.validatedDefinitions?.add(hash);
    }
    (this.options.faults ?? []).forEach((rule, index) => this.faults.add(rule, `faults.${index}`));
    target.subscribe?.((event) => this.receive(event));
  }

  /**
   * `${Name}` in a definition: a function key → its function ARN, `<Name>StateMachineArn` → that
   * machine's ARN, the pseudo-parameters, then the workflow's own substitutions.
   */
  private placeholderResolver(
    module: WorkflowModule,
    functions: Readonly<Record<string, FunctionSpec>>,
    machineArns: ReadonlyMap<string, string>,
  ): (name: string) => JsonValue {
    const pseudo: Record<string, string> = {
      Region: this.env.region,
      AccountId: this.env.accountId,
      Stage: this.env.stage,
      Partition: this.env.partition,
    };
    let substitutions: Record<string, JsonValue> | undefined;
    return (name) => {
      if (Object.hasOwn(functions, name)) return naming.functionArn(this.env, name);
      const machineArn = machineArns.get(name);
      if (machineArn !== undefined) return machineArn;
      if (Object.hasOwn(pseudo, name)) return pseudo[name] ?? null;
      substitutions ??= module.substitutions?.(this.options.config, this.env) ?? {};
      if (Object.hasOwn(substitutions, name)) return substitutions[name] ?? null;
      throw new UnresolvedPlaceholder(`${module.name}: nothing resolves the placeholder \${${name}}`);
    };
  }

  private bridgeServices(functions: Readonly<Record<string, FunctionSpec>>): BridgeServices {
    const { config, target } = this.options;
    return {
      env: this.env,
      lambda: new LambdaInvoker(
        this.env,
        functions,
        targetRuntime(target, config, this.clock),
        this.clock,
      ),
      sdk: new SdkClients(target.region, target.sdkPlugins),
      tokens: this.tokens,
      faults: this.faults,
      workflowOf: (arn) => this.workflowByArn.get(arn),
      startChild: (workflow, input, name, parent) => this.startChild(workflow, input, name, parent),
      localExecution: (executionArn) => this.launched.get(executionArn)?.record,
      localExecutions: (stateMachineArn) => this.records.filter((record) => record.stateMachineArn === stateMachineArn),
      warn: (message) => this.warn(message),
    };
  }

  private startChild(workflow: string, input: JsonValue, name: string | undefined, parent: CallingExecution): ChildExecution {
    // The bridge calls this from the parent's task, so the current execution is the parent.
    const cause = currentExecution()?.cause ?? { chain: new ExecutionChain<ExecutionRecord>(), depth: 0 };
    const { record, done } = this.launch(workflow, input, { name, cause, parentExecutionArn: parent.executionArn });
    return { executionArn: record.executionArn, startDate: record.startDate, done };
  }

  /**
   * An event the account emitted: started one hop deeper than the execution that caused it,
   * in its chain (an event with no execution behind it starts a chain of its own).
   */
  private receive(event: BusEvent): void {
    const routes = this.matchRoutes(event);
    if (routes.length === 0) return;
    try {
      checkBusEvent(event);
    } catch (error) {
      this.warn(`dropped ${event['detail-type']} from ${event.source} (event id ${event.id}): ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const current = currentExecution();
    // Another engine on the same account may be the one running now.
    const causing = current && this.compiled.get(current.workflow) === current.compiled ? current.cause : undefined;
    const depth = causing ? causing.depth + 1 : 0;
    const described = `${event['detail-type']} from ${event.source}`;
    if (depth > maxEventHops) {
      const targets = routes.map((route) => `${route.workflow}/${route.trigger.id}`).join(', ');
      this.warn(`dropped ${described} (event id ${event.id}): ${depth} event hops exceed the bound of ${maxEventHops}; it would start ${targets}`);
      return;
    }
    const cause = { chain: causing?.chain ?? new ExecutionChain<ExecutionRecord>(), depth };
    for (const route of routes) {
      if (!this.compiled.has(route.workflow)) {
        this.warn(`dropped ${described} (event id ${event.id}): it would start ${route.workflow}, which this engine did not build`);
        continue;
      }
      try {
        this.launchRoute(route, event, cause);
      } catch (error) {
        this.warn(`${described} could not start ${route.workflow}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private matchRoutes(event: unknown): Route[] {
    return routeEvent(this.routable, event, this.env);
  }

  private launchRoute(route: Route, event: unknown, cause: Cause): void {
    const input = route.trigger.kind === 'schedule' ? route.trigger.input : event;
    const eventId = isJsonObject(event) && typeof event.id === 'string' ? event.id : undefined;
    this.launch(route.workflow, input, { cause, triggeredBy: { trigger: route.trigger.id, ...(eventId ? { eventId } : {}) } });
  }

  private launch(workflow: string, input: unknown, options: LaunchOptions): Launched {
    const compiled = this.compiled.get(workflow);
    if (!compiled) throw new UnknownWorkflow(`no workflow named ${workflow} in ${this.env.region}'s stack (${stackContents(this.workflowNames())})`);
    const name = options.name ?? randomUUID();
    // Step Functions receives its input as a JSON string: what runs is a parsed copy.
    const executionInput = checkStartExecution(name, input);
    const executionArn = naming.executionArn(this.env, compiled.module, name);
    const earlier = this.launched.get(executionArn);
    if (earlier) {
      // "StartExecution is idempotent for STANDARD workflows. [...] if StartExecution is called with the
      // same name and input as a running execution, the call will succeed and return the same response
      // as the original request. If the execution is closed or if the input is different, it will return
      // a 400 ExecutionAlreadyExists error." (StartExecution API reference; the engine keeps every name).
      const sameInput = JSON.stringify(earlier.record.input) === JSON.stringify(executionInput);
      if (earlier.record.status !== 'RUNNING' || !sameInput) throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
      options.cause.chain.track(earlier.done);
      return earlier;
    }
    const record: ExecutionRecord = {
      executionArn,
      name,
      workflow,
      stateMachineArn: compiled.stateMachineArn,
      status: 'RUNNING',
      input: executionInput,
      transitions: 0,
      states: [],
      simulatedSeconds: 0,
      startDate: this.clock.now().toISOString(),
      ...(options.parentExecutionArn ? { parentExecutionArn: options.parentExecutionArn } : {}),
      ...(options.triggeredBy ? { triggeredBy: options.triggeredBy } : {}),
    };
    let finished!: (record: ExecutionRecord) => void;
    const done = new Promise<ExecutionRecord>((resolve) => {
      finished = resolve;
    });
    // Known before its first state runs, which may already ask for it (DescribeExecution).
    const launched = { record, done };
    this.launched.set(executionArn, launched);
    this.records.push(record);
    this.executor
      .execute(compiled, record, options.cause)
      .catch((error: unknown) => {
        record.status = 'FAILED';
        record.error = error instanceof Error ? error.name : 'Error';
        record.cause = error instanceof Error ? error.message : String(error);
        record.stopDate ??= this.clock.now().toISOString();
        return record;
      })
      .then(finished);
    options.cause.chain.track(done);
    this.unfinished.add(done);
    void done.finally(() => this.unfinished.delete(done));
    return launched;
  }

  private warn(message: string): void {
    this.warningList.push({ message, at: this.clock.now().toISOString() });
  }
}

/**
 * The modules to build, each with its definition as written: every one, or the ones named and,
 * transitively, every workflow their definitions start (`${<StateMachineName>StateMachineArn}`).
 */
/** What a Region's stack holds, for an error: its workflows, or that the config deploys nothing there. */
function stackContents(names: readonly string[]): string {
  return names.length > 0 ? `known: ${names.join(', ')}` : 'the config deploys nothing in that Region';
}

async function workflowsToBuild(
  modules: readonly WorkflowModule[],
  names: readonly string[] | undefined,
  load: (module: WorkflowModule) => Promise<StateMachineDefinitionJson>,
  region: string,
): Promise<{ module: WorkflowModule; written: JsonValue }[]> {
  if (names === undefined) return Promise.all(modules.map(async (module) => ({ module, written: await load(module) })));
  const byMachineArnPlaceholder = new Map(modules.map((module) => [`${module.stateMachineName}StateMachineArn`, module]));
  const chosen = new Map<string, { module: WorkflowModule; written: JsonValue }>();
  const pending = names.map((name) => {
    const module = modules.find((candidate) => candidate.name === name);
    if (!module) throw new UnknownWorkflow(`no workflow named ${name} in ${region}'s stack (${stackContents(modules.map((candidate) => candidate.name))})`);
    return module;
  });
  for (let module = pending.pop(); module; module = pending.pop()) {
    if (chosen.has(module.name)) continue;
    const written = await load(module);
    chosen.set(module.name, { module, written });
    for (const placeholder of listPlaceholders(written)) {
      const child = byMachineArnPlaceholder.get(placeholder);
      if (child && !chosen.has(child.name)) pending.push(child);
    }
  }
  // Built in the order of `modules`, as without `build`.
  return modules.flatMap((module) => chosen.get(module.name) ?? []);
}

/** The clock EngineOptions ask for, which must be the target's own when the target has one. */
function engineClock(options: EngineOptions): Clock {
  const { target } = options;
  const clock = options.clock ?? target.clock ?? (options.realTime ? Clock.realTime() : Clock.simulated());
  if (target.clock && clock !== target.clock) throw new InvalidClockUse('the engine and its account must share one clock: give the engine the sandbox\'s (or none)');
  if (options.realTime && !clock.realTime) {
    throw new InvalidClockUse('realTime needs a real-time clock; the target has a simulated one (create the sandbox with clock: Clock.realTime())');
  }
  return clock;
}
