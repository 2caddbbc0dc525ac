import type { ResponseMetadata } from '@smithy/types';
import { ErrorModel } from '../service-errors.ts';
import type { IdSource } from './ids.ts';
import type { EventBridgeEvent, SandboxStore } from './state.ts';

/** What a simulated operation can use. Nothing it does is kept unless it returns normally. */
export interface OperationContext {
  /**
   * The account itself. Every change goes through its containers (engine/sandbox/store.ts), which
   * journal it: kept when the operation returns, undone when it throws. Stored entities are frozen:
   * `edit` one to change it, or store a new one.
   */
  readonly state: SandboxStore;
  readonly ids: IdSource;
  /**
   * The Region of the client that made the call: the account's, unless the client was attached
   * with `plugin({ region })` (QuickSight answers user calls only from its identity Region).
   */
  readonly region: string;
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

type ServiceExceptionClass = (new (options: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
  message?: string;
}) => Error);

type ModeledExceptionClass = new (options: { $metadata: ResponseMetadata; message?: string }) => Error;

/** Builds the exception a client package throws for an AWS error code, with the status the service answers it with. */
export interface SdkExceptionFactory {
  create(code: string, message: string, members: Readonly<Record<string, unknown>>, requestId: string): Error;
  statusOf(code: string): number;
}

/**
 * A modeled error code (the wire code, or the SDK class name) becomes its package's exception
 * class with the model's HTTP status (`NoSuchHostedZone` is a 404); any other code becomes the
 * base class with `name` set to the code and AWS's documented status (`Throttling` a 400), which
 * is what the SDK does for errors it has no model for.
 */
export function sdkExceptions(sdk: Readonly<Record<string, unknown>>, base: ServiceExceptionClass): SdkExceptionFactory {
  const model = new ErrorModel(sdk, base, '');
  return {
    statusOf: (code) => model.statusOf(code),
    create(code, message, members, requestId) {
      const httpStatusCode = model.statusOf(code);
      const $metadata: ResponseMetadata = { httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 };
      const modeled = model.modeled(code);
      if (modeled) return new (sdk[modeled.shape] as ModeledExceptionClass)({ $metadata, message, ...members });
      return new base({ name: code, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata, message });
    },
  };
}

/**
 * A factory whose client package is imported on first use: a client package can take about 0.1 s to
 * import, which every sandbox run (the instance-dns start-up the bench counts) would otherwise pay.
 */
export function lazySdkExceptions(load: () => SdkExceptionFactory): SdkExceptionFactory {
  let loaded: SdkExceptionFactory | undefined;
  const factory = (): SdkExceptionFactory => (loaded ??= load());
  return { create: (...args) => factory().create(...args), statusOf: (code) => factory().statusOf(code) };
}

export interface SandboxService {
  /** Lower-case Step Functions service name (`arn:aws:states:::aws-sdk:<key>:...`). */
  readonly key: string;
  /** `context.clientName` of the SDK client, e.g. 'Route53Client'. */
  readonly clientName: string;
  /**
   * Which Regions the sandbox answers the service's clients from: `home`, only the account's
   * Region (a client of another Region is refused with SandboxRegionNotSimulated rather than
   * answered from the home Region's data); `each`, every Region, the operations keeping each
   * Region's resources apart (`context.region`); `global`, every Region alike (Route 53, IAM),
   * or the service's own rule (QuickSight's identity Region, in its operations).
   */
  readonly regions: 'home' | 'each' | 'global';
  readonly exceptions: SdkExceptionFactory;
  readonly operations: Readonly<Record<string, OperationSpec>>;
  /**
   * Turns an operation's answer, once the account has copied it, into what the client returns where
   * that is not plain data (S3 GetObject's Body stream). Without it the copy is the answer.
   */
  respond?(operationName: string, output: object): object;
}
