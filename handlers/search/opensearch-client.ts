import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { currentRuntime, type Runtime } from '../shared/runtime.ts';

/** A domain's REST API: its endpoint as DescribeDomain returns it (a host name) and its Region. */
export interface OpenSearchDomainAddress {
  /** `DomainStatus.Endpoint`, e.g. `search-orders-abc123.eu-west-1.es.amazonaws.com` (no scheme). */
  readonly endpoint: string;
  /** The domain's Region, which the SigV4 signature is scoped to. */
  readonly region: string;
}

export interface OpenSearchClientOptions {
  /** How long one request may take before the client gives up, in milliseconds. Default 10 000. */
  readonly requestTimeoutMs?: number;
}

const defaultRequestTimeoutMs = 10_000;

/**
 * A client for one domain's REST API, every request signed with SigV4 for service `es` in the
 * domain's Region (Amazon OpenSearch Service developer guide, "Signing HTTP requests to Amazon
 * OpenSearch Service": the `@opensearch-project/opensearch` client with `AwsSigv4Signer`).
 * In the local engine the runtime's `openSearch` gives the domain's local URL and the sandbox's static
 * credentials; on AWS it is absent, so the client calls `https://<endpoint>` with the default
 * credential chain. The client never retries (`maxRetries: 0`): the state's Retry does, by name.
 */
export function openSearchClient(
  domain: OpenSearchDomainAddress,
  runtime: Pick<Runtime, 'openSearch'> = currentRuntime(),
  options: OpenSearchClientOptions = {},
): Client {
  const access = runtime.openSearch;
  const getCredentials = access ? () => access.credentials() : fromNodeProviderChain();
  return new Client({
    ...AwsSigv4Signer({ region: domain.region, service: 'es', getCredentials }),
    node: access ? access.nodeFor(domain.endpoint) : `https://${domain.endpoint}`,
    requestTimeout: options.requestTimeoutMs ?? defaultRequestTimeoutMs,
    maxRetries: 0,
  });
}
