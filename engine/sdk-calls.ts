import type { Pluggable } from '@smithy/types';
import type { JsonObject, JsonValue } from '../workflows/types.ts';
import { awsServices, commandClassName, loadServicePackage, type AwsService, type ServicePackage } from './aws-services.ts';
import { ServicePackageMissing, TaskFailure, UnsupportedTaskResource } from './errors.ts';
import { awsSdkServiceErrors, type ServiceErrors } from './service-errors.ts';

interface SdkClient {
  send(command: unknown): Promise<unknown>;
  middlewareStack: { use(plugin: Pluggable<object, object>): void };
}
type ClientConstructor = new (config: object) => SdkClient;
type CommandConstructor = new (input: unknown) => unknown;
type ErrorClass = abstract new (...args: never[]) => Error;

interface LoadedService {
  readonly entry: AwsService;
  readonly module: ServicePackage;
  readonly client: SdkClient;
  readonly errors: ServiceErrors;
}

/**
 * AWS SDK v3 calls as Step Functions makes them for `aws-sdk:<service>:<action>` (and its
 * optimized EventBridge integration): one client per service, built with the target's Region
 * and plugins, no SDK-level retries (the state's Retry is what retries), output without
 * `$metadata` and dates as ISO strings, errors named and described as Step Functions names and
 * describes them (engine/service-errors.ts).
 */
export class SdkClients {
  private readonly services = new Map<string, Promise<LoadedService | undefined>>();

  constructor(
    private readonly region: string,
    private readonly plugins: readonly Pluggable<object, object>[],
  ) {}

  /**
   * Build-time check of a service and action. 'packageMissing' when the service's client
   * package is not installed: the action cannot be checked, and the task fails when it runs.
   */
  async check(serviceName: string, action: string, where: string): Promise<'ok' | 'packageMissing'> {
    const entry = awsServices[serviceName];
    if (!entry) throw new UnsupportedTaskResource(`${where}: no local bridge for the AWS SDK service '${serviceName}'`);
    const loaded = await this.load(serviceName, entry);
    if (!loaded) return 'packageMissing';
    if (typeof loaded.module[commandClassName(action)] !== 'function') {
      throw new UnsupportedTaskResource(`${where}: ${entry.packageName} has no ${commandClassName(action)} for the action '${action}'`);
    }
    return 'ok';
  }

  async call(serviceName: string, action: string, parameters: JsonValue): Promise<JsonValue> {
    const entry = awsServices[serviceName];
    if (!entry) throw new UnsupportedTaskResource(`no local bridge for the AWS SDK service '${serviceName}'`);
    const loaded = await this.load(serviceName, entry);
    if (!loaded) throw new ServicePackageMissing(`${entry.packageName} is not installed; the ${serviceName}:${action} task needs it`);
    const Command = loaded.module[commandClassName(action)] as CommandConstructor;
    const input = entry.camelCaseMembers ? renameKeys(parameters, lowerFirst) : parameters;
    let output: unknown;
    try {
      output = await loaded.client.send(new Command(input ?? {}));
    } catch (error) {
      throw taskFailureOf(error, loaded);
    }
    return taskOutput(output, entry.camelCaseMembers);
  }

  private load(serviceName: string, entry: AwsService): Promise<LoadedService | undefined> {
    let loading = this.services.get(serviceName);
    if (!loading) {
      loading = loadServicePackage(entry).then(
        (module) => module && { entry, module, client: this.createClient(entry, module), errors: awsSdkServiceErrors(serviceName, module) },
      );
      this.services.set(serviceName, loading);
    }
    return loading;
  }

  private createClient(entry: AwsService, module: ServicePackage): SdkClient {
    const Client = module[entry.clientClass] as ClientConstructor;
    // cacheMiddleware: the client resolves its middleware stack once per command class instead of on
    // every send (a tenth of the engine's time on the instance-dns path); plugins are all added here, before any send.
    const client = new Client({ region: this.region, maxAttempts: 1, cacheMiddleware: true });
    for (const plugin of this.plugins) client.middlewareStack.use(plugin);
    return client;
  }
}

/**
 * An error the service returned, as Step Functions reports it: `<Prefix>.<Code>Exception` when the
 * service models it, `<Prefix>.<Prefix>Exception` when it does not, with the message, status and
 * request id in the Cause. Errors that never reached the service (network, credentials) are
 * States.TaskFailed with their message.
 */
function taskFailureOf(error: unknown, { entry, module, errors }: LoadedService): Error {
  if (!(error instanceof Error)) return new TaskFailure('States.TaskFailed', String(error));
  const serviceException = module[entry.serviceExceptionClass] as ErrorClass | undefined;
  if (!serviceException || !(error instanceof serviceException)) return new TaskFailure('States.TaskFailed', error.message);
  const code = errors.modeled(error.name)?.code ?? error.name;
  const { httpStatusCode, requestId } = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata ?? {};
  const cause = errors.causeOf(error.message, code, httpStatusCode ?? errors.statusOf(code), requestId ?? '');
  return new TaskFailure(errors.nameOf(code), cause);
}

/** SDK output as a Step Functions task returns it. */
function taskOutput(output: unknown, camelCaseMembers: boolean): JsonValue {
  const json = toJson(output);
  if (!isObject(json)) return json;
  const rest: JsonObject = Object.fromEntries(Object.entries(json).filter(([key]) => key !== '$metadata'));
  return camelCaseMembers ? renameKeys(rest, upperFirst) : rest;
}

function toJson(value: unknown): JsonValue {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toJson(item)]),
    );
  }
  if (value === undefined) return null;
  return value as JsonValue;
}

function isObject(value: JsonValue): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function renameKeys(value: JsonValue, rename: (key: string) => string): JsonValue {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [rename(key), renameKeys(item, rename)]));
}

const lowerFirst = (key: string): string => `${key.charAt(0).toLowerCase()}${key.slice(1)}`;
const upperFirst = (key: string): string => `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
