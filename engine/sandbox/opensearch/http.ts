/**
 * The contract between the sandbox's OpenSearch domains (their REST semantics, kept in the
 * account) and the HTTP server that serves them on 127.0.0.1 to the real client and signer.
 */

/** One REST request to a domain, as the server received it and after its signature was checked. */
export interface OpenSearchHttpRequest {
  /** The domain's endpoint, as DescribeDomain returns it (`DomainStatus.Endpoint`, a host name). */
  readonly endpoint: string;
  /** Upper case: GET, PUT, POST, DELETE, HEAD. */
  readonly method: string;
  /** The path without the query string, percent-decoded, starting with `/` (`/_snapshot/repo/snap`). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body; absent when the request had none. */
  readonly body?: unknown;
}

/** The domain's answer: OpenSearch's status code and JSON body (its error bodies included). */
export interface OpenSearchHttpResponse {
  readonly statusCode: number;
  readonly body: unknown;
}

/** What serves the domains: the sandbox account (engine/sandbox/account.ts) implements it. */
export interface OpenSearchDomains {
  /** Answers one request; never throws for a request OpenSearch would answer with an error status. */
  openSearchRequest(request: OpenSearchHttpRequest): OpenSearchHttpResponse;
  /** Every domain's endpoint, with its Region and name. */
  openSearchEndpoints(): readonly { readonly endpoint: string; readonly region: string; readonly domainName: string }[];
}
