import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import { awsServices, loadServicePackage, type AwsService, type ServicePackage } from './aws-services.ts';
import { TaskFailure } from './errors.ts';

/**
 * The errors of every service opsflow's Task states call, named as Step Functions names them,
 * with their HTTP status, whether they are transient, and the Cause text Step Functions writes.
 * Derived from the AWS SDK v3 service models (each package exports its error schemas) and the
 * Smithy error classification, plus the few facts only AWS's documentation gives. The engine
 * names task failures with it, the sandbox raises errors with it, and `opsflow validate` checks
 * every Retry against it.
 *
 * Sources:
 * - Naming: "If an AWS SDK integration encounters an error, the resulting Error field will be
 *   composed of the service name and the error name ... always add the Exception suffix"
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 *   The error name is the code on the wire, which for awsQuery services (Auto Scaling, IAM, EC2)
 *   is the model's awsQueryError code: Auto Scaling's shape ResourceContentionFault is the code
 *   ResourceContention, `ResourceContentionException` in the Java SDK v2 that Step Functions uses.
 *   An error the model does not know is `<Prefix>.<Prefix>Exception` (recorded against AWS:
 *   `SecretsManager.SecretsManagerException`, localstack tests/aws/services/stepfunctions/v2/
 *   error_handling/test_aws_sdk.snapshot.json).
 * - Causes: aws-sdk integrations (Java SDK v2) write `<message> (Service: <Prefix>, Status Code:
 *   <status>, Request ID: <id>)` (same snapshot); optimized integrations (Java SDK v1) write
 *   `<message> (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException;
 *   Request ID: <id>; Proxy: null)` (test_task_service_lambda.snapshot.json,
 *   test_task_service_sfn.snapshot.json in the same folder).
 * - Transient: what the SDK's own retry strategy retries (Smithy's isThrottlingError and
 *   isTransientError: throttling codes, 429, 500/502/503/504) among the errors the operation's
 *   model lists, plus the unmodeled fallback, since throttling and 5xx arrive unmodeled for
 *   every service (below). Lambda: the list AWS recommends
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */

export type CauseStyle = 'sdkV2' | 'sdkV1';

/** One error the service's model declares. */
export interface ModeledError {
  /** The SDK v3 class name (the model's shape name), e.g. `ResourceContentionFault`. */
  readonly shape: string;
  /** The error code on the wire, e.g. `ResourceContention`. */
  readonly code: string;
  readonly status: number;
  readonly fault: 'client' | 'server';
  /** As Step Functions names it, e.g. `AutoScaling.ResourceContentionException`. */
  readonly stepFunctionsName: string;
}

/**
 * Codes services return without a model, with the HTTP status AWS documents for them.
 * - Throttling 400: Route 53 ("a Code element with a value of Throttling and a Message element
 *   with a value of Rate exceeded", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html),
 *   also Auto Scaling and IAM (Query API common errors).
 * - RequestLimitExceeded 503: EC2's throttling code (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
 * - ThrottlingException 400, InternalFailure 500, ServiceUnavailable 503, ValidationError 400:
 *   the common errors every API reference lists (e.g. https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html).
 */
const unmodeledStatus: Readonly<Record<string, number>> = {
  Throttling: 400,
  ThrottlingException: 400,
  RequestLimitExceeded: 503,
  InternalFailure: 500,
  InternalError: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
  ValidationError: 400,
  AccessDenied: 403,
};

/** How each service really throttles a caller: the code to inject to rehearse it. */
const throttlingCodes: Readonly<Record<string, string>> = {
  route53: 'Throttling',
  ec2: 'RequestLimitExceeded',
  autoscaling: 'Throttling',
  iam: 'Throttling',
  eventbridge: 'ThrottlingException',
  sfn: 'ThrottlingException',
  securityhub: 'TooManyRequestsException',
  detective: 'TooManyRequestsException',
  quicksight: 'ThrottlingException',
  identitystore: 'ThrottlingException',
  opensearch: 'ThrottlingException',
  sts: 'Throttling',
};

interface ErrorSchemaTraits {
  readonly error?: 'client' | 'server';
  readonly httpError?: number;
  readonly awsQueryError?: readonly [string, number];
}

const withExceptionSuffix = (name: string): string => (name.endsWith('Exception') ? name : `${name}Exception`);

/**
 * The errors one SDK v3 client package models, from the error schemas it exports
 * (`<Shape>$ = [-3, namespace, shape, traits, ...]`), named with `prefix`.
 */
export class ErrorModel {
  private readonly byShape = new Map<string, ModeledError>();
  private readonly byCode = new Map<string, ModeledError>();

  /** `base`: the package's `<Service>ServiceException`, which every error class of the service extends. */
  constructor(module: ServicePackage, base: unknown, prefix: string) {
    for (const [exportName, value] of Object.entries(module)) {
      if (!exportName.endsWith('$') || !Array.isArray(value) || value[0] !== -3 || typeof value[2] !== 'string') continue;
      const shape = value[2];
      const errorClass = module[shape];
      if (typeof errorClass !== 'function' || typeof base !== 'function' || !(errorClass.prototype instanceof base)) continue;
      const traits = (value[3] ?? {}) as ErrorSchemaTraits;
      const fault = traits.error === 'server' ? 'server' : 'client';
      const code = traits.awsQueryError?.[0] ?? shape;
      const status = traits.httpError ?? traits.awsQueryError?.[1] ?? (fault === 'server' ? 500 : 400);
      const error: ModeledError = { shape, code, status, fault, stepFunctionsName: `${prefix}.${withExceptionSuffix(code)}` };
      this.byShape.set(shape, error);
      this.byCode.set(code, error);
    }
  }

  /** The modeled error of a wire code or an SDK class name. */
  modeled(codeOrShape: string): ModeledError | undefined {
    return this.byCode.get(codeOrShape) ?? this.byShape.get(codeOrShape);
  }

  byShapeName(shape: string): ModeledError | undefined {
    return this.byShape.get(shape);
  }

  shapes(): string[] {
    return [...this.byShape.keys()];
  }

  /** The HTTP status the service answers this code with: the model's, else AWS's documented one. */
  statusOf(codeOrShape: string): number {
    return this.modeled(codeOrShape)?.status ?? unmodeledStatus[codeOrShape] ?? 400;
  }
}

/** Shape names of the errors an operation declares, from the `@throws` of its generated command typings. */
function operationErrorShapes(packageName: string, operation: string): string[] | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`));
  } catch {
    return undefined;
  }
  const typings = join(packageDir, 'dist-types', 'commands', `${operation}Command.d.ts`);
  if (!existsSync(typings)) return undefined;
  return [...readFileSync(typings, 'utf8').matchAll(/@throws \{@link (\w+)\} \((?:client|server) fault\)/g)].map((match) => match[1] ?? '');
}

export interface ServiceErrorsOptions {
  /** `Route53`, `Lambda`... the first part of every name. */
  readonly prefix: string;
  /** The name of an error the model does not know. */
  readonly fallback: string;
  readonly causeStyle: CauseStyle;
  /** The service in a Java SDK v1 cause: `AWSLambda`, `AWSStepFunctions`. */
  readonly causeService?: string;
  readonly packageName: string;
  readonly throttlingCode: string;
  /** Transient names AWS documents beyond what the model gives (client-side SDK errors, FailedEntry...). */
  readonly documentedTransient?: readonly string[];
  /** Replaces the derivation from the model where AWS documents the list to retry. */
  readonly transientOverride?: readonly string[];
  /** Other names AWS documents for the integration (`Lambda.Unknown`). */
  readonly documentedOther?: readonly string[];
}

/** One service's errors: names, statuses, causes and transient names. */
export class ServiceErrors {
  readonly prefix: string;
  readonly fallback: string;
  readonly throttlingCode: string;
  readonly model: ErrorModel;

  constructor(
    module: ServicePackage,
    baseClass: string,
    private readonly options: ServiceErrorsOptions,
  ) {
    this.prefix = options.prefix;
    this.fallback = options.fallback;
    this.throttlingCode = options.throttlingCode;
    this.model = new ErrorModel(module, module[baseClass], options.prefix);
  }

  /** The modeled error of a wire code or an SDK class name. */
  modeled(codeOrShape: string): ModeledError | undefined {
    return this.model.modeled(codeOrShape);
  }

  /**
   * Step Functions' name for an error with this code (or SDK class name): modeled, or one AWS
   * documents for the integration (`Lambda.SdkClientException`), else the fallback.
   */
  nameOf(codeOrShape: string): string {
    const modeled = this.modeled(codeOrShape);
    if (modeled) return modeled.stepFunctionsName;
    const documented = `${this.prefix}.${withExceptionSuffix(codeOrShape)}`;
    return this.documentedNames().includes(documented) ? documented : this.fallback;
  }

  /** Every name this integration can raise: the fallback, the modeled errors and the documented ones. */
  knownNames(): string[] {
    return [this.fallback, ...this.model.shapes().map((shape) => this.model.byShapeName(shape)?.stepFunctionsName ?? ''), ...this.documentedNames()];
  }

  private documentedNames(): string[] {
    const { documentedTransient = [], transientOverride = [], documentedOther = [] } = this.options;
    return [...documentedTransient, ...transientOverride, ...documentedOther];
  }

  statusOf(codeOrShape: string): number {
    return this.model.statusOf(codeOrShape);
  }

  /** The Cause Step Functions writes for a service error. */
  causeOf(message: string, code: string, status: number, requestId: string): string {
    if (this.options.causeStyle === 'sdkV2') return `${message} (Service: ${this.prefix}, Status Code: ${status}, Request ID: ${requestId})`;
    const service = this.options.causeService ?? this.prefix;
    return `${message} (Service: ${service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
  }

  /** A task failure for an error the service answers with `code` (the engine's own answers, injected faults). */
  taskFailure(code: string, message: string): TaskFailure {
    return new TaskFailure(this.nameOf(code), this.causeOf(message, code, this.statusOf(code), randomUUID()));
  }

  /**
   * Every name a Retry of this operation must list (the fallback first), sorted after it: the
   * transient errors the operation declares, and the service's throttling under the name Step
   * Functions gives it, which any operation can answer whether or not its model declares it.
   */
  transientNames(operation: string): string[] {
    if (this.options.transientOverride) return [...this.options.transientOverride];
    const shapes = operationErrorShapes(this.options.packageName, operation) ?? this.model.shapes();
    const derived = shapes
      .map((shape) => this.model.byShapeName(shape))
      .filter((error): error is ModeledError => error !== undefined && isTransient(error))
      .map((error) => error.stepFunctionsName);
    const throttled = this.nameOf(this.throttlingCode);
    const names = new Set([...(this.options.documentedTransient ?? []), ...derived, ...(throttled === this.fallback ? [] : [throttled])]);
    return [this.fallback, ...[...names].sort()];
  }
}

function isTransient(error: ModeledError): boolean {
  const probe = { name: error.code, message: '', $metadata: { httpStatusCode: error.status } };
  return isThrottlingError(probe) || isTransientError(probe);
}

/** The optimized integrations the bridge runs, each with the SDK package whose model it follows. */
interface OptimizedIntegration extends ServiceErrorsOptions {
  readonly baseClass: string;
  readonly operation: string;
}

export const optimizedIntegrations: Readonly<Record<'lambda:invoke' | 'states:startExecution' | 'events:putEvents', OptimizedIntegration>> = {
  'lambda:invoke': {
    prefix: 'Lambda',
    fallback: 'Lambda.AWSLambdaException',
    causeStyle: 'sdkV1',
    causeService: 'AWSLambda',
    packageName: '@aws-sdk/client-lambda',
    baseClass: 'LambdaServiceException',
    operation: 'Invoke',
    throttlingCode: 'TooManyRequestsException',
    // AWS's recommended Retry, plus the throttling it names ("the error is Lambda.TooManyRequestsException").
    transientOverride: [
      'Lambda.AWSLambdaException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.SdkClientException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
    ],
    // "Unhandled errors in Lambda are reported as Lambda.Unknown" (same page).
    documentedOther: ['Lambda.Unknown'],
  },
  'states:startExecution': {
    prefix: 'StepFunctions',
    fallback: 'StepFunctions.AWSStepFunctionsException',
    causeStyle: 'sdkV1',
    causeService: 'AWSStepFunctions',
    packageName: '@aws-sdk/client-sfn',
    baseClass: 'SFNServiceException',
    operation: 'StartExecution',
    throttlingCode: 'ThrottlingException',
    // "The maximum number of running executions has been reached": it clears as executions end.
    documentedTransient: ['StepFunctions.ExecutionLimitExceededException'],
  },
  'events:putEvents': {
    prefix: 'EventBridge',
    fallback: 'EventBridge.AmazonEventBridgeException',
    causeStyle: 'sdkV1',
    causeService: 'AmazonEventBridge',
    packageName: '@aws-sdk/client-eventbridge',
    baseClass: 'EventBridgeServiceException',
    operation: 'PutEvents',
    throttlingCode: 'ThrottlingException',
    // A throttled entry arrives inside a successful answer; the integration then fails with FailedEntry.
    documentedTransient: ['EventBridge.FailedEntry'],
  },
};

/**
 * Codes PutEvents reports per entry inside a successful answer, which are worth a retry
 * ("Retryable errors include: InternalFailure ... ThrottlingException", PutEventsResultEntry,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html).
 */
export const putEventsEntryCodes: Readonly<Record<string, string>> = {
  ThrottlingException: 'The request failed because it exceeded a throttling quota.',
  InternalFailure: 'The request failed due to an internal failure.',
};

export function awsSdkErrorOptions(key: string, entry: AwsService): ServiceErrorsOptions {
  return {
    prefix: entry.errorPrefix,
    fallback: `${entry.errorPrefix}.${entry.errorPrefix}Exception`,
    causeStyle: 'sdkV2',
    packageName: entry.packageName,
    throttlingCode: throttlingCodes[key] ?? 'ThrottlingException',
  };
}

/** The errors of an aws-sdk service whose client package is already loaded. */
export function awsSdkServiceErrors(key: string, module: ServicePackage): ServiceErrors {
  const entry = awsServices[key];
  if (!entry) throw new RangeError(`no AWS SDK service '${key}' in engine/aws-services.ts`);
  return new ServiceErrors(module, entry.serviceExceptionClass, awsSdkErrorOptions(key, entry));
}

const loaded = new Map<string, Promise<ServiceErrors | undefined>>();

/**
 * The errors behind a Task resource's integration: `aws-sdk:<service>` by its service key, or an
 * optimized integration by `lambda:invoke`, `states:startExecution`, `events:putEvents`. Undefined
 * when the client package is not installed.
 */
export function serviceErrorsFor(integration: string): Promise<ServiceErrors | undefined> {
  let loading = loaded.get(integration);
  if (!loading) {
    loading = loadIntegrationErrors(integration);
    loaded.set(integration, loading);
  }
  return loading;
}

async function loadIntegrationErrors(integration: string): Promise<ServiceErrors | undefined> {
  const optimized = optimizedIntegrations[integration as keyof typeof optimizedIntegrations] as OptimizedIntegration | undefined;
  if (optimized) {
    const module = await loadServicePackage({ packageName: optimized.packageName });
    return module && new ServiceErrors(module, optimized.baseClass, optimized);
  }
  const entry = awsServices[integration];
  if (!entry) return undefined;
  const module = await loadServicePackage(entry);
  return module && awsSdkServiceErrors(integration, module);
}

/**
 * Every broad name Step Functions gives an error a service's model does not know: throttling,
 * 5xx, access denied and "not found" alike, so never proof of a benign outcome by itself.
 */
export function fallbackNames(): string[] {
  const sdk = Object.values(awsServices).map((entry) => `${entry.errorPrefix}.${entry.errorPrefix}Exception`);
  return [...sdk, ...Object.values(optimizedIntegrations).map((integration) => integration.fallback)];
}

/** The operation an optimized integration calls (`Invoke`, `StartExecution`, `PutEvents`). */
export function optimizedOperation(integration: string): string | undefined {
  return (optimizedIntegrations[integration as keyof typeof optimizedIntegrations] as OptimizedIntegration | undefined)?.operation;
}
