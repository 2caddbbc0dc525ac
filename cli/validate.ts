import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as AslLanguageServiceModule from 'amazon-states-language-service';
import type { ASTNode, Diagnostic, LanguageService } from 'amazon-states-language-service';
import { OpsflowError } from '../handlers/shared/errors.ts';
import { unsupportedConstructs } from '../engine/asl.ts';
import { fallbackNames, optimizedOperation, serviceErrorsFor } from '../engine/service-errors.ts';
import type { JsonObject, JsonValue, WorkflowModule } from '../workflows/types.ts';
import {
  allStates,
  catchers,
  isJsonObject,
  lambdaFunctionKey,
  lambdaTransientErrors,
  parseTaskResource,
  placeholderName,
  retriers,
  retriesLambdaTransientErrors,
  statesOf,
  nestedMachines,
  type ErrorHandler,
  type StateEntry,
  type TaskResource,
} from './asl.ts';

// CommonJS without named ESM exports: required, so plain Node (tsx) and vitest load it alike.
const aslLanguageService = createRequire(import.meta.url)('amazon-states-language-service') as typeof AslLanguageServiceModule;

/** The project files validation reads (workflow list, function registry, errors modules) could not be loaded. */
export class ValidationSetupFailed extends OpsflowError {
  override readonly name = 'ValidationSetupFailed';
}

/** A workflow asked for by name is neither listed in workflows/index.ts nor a folder with a definition. */
export class UnknownWorkflow extends OpsflowError {
  override readonly name = 'UnknownWorkflow';
}

export const ValidationRule = {
  /** definition.asl.json is missing or is not JSON. */
  Definition: 'definition',
  /** A workflow folder has a definition but workflows/index.ts does not list it. */
  WorkflowListed: 'workflow-listed',
  AslValidator: 'asl-validator',
  LanguageService: 'asl-language-service',
  FunctionRegistered: 'function-registered',
  FunctionListed: 'function-listed',
  FunctionUsed: 'function-used',
  TaskTimeout: 'task-timeout',
  TaskComment: 'task-comment',
  ErrorName: 'error-name',
  StatesAllLast: 'states-all-last',
  LambdaRetry: 'lambda-retry',
  RetryJitter: 'retry-jitter',
  JsonPathOnly: 'jsonpath-only',
  TaskResource: 'task-resource',
  UniqueTaskName: 'unique-task-name',
  /** A Task's Retry lacks a transient name its service really raises (engine/service-errors.ts). */
  TransientRetry: 'retry-transient',
  /** A Catch on a service's broad fallback name leads straight to success. */
  FallbackSuccess: 'catch-fallback-success',
  /** A construct the local engine cannot run as AWS runs it (engine/asl.ts unsupportedConstructs), which it refuses to build. */
  LocalEngine: 'local-engine',
} as const;
export type ValidationRule = (typeof ValidationRule)[keyof typeof ValidationRule];

export interface ValidationProblem {
  readonly workflow: string;
  readonly state?: string;
  readonly rule: ValidationRule;
  /** One line, saying what is wrong and, where it is not obvious, what is expected. */
  readonly message: string;
}

export interface WorkflowValidation {
  readonly workflow: string;
  readonly ok: boolean;
  readonly problems: readonly ValidationProblem[];
}

export interface ValidationReport {
  readonly ok: boolean;
  readonly workflows: readonly WorkflowValidation[];
}

export interface ValidateOptions {
  /** A tree shaped like the repository (workflows/, handlers/); defaults to this repository. */
  readonly root?: string;
  /** Only these workflows (folder names); defaults to all of them. */
  readonly workflows?: readonly string[];
}

/** What a definition is checked against besides itself. */
export interface DefinitionContext {
  readonly workflow: string;
  /** Keys of functionRegistry. */
  readonly functionKeys: readonly string[];
  /** The WorkflowModule's `functions`; undefined when no module lists the workflow. */
  readonly listedFunctions: readonly string[] | undefined;
  /** Names from declaredErrorNames(). */
  readonly declaredErrors: readonly string[];
}

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** The error names Step Functions itself raises (Amazon States Language, "Errors"). */
export const statesErrorNames = [
  'States.ALL',
  'States.TaskFailed',
  'States.Timeout',
  'States.HeartbeatTimeout',
  'States.Permissions',
  'States.ResultPathMatchFailure',
  'States.ParameterPathFailure',
  'States.BranchFailed',
  'States.NoChoiceMatched',
  'States.IntrinsicFailure',
  'States.ExceedToleratedFailureThreshold',
  'States.ItemReaderFailed',
  'States.ResultWriterFailed',
  'States.QueryEvaluationError',
] as const;

/** Prefixes Step Functions gives the errors of the services opsflow calls (`Route53.ThrottlingException`). */
export const serviceErrorPrefixes = [
  'Route53', 'Ec2', 'AutoScaling', 'EventBridge', 'Sfn', 'StepFunctions', 'Lambda', 'SecurityHub', 'Detective', 'Iam', 'QuickSight', 'Identitystore', 'OpenSearch', 'Sts',
] as const;

const serviceErrorName = new RegExp(`^(${serviceErrorPrefixes.join('|')})\\.[A-Za-z0-9][A-Za-z0-9_.]*$`);

/** The standard Lambda Retry may retry at most this often: enough for a blip, bounded for an outage. */
export const maxLambdaRetryAttempts = 10;

const supportedResources =
  'lambda:invoke[.waitForTaskToken], aws-sdk:<service>:<action>, states:startExecution[.sync|.sync:2|.waitForTaskToken], events:putEvents[.waitForTaskToken]';

async function importProjectModule(root: string, path: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(join(root, path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ValidationSetupFailed(`cannot load ${path} under ${root}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((found) => found.isFile(), () => false);
}

async function subfolders(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

type ErrorClass = new (message: string) => Error;

/**
 * The literal `name` of every OpsflowError subclass exported by handlers/shared/errors.ts and
 * handlers/<area>/errors.ts. Each class is instantiated because the name is an instance field,
 * and class names do not survive bundling.
 */
export async function declaredErrorNames(root: string = repositoryRoot): Promise<string[]> {
  const sharedPath = 'handlers/shared/errors.ts';
  const shared = await importProjectModule(root, sharedPath);
  const base = shared.OpsflowError;
  if (typeof base !== 'function') throw new ValidationSetupFailed(`${sharedPath} under ${root} does not export OpsflowError`);
  const paths = [sharedPath];
  for (const area of await subfolders(join(root, 'handlers'))) {
    const path = `handlers/${area}/errors.ts`;
    if (area !== 'shared' && (await isFile(join(root, path)))) paths.push(path);
  }
  const names = new Set<string>();
  for (const path of paths) {
    const module = path === sharedPath ? shared : await importProjectModule(root, path);
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value !== 'function' || value === base || !(value.prototype instanceof base)) continue;
      let instance: Error;
      try {
        instance = new (value as ErrorClass)('probe');
      } catch (error) {
        throw new ValidationSetupFailed(`${path}: cannot instantiate ${exportName} to read its name: ${String(error)}`, { cause: error });
      }
      // An intermediate abstract class has no name of its own and is never raised.
      if (instance.name && instance.name !== 'Error') names.add(instance.name);
    }
  }
  return [...names].sort();
}

// asl-validator ships no type declarations; this is the part of its API used here.
interface AslValidatorError {
  readonly 'Error code'?: string;
  readonly Message?: string;
  readonly schemaError?: { readonly instancePath: string };
}
type AslValidator = (definition: unknown, options?: { checkPaths: boolean; checkArn: boolean }) => { isValid: boolean; errors: AslValidatorError[] };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const numericFields = new Set([
  'TimeoutSeconds', 'HeartbeatSeconds', 'Seconds', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'MaxConcurrency',
  'ToleratedFailureCount', 'ToleratedFailurePercentage', 'MaxItems', 'MaxItemsPerBatch', 'MaxInputBytesPerBatch',
  'NumericEquals', 'NumericLessThan', 'NumericGreaterThan', 'NumericLessThanEquals', 'NumericGreaterThanEquals',
]);
const booleanFields = new Set(['BooleanEquals', 'IsPresent', 'IsNull', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']);
const timestampFields = new Set(['Timestamp', 'TimestampEquals', 'TimestampLessThan', 'TimestampGreaterThan', 'TimestampLessThanEquals', 'TimestampGreaterThanEquals']);
const placeholderInText = /\$\{[A-Za-z][A-Za-z0-9_.:-]*\}/g;

/**
 * The definition with plausible values in place of `${Name}`, as deployment would leave it: a
 * Lambda ARN for function keys, and for config values a value of the type the field takes
 * (a `${PollSeconds}` in Seconds is a number once deployed), else a string.
 */
export function withDummyValues(value: JsonValue, functionKeys: readonly string[], field?: string): JsonValue {
  if (typeof value === 'string') {
    const name = placeholderName(value);
    if (name === undefined) return value.replace(placeholderInText, 'placeholder');
    if (functionKeys.includes(name) || field === 'FunctionName') return `arn:aws:lambda:us-east-1:123456789012:function:opsflow-${name}`;
    if (field && numericFields.has(field)) return 1;
    if (field && booleanFields.has(field)) return true;
    if (field && timestampFields.has(field)) return '2024-01-01T00:00:00Z';
    return `placeholder-${name}`;
  }
  if (Array.isArray(value)) return value.map((item) => withDummyValues(item, functionKeys, field));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withDummyValues(item, functionKeys, key)]));
  }
  return value;
}

/** The state an asl-validator schema error points at: the name after the last `States` in its JSON pointer. */
function stateFromPointer(pointer: string): string | undefined {
  const segments = pointer.split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const index = segments.lastIndexOf('States');
  return index >= 0 ? segments[index + 1] : undefined;
}

/** Its other checks name the state in the message: `State "X" MUST…`, `State X is not reachable`, `already exists: X`. */
function stateFromMessage(message: string): string | undefined {
  return /^State "([^"]+)"/.exec(message)?.[1] ?? /^State (\S+) /.exec(message)?.[1] ?? /already exists: (.+)$/.exec(message)?.[1];
}

function aslValidatorProblems(definition: JsonValue, context: DefinitionContext): ValidationProblem[] {
  const { errors } = aslValidator(withDummyValues(definition, context.functionKeys), { checkPaths: true, checkArn: true });
  return errors.map((error) => {
    const state = error.schemaError ? stateFromPointer(error.schemaError.instancePath) : stateFromMessage(error.Message ?? '');
    const message = `${error['Error code'] ?? 'ERROR'}: ${(error.Message ?? 'invalid').trim()}`;
    return problem(context.workflow, ValidationRule.AslValidator, message, state);
  });
}

let languageService: LanguageService | undefined;

function stateAt(node: ASTNode | undefined): string | undefined {
  for (let current = node; current; current = current.parent) {
    const machine = current.parent?.parent;
    if (current.type === 'property' && current.parent?.type === 'object' && machine?.type === 'property' && machine.keyNode.value === 'States') {
      return current.keyNode.value;
    }
  }
  return undefined;
}

const quotedPlaceholder = /^"\$\{[A-Za-z][A-Za-z0-9_.:-]*\}"$/;

/**
 * Diagnostics of the AWS Toolkit's language service on the raw text. Its schema diagnostics are
 * warnings and its own (reachability, transitions) errors; both count. Dropped: a diagnostic whose
 * whole range is one `${Name}` string, i.e. a type complaint about a value deployment replaces
 * (`"Seconds": "${PollSeconds}"` is a number once substituted, and asl-validator checks it then).
 */
async function languageServiceProblems(text: string, context: DefinitionContext): Promise<ValidationProblem[]> {
  languageService ??= aslLanguageService.getLanguageService({});
  const document = aslLanguageService.TextDocument.create(`file:///${context.workflow}/definition.asl.json`, 'json', 1, text);
  const parsed = languageService.parseJSONDocument(document) as { getNodeFromOffset?: (offset: number) => ASTNode | undefined };
  const diagnostics: Diagnostic[] = await languageService.doValidation(document, parsed);
  return diagnostics
    .filter((diagnostic) => !quotedPlaceholder.test(document.getText(diagnostic.range)))
    .map((diagnostic) => {
      const offset = document.offsetAt(diagnostic.range.start);
      const state = stateAt(parsed.getNodeFromOffset?.(offset));
      const excerpt = document.getText(diagnostic.range).split('\n')[0] ?? '';
      // A range over a whole object or array shows as a lone brace: the line says more.
      const shown = /^[{[]/.test(excerpt) ? '' : `${excerpt.length > 60 ? `${excerpt.slice(0, 57)}...` : excerpt}, `;
      const said = typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
      const message = `${said.trim()} (${shown}line ${diagnostic.range.start.line + 1})`;
      return problem(context.workflow, ValidationRule.LanguageService, message, state);
    });
}

function problem(workflow: string, rule: ValidationRule, message: string, state?: string): ValidationProblem {
  return state === undefined ? { workflow, rule, message } : { workflow, state, rule, message };
}

type Report = (rule: ValidationRule, message: string, state?: string) => void;

function checkJsonPathOnly(definition: JsonObject, states: readonly StateEntry[], report: Report): void {
  const message = 'QueryLanguage JSONata is not allowed: opsflow definitions are JSONPath, the only language the local engine runs';
  const machines = (machine: JsonObject): JsonObject[] => [machine, ...statesOf(machine).flatMap(([, state]) => nestedMachines(state).flatMap(machines))];
  for (const machine of machines(definition)) {
    if (machine.QueryLanguage === 'JSONata') report(ValidationRule.JsonPathOnly, message);
  }
  for (const { name, state } of states) {
    if (state.QueryLanguage === 'JSONata') report(ValidationRule.JsonPathOnly, message, name);
  }
}

function checkTask(entry: StateEntry, context: DefinitionContext, report: Report): void {
  const { name, state } = entry;
  if (typeof state.Comment !== 'string' || state.Comment.trim() === '') {
    report(ValidationRule.TaskComment, 'Task has no Comment saying what it does', name);
  }
  if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
    report(ValidationRule.TaskTimeout, 'Task has no TimeoutSeconds', name);
  }
  const resource = typeof state.Resource === 'string' ? state.Resource : JSON.stringify(state.Resource ?? null);
  const parsed = parseTaskResource(resource);
  if (!parsed) {
    report(ValidationRule.TaskResource, `Resource ${resource} is not one the local engine runs (${supportedResources})`, name);
    return;
  }
  if (parsed.kind !== 'lambda') return;

  const key = lambdaFunctionKey(state);
  if (key === undefined) {
    const parameters = isJsonObject(state.Parameters) ? state.Parameters : {};
    const given = JSON.stringify(parameters.FunctionName ?? parameters['FunctionName.$'] ?? null);
    report(ValidationRule.FunctionRegistered, `FunctionName must be a \${functionKey} placeholder, not ${given}`, name);
  } else {
    if (!context.functionKeys.includes(key)) {
      report(ValidationRule.FunctionRegistered, `FunctionName \${${key}} is not a key of functionRegistry (handlers/registry.ts)`, name);
    }
    if (context.listedFunctions && !context.listedFunctions.includes(key)) {
      report(ValidationRule.FunctionListed, `FunctionName \${${key}} is not in the workflow module's functions (workflows/index.ts)`, name);
    }
  }
  checkLambdaRetry(entry, report);
}

function checkLambdaRetry({ name, state }: StateEntry, report: Report): void {
  const standard = retriers(state).find(retriesLambdaTransientErrors);
  if (!standard) {
    report(ValidationRule.LambdaRetry, `Lambda task has no Retry for the transient Lambda errors (${lambdaTransientErrors.join(', ')})`, name);
    return;
  }
  const missing: string[] = [];
  if (standard.entry.JitterStrategy !== 'FULL') missing.push('JitterStrategy FULL');
  const attempts = standard.entry.MaxAttempts;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1 || attempts > maxLambdaRetryAttempts) {
    missing.push(`a MaxAttempts from 1 to ${maxLambdaRetryAttempts} (has ${JSON.stringify(attempts ?? null)})`);
  }
  if (missing.length > 0) report(ValidationRule.LambdaRetry, `the Retry for transient Lambda errors needs ${missing.join(' and ')}`, name);
}

function isKnownErrorName(errorName: string, declaredErrors: readonly string[]): boolean {
  if (errorName.startsWith('States.')) return (statesErrorNames as readonly string[]).includes(errorName);
  return serviceErrorName.test(errorName) || declaredErrors.includes(errorName);
}

function checkErrorHandling({ name, state }: StateEntry, context: DefinitionContext, report: Report): void {
  const lists: [string, ErrorHandler[]][] = [['Retry', retriers(state)], ['Catch', catchers(state)]];
  const unknown = new Set<string>();
  for (const [field, handlers] of lists) {
    handlers.forEach((handler, index) => {
      for (const errorName of handler.errorEquals) {
        if (!isKnownErrorName(errorName, context.declaredErrors)) unknown.add(errorName);
      }
      if (!handler.errorEquals.includes('States.ALL')) return;
      if (handler.errorEquals.length > 1) {
        report(ValidationRule.StatesAllLast, `States.ALL must be alone in its ErrorEquals (${field} entry ${index + 1})`, name);
      }
      if (index !== handlers.length - 1) {
        report(ValidationRule.StatesAllLast, `States.ALL must be in the last ${field} entry (it is entry ${index + 1} of ${handlers.length})`, name);
      }
    });
  }
  for (const errorName of unknown) {
    report(
      ValidationRule.ErrorName,
      `ErrorEquals "${errorName}" is not a Step Functions States.* error, a <Service>.<Exception> of ${serviceErrorPrefixes.join('/')}, or a declared opsflow error (handlers/*/errors.ts)`,
      name,
    );
  }

  const isLambdaTask = state.Type === 'Task' && parseTaskResource(String(state.Resource))?.kind === 'lambda';
  for (const handler of retriers(state)) {
    // On a Lambda task the transient Retry's jitter is reported by the lambda-retry rule.
    if (isLambdaTask && retriesLambdaTransientErrors(handler)) continue;
    const onlyOpsflowErrors = handler.errorEquals.length > 0 && handler.errorEquals.every((errorName) => context.declaredErrors.includes(errorName));
    if (handler.entry.JitterStrategy !== 'FULL' && !onlyOpsflowErrors) {
      report(ValidationRule.RetryJitter, `Retry for ${handler.errorEquals.join(', ')} needs JitterStrategy FULL (only retries of opsflow errors may leave it out)`, name);
    }
  }
}

/** How engine/service-errors.ts knows a Task's integration: `route53`, `lambda:invoke`, `states:startExecution`... */
function integrationOf(resource: TaskResource): { integration: string; operation: string } {
  if (resource.kind === 'aws-sdk') return { integration: resource.service, operation: `${resource.action.charAt(0).toUpperCase()}${resource.action.slice(1)}` };
  const integration = { lambda: 'lambda:invoke', startExecution: 'states:startExecution', putEvents: 'events:putEvents' }[resource.kind];
  return { integration, operation: optimizedOperation(integration) ?? '' };
}

/**
 * The Task's Retry lists every transient name its integration really raises (throttling and 5xx
 * arrive under the service's fallback name when its model does not know them), and its Retry and
 * Catch name nothing the integration can never raise (a guessed `Sfn.ThrottlingException`).
 */
async function checkServiceErrors({ name, state }: StateEntry, report: Report): Promise<void> {
  const resource = parseTaskResource(String(state.Resource));
  if (!resource) return;
  const { integration, operation } = integrationOf(resource);
  const errors = await serviceErrorsFor(integration);
  if (!errors) return;
  const retried = new Set(retriers(state).flatMap((handler) => handler.errorEquals));
  // A Lambda task's transient Retry is checked, with its bounds, by the lambda-retry rule.
  if (resource.kind !== 'lambda' && !retried.has('States.ALL') && !retried.has('States.TaskFailed')) {
    const missing = errors.transientNames(operation).filter((errorName) => !retried.has(errorName));
    if (missing.length > 0) {
      report(
        ValidationRule.TransientRetry,
        `Retry misses ${missing.join(', ')}: how ${integration} ${operation} really reports throttling and server errors (engine/service-errors.ts)`,
        name,
      );
    }
  }
  const known = new Set(errors.knownNames());
  const named = new Set([...retriers(state), ...catchers(state)].flatMap((handler) => handler.errorEquals));
  for (const errorName of named) {
    if (errorName.startsWith(`${errors.prefix}.`) && !known.has(errorName)) {
      report(
        ValidationRule.ErrorName,
        `ErrorEquals "${errorName}" is never raised by ${integration}: its model has no such error, and errors it does not model arrive as ${errors.fallback}`,
        name,
      );
    }
  }
}

/** The states from `start` through Pass and Wait states to a Succeed or an End, if that is where they lead. */
function successPath(states: ReadonlyMap<string, JsonObject>, start: JsonValue | undefined): string[] | undefined {
  const path: string[] = [];
  for (let current = start; typeof current === 'string' && !path.includes(current); ) {
    const state = states.get(current);
    path.push(current);
    if (state?.Type === 'Succeed') return path;
    if (state?.Type !== 'Pass' && state?.Type !== 'Wait') return undefined;
    if (state.End === true) return path;
    current = state.Next;
  }
  return undefined;
}

/**
 * A service's fallback name covers throttling, 5xx, access denied and "not found" at once, so a
 * Catch on it must not lead straight to success: a Choice on the Cause, or a Task that re-reads
 * the present state, decides whether the outcome is benign. `States.ALL` and `States.TaskFailed`
 * are broader still: at the top level, where ending means the execution succeeded, they may not
 * lead straight to success either (inside a Map or Parallel, recording a failed item and going
 * on is the pattern, and the workflow decides after the loop).
 */
function checkFallbackCatches(definition: JsonObject, report: Report): void {
  const fallbacks = new Set(fallbackNames());
  const catchAll = new Set(['States.ALL', 'States.TaskFailed']);
  const machines = (machine: JsonObject): JsonObject[] => [machine, ...statesOf(machine).flatMap(([, state]) => nestedMachines(state).flatMap(machines))];
  for (const machine of machines(definition)) {
    const states = new Map(statesOf(machine));
    const topLevel = machine === definition;
    for (const [name, state] of states) {
      for (const catcher of catchers(state)) {
        const broad = catcher.errorEquals.filter((errorName) => fallbacks.has(errorName) || (topLevel && catchAll.has(errorName)));
        const path = broad.length > 0 ? successPath(states, catcher.entry.Next) : undefined;
        if (!path) continue;
        report(
          ValidationRule.FallbackSuccess,
          `Catch on ${broad.join(', ')} leads straight to success (${path.join(' → ')}), but ${broad.some((errorName) => catchAll.has(errorName)) ? 'it catches every error:' : 'that name also means'} throttling, 5xx or access denied: decide from the Cause with a Choice, or re-read the state`,
          name,
        );
      }
    }
  }
}

function checkUniqueTaskNames(states: readonly StateEntry[], report: Report): void {
  const places = new Map<string, string[]>();
  for (const { name, state, enclosing } of states) {
    if (state.Type !== 'Task') continue;
    const place = enclosing.length === 0 ? 'top level' : `inside ${enclosing.join(' > ')}`;
    places.set(name, [...(places.get(name) ?? []), place]);
  }
  for (const [name, found] of places) {
    if (found.length > 1) {
      report(ValidationRule.UniqueTaskName, `Task name is used ${found.length} times (${found.join('; ')}); the local engine keys task overrides by state name`, name);
    }
  }
}

/** Every check but the file-level ones, on one definition's text. */
export async function validateDefinition(text: string, context: DefinitionContext): Promise<ValidationProblem[]> {
  let definition: JsonValue;
  try {
    definition = JSON.parse(text) as JsonValue;
  } catch (error) {
    return [problem(context.workflow, ValidationRule.Definition, `definition.asl.json is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)];
  }
  if (!isJsonObject(definition)) return [problem(context.workflow, ValidationRule.Definition, 'definition.asl.json is not a JSON object')];

  const problems = [...aslValidatorProblems(definition, context), ...(await languageServiceProblems(text, context))];
  const report: Report = (rule, message, state) => problems.push(problem(context.workflow, rule, message, state));
  const states = allStates(definition);

  checkJsonPathOnly(definition, states, report);
  for (const refused of unsupportedConstructs(definition)) report(ValidationRule.LocalEngine, refused.message, refused.state);
  for (const entry of states) {
    if (entry.state.Type === 'Task') {
      checkTask(entry, context, report);
      await checkServiceErrors(entry, report);
    }
    checkErrorHandling(entry, context, report);
  }
  checkFallbackCatches(definition, report);
  checkUniqueTaskNames(states, report);

  if (context.listedFunctions) {
    const used = new Set(states.map(({ state }) => (state.Type === 'Task' ? lambdaFunctionKey(state) : undefined)));
    for (const key of context.listedFunctions) {
      if (!used.has(key)) report(ValidationRule.FunctionUsed, `functions lists ${key} but no Task invokes \${${key}}`);
      if (!context.functionKeys.includes(key)) report(ValidationRule.FunctionRegistered, `functions lists ${key}, which is not a key of functionRegistry (handlers/registry.ts)`);
    }
  }
  return problems;
}

interface Project {
  readonly modules: readonly WorkflowModule[];
  readonly functionKeys: readonly string[];
  readonly declaredErrors: readonly string[];
  readonly folders: readonly string[];
}

async function loadProject(root: string): Promise<Project> {
  const index = await importProjectModule(root, 'workflows/index.ts');
  const registry = await importProjectModule(root, 'handlers/registry.ts');
  if (!Array.isArray(index.workflows)) throw new ValidationSetupFailed(`workflows/index.ts under ${root} does not export a workflows array`);
  if (!isRecord(registry.functionRegistry)) throw new ValidationSetupFailed(`handlers/registry.ts under ${root} does not export functionRegistry`);
  const folders: string[] = [];
  for (const folder of await subfolders(join(root, 'workflows'))) {
    if (await isFile(join(root, 'workflows', folder, 'definition.asl.json'))) folders.push(folder);
  }
  return {
    modules: index.workflows as WorkflowModule[],
    functionKeys: Object.keys(registry.functionRegistry),
    declaredErrors: await declaredErrorNames(root),
    folders,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function validateWorkflow(root: string, workflow: string, project: Project): Promise<WorkflowValidation> {
  const module = project.modules.find((candidate) => candidate.name === workflow);
  const path = join(root, 'workflows', workflow, 'definition.asl.json');
  const problems: ValidationProblem[] = [];
  if (!module) {
    problems.push(problem(workflow, ValidationRule.WorkflowListed, `workflows/${workflow}/definition.asl.json has no module in workflows/index.ts`));
  }
  if (!project.folders.includes(workflow)) {
    problems.push(problem(workflow, ValidationRule.Definition, `${relative(root, path)} is missing`));
  } else {
    const context = { workflow, functionKeys: project.functionKeys, listedFunctions: module?.functions, declaredErrors: project.declaredErrors };
    problems.push(...(await validateDefinition(await readFile(path, 'utf8'), context)));
  }
  return { workflow, ok: problems.length === 0, problems };
}

/**
 * Checks every workflow (or the named ones) with asl-validator, the AWS language service and
 * opsflow's own rules. Problems are returned, not thrown; a project that cannot be loaded throws
 * ValidationSetupFailed, and an unknown workflow name UnknownWorkflow.
 */
export async function validateWorkflows(options: ValidateOptions = {}): Promise<ValidationReport> {
  const root = options.root ?? repositoryRoot;
  const project = await loadProject(root);
  const known = [...new Set([...project.modules.map((module) => module.name), ...project.folders])].sort();
  const unknown = (options.workflows ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UnknownWorkflow(`unknown workflow ${unknown.join(', ')}; known: ${known.join(', ') || '(none)'}`);
  }
  const selected = options.workflows ? known.filter((name) => options.workflows?.includes(name)) : known;
  const workflows: WorkflowValidation[] = [];
  for (const workflow of selected) workflows.push(await validateWorkflow(root, workflow, project));
  return { ok: workflows.every((workflow) => workflow.ok), workflows };
}

/** One line per workflow when it passes, one per problem when it does not. */
export function formatReport(report: ValidationReport): string {
  if (report.workflows.length === 0) return 'no workflows to validate';
  const lines = report.workflows.flatMap(({ workflow, ok, problems }) =>
    ok
      ? [`✓ ${workflow}`]
      : problems.map((found) => `✗ ${workflow}: ${found.state === undefined ? '' : `State ${found.state}: `}${found.message} [${found.rule}]`),
  );
  return lines.join('\n');
}
