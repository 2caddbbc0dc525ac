import { randomUUID } from 'node:crypto';
import type { DeploymentEnvironment, JsonObject, JsonValue } from '../workflows/types.ts';
import { clockWaitResource, isJsonObject, passesTaskToken, type TaskSite } from './asl.ts';
import { ExecutionAlreadyExists, InvalidName, StatesRuntime, TaskFailure, UnknownFunction, UnsupportedTaskResource, ValidationException } from './errors.ts';
import { validationMessage } from './limits.ts';
import { injectedFailure, type EngineFaults } from './faults.ts';
import type { FaultCall } from './sandbox/faults.ts';
import { invokeResponse, sdkHttpMetadata, type LambdaInvoker } from './lambda-invoker.ts';
import { functionKeyOf } from './naming.ts';
import type { SdkClients } from './sdk-calls.ts';
import { serviceErrorsFor, type ServiceErrors } from './service-errors.ts';
import { TaskTokens } from './task-tokens.ts';

/**
 * The resource bridge: each Task state's Resource, run as Step Functions runs it. A binding is
 * made once per state when the engine is built (so an unknown resource, service, action or
 * function fails the build, not an execution) and invoked with the state's effective input.
 */

/** The execution a task runs in, as the bridge needs it. */
export interface CallingExecution {
  readonly executionArn: string;
  readonly workflow: string;
  readonly stateMachineArn: string;
}

/**
 * The engine's clock as one Task attempt sees it. While the attempt waits through `sleep` or
 * `waitFor`, its execution counts as waiting, so the clock may move; anything else the task
 * does takes no time on a simulated clock.
 */
export interface TaskTime {
  now(): Date;
  /** Resolves after `seconds` on the clock. */
  sleep(seconds: number): Promise<void>;
  /** Waits for something outside the execution: a task token's answer, a child execution. */
  waitFor<T>(promise: Promise<T>): Promise<T>;
}

export interface TaskCall {
  readonly execution: CallingExecution;
  /** The token `$$.Task.Token` gave this attempt, if its parameters asked for one. */
  readonly token: string | undefined;
  readonly time: TaskTime;
}

export interface TaskBinding {
  readonly stateName: string;
  readonly resource: string;
  /** What an engine fault rule names to fail this Task (none for a Wait). */
  readonly faultCall?: Required<FaultCall>;
  /** The Task's TimeoutSeconds for the executor to enforce (a callback task's token enforces its own). */
  readonly timeoutSeconds?: number;
  invoke(input: JsonValue, call: TaskCall): Promise<JsonValue>;
}

export interface ChildExecution {
  readonly executionArn: string;
  readonly startDate: string;
  readonly done: Promise<ChildOutcome>;
}

export interface ChildOutcome {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly status: string;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: string;
  readonly stopDate?: string;
}

export interface BridgeServices {
  readonly env: DeploymentEnvironment;
  readonly lambda: LambdaInvoker;
  readonly sdk: SdkClients;
  readonly tokens: TaskTokens;
  readonly faults: EngineFaults;
  /** The workflow deployed as this state machine ARN, if the engine runs it. */
  workflowOf(stateMachineArn: string): string | undefined;
  /** Starts an execution of the engine's own as the child of the calling one. */
  startChild(workflow: string, input: JsonValue, name: string | undefined, parent: CallingExecution): ChildExecution;
  /** An execution of one of the engine's own state machines, by ARN (running or finished). */
  localExecution(executionArn: string): ChildOutcome | undefined;
  /** Every execution of one of the engine's own state machines, in the order they started. */
  localExecutions(stateMachineArn: string): readonly ChildOutcome[];
  warn(message: string): void;
}

type Pattern = 'request' | 'waitForTaskToken' | 'sync' | 'sync2';
type Send = (input: JsonValue, call: TaskCall) => Promise<JsonValue>;

const integrationPatterns: Record<string, readonly Pattern[]> = {
  'lambda:invoke': ['request', 'waitForTaskToken'],
  'aws-sdk': ['request', 'waitForTaskToken'],
  'states:startExecution': ['request', 'sync', 'sync2', 'waitForTaskToken'],
  'events:putEvents': ['request', 'waitForTaskToken'],
};

export async function bindTask(site: TaskSite, services: BridgeServices, workflow: string): Promise<TaskBinding> {
  const { name: stateName, state, timers } = site;
  const { timeoutSeconds } = timers;
  const resource = String(state.Resource);
  const where = `${workflow}: state ${stateName}`;
  const unsupported = (why: string): UnsupportedTaskResource => new UnsupportedTaskResource(`${where}: ${why} (Resource ${resource})`);

  if (state.HeartbeatSecondsPath !== undefined) throw unsupported('HeartbeatSecondsPath is not supported locally');
  if (resource === clockWaitResource) return { stateName, resource, invoke: clockWait };

  const legacyFunction = /^arn:[^:]+:lambda:[^:]+:[^:]+:function:[^:]+(?::[^:]+)?$/.test(resource);
  if (legacyFunction) {
    const functionKey = functionKeyOf(services.env, resource);
    if (functionKey === undefined || !services.lambda.has(functionKey)) throw new UnknownFunction(`${where}: no registry function is deployed as ${resource}`);
    const faultCall = { workflow, state: stateName, service: 'lambda', operation: 'Invoke' };
    const faults = await faultGuard(services, faultCall, 'lambda:invoke');
    return { stateName, resource, faultCall, timeoutSeconds, invoke: faults((input) => services.lambda.invoke(functionKey, input)) };
  }

  const integration = /^arn:[^:]+:states:::([a-z0-9-]+):([A-Za-z0-9]+)(?::([A-Za-z0-9]+))?(?:\.(waitForTaskToken|sync:2|sync))?$/.exec(resource);
  if (!integration) throw unsupported('no local bridge for this resource');
  const [, service = '', first = '', second, suffix] = integration;
  const pattern: Pattern = suffix === 'sync:2' ? 'sync2' : ((suffix ?? 'request') as Pattern);
  const key = service === 'aws-sdk' ? 'aws-sdk' : `${service}:${first}`;
  const allowed = integrationPatterns[key];
  if (!allowed || (service === 'aws-sdk') !== (second !== undefined)) throw unsupported('no local bridge for this resource');
  if (!allowed.includes(pattern)) throw unsupported(`the ${pattern} integration pattern is not available for ${key}`);
  if (pattern === 'waitForTaskToken' && !passesTaskToken(state.Parameters)) {
    services.warn(`${where}: waits for a task token its Parameters never pass ($$.Task.Token); it can only time out`);
  }

  let send: Send;
  let faultCall: Required<FaultCall>;
  if (service === 'aws-sdk') {
    const sdkService = first;
    const action = second ?? '';
    if ((await services.sdk.check(sdkService, action, where)) === 'packageMissing') {
      services.warn(`${where}: the client package for '${sdkService}' is not installed; the task fails when it runs`);
    }
    faultCall = { workflow, state: stateName, service: sdkService, operation: `${action.charAt(0).toUpperCase()}${action.slice(1)}` };
    if (sdkService === 'sfn' && action === 'describeExecution') {
      const errors = await serviceErrorsFor('sfn');
      send = (input) => describeAnyExecution(input, services, errors);
    } else if (sdkService === 'sfn' && action === 'listExecutions') {
      const errors = await serviceErrorsFor('sfn');
      send = (input) => listAnyExecutions(input, services, errors);
    } else {
      send = (input) => services.sdk.call(sdkService, action, input);
    }
  } else if (key === 'lambda:invoke') {
    checkStaticFunction(state, services, where);
    const errors = await serviceErrorsFor(key);
    faultCall = { workflow, state: stateName, service: 'lambda', operation: 'Invoke' };
    send = (input) => invokeLambda(input, services, errors);
  } else if (key === 'events:putEvents') {
    faultCall = { workflow, state: stateName, service: 'eventbridge', operation: 'PutEvents' };
    send = (input, call) => putEvents(input, call, services);
  } else {
    const errors = await serviceErrorsFor(key);
    faultCall = { workflow, state: stateName, service: 'sfn', operation: 'StartExecution' };
    send = (input, call) => startExecution(input, call, services, pattern, errors);
  }
  send = (await faultGuard(services, faultCall, service === 'aws-sdk' ? first : key))(send);

  if (pattern !== 'waitForTaskToken') return { stateName, resource, faultCall, timeoutSeconds, invoke: send };
  return {
    stateName,
    resource,
    faultCall,
    invoke: async (input, call) => {
      const token = call.token ?? TaskTokens.mint();
      const answer = services.tokens.wait({
        token,
        executionArn: call.execution.executionArn,
        workflow: call.execution.workflow,
        stateName,
        resource,
        request: input,
        openedAt: call.time.now().toISOString(),
        ...timers,
      });
      // A heartbeat timeout may reject the answer while the request is still being sent.
      answer.catch(() => undefined);
      try {
        await send(input, call);
      } catch (error) {
        services.tokens.discard(token);
        throw error;
      }
      return call.time.waitFor(answer);
    },
  };
}

/**
 * Wraps a Task's request so that an engine fault rule matching its call fails it as the
 * integration would, before anything is sent.
 */
async function faultGuard(services: BridgeServices, call: FaultCall, integration: string): Promise<(send: Send) => Send> {
  const errors = await serviceErrorsFor(integration);
  return (send) => (input, taskCall) => {
    const rule = services.faults.check(call);
    return rule ? Promise.reject(injectedFailure(rule, errors, input)) : send(input, taskCall);
  };
}

function checkStaticFunction(state: JsonObject, services: BridgeServices, where: string): void {
  const parameters = state.Parameters;
  if (!isJsonObject(parameters)) throw new UnsupportedTaskResource(`${where}: lambda:invoke needs Parameters with FunctionName`);
  const invocationType = parameters.InvocationType;
  if (invocationType !== undefined && invocationType !== 'RequestResponse') {
    throw new UnsupportedTaskResource(`${where}: only the RequestResponse InvocationType runs locally`);
  }
  const functionName = parameters.FunctionName;
  if (typeof functionName !== 'string') return;
  const functionKey = functionKeyOf(services.env, functionName);
  if (functionKey === undefined || !services.lambda.has(functionKey)) {
    throw new UnknownFunction(`${where}: no registry function is deployed as ${functionName}`);
  }
}

async function invokeLambda(input: JsonValue, services: BridgeServices, errors: ServiceErrors | undefined): Promise<JsonValue> {
  const parameters = isJsonObject(input) ? input : {};
  const functionName = String(parameters.FunctionName);
  const functionKey = functionKeyOf(services.env, functionName);
  if (functionKey === undefined || !services.lambda.has(functionKey)) {
    throw serviceFailure(errors, 'ResourceNotFoundException', `Function not found: ${functionName}`);
  }
  const result = await services.lambda.invoke(functionKey, lambdaPayload(parameters.Payload));
  return invokeResponse(result, services.lambda.clock.now());
}

/** Lambda receives the Payload's bytes: a string holding JSON is that JSON, any other string a JSON string. */
function lambdaPayload(payload: JsonValue | undefined): JsonValue {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload) as JsonValue;
  } catch {
    return payload;
  }
}

/**
 * The optimized EventBridge integration: Detail objects are serialized, the state machine and
 * execution ARNs are appended to each entry's Resources, and a failed entry fails the task.
 */
async function putEvents(input: JsonValue, call: TaskCall, services: BridgeServices): Promise<JsonValue> {
  const entries = isJsonObject(input) && Array.isArray(input.Entries) ? input.Entries : [];
  const request = {
    Entries: entries.map((entry) => {
      const fields = isJsonObject(entry) ? entry : {};
      const resources = Array.isArray(fields.Resources) ? fields.Resources : [];
      return {
        ...fields,
        ...(fields.Detail !== undefined && typeof fields.Detail !== 'string' ? { Detail: JSON.stringify(fields.Detail) } : {}),
        Resources: [...resources, call.execution.stateMachineArn, call.execution.executionArn],
      };
    }),
  };
  const output = await services.sdk.call('eventbridge', 'putEvents', request);
  const response = isJsonObject(output) ? output : {};
  if (typeof response.FailedEntryCount === 'number' && response.FailedEntryCount > 0) {
    throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(response));
  }
  return { Entries: response.Entries ?? [], FailedEntryCount: response.FailedEntryCount ?? 0 };
}

async function startExecution(input: JsonValue, call: TaskCall, services: BridgeServices, pattern: Pattern, errors: ServiceErrors | undefined): Promise<JsonValue> {
  const parameters = isJsonObject(input) ? input : {};
  const arn = String(parameters.StateMachineArn);
  const workflow = services.workflowOf(arn);
  if (workflow === undefined) throw serviceFailure(errors, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  const childInput = executionInput(parameters.Input, errors);
  const name = typeof parameters.Name === 'string' ? parameters.Name : undefined;
  let child: ChildExecution;
  try {
    child = services.startChild(workflow, childInput, name, call.execution);
  } catch (error) {
    // StartExecution's refusals, as the integration reports them (ExecutionAlreadyExists, InvalidName, ValidationException).
    if (error instanceof ExecutionAlreadyExists || error instanceof InvalidName || error instanceof ValidationException) {
      throw serviceFailure(errors, error.name, error.message);
    }
    throw error;
  }
  if (pattern === 'request' || pattern === 'waitForTaskToken') {
    const requestId = randomUUID();
    return {
      ExecutionArn: child.executionArn,
      StartDate: Date.parse(child.startDate),
      SdkHttpMetadata: sdkHttpMetadata(requestId, { 'Content-Type': 'application/x-amz-json-1.0' }, call.time.now()),
      SdkResponseMetadata: { RequestId: requestId },
    };
  }
  const outcome = await call.time.waitFor(child.done);
  const description = describeExecution(outcome, pattern === 'sync2');
  if (outcome.status !== 'SUCCEEDED') throw new TaskFailure('States.TaskFailed', JSON.stringify(description));
  return description;
}

/**
 * DescribeExecution of an execution of the engine's own state machines is answered by the engine,
 * as Step Functions would answer it; any other ARN goes to the target's Step Functions.
 */
async function describeAnyExecution(input: JsonValue, services: BridgeServices, errors: ServiceErrors | undefined): Promise<JsonValue> {
  const arn = isJsonObject(input) && typeof input.ExecutionArn === 'string' ? input.ExecutionArn : '';
  const machineArn = arn.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');
  if (services.workflowOf(machineArn) === undefined) return services.sdk.call('sfn', 'describeExecution', input);
  const execution = services.localExecution(arn);
  if (!execution) throw serviceFailure(errors, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  const { StartDate, StopDate, ...description } = describeExecution(execution, false);
  return {
    ...description,
    StartDate: new Date(Number(StartDate)).toISOString(),
    ...(StopDate === undefined ? {} : { StopDate: new Date(Number(StopDate)).toISOString() }),
  };
}

const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

/** ListExecutions' page size: "The default is 100 and the maximum allowed page size is 1000. A value of 0 uses the default." */
const defaultPageSize = 100;
const maxPageSize = 1000;

interface ListPosition {
  readonly stateMachineArn: string;
  readonly statusFilter: string | null;
  /** The next page holds executions started before the one at this index of the start order. */
  readonly before: number;
}

/**
 * ListExecutions of one of the engine's own state machines is answered by the engine as Step
 * Functions answers it (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html):
 * StatusFilter (RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE), MaxResults
 * (0 to 1000, 0 meaning 100), "Results are sorted by time, with the most recent execution first",
 * and a NextToken when more remain, to be used "with all other arguments unchanged" (InvalidToken
 * otherwise). Pages stay stable while executions start: a token points into the start order.
 * Any other state machine ARN (or a MapRunArn) goes to the target's Step Functions.
 */
async function listAnyExecutions(input: JsonValue, services: BridgeServices, errors: ServiceErrors | undefined): Promise<JsonValue> {
  const parameters = isJsonObject(input) ? input : {};
  const stateMachineArn = typeof parameters.StateMachineArn === 'string' ? parameters.StateMachineArn : '';
  if (services.workflowOf(stateMachineArn) === undefined) return services.sdk.call('sfn', 'listExecutions', input);

  const violations: string[] = [];
  const statusFilter = parameters.StatusFilter ?? null;
  if (statusFilter !== null && !(executionStatuses as readonly JsonValue[]).includes(statusFilter)) {
    violations.push(`Value '${String(statusFilter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${executionStatuses.join(', ')}]`);
  }
  const maxResults = typeof parameters.MaxResults === 'number' ? parameters.MaxResults : 0;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > maxPageSize) {
    const bound = maxResults < 0 ? 'greater than or equal to 0' : `less than or equal to ${maxPageSize}`;
    violations.push(`Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value ${bound}`);
  }
  if (violations.length > 0) throw serviceFailure(errors, 'ValidationException', validationMessage(violations));

  const started = services.localExecutions(stateMachineArn);
  const nextToken = parameters.NextToken;
  let before = started.length;
  if (nextToken !== undefined && nextToken !== null) {
    const position = typeof nextToken === 'string' ? listPosition(nextToken) : undefined;
    if (position?.stateMachineArn !== stateMachineArn || position.statusFilter !== statusFilter || position.before > started.length) {
      throw serviceFailure(errors, 'InvalidToken', `Invalid Token: '${String(nextToken)}'`);
    }
    before = position.before;
  }

  const pageSize = maxResults === 0 ? defaultPageSize : maxResults;
  const page: { readonly index: number; readonly execution: ChildOutcome }[] = [];
  let index = before - 1;
  for (; index >= 0 && page.length < pageSize; index -= 1) {
    const execution = started[index] as ChildOutcome;
    if (statusFilter === null || execution.status === statusFilter) page.push({ index, execution });
  }
  const more = started.slice(0, index + 1).some((execution) => statusFilter === null || execution.status === statusFilter);
  const last = page.at(-1);
  return {
    Executions: page.map(({ execution }) => ({
      ExecutionArn: execution.executionArn,
      StateMachineArn: execution.stateMachineArn,
      Name: execution.name,
      Status: execution.status,
      StartDate: execution.startDate,
      ...(execution.stopDate === undefined ? {} : { StopDate: execution.stopDate }),
    })),
    ...(more && last ? { NextToken: Buffer.from(JSON.stringify({ stateMachineArn, statusFilter, before: last.index })).toString('base64url') } : {}),
  };
}

function listPosition(token: string): ListPosition | undefined {
  try {
    const position = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as JsonValue;
    if (!isJsonObject(position)) return undefined;
    const { stateMachineArn, statusFilter, before } = position;
    if (typeof stateMachineArn !== 'string' || (statusFilter !== null && typeof statusFilter !== 'string')) return undefined;
    if (typeof before !== 'number' || !Number.isInteger(before) || before < 0) return undefined;
    return { stateMachineArn, statusFilter, before };
  } catch {
    return undefined;
  }
}

/** StartExecution's Input is a JSON string; Step Functions also accepts a JSON value there. */
function executionInput(input: JsonValue | undefined, errors: ServiceErrors | undefined): JsonValue {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as JsonValue;
  } catch {
    throw serviceFailure(errors, 'InvalidExecutionInput', `Invalid State Machine Execution Input: '${input}'`);
  }
}

/** An error the engine answers for a service, named and described as that service's integration would. */
function serviceFailure(errors: ServiceErrors | undefined, code: string, message: string): TaskFailure {
  return errors ? errors.taskFailure(code, message) : new TaskFailure('States.TaskFailed', message);
}

/** DescribeExecution as `.sync` returns it (Input and Output JSON strings) or `.sync:2` (parsed). */
function describeExecution(outcome: ChildOutcome, parsed: boolean): JsonObject {
  const data = (value: unknown): JsonValue => (parsed ? ((value ?? null) as JsonValue) : JSON.stringify(value ?? null));
  return {
    ExecutionArn: outcome.executionArn,
    Input: data(outcome.input),
    InputDetails: { Included: true },
    Name: outcome.name,
    ...(outcome.status === 'SUCCEEDED' ? { Output: data(outcome.output), OutputDetails: { Included: true } } : {}),
    ...(outcome.error !== undefined ? { Error: outcome.error } : {}),
    ...(outcome.cause !== undefined ? { Cause: outcome.cause } : {}),
    StartDate: Date.parse(outcome.startDate),
    StateMachineArn: outcome.stateMachineArn,
    Status: outcome.status,
    ...(outcome.stopDate !== undefined ? { StopDate: Date.parse(outcome.stopDate) } : {}),
  };
}

/**
 * A Wait state: its Seconds/Timestamp fields, evaluated by the executor as Parameters, are
 * checked as Step Functions checks them, and the wait is taken on the engine's clock.
 */
async function clockWait(input: JsonValue, call: TaskCall): Promise<JsonValue> {
  const fields = isJsonObject(input) ? input : {};
  let seconds = 0;
  if (fields.Seconds !== undefined) {
    const given = fields.Seconds;
    if (typeof given !== 'number' || !Number.isInteger(given) || given < 0) {
      throw new StatesRuntime(`Wait seconds evaluated to ${JSON.stringify(given)}, but expected an integer >= 0`);
    }
    seconds = given;
  } else if (fields.Timestamp !== undefined) {
    const timestamp = fields.Timestamp;
    if (typeof timestamp !== 'string' || !rfc3339.test(timestamp)) {
      throw new StatesRuntime(`Wait timestamp evaluated to ${JSON.stringify(timestamp)}, but expected an RFC 3339 timestamp`);
    }
    seconds = Math.max(0, (Date.parse(timestamp) - call.time.now().getTime()) / 1000);
  }
  if (seconds > 0) await call.time.sleep(seconds);
  return fields.Input ?? null;
}

const rfc3339 = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
