import { randomUUID } from 'node:crypto';
import type { FunctionSpec } from '../handlers/registry.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import type { LambdaHandler } from '../handlers/shared/lambda.ts';
import { withRuntime, type Runtime } from '../handlers/shared/runtime.ts';
import type { DeploymentEnvironment, JsonValue } from '../workflows/types.ts';
import type { Clock } from './clock.ts';
import { PayloadTooDeep, TaskFailure } from './errors.ts';
import { lambdaContext } from './lambda-context.ts';
import { maxJsonDepth, measureJson } from './limits.ts';
import { functionArn, functionName } from './naming.ts';
import type { AccountTarget } from './target.ts';

/**
 * The runtime every task of an engine runs in: the config, the target's Region and SDK plugins
 * (and those for other Regions), its OpenSearch access (the sandbox's local endpoint; absent on
 * AWS), and the engine's clock as `now`.
 */
export function targetRuntime(target: AccountTarget, config: OpsflowConfig, clock: Clock): Runtime {
  return {
    config,
    region: target.region,
    sdkPlugins: target.sdkPlugins,
    ...(target.sdkPluginsFor ? { sdkPluginsFor: target.sdkPluginsFor } : {}),
    ...(target.openSearch ? { openSearch: target.openSearch } : {}),
    ...(target.metrics ? { metrics: target.metrics } : {}),
    now: () => clock.now(),
  };
}

/**
 * Runs registry handlers in-process as Lambda would: the payload and the result cross a JSON
 * boundary, the handler gets a Lambda context and the engine's runtime (config, Region, SDK
 * plugins), the function's timeout is enforced, and a thrown error is reported the way the
 * Lambda runtime reports it (errorType = the error's name).
 *
 * The function's timeout is real time, not the engine's clock: a handler runs in real time and
 * a simulated clock stands still meanwhile, so only a real timer can stop one that hangs (on a
 * socket, say). Times the invocation reports (the timeout message) are the clock's.
 */
export class LambdaInvoker {
  private readonly handlers = new Map<string, Promise<LambdaHandler>>();

  constructor(
    private readonly env: DeploymentEnvironment,
    private readonly functions: Readonly<Record<string, FunctionSpec>>,
    private readonly runtime: Runtime,
    readonly clock: Clock,
  ) {}

  has(functionKey: string): boolean {
    return Object.hasOwn(this.functions, functionKey);
  }

  /** The handler's result; a TaskFailure named as Step Functions names it when it fails. */
  async invoke(functionKey: string, payload: JsonValue): Promise<JsonValue> {
    const spec = this.functions[functionKey];
    if (!spec) throw new TaskFailure('Lambda.ResourceNotFoundException', `Function not found: ${functionArn(this.env, functionKey)}`);
    const handler = await this.handler(functionKey, spec);
    const context = lambdaContext({
      functionName: functionName(this.env, functionKey),
      invokedFunctionArn: functionArn(this.env, functionKey),
      memoryLimitInMB: spec.memorySize,
      timeoutSeconds: spec.timeoutSeconds,
    });
    const event = jsonRoundTrip(payload);
    let timer: NodeJS.Timeout | undefined;
    let timeout: TaskFailure | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject((timeout = lambdaTimeout(spec.timeoutSeconds, this.clock.now()))), spec.timeoutSeconds * 1000);
      timer.unref();
    });
    let result: unknown;
    try {
      result = await Promise.race([withRuntime(this.runtime, () => handler(event, context)), timedOut]);
    } catch (error) {
      throw error === timeout ? error : lambdaFailure(error);
    } finally {
      clearTimeout(timer);
    }
    return functionResult(functionKey, result);
  }

  private handler(functionKey: string, spec: FunctionSpec): Promise<LambdaHandler> {
    let loading = this.handlers.get(functionKey);
    if (!loading) {
      loading = spec.load().then((module) => module.handler);
      this.handlers.set(functionKey, loading);
    }
    return loading;
  }
}

/** The envelope `arn:aws:states:::lambda:invoke` returns around the function's result, answered at `now`. */
export function invokeResponse(payload: JsonValue, now: Date): JsonValue {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: sdkHttpMetadata(requestId, { 'X-Amz-Executed-Version': '$LATEST', 'Content-Type': 'application/json' }, now),
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/** The HTTP metadata optimized integrations (lambda:invoke, states:startExecution) include, answered at `now`. */
export function sdkHttpMetadata(requestId: string, headers: Record<string, string>, now: Date): JsonValue {
  const all: Record<string, string> = { ...headers, 'x-amzn-RequestId': requestId, Connection: 'keep-alive', Date: now.toUTCString() };
  return {
    AllHttpHeaders: Object.fromEntries(Object.entries(all).map(([name, value]) => [name, [value]])),
    HttpHeaders: all,
    HttpStatusCode: 200,
  };
}

function jsonRoundTrip(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

/**
 * The result as it crosses the JSON boundary: one the runtime cannot serialize fails the invoke,
 * one nested deeper than the engine takes ends the execution (PayloadTooDeep, engine/limits.ts).
 */
function functionResult(functionKey: string, result: unknown): JsonValue {
  if (measureJson(result ?? null, Number.POSITIVE_INFINITY).kind === 'tooDeep') {
    throw new PayloadTooDeep(`the result of function ${functionKey} nests deeper than ${maxJsonDepth} levels, which the local engine does not take`);
  }
  try {
    return jsonRoundTrip(result);
  } catch (error) {
    throw lambdaFailure(error);
  }
}

function lambdaFailure(error: unknown): TaskFailure {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
  return new TaskFailure(errorType, JSON.stringify({ errorMessage, errorType, trace }));
}

function lambdaTimeout(seconds: number, now: Date): TaskFailure {
  const errorMessage = `${now.toISOString()} Task timed out after ${seconds.toFixed(2)} seconds`;
  return new TaskFailure('Sandbox.Timedout', JSON.stringify({ errorMessage }));
}
