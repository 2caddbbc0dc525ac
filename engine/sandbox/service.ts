import type { ResponseMetadata } from '@smithy/types';
import type { IdSource } from './ids.ts';
import type { EventBridgeEvent, SandboxState } from './state.ts';

/** What a simulated operation can use. Nothing it does is kept unless it returns normally. */
export interface OperationContext {
  /** A working copy of the account: committed when the operation returns, dropped when it throws. */
  readonly state: SandboxState;
  readonly ids: IdSource;
  now(): Date;
  /** Puts an event on a bus (PutEvents); listeners receive it once the operation has succeeded. */
  publish(event: EventBridgeEvent, eventBusName: string): void;
  /**
   * An event an AWS service itself produces (an Auto Scaling lifecycle action...). It reaches the
   * default bus only when the account runs with `serviceEvents`; simulation helpers return it either way.
   */
  emit(event: EventBridgeEvent): void;
}

export interface OperationSpec {
  /** Input members the simulation honours: any other member is refused rather than silently ignored. */
  readonly accepts: readonly string[];
  run(input: Record<string, unknown>, context: OperationContext): object;
}

/**
 * Declares one operation with the SDK's own input and output types, so the simulated response has
 * exactly the shape a real client would return (minus `$metadata`, added by the account).
 */
export function operation<Input extends object, Output extends object>(
  accepts: readonly (keyof Input & string)[],
  run: (input: Input, context: OperationContext) => Omit<Output, '$metadata'>
): OperationSpec {
  return { accepts, run: (input, context) => run(input as Input, context) };
}

type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
  message?: string;
}) => Error;

type ModeledExceptionClass = new (options: { $metadata: ResponseMetadata; message?: string }) => Error;

/** Builds the exception a client package throws for an AWS error code. */
export interface SdkExceptionFactory {
  create(code: string, message: string, members: Readonly<Record<string, unknown>>, metadata: ResponseMetadata): Error;
}

const serverFaultCodes = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'InternalException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
]);

/** Status codes the service models give these errors; everything else is a 400 or a 500. */
const statusOfCode: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  InvalidAccessException: 401,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  TooManyRequestsException: 429,
  LimitExceededException: 429,
  InternalServerException: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
  Unavailable: 503,
};

export function httpStatusFor(code: string): number {
  const modelled = statusOfCode[code];
  if (modelled !== undefined) return modelled;
  return serverFaultCodes.has(code) ? 500 : 400;
}

/**
 * Modeled exceptions are the package's exported subclasses of its `<Service>ServiceException`,
 * found by their export name (which is the AWS error code). Any other code becomes the base class
 * with `name` set to the code, which is what the SDK does for errors it has no model for.
 */
export function sdkExceptions(sdk: Readonly<Record<string, unknown>>, base: ServiceExceptionClass): SdkExceptionFactory {
  const modeled = new Map<string, ModeledExceptionClass>();
  for (const [exportName, value] of Object.entries(sdk)) {
    if (typeof value === 'function' && value.prototype instanceof base) modeled.set(exportName, value as ModeledExceptionClass);
  }
  return {
    create(code, message, members, metadata) {
      const Modeled = modeled.get(code);
      if (Modeled) return new Modeled({ $metadata: metadata, message, ...members });
      return new base({ name: code, $fault: serverFaultCodes.has(code) ? 'server' : 'client', $metadata: metadata, message });
    },
  };
}

export interface SandboxService {
  /** Lower-case Step Functions service name (`arn:aws:states:::aws-sdk:<key>:...`). */
  readonly key: string;
  /** `context.clientName` of the SDK client, e.g. 'Route53Client'. */
  readonly clientName: string;
  readonly exceptions: SdkExceptionFactory;
  readonly operations: Readonly<Record<string, OperationSpec>>;
}
