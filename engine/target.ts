import type { EventBridgeEvent } from 'aws-lambda';
import type { Pluggable } from '@smithy/types';
import { Clock } from './clock.ts';
import type { EmbeddedMetricSink, OpenSearchAccess } from '../handlers/shared/runtime.ts';
import type { LocalCloudWatch } from './metrics.ts';
import { describeSdkError, timedRequestHandler, unusableCredentials } from './aws-calls.ts';
import { AwsAccountUnavailable, AwsCredentialsUnusable, OpenSearchEndpointClosed, UnknownOpenSearchEndpoint } from './errors.ts';
import type { OpenSearchDomains } from './sandbox/opensearch/http.ts';
import { OpenSearchServer, sandboxOpenSearchCredentials } from './sandbox/opensearch/server.ts';

/** An event as EventBridge delivers it to a rule's target. */
export type BusEvent = EventBridgeEvent<string, unknown>;

/**
 * The account a local engine works against: the sandbox (in-memory, reached through the real
 * SDK clients by a plugin) or a real AWS account. The bridge and the handlers differ only by
 * the SDK plugins; events the account emits reach the local bus through `subscribe`.
 */
export interface AccountTarget {
  readonly kind: 'sandbox' | 'aws';
  readonly region: string;
  readonly accountId: string;
  /**
   * Attached to every SDK client the bridge and the handlers create. [] for real AWS. Typed
   * `any` because a plugin must fit every client's own Input/Output unions, which `object` does not.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly sdkPlugins: readonly Pluggable<any, any>[];
  /** The plugins for a client made for another Region (a handler's QuickSight client in its identity Region). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see sdkPlugins
  readonly sdkPluginsFor?: (region: string) => readonly Pluggable<any, any>[];
  /** Events the account emits (sandbox: PutEvents, Security Hub imports...) → the local bus. */
  subscribe?(listener: (event: BusEvent) => void): void;
  /**
   * The account's clock, which the engine then keeps time with: a sandbox's (its `now` is its clock's,
   * simulated by default), a real-time one for a real account (awsTarget).
   */
  readonly clock?: Clock;
  /** How tasks reach OpenSearch domains' REST APIs (handlers/shared/runtime.ts); absent for real AWS. */
  readonly openSearch?: OpenSearchAccess;
  /** Where tasks' embedded metrics go (the sandbox's CloudWatch, in the target's Region); absent for real AWS (stdout). */
  readonly metrics?: EmbeddedMetricSink;
  /**
   * Starts what the target serves on this machine (the sandbox's OpenSearch endpoint on 127.0.0.1).
   * Engine.create awaits it before the engine's first run; each call is matched by one `close`.
   */
  open?(): Promise<void>;
  /** Stops what `open` started once every opener has closed (engine.close()). */
  close?(): Promise<void>;
}

/**
 * What the engine needs of engine/sandbox/account.ts (SandboxAccount), structurally. An account
 * without the OpenSearchDomains methods (a test double) serves no OpenSearch endpoint.
 */
export interface SandboxAccountLike extends Partial<OpenSearchDomains> {
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  /** The account's CloudWatch; a test double without it keeps no metrics. */
  readonly cloudWatch?: LocalCloudWatch;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see AccountTarget.sdkPlugins
  plugin(options?: { readonly region?: string }): Pluggable<any, any>;
  onEvent(listener: (event: BusEvent, delivery: { readonly eventBusName: string }) => void): unknown;
}

/** The bus the workflows' rules are on. */
const defaultEventBus = 'default';

export interface SandboxTargetOptions {
  /**
   * The Region the target acts in, default the account's: its SDK clients are answered as that
   * Region's endpoints would answer, and only events from that Region reach its bus. One engine per
   * Region over one account runs each Region's stack on one clock, as AWS runs both.
   */
  readonly region?: string;
}

/**
 * The sandbox account as a target in one of its Regions. Its OpenSearch domains' REST APIs are
 * served on 127.0.0.1 (engine/sandbox/opensearch/server.ts) by one server per account, shared by
 * every target over that account: `open` starts it (or joins it), `close` stops it when the last
 * opener closes.
 */
export function sandboxTarget(sandbox: SandboxAccountLike, options: SandboxTargetOptions = {}): AccountTarget {
  const region = options.region ?? sandbox.region;
  const domains = openSearchDomainsOf(sandbox);
  const shared = domains && sharedOpenSearchServer(sandbox, domains);
  return {
    kind: 'sandbox',
    region,
    accountId: sandbox.accountId,
    clock: sandbox.clock,
    sdkPlugins: [sandbox.plugin({ region })],
    sdkPluginsFor: (other) => [sandbox.plugin({ region: other })],
    ...(sandbox.cloudWatch ? { metrics: sandbox.cloudWatch.sinkFor(region) } : {}),
    subscribe: (listener) => {
      sandbox.onEvent((event, delivery) => {
        if (delivery.eventBusName === defaultEventBus && event.region === region) listener(event);
      });
    },
    ...(shared
      ? {
          openSearch: {
            nodeFor: (endpoint: string) => shared.nodeFor(endpoint),
            credentials: async () => sandboxOpenSearchCredentials,
          },
          open: () => shared.acquire(),
          close: () => shared.release(),
        }
      : {}),
  };
}

function openSearchDomainsOf(sandbox: SandboxAccountLike): OpenSearchDomains | undefined {
  const { openSearchRequest, openSearchEndpoints } = sandbox;
  if (!openSearchRequest || !openSearchEndpoints) return undefined;
  return {
    openSearchRequest: (request) => openSearchRequest.call(sandbox, request),
    openSearchEndpoints: () => openSearchEndpoints.call(sandbox),
  };
}

/** One server per account, however many targets (Regions, engines) are open over it. */
const openSearchServers = new WeakMap<SandboxAccountLike, SharedOpenSearchServer>();

function sharedOpenSearchServer(sandbox: SandboxAccountLike, domains: OpenSearchDomains): SharedOpenSearchServer {
  let shared = openSearchServers.get(sandbox);
  if (!shared) {
    shared = new SharedOpenSearchServer(domains);
    openSearchServers.set(sandbox, shared);
  }
  return shared;
}

class SharedOpenSearchServer {
  private openers = 0;
  private starting: Promise<OpenSearchServer> | undefined;
  private server: OpenSearchServer | undefined;

  constructor(private readonly domains: OpenSearchDomains) {}

  async acquire(): Promise<void> {
    this.openers += 1;
    try {
      this.starting ??= OpenSearchServer.start(this.domains).then((server) => (this.server = server));
      await this.starting;
    } catch (error) {
      this.openers -= 1;
      this.starting = undefined;
      throw error;
    }
  }

  async release(): Promise<void> {
    if (this.openers === 0) return;
    this.openers -= 1;
    if (this.openers > 0) return;
    const starting = this.starting;
    this.starting = undefined;
    this.server = undefined;
    await (await starting)?.close();
  }

  /** The local URL for a domain's endpoint; UnknownOpenSearchEndpoint names the account's endpoints. */
  nodeFor(endpoint: string): string {
    const known = this.domains.openSearchEndpoints().map((domain) => domain.endpoint);
    if (!known.includes(endpoint)) {
      throw new UnknownOpenSearchEndpoint(`no sandbox OpenSearch domain has the endpoint ${endpoint} (known: ${known.join(', ') || 'none'})`);
    }
    if (!this.server) throw new OpenSearchEndpointClosed(`the sandbox OpenSearch endpoint is not open for ${endpoint}: Engine.create opens it, engine.close() closes it`);
    return this.server.nodeFor(endpoint);
  }
}

export interface AwsTargetOptions {
  /** The account's 12-digit id (awsAccountId): the engine builds its ARNs with it. */
  readonly accountId: string;
  /**
   * Default: a real-time clock, since time on AWS passes whatever the engine does (a Route 53
   * change takes the seconds it takes to reach INSYNC), so Waits, retry intervals and timeouts take
   * the time they say. A test that stands in for AWS with mocks may give a simulated clock.
   */
  readonly clock?: Clock;
}

/** A real account through the default credential chain, on a real-time clock unless told otherwise. */
export function awsTarget(region: string, options: AwsTargetOptions): AccountTarget {
  return { kind: 'aws', region, accountId: options.accountId, clock: options.clock ?? Clock.realTime(), sdkPlugins: [] };
}

/** A 12-digit AWS account id. */
const ACCOUNT_ID = /^\d{12}$/;

/** GetCallerIdentity needs no permission, so a denial of it is a refusal of the identity itself (an explicit deny). */
const deniedIdentity = new Set(['AccessDenied', 'AccessDeniedException', 'NotAuthorized']);

/**
 * The account id of the default credential chain's identity: STS GetCallerIdentity in `region`,
 * which needs no permission (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
 * The SDK's standard endpoint settings apply (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS). Throws
 * AwsCredentialsUnusable when the chain finds no credentials or STS refuses them (expired, invalid),
 * AwsAccountUnavailable for anything else (STS unreachable, an answer without an account id);
 * each message is one line naming the SDK's error.
 */
export async function awsAccountId(region: string): Promise<string> {
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ region, requestHandler: timedRequestHandler() });
  let account: string | undefined;
  try {
    ({ Account: account } = await sts.send(new GetCallerIdentityCommand({})));
  } catch (error) {
    throw accountLookupError(error, region);
  } finally {
    sts.destroy();
  }
  if (account === undefined || !ACCOUNT_ID.test(account)) {
    throw new AwsAccountUnavailable(`STS GetCallerIdentity in ${region} answered without a 12-digit account id (got ${JSON.stringify(account ?? null)})`);
  }
  return account;
}

function accountLookupError(error: unknown, region: string): Error {
  const unusable = unusableCredentials(error);
  if (unusable) return unusable;
  const { name, what } = describeSdkError(error);
  if (deniedIdentity.has(name)) return new AwsCredentialsUnusable(`AWS refused the credentials (${what})`, { cause: error });
  return new AwsAccountUnavailable(`cannot tell the AWS account: STS GetCallerIdentity in ${region} failed (${what})`, { cause: error });
}

