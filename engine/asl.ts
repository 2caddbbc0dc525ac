import type { JsonObject, JsonValue } from '../workflows/types.ts';
import { InvalidDefinition, UnsupportedConstruct } from './errors.ts';

/**
 * Reading and preparing a definition for the executor. aws-local-stepfunctions runs JSONPath
 * ASL faithfully except for a few things this module rewrites before the machine is built:
 * context-object paths it resolves wrongly, a Fail state's intrinsic ErrorPath and CausePath, a
 * Pass state's Result when it is false, 0, "" or null, `"ResultPath": "$"`, and every timer,
 * because the engine keeps time on its own clock (engine/clock.ts) rather than the library's
 * setTimeout: Wait states become Tasks the bridge answers on that clock, and task and execution
 * timeouts are taken out of the definition for the executor to enforce. What it cannot run at all, `unsupportedConstructs`
 * lists, for the engine to refuse and for `opsflow validate` to report.
 */

export type AslMachine = JsonObject & { StartAt: string; States: Record<string, JsonObject> };

/**
 * Longest timer Node keeps (2^31-1 ms): every Task gets it as TimeoutSeconds, so that the
 * library's own timer (60 s by default, real time) never fires; the executor enforces the
 * definition's timeouts on the engine's clock.
 */
const maxTimerSeconds = 2_147_483;

/** Resource of the Task a Wait state becomes; the bridge answers it on the engine's clock. */
export const clockWaitResource = 'arn:aws:states:::opsflow:wait';

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asMachine(definition: JsonValue, where: string): AslMachine {
  if (!isJsonObject(definition) || typeof definition.StartAt !== 'string' || !isJsonObject(definition.States)) {
    throw new InvalidDefinition(`${where}: a definition needs StartAt and States`);
  }
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isJsonObject(state) || typeof state.Type !== 'string') throw new InvalidDefinition(`${where}: state ${name} has no Type`);
    if (state.QueryLanguage === 'JSONata') throw new InvalidDefinition(`${where}: state ${name} is JSONata, which the local engine cannot run; write it in JSONPath`);
  }
  if (definition.QueryLanguage === 'JSONata') throw new InvalidDefinition(`${where}: JSONata definitions cannot run locally; write them in JSONPath`);
  return definition as AslMachine;
}

/** The machines a Map (ItemProcessor or Iterator) or Parallel (Branches) state runs. */
function nestedMachines(state: JsonObject): AslMachine[] {
  const nested: JsonValue[] = [];
  if (state.Type === 'Map') nested.push(state.ItemProcessor ?? state.Iterator ?? null);
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) nested.push(...state.Branches);
  return nested.map((machine, index) => asMachine(machine, `${String(state.Type)} branch ${index}`));
}

export interface StateSite {
  readonly name: string;
  readonly state: JsonObject;
  readonly machine: AslMachine;
  readonly depth: number;
}

/** Every state of the definition, nested machines included, depth first. */
function allStates(machine: AslMachine, depth = 0): StateSite[] {
  const sites: StateSite[] = [];
  for (const [name, state] of Object.entries(machine.States)) {
    sites.push({ name, state, machine, depth });
    for (const nested of nestedMachines(state)) sites.push(...allStates(nested, depth + 1));
  }
  return sites;
}

/** A Task's timers as the definition gives them, in seconds (the prepared Task no longer holds them). */
export interface TaskTimers {
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

export interface TaskSite extends StateSite {
  readonly timers: TaskTimers;
}

export interface PreparedDefinition {
  readonly machine: AslMachine;
  /** Each state's type as written (a Wait runs as a Task). */
  readonly stateTypes: ReadonlyMap<string, string>;
  /** Map iterator definitions, to tell a Map iteration's run from a Parallel branch's. */
  readonly iteratorDefinitions: ReadonlySet<object>;
  readonly taskStates: readonly TaskSite[];
  readonly retryableStates: readonly string[];
  /** The execution's TimeoutSeconds (the prepared machine no longer holds it). */
  readonly timeoutSeconds?: number;
}

/**
 * Refuses a definition the engine cannot run as Step Functions runs it: not a state machine
 * (InvalidDefinition), JSONata, or the first of its unsupported constructs (UnsupportedConstruct).
 */
export function assertRunnable(definition: JsonValue, where: string): void {
  const machine = asMachine(definition, where);
  const [refused] = unsupportedConstructs(machine);
  if (refused) throw new UnsupportedConstruct(`${where}: ${refused.state === undefined ? '' : `state ${refused.state}: `}${refused.message}`);
}

/**
 * Prepares a (freshly substituted, runnable) definition in place for the executor: each Wait
 * becomes a Task of `clockWaitResource` that evaluates the same fields, and the timeouts move out
 * of the definition (`timeoutSeconds`, `TaskSite.timers`). What the engine cannot time as Step
 * Functions does (TimeoutSecondsPath, Retry on a Map or Parallel state) `assertRunnable` refused.
 */
export function prepareDefinition(definition: JsonValue, where: string): PreparedDefinition {
  const machine = asMachine(definition, where);
  const sites = allStates(machine);
  const stateTypes = new Map<string, string>();
  const iteratorDefinitions = new Set<object>();
  const retryableStates: string[] = [];
  const timers = new Map<JsonObject, TaskTimers>();

  const timeoutSeconds = typeof machine.TimeoutSeconds === 'number' ? machine.TimeoutSeconds : undefined;
  delete machine.TimeoutSeconds;

  for (const site of sites) {
    const { name, state } = site;
    stateTypes.set(name, String(state.Type));
    if (state.Type === 'Fail') evaluateFailPathsAsParameters(state);
    if (state.Type === 'Pass') keepFalsyResult(state);
    resultPathRoot(state);
    localiseContextPaths(state);
    if (state.Type === 'Map') {
      const iterator = state.ItemProcessor ?? state.Iterator;
      if (isJsonObject(iterator)) iteratorDefinitions.add(iterator);
    }
    if (Array.isArray(state.Retry) && state.Retry.length > 0) retryableStates.push(name);
    if (state.Type === 'Task') timers.set(state, takeTaskTimers(state));
    if (state.Type === 'Wait') site.machine.States[name] = clockWait(state);
  }

  const taskStates = allStates(machine)
    .filter((site) => site.state.Type === 'Task')
    .map((site) => ({ ...site, timers: timers.get(site.state) ?? {} }));
  return { machine, stateTypes, iteratorDefinitions, taskStates, retryableStates, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
}

/** The intrinsic functions AWS allows in a Fail state's ErrorPath and CausePath (they return strings). */
const failPathIntrinsics = [
  'States.Format',
  'States.JsonToString',
  'States.ArrayGetItem',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.UUID',
] as const;

/** The function an intrinsic expression calls (`States.Format` of `States.Format('{}', $.a)`). */
function intrinsicName(expression: string): string | undefined {
  return /^\s*(States\.[A-Za-z0-9]+)\s*\(/.exec(expression)?.[1];
}

/**
 * The executor reads ErrorPath and CausePath as paths only, so an intrinsic there fails with
 * States.Runtime where AWS evaluates it ("You can also specify CausePath using an intrinsic
 * function that returns a string. These intrinsics are: States.Format, States.JsonToString,
 * States.ArrayGetItem, States.Base64Encode, States.Base64Decode, States.Hash, and States.UUID",
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html). It does evaluate a
 * Parameters field on any state, intrinsics and context paths included, before the state runs:
 * both fields move there, and the paths then read the evaluated strings.
 */
function evaluateFailPathsAsParameters(fail: JsonObject): void {
  const fields = (['Error', 'Cause'] as const).filter((field) => typeof fail[`${field}Path`] === 'string');
  if (!fields.some((field) => intrinsicName(String(fail[`${field}Path`])) !== undefined)) return;
  const parameters: JsonObject = {};
  for (const field of fields) {
    parameters[`${field}.$`] = fail[`${field}Path`] ?? null;
    fail[`${field}Path`] = `$.${field}`;
  }
  fail.Parameters = parameters;
}

/**
 * The executor outputs a Pass state's input when its Result is falsy (false, 0, "" or null);
 * Step Functions outputs the Result. Parameters with a scalar value evaluate to that value, and a
 * Pass outputs its effective input: the Result moves there.
 */
function keepFalsyResult(pass: JsonObject): void {
  if (!Object.hasOwn(pass, 'Result') || pass.Result) return;
  pass.Parameters = pass.Result ?? null;
  delete pass.Result;
}

/**
 * `"ResultPath": "$"` puts the result (or a Catcher's error output) in place of the whole input,
 * which is also what no ResultPath does ("If ResultPath isn't specified, the default is $", for a
 * state and for a Catcher, Amazon States Language); the executor writes it under a key named `$`
 * instead, so the field is dropped.
 */
function resultPathRoot(state: JsonObject): void {
  if (state.ResultPath === '$') delete state.ResultPath;
  for (const catcher of listOf(state.Catch)) if (isJsonObject(catcher) && catcher.ResultPath === '$') delete catcher.ResultPath;
}

/** A construct the local engine cannot run as Step Functions runs it: where, and one line why. */
export interface UnsupportedConstructUse {
  readonly state?: string;
  readonly message: string;
}

const distributedMapOnly = 'a Distributed Map field; the local engine runs Inline Map states only';

/** Fields the engine refuses on a state of the type (`*`: any type), each with why. */
const unsupportedFields: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '*': {
    Assign: 'Assign (workflow variables) is not run by the local engine (aws-local-stepfunctions 3.x has no variables)',
    Output: 'Output is a JSONata field, and the local engine runs JSONPath only',
    Arguments: 'Arguments is a JSONata field, and the local engine runs JSONPath only',
  },
  Task: {
    Credentials: 'Credentials (a Task that assumes another role) is not run by the local engine',
    HeartbeatSecondsPath: 'HeartbeatSecondsPath is not run by the local engine; write HeartbeatSeconds',
    TimeoutSecondsPath: 'TimeoutSecondsPath is not run by the local engine (its task timers are kept on the engine clock from TimeoutSeconds); write TimeoutSeconds',
  },
  Map: {
    ItemReader: `ItemReader is ${distributedMapOnly}`,
    ItemBatcher: `ItemBatcher is ${distributedMapOnly}`,
    ResultWriter: `ResultWriter is ${distributedMapOnly}`,
    ToleratedFailureCount: `ToleratedFailureCount is ${distributedMapOnly}`,
    ToleratedFailureCountPath: `ToleratedFailureCountPath is ${distributedMapOnly}`,
    ToleratedFailurePercentage: `ToleratedFailurePercentage is ${distributedMapOnly}`,
    ToleratedFailurePercentagePath: `ToleratedFailurePercentagePath is ${distributedMapOnly}`,
    Label: `Label is ${distributedMapOnly}`,
    Items: 'Items is a JSONata field, and the local engine runs JSONPath only; write ItemsPath',
  },
};

/** Fields the engine refuses inside a Catch entry or a Choice rule. */
const unsupportedRuleFields: Readonly<Record<string, string>> = {
  Assign: 'Assign (workflow variables) is not run by the local engine (aws-local-stepfunctions 3.x has no variables)',
  Output: 'Output is a JSONata field, and the local engine runs JSONPath only',
  Condition: 'Condition is a JSONata field, and the local engine runs JSONPath only',
};

const distributedContext = /\$\$\.Map\.Item\.(Key|Source)(?![A-Za-z0-9_])/;

/**
 * Every construct of a JSONPath definition that the local engine cannot run as Step Functions runs
 * it, in document order: workflow variables, JSONata fields, Distributed Map fields and context
 * (`$$.Map.Item.Key` and `$$.Map.Item.Source` exist only there), Task credentials,
 * HeartbeatSecondsPath and TimeoutSecondsPath, Retry on a Map or Parallel state (the engine keeps
 * retry intervals on its clock for Tasks only), and an intrinsic AWS does not allow in a Fail
 * state's ErrorPath or CausePath.
 * (A JSONata state is refused on its own, with its own message.)
 */
export function unsupportedConstructs(definition: JsonValue): UnsupportedConstructUse[] {
  const found: UnsupportedConstructUse[] = [];
  const defaultLanguage = isJsonObject(definition) ? definition.QueryLanguage : undefined;
  const visit = (machine: JsonValue): void => {
    if (!isJsonObject(machine) || !isJsonObject(machine.States)) return;
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isJsonObject(state) || (state.QueryLanguage ?? defaultLanguage) === 'JSONata') continue;
      const refuse = (message: string): number => found.push({ state: name, message });
      const fields = { ...unsupportedFields['*'], ...unsupportedFields[String(state.Type)] };
      for (const [field, why] of Object.entries(fields)) if (Object.hasOwn(state, field)) refuse(why);
      for (const rule of [...listOf(state.Catch), ...listOf(state.Choices)]) {
        for (const [field, why] of Object.entries(unsupportedRuleFields)) if (isJsonObject(rule) && Object.hasOwn(rule, field)) refuse(why);
      }
      if ((state.Type === 'Map' || state.Type === 'Parallel') && listOf(state.Retry).length > 0) {
        refuse(`Retry on a ${state.Type} state is not run by the local engine (its intervals would not be kept); retry the Tasks inside it`);
      }
      if (state.Type === 'Map') {
        const processor = state.ItemProcessor ?? state.Iterator;
        const mode = isJsonObject(processor) && isJsonObject(processor.ProcessorConfig) ? processor.ProcessorConfig.Mode : undefined;
        if (mode === 'DISTRIBUTED') refuse('a Distributed Map (ProcessorConfig Mode DISTRIBUTED) is not run by the local engine; write an Inline Map');
      }
      const distributed = distributedContext.exec(JSON.stringify(withoutNested(state)));
      if (distributed) refuse(`$$.Map.Item.${distributed[1] ?? ''} exists only in a Distributed Map, which the local engine does not run`);
      if (state.Type === 'Fail') {
        for (const field of ['ErrorPath', 'CausePath'] as const) {
          const value = state[field];
          const intrinsic = typeof value === 'string' ? intrinsicName(value) : undefined;
          if (intrinsic && !(failPathIntrinsics as readonly string[]).includes(intrinsic)) {
            refuse(`${field} may call only ${failPathIntrinsics.join(', ')} (they return strings), not ${intrinsic}`);
          }
        }
      }
      for (const nested of nestedMachineValues(state)) visit(nested);
    }
  };
  visit(definition);
  return found;
}

function listOf(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

/** The state's own fields that paths can be in: not its Comment, nor the machines it runs (visited on their own). */
function withoutNested(state: JsonObject): JsonObject {
  const { Comment: _comment, ItemProcessor: _processor, Iterator: _iterator, Branches: _branches, ...own } = state;
  return own;
}

function nestedMachineValues(state: JsonObject): JsonValue[] {
  if (state.Type === 'Map') return [state.ItemProcessor ?? state.Iterator ?? null];
  if (state.Type === 'Parallel') return listOf(state.Branches);
  return [];
}

/**
 * Moves a Task's TimeoutSeconds and HeartbeatSeconds out of the definition. The library would
 * time the task with setTimeout (60 s when AWS has no default at all); it gets a timeout it
 * never reaches instead.
 */
function takeTaskTimers(state: JsonObject): TaskTimers {
  const timers: TaskTimers = {
    ...(typeof state.TimeoutSeconds === 'number' ? { timeoutSeconds: state.TimeoutSeconds } : {}),
    ...(typeof state.HeartbeatSeconds === 'number' ? { heartbeatSeconds: state.HeartbeatSeconds } : {}),
  };
  state.TimeoutSeconds = maxTimerSeconds;
  delete state.HeartbeatSeconds;
  return timers;
}

/**
 * A Wait run as a Task: its Parameters evaluate exactly the Wait's fields (the bridge checks
 * them as Step Functions does and waits on the engine's clock), and it returns its effective
 * input, which is what a Wait outputs.
 */
function clockWait(wait: JsonObject): JsonObject {
  const parameters: JsonObject = { 'Input.$': '$' };
  for (const field of ['Seconds', 'Timestamp'] as const) {
    const literal = wait[field];
    const path = wait[`${field}Path`];
    if (literal !== undefined) parameters[field] = literal;
    if (typeof path === 'string') parameters[`${field}.$`] = path;
  }
  const task: JsonObject = { Type: 'Task', Resource: clockWaitResource, Parameters: parameters, TimeoutSeconds: maxTimerSeconds };
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End'] as const) {
    const value = wait[field];
    if (value !== undefined) task[field] = value;
  }
  return task;
}

const pathFields = [
  'InputPath',
  'OutputPath',
  'ItemsPath',
  'MaxConcurrencyPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
] as const;
const templateFields = ['Parameters', 'ItemSelector', 'ResultSelector'] as const;

/**
 * The executor builds the context of a Map iteration or Parallel branch with the branch's input
 * as `$$.Execution.Input` and a new StartTime, and has neither `$$.State` nor a `$$.Task` that is
 * null outside Task states. Paths to those are pointed at `$$.Opsflow`, which the engine fills:
 * `Execution` once for the whole execution, `Run.State` and `Run.Task` for each run (the
 * execution, a branch, an iteration) as its states are entered and retried.
 */
function localiseContextPaths(state: JsonObject): void {
  const localise = (path: string): string =>
    path
      .replace(/\$\$\.Execution(?=$|[.[])/g, '$$$$.Opsflow.Execution')
      .replace(/\$\$\.(State|Task)(?=$|[.[])/g, '$$$$.Opsflow.Run.$1');
  for (const field of pathFields) {
    const value = state[field];
    if (typeof value === 'string') state[field] = localise(value);
  }
  for (const field of templateFields) {
    const template = state[field];
    if (template !== undefined) state[field] = localiseTemplate(template, localise);
  }
  if (Array.isArray(state.Choices)) state.Choices = state.Choices.map((rule) => negateFalseTypeTests(localiseChoiceRule(rule, localise)));
}

const typeTests = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

/**
 * The executor answers every type test written with `false` (`"IsNull": false`) as false, where
 * Step Functions answers "the opposite of the test": rewritten to `Not` of the `true` test.
 */
function negateFalseTypeTests(rule: JsonValue): JsonValue {
  if (!isJsonObject(rule)) return rule;
  const test = typeTests.find((name) => rule[name] === false);
  if (test) {
    const { Next, ...condition } = rule;
    const negated: JsonObject = { Not: { ...condition, [test]: true } };
    if (Next !== undefined) negated.Next = Next;
    return negated;
  }
  return Object.fromEntries(
    Object.entries(rule).map(([key, value]) => {
      if ((key === 'And' || key === 'Or') && Array.isArray(value)) return [key, value.map(negateFalseTypeTests)];
      if (key === 'Not') return [key, negateFalseTypeTests(value)];
      return [key, value];
    }),
  );
}

function localiseTemplate(template: JsonValue, localise: (path: string) => string): JsonValue {
  if (Array.isArray(template)) return template.map((item) => localiseTemplate(item, localise));
  if (!isJsonObject(template)) return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [
      key,
      key.endsWith('.$') && typeof value === 'string' ? localise(value) : localiseTemplate(value, localise),
    ]),
  );
}

function localiseChoiceRule(rule: JsonValue, localise: (path: string) => string): JsonValue {
  if (!isJsonObject(rule)) return rule;
  return Object.fromEntries(
    Object.entries(rule).map(([key, value]) => {
      if ((key === 'Variable' || key.endsWith('Path')) && typeof value === 'string') return [key, localise(value)];
      if ((key === 'And' || key === 'Or') && Array.isArray(value)) return [key, value.map((item) => localiseChoiceRule(item, localise))];
      if (key === 'Not') return [key, localiseChoiceRule(value, localise)];
      return [key, value];
    }),
  );
}

/** A message about a localised path, written with the path as the definition has it. */
export function delocalisePaths(message: string): string {
  return message.replace(/\$\$\.Opsflow\.(?:Run\.)?/g, '$$$$.');
}

/** Whether a payload template passes `$$.Task.Token` somewhere (a callback task must). */
export function passesTaskToken(template: JsonValue | undefined): boolean {
  if (Array.isArray(template)) return template.some((item) => passesTaskToken(item));
  if (!isJsonObject(template)) return false;
  return Object.entries(template).some(([key, value]) =>
    key.endsWith('.$') && typeof value === 'string' ? delocalisePaths(value).includes('$$.Task.Token') : passesTaskToken(value),
  );
}
