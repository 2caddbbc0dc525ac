import type { JsonValue } from '../workflows/types.ts';
import { InvalidName, PayloadNotJson, PayloadTooDeep, StatesDataLimitExceeded, TaskFailure, ValidationException } from './errors.ts';
import { executionNameLength, hasForbiddenNameCharacter, maxExecutionNameLength } from './naming.ts';

/**
 * Step Functions' limits on the data an execution carries, checked where Step Functions checks
 * them, so that a run AWS would fail fails offline with the same name; and the engine's own bound
 * on nesting, so that no input makes it throw an unnamed RangeError.
 *
 * Sources:
 * - "Maximum input or output size for a task, state, or execution: 262,144 bytes of data as a UTF-8
 *   encoded string. This quota affects tasks (activity, Lambda function, or integrated service),
 *   state or execution output, and input data when scheduling a task, entering a state, or starting
 *   an execution." (https://docs.aws.amazon.com/step-functions/latest/dg/limits.html). The API
 *   reference gives the same figure as "Maximum length of 262144", in UTF-8 bytes, for
 *   StartExecution `input`, SendTaskSuccess `output` and every history event's input and output.
 * - States.DataLimitExceeded: "When the output of a connector is larger than payload size quota.
 *   When the output of a state is larger than payload size quota. When, after Parameters
 *   processing, the input of a state is larger than the payload size quota. [...] This is a
 *   terminal error that can't be caught by the States.ALL error type."
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 *   As recorded against AWS (localstack, tests/aws/services/stepfunctions/v2/error_handling/
 *   test_states_errors.snapshot.json, 2024-03-21): a Task whose result is over the quota fails with
 *   a TaskFailed event that a Catch on States.DataLimitExceeded and a Catch on States.ALL both catch,
 *   with the Cause "The state/task '<resource>' returned a result with a size exceeding the maximum
 *   number of bytes service limit." (`lambda` for lambda:invoke, the function ARN for a Lambda
 *   resource); a Pass state whose output is over the quota fails the execution at once
 *   (ExecutionFailed right after the state entered, no Catch consulted), with the state's name in
 *   the same sentence. The engine follows the recording: a task result is a task failure, a state's
 *   input or output ends the execution. AWS's wording for an input over the quota is not recorded;
 *   the engine's says "input" where the recorded one says "result".
 * - Nesting: EventBridge documents "PutEvents will only process nested JSON up to 1000 levels deep"
 *   (PutEvents API reference, @aws-sdk/client-eventbridge 3.1169.0). Step Functions documents no
 *   bound. The engine takes 1000 levels everywhere (JSON.stringify and structuredClone overflow the
 *   stack between 2,000 and 5,000 on Node 20) and refuses deeper JSON with PayloadTooDeep.
 */

/** Step Functions' payload quota, in UTF-8 bytes of the JSON text. */
export const maxPayloadBytes = 262_144;

/** The deepest JSON the engine takes: a scalar is 0 levels deep, `{}` and `[]` are 1. */
export const maxJsonDepth = 1000;

/** SendTaskFailure's `error` and `cause` (API reference: "Maximum length of 256" and "of 32768"). */
const maxTaskFailureError = 256;
const maxTaskFailureCause = 32_768;

export type JsonMeasure =
  | { readonly kind: 'json'; readonly bytes: number }
  | { readonly kind: 'tooLarge' }
  | { readonly kind: 'tooDeep' }
  | { readonly kind: 'notJson'; readonly why: string };

/** A container being walked: its members are taken one at a time, so a huge one costs only what is read of it. */
type Cursor =
  | { readonly items: readonly unknown[]; next: number; readonly depth: number }
  | { readonly object: Record<string, unknown>; readonly keys: readonly string[]; next: number; members: number; readonly depth: number };

/** Members JSON leaves out of an object, and writes `null` in an array. */
const notRepresented = new Set(['undefined', 'function', 'symbol']);

/**
 * The UTF-8 size of `JSON.stringify(value)` without building the text and without recursion, so
 * that neither a huge nor a deeply nested value costs more than the limits it is measured against:
 * it stops at the first level past `maxDepth` and as soon as the size passes `maxBytes`.
 */
export function measureJson(value: unknown, maxBytes = maxPayloadBytes, maxDepth = maxJsonDepth): JsonMeasure {
  let bytes = 0;
  const open: Cursor[] = [];
  const ancestors = new Set<object>();
  let pending: { value: unknown; depth: number } | undefined = { value, depth: 0 };
  while (pending || open.length > 0) {
    if (!pending) {
      const cursor = open[open.length - 1] as Cursor;
      pending = nextMember(cursor, (added) => (bytes += added));
      if (!pending) {
        open.pop();
        ancestors.delete('items' in cursor ? cursor.items : cursor.object);
      }
      if (bytes > maxBytes) return { kind: 'tooLarge' };
      continue;
    }
    const current = jsonForm(pending.value);
    const depth = pending.depth;
    pending = undefined;
    switch (typeof current) {
      case 'string':
        // Every UTF-16 unit is at least one UTF-8 byte, so a longer string is over the limit anyway.
        if (current.length + 2 > maxBytes - bytes) return { kind: 'tooLarge' };
        bytes += Buffer.byteLength(JSON.stringify(current));
        break;
      case 'number':
        bytes += Number.isFinite(current) ? String(current).length : 4;
        break;
      case 'boolean':
        bytes += current ? 4 : 5;
        break;
      case 'bigint':
        return { kind: 'notJson', why: 'a BigInt' };
      case 'object':
        if (current === null) {
          bytes += 4;
          break;
        }
        if (ancestors.has(current)) return { kind: 'notJson', why: 'a cycle' };
        if (depth + 1 > maxDepth) return { kind: 'tooDeep' };
        ancestors.add(current);
        bytes += 2;
        open.push(
          Array.isArray(current)
            ? { items: current, next: 0, depth: depth + 1 }
            : { object: current as Record<string, unknown>, keys: Object.keys(current), next: 0, members: 0, depth: depth + 1 },
        );
        break;
      default:
        return { kind: 'notJson', why: `a ${typeof current}` };
    }
    if (bytes > maxBytes) return { kind: 'tooLarge' };
  }
  return { kind: 'json', bytes };
}

/** What JSON.stringify serializes in place of a value with a toJSON method (a Date, a Buffer). */
function jsonForm(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}

/** The next member of a container to measure, counting its separators (and an array's `null`s) on the way. */
function nextMember(cursor: Cursor, add: (bytes: number) => void): { value: unknown; depth: number } | undefined {
  if ('items' in cursor) {
    while (cursor.next < cursor.items.length) {
      const item = cursor.items[cursor.next];
      if (cursor.next > 0) add(1);
      cursor.next += 1;
      if (!notRepresented.has(typeof item)) return { value: item, depth: cursor.depth };
      add(4);
    }
    return undefined;
  }
  while (cursor.next < cursor.keys.length) {
    const key = cursor.keys[cursor.next] as string;
    const member = cursor.object[key];
    cursor.next += 1;
    if (notRepresented.has(typeof member)) continue;
    add(Buffer.byteLength(JSON.stringify(key)) + 1 + (cursor.members > 0 ? 1 : 0));
    cursor.members += 1;
    return { value: member, depth: cursor.depth };
  }
  return undefined;
}

/** One line about a value the engine cannot take at all (`what`: "the execution input"). */
export function unacceptablePayload(measure: JsonMeasure, what: string): PayloadTooDeep | PayloadNotJson | undefined {
  if (measure.kind === 'tooDeep') {
    return new PayloadTooDeep(`${what} nests deeper than ${maxJsonDepth} levels, which the local engine does not take`);
  }
  if (measure.kind === 'notJson') return new PayloadNotJson(`${what} is not JSON: it holds ${measure.why}`);
  return undefined;
}

/** AWS's framework message for request members that break their constraints ("1 validation error detected: ..."). */
export function validationMessage(violations: readonly string[]): string {
  return `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}

function validationErrors(violations: readonly string[]): ValidationException {
  return new ValidationException(validationMessage(violations));
}

function tooLong(member: string, maximum: number, value?: string): string {
  const shown = value === undefined ? '' : ` '${value}'`;
  return `Value${shown} at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${maximum}`;
}

/**
 * StartExecution's checks of `name` and `input`, in the order Step Functions applies them: the
 * request's lengths (ValidationException, naming every violation; `input` is a sensitive member, so
 * its value is not repeated), then the name's characters (InvalidName). Returns the input as Step
 * Functions holds it, a copy parsed from its JSON text.
 * Name rules: StartExecution API reference, `name`: "Length Constraints: Minimum length of 1.
 * Maximum length of 80." and "A name must not contain: white space, brackets < > { } [ ], wildcard
 * characters ? *, special characters " # % \ ^ | ~ ` $ & , ; : /, control characters (U+0000-001F,
 * U+007F-009F)" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 * AWS's answers: "ValidationException: 1 validation error detected: Value '<name>' at 'name' failed to
 * satisfy constraint: Member must have length less than or equal to 80" (github.com/getmoto/moto
 * issue 6438, github.com/gchq/sleeper issue 1869); "Invalid Name: '<name>'" (InvalidName, as moto
 * and localstack answer it).
 */
export function checkStartExecution(name: string, input: unknown): JsonValue {
  const measure = measureJson(input ?? {});
  const unacceptable = unacceptablePayload(measure, 'the execution input');
  if (unacceptable) throw unacceptable;
  const violations: string[] = [];
  const length = executionNameLength(name);
  if (length < 1) violations.push(`Value '${name}' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (length > maxExecutionNameLength) violations.push(tooLong('name', maxExecutionNameLength, name));
  if (measure.kind === 'tooLarge') violations.push(tooLong('input', maxPayloadBytes));
  if (violations.length > 0) throw validationErrors(violations);
  if (hasForbiddenNameCharacter(name)) throw new InvalidName(`Invalid Name: '${name}'`);
  return JSON.parse(JSON.stringify(input ?? {})) as JsonValue;
}

/** SendTaskSuccess's `output`: JSON the engine takes, at most the payload quota. Returns a parsed copy. */
export function checkTaskSuccessOutput(output: unknown): JsonValue {
  const measure = measureJson(output ?? null);
  const unacceptable = unacceptablePayload(measure, 'the task output');
  if (unacceptable) throw unacceptable;
  if (measure.kind === 'tooLarge') throw validationErrors([tooLong('output', maxPayloadBytes)]);
  return JSON.parse(JSON.stringify(output ?? null)) as JsonValue;
}

/** SendTaskFailure's `error` (at most 256 characters) and `cause` (at most 32,768). */
export function checkTaskFailure(error: string, cause: string): void {
  const violations: string[] = [];
  if ([...error].length > maxTaskFailureError) violations.push(tooLong('error', maxTaskFailureError));
  if ([...cause].length > maxTaskFailureCause) violations.push(tooLong('cause', maxTaskFailureCause));
  if (violations.length > 0) throw validationErrors(violations);
}

function dataLimitCause(subject: string, what: 'a result' | 'an input'): string {
  return `The state/task '${subject}' ${what === 'a result' ? 'returned a result' : 'received an input'} with a size exceeding the maximum number of bytes service limit.`;
}

/**
 * A state's effective input (the first state of a run, a Task's Parameters) or its output: over the
 * quota the execution fails with States.DataLimitExceeded, past the engine's depth with PayloadTooDeep.
 */
export function checkStatePayload(stateName: string, value: unknown, direction: 'input' | 'output'): void {
  const measure = measureJson(value);
  const unacceptable = unacceptablePayload(measure, `the ${direction} of state ${stateName}`);
  if (unacceptable) throw unacceptable;
  if (measure.kind === 'tooLarge') throw new StatesDataLimitExceeded(dataLimitCause(stateName, direction === 'input' ? 'an input' : 'a result'));
}

/**
 * A Task's result, before ResultSelector: over the quota the task fails with States.DataLimitExceeded
 * (a task failure, which Retry and Catch see), the Cause naming the resource as Step Functions does.
 */
export function checkTaskResult(stateName: string, resource: string, result: unknown): void {
  const measure = measureJson(result);
  const unacceptable = unacceptablePayload(measure, `the result of task ${stateName}`);
  if (unacceptable) throw unacceptable;
  if (measure.kind === 'tooLarge') throw new TaskFailure('States.DataLimitExceeded', dataLimitCause(resourceLabel(resource), 'a result'));
}

/**
 * How Step Functions names a Task's resource in that Cause: its resource type for an integration
 * (`lambda`, `states`, `events`, `aws-sdk:route53`), the ARN itself for a Lambda function resource.
 */
export function resourceLabel(resource: string): string {
  const integration = /^arn:[^:]+:states:::(aws-sdk:[a-z0-9-]+|[a-z0-9-]+):/.exec(resource);
  return integration?.[1] ?? resource;
}
