import { optimizedIntegrations } from '../engine/service-errors.ts';
import type { JsonObject, JsonValue } from '../workflows/types.ts';

/**
 * Walking a JSONPath ASL definition: the states of a machine and of the machines nested in its
 * Map and Parallel states, what a Task calls, and its Retry and Catch entries. Shared by
 * `opsflow graph` and `opsflow validate`, which must read a definition the same way.
 */

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

/** The states of one machine (the root, a Map's processor or a Parallel branch), in document order. */
export function statesOf(machine: JsonObject): [string, JsonObject][] {
  const states = machine.States;
  if (!isJsonObject(states)) return [];
  return Object.entries(states).filter((entry): entry is [string, JsonObject] => isJsonObject(entry[1]));
}

/** The machines a Map (ItemProcessor, or the older Iterator) or a Parallel (Branches) runs. */
export function nestedMachines(state: JsonObject): JsonObject[] {
  if (state.Type === 'Map') {
    const processor = state.ItemProcessor ?? state.Iterator;
    return isJsonObject(processor) ? [processor] : [];
  }
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    return state.Branches.filter(isJsonObject);
  }
  return [];
}

export interface StateEntry {
  readonly name: string;
  readonly state: JsonObject;
  /** The Map and Parallel states enclosing this one, outermost first; empty at the top level. */
  readonly enclosing: readonly string[];
}

/** Every state of the definition, nested ones included, depth first in document order. */
export function allStates(definition: JsonValue): StateEntry[] {
  const found: StateEntry[] = [];
  const visit = (machine: JsonObject, enclosing: readonly string[]): void => {
    for (const [name, state] of statesOf(machine)) {
      found.push({ name, state, enclosing });
      for (const nested of nestedMachines(state)) visit(nested, [...enclosing, name]);
    }
  };
  if (isJsonObject(definition)) visit(definition, []);
  return found;
}

const wholePlaceholder = /^\$\{([A-Za-z][A-Za-z0-9_.:-]*)\}$/;

/** The name in a string that is exactly `${Name}`, else undefined. */
export function placeholderName(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? wholePlaceholder.exec(value)?.[1] : undefined;
}

export const IntegrationPattern = {
  RequestResponse: 'request-response',
  WaitForTaskToken: 'waitForTaskToken',
  Sync: 'sync',
  SyncJson: 'sync:2',
} as const;
export type IntegrationPattern = (typeof IntegrationPattern)[keyof typeof IntegrationPattern];

/** A Task resource the local engine can run (see DESIGN.md, "The local engine"). */
export type TaskResource =
  | { readonly kind: 'lambda'; readonly pattern: IntegrationPattern }
  | { readonly kind: 'aws-sdk'; readonly service: string; readonly action: string; readonly pattern: IntegrationPattern }
  | { readonly kind: 'startExecution'; readonly pattern: IntegrationPattern }
  | { readonly kind: 'putEvents'; readonly pattern: IntegrationPattern };

const integrationPrefix = /^arn:(?:aws|aws-cn|aws-us-gov):states:::/;
const suffixPatterns: Record<string, IntegrationPattern> = {
  '': IntegrationPattern.RequestResponse,
  '.waitForTaskToken': IntegrationPattern.WaitForTaskToken,
  '.sync': IntegrationPattern.Sync,
  '.sync:2': IntegrationPattern.SyncJson,
};

/** Parses a Task's Resource into a supported integration, or undefined when the engine cannot run it. */
export function parseTaskResource(resource: string): TaskResource | undefined {
  if (!integrationPrefix.test(resource)) return undefined;
  const integration = resource.replace(integrationPrefix, '');
  const sdk = /^aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(integration);
  if (sdk?.[1] && sdk[2]) return { kind: 'aws-sdk', service: sdk[1], action: sdk[2], pattern: IntegrationPattern.RequestResponse };
  const lambda = /^lambda:invoke(\.waitForTaskToken)?$/.exec(integration);
  if (lambda) return { kind: 'lambda', pattern: patternOf(lambda[1]) };
  const start = /^states:startExecution(\.sync:2|\.sync|\.waitForTaskToken)?$/.exec(integration);
  if (start) return { kind: 'startExecution', pattern: patternOf(start[1]) };
  const events = /^events:putEvents(\.waitForTaskToken)?$/.exec(integration);
  if (events) return { kind: 'putEvents', pattern: patternOf(events[1]) };
  return undefined;
}

function patternOf(suffix: string | undefined): IntegrationPattern {
  return suffixPatterns[suffix ?? ''] ?? IntegrationPattern.RequestResponse;
}

/** The function key of a lambda:invoke Task whose FunctionName is `${functionKey}`. */
export function lambdaFunctionKey(state: JsonObject): string | undefined {
  const parameters = state.Parameters;
  return isJsonObject(parameters) ? placeholderName(parameters.FunctionName) : undefined;
}

/** What a Task calls, for people: `lambda: checkInstance`, `route53:changeResourceRecordSets`. */
export function describeTaskTarget(state: JsonObject): string {
  const resource = stringField(state, 'Resource') ?? '';
  const parsed = parseTaskResource(resource);
  if (parsed?.kind === 'lambda') {
    const parameters = isJsonObject(state.Parameters) ? state.Parameters : {};
    const target = lambdaFunctionKey(state) ?? stringField(parameters, 'FunctionName') ?? stringField(parameters, 'FunctionName.$') ?? '?';
    return parsed.pattern === IntegrationPattern.WaitForTaskToken ? `lambda: ${target} (wait for token)` : `lambda: ${target}`;
  }
  if (parsed?.kind === 'aws-sdk') return `${parsed.service}:${parsed.action}`;
  return resource.replace(integrationPrefix, '');
}

/** One Retry or Catch entry, with its ErrorEquals kept only when it is a list of strings. */
export interface ErrorHandler {
  readonly entry: JsonObject;
  readonly errorEquals: readonly string[];
}

function handlers(state: JsonObject, field: 'Retry' | 'Catch'): ErrorHandler[] {
  const list = state[field];
  if (!Array.isArray(list)) return [];
  return list.filter(isJsonObject).map((entry) => ({
    entry,
    errorEquals: Array.isArray(entry.ErrorEquals) ? entry.ErrorEquals.filter((name): name is string => typeof name === 'string') : [],
  }));
}

export function retriers(state: JsonObject): ErrorHandler[] {
  return handlers(state, 'Retry');
}

export function catchers(state: JsonObject): ErrorHandler[] {
  return handlers(state, 'Catch');
}

/** The transient Lambda service errors every lambda:invoke Task retries (engine/service-errors.ts). */
export const lambdaTransientErrors: readonly string[] = optimizedIntegrations['lambda:invoke'].transientOverride ?? [];

export function retriesLambdaTransientErrors(handler: ErrorHandler): boolean {
  return lambdaTransientErrors.every((name) => handler.errorEquals.includes(name));
}
