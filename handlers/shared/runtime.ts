import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pluggable } from '@smithy/types';
import { configFromEnvironment, type OpsflowConfig } from './config.ts';

/**
 * What a task needs from its surroundings. On AWS it is built once per cold start from the
 * environment; the local engine runs each invocation inside its own runtime (its config and
 * the sandbox's SDK plugin), so concurrent executions against different accounts never mix.
 */
export interface Runtime {
  readonly config: OpsflowConfig;
  readonly region: string;
  /** Middleware attached to every SDK client a task creates (the sandbox, in the local engine). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- SDK clients differ in their input and output types
  readonly sdkPlugins: readonly Pluggable<any, any>[];
  /**
   * The plugins for a client made for another Region than `region` (QuickSight's identity Region):
   * the sandbox answers as that Region's endpoint would. Absent on AWS, where `sdkPlugins` serve.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as sdkPlugins
  readonly sdkPluginsFor?: (region: string) => readonly Pluggable<any, any>[];
  /**
   * How a task reaches an OpenSearch domain's REST API. Absent on AWS: the domain's endpoint over
   * HTTPS, signed with the default credential chain. The sandbox serves each domain on 127.0.0.1.
   */
  readonly openSearch?: OpenSearchAccess;
  /**
   * Where a task's metrics (CloudWatch embedded metric format documents) go. Absent on AWS: stdout,
   * from which CloudWatch Logs extracts them. The local engine keeps them in its CloudWatch (engine/metrics.ts).
   */
  readonly metrics?: EmbeddedMetricSink;
  /** The time now: the system clock on AWS, the engine's one clock locally (engine/clock.ts). */
  now(): Date;
}

/** Takes one CloudWatch embedded metric format document (`{ _aws: { Timestamp, CloudWatchMetrics }, ...values }`). */
export interface EmbeddedMetricSink {
  publish(document: object): void;
}

/** Static credentials, as SigV4 signers take them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where an OpenSearch domain's REST API answers and what its requests are signed with (SigV4, service `es`). */
export interface OpenSearchAccess {
  /**
   * The base URL (`http://127.0.0.1:<port>...`) for a domain, given its endpoint as DescribeDomain
   * returns it (`DomainStatus.Endpoint`, a host name without scheme).
   */
  nodeFor(endpoint: string): string;
  credentials(): Promise<SigningCredentials>;
}

const scoped = new AsyncLocalStorage<Runtime>();
let coldStart: Runtime | undefined;

export function withRuntime<T>(runtime: Runtime, run: () => T): T {
  return scoped.run(runtime, run);
}

export function currentRuntime(): Runtime {
  const local = scoped.getStore();
  if (local) return local;
  coldStart ??= runtimeFromEnvironment();
  return coldStart;
}

function runtimeFromEnvironment(): Runtime {
  const config = configFromEnvironment(process.env);
  return { config, region: process.env.AWS_REGION ?? config.region, sdkPlugins: [], now: () => new Date() };
}
