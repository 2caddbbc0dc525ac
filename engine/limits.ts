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

/** What JSON leaves out of an object, and writes `null` for in an array. */
function isNotRepresented(value: unknown): boolean {
  const type = typeof value;
  return type === 'undefined' || type === 'function' || type === 'symbol';
}

/**
 * The UTF-8 size of `JSON.stringify(value)` without building the text and without recursion, so
 * that neither a huge nor a deeply nested value costs more than the limits it is measured against:
 * it stops at the first level past `maxDepth` and as soon as the size passes `maxBytes`. Every
 * state's input and output goes through it, so it allocates nothing per value: the containers
 * being walked are kept in parallel stacks, one frame per level.
 */
export function measureJson(value: unknown, maxBytes = maxPayloadBytes, maxDepth = maxJsonDepth): JsonMeasure {
  const containers: (readonly unknown[] | Record<string, unknown>)[] = [];
  /** An object's keys; undefined for an array. */
  const keyLists: (readonly string[] | undefined)[] = [];
  /** The next member to read of each container. */
  const positions: number[] = [];
  /** The members of each object written so far (a separator goes before every one but the first). */
  const written: number[] = [];
  const ancestors = new Set<object>();
  let bytes = 0;
  let member: unknown = value;
  let hasMember = true;
  for (;;) {
    if (hasMember) {
      hasMember = false;
      const current = jsonForm(member);
      switch (typeof current) {
        case 'string':
          // Every UTF-16 unit is at least one UTF-8 byte, so a longer string is over the limit anyway.
          if (current.length + 2 > maxBytes - bytes) return { kind: 'tooLarge' };
          bytes += jsonStringBytes(current);
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
          if (containers.length + 1 > maxDepth) return { kind: 'tooDeep' };
          ancestors.add(current);
          bytes += 2;
          containers.push(current as readonly unknown[] | Record<string, unknown>);
          keyLists.push(Array.isArray(current) ? undefined : Object.keys(current));
          positions.push(0);
          written.push(0);
          break;
        default:
          return { kind: 'notJson', why: `a ${typeof current}` };
      }
      if (bytes > maxBytes) return { kind: 'tooLarge' };
      continue;
    }
    const top = containers.length - 1;
    if (top < 0) return { kind: 'json', bytes };
    const container = containers[top] as readonly unknown[] | Record<string, unknown>;
    const keys = keyLists[top];
    let position = positions[top] as number;
    if (keys === undefined) {
      const items = container as readonly unknown[];
      while (position < items.length) {
        const item = items[position];
        if (position > 0) bytes += 1;
        position += 1;
        if (!isNotRepresented(item)) {
          member = item;
          hasMember = true;
          break;
        }
        bytes += 4;
      }
    } else {
      const object = container as Record<string, unknown>;
      while (position < keys.length) {
        const key = keys[position] as string;
        const candidate = object[key];
        position += 1;
        if (isNotRepresented(candidate)) continue;
        bytes += jsonStringBytes(key) + 1 + ((written[top] as number) > 0 ? 1 : 0);
        written[top] = (written[top] as number) + 1;
        member = candidate;
        hasMember = true;
        break;
      }
    }
    positions[top] = position;
    if (!hasMember) {
      containers.pop();
      keyLists.pop();
      positions.pop();
      written.pop();
      ancestors.delete(container);
    }
    if (bytes > maxBytes) return { kind: 'tooLarge' };
  }
}

/** What JSON.stringify serializes in place of a value with a toJSON method (a Date, a Buffer). */
function jsonForm(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}

/** The escapes JSON.stringify writes as two characters (`\b`, `\t`, `\n`, `\f`, `\r`); other control characters take six (`\u0007`). */
const shortEscapes = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/**
 * `Buffer.byteLength(JSON.stringify(text))`, counted without building either: quotes, two bytes for
 * `"`, `\\` and the short escapes, six for other control characters and for a lone surrogate
 * (which JSON.stringify writes as `\udXXX`), and the UTF-8 length of everything else.
 */
function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if (code < 0x20) bytes += shortEscapes.has(code) ? 2 : 6;
      else bytes += code === 0x22 || code === 0x5c ? 2 : 1;
    } else if (code < 0x800) {
      bytes += 2;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const paired = code <= 0xdbff && index + 1 < text.length && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
      if (paired) index += 1;
      bytes += paired ? 4 : 6;
    } else {
      bytes += 3;
    }
  }
  return bytes;
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
