import type { JsonObject, JsonValue } from '../workflows/types.ts';
import { InvalidDefinition } from './errors.ts';

/**
 * Reading and preparing a definition for the executor. aws-local-stepfunctions runs JSONPath
 * ASL faithfully except for a few things this module rewrites before the machine is built:
 * context-object paths it resolves wrongly, and every timer, because the engine keeps time on
 * its own clock (engine/clock.ts) rather than the library's setTimeout: Wait states become
 * Tasks the bridge answers on that clock, and task and execution timeouts are taken out of the
 * definition for the executor to enforce.
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
  /** `$$.State` of each state, by the index its localised paths use. */
  readonly stateContexts: readonly StateContext[];
  readonly taskStates: readonly TaskSite[];
  readonly retryableStates: readonly string[];
  /** The execution's TimeoutSeconds (the prepared machine no longer holds it). */
  readonly timeoutSeconds?: number;
}

export interface StateContext {
  readonly Name: string;
  readonly EnteredTime: string;
}

/**
 * Prepares a (freshly substituted) definition in place for the executor: each Wait becomes a
 * Task of `clockWaitResource` that evaluates the same fields, and the timeouts move out of the
 * definition (`timeoutSeconds`, `TaskSite.timers`). `now` is the engine's clock, which
 * `$$.State.EnteredTime` reads. Refuses (InvalidDefinition) what the engine cannot time as Step
 * Functions does: TimeoutSecondsPath, and Retry on a Map or Parallel state.
 */
export function prepareDefinition(definition: JsonValue, where: string, options: { now: () => Date }): PreparedDefinition {
  const machine = asMachine(definition, where);
  const sites = allStates(machine);
  const stateTypes = new Map<string, string>();
  const iteratorDefinitions = new Set<object>();
  const stateContexts: StateContext[] = [];
  const retryableStates: string[] = [];
  const timers = new Map<JsonObject, TaskTimers>();

  const timeoutSeconds = typeof machine.TimeoutSeconds === 'number' ? machine.TimeoutSeconds : undefined;
  delete machine.TimeoutSeconds;

  for (const [index, site] of sites.entries()) {
    const { name, state } = site;
    stateTypes.set(name, String(state.Type));
    stateContexts.push(stateContext(name, options.now));
    localiseContextPaths(state, index);
    if (state.Type === 'Map') {
      const iterator = state.ItemProcessor ?? state.Iterator;
      if (isJsonObject(iterator)) iteratorDefinitions.add(iterator);
    }
    if (Array.isArray(state.Retry) && state.Retry.length > 0) {
      if (state.Type === 'Map' || state.Type === 'Parallel') {
        throw new InvalidDefinition(`${where}: state ${name}: Retry on a ${state.Type} state is not run by the local engine (its intervals would not be kept); retry the Tasks inside it`);
      }
      retryableStates.push(name);
    }
    if (state.Type === 'Task') timers.set(state, takeTaskTimers(state, `${where}: state ${name}`));
    if (state.Type === 'Wait') site.machine.States[name] = clockWait(state);
  }

  const taskStates = allStates(machine)
    .filter((site) => site.state.Type === 'Task')
    .map((site) => ({ ...site, timers: timers.get(site.state) ?? {} }));
  return { machine, stateTypes, iteratorDefinitions, stateContexts, taskStates, retryableStates, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
}

function stateContext(name: string, now: () => Date): StateContext {
  return {
    Name: name,
    // Paths of a state are evaluated as it is entered (Parameters, InputPath) or right after. A retried
    // attempt's Parameters are evaluated again when the attempt before it failed, before the retry
    // interval is waited (engine/executor.ts), so it reads that moment, not the state's entry.
    get EnteredTime() {
      return now().toISOString();
    },
  };
}

/**
 * Moves a Task's TimeoutSeconds and HeartbeatSeconds out of the definition. The library would
 * time the task with setTimeout (60 s when AWS has no default at all); it gets a timeout it
 * never reaches instead.
 */
function takeTaskTimers(state: JsonObject, where: string): TaskTimers {
  if (state.TimeoutSecondsPath !== undefined) throw new InvalidDefinition(`${where}: TimeoutSecondsPath is not supported by the local engine; give TimeoutSeconds`);
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
 * as `$$.Execution.Input` and a new StartTime, and has no `$$.State`. Paths to those are pointed
 * at `$$.Opsflow`, which the engine fills for the whole execution.
 */
function localiseContextPaths(state: JsonObject, stateIndex: number): void {
  const localise = (path: string): string =>
    path
      .replace(/\$\$\.Execution(?=$|[.[])/g, '$$$$.Opsflow.Execution')
      .replace(/\$\$\.State(?=$|[.[])/g, `$$$$.Opsflow.States[${stateIndex}]`);
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

/** Whether a payload template passes `$$.Task.Token` somewhere (a callback task must). */
export function passesTaskToken(template: JsonValue | undefined): boolean {
  if (Array.isArray(template)) return template.some((item) => passesTaskToken(item));
  if (!isJsonObject(template)) return false;
  return Object.entries(template).some(([key, value]) =>
    key.endsWith('.$') && typeof value === 'string' ? value.includes('$$.Task.Token') : passesTaskToken(value),
  );
}
