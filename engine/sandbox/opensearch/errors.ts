import type { OpenSearchHttpResponse } from './http.ts';

/**
 * OpenSearch's error answers. An error a handler raises is serialised as
 * `{"error":{"root_cause":[{type, reason, ...}],"type","reason", ...},"status"}` with the exception's
 * HTTP status (OpenSearch's OpenSearchException#generateFailureXContent and BytesRestResponse); a
 * request no handler takes is a 400 with a bare string, `{"error":"no handler found for uri [<uri>]
 * and method [<METHOD>]"}`, and a known path with another method a 405 (RestController). The
 * statuses are those of each exception class (RepositoryMissingException and
 * SnapshotMissingException NOT_FOUND, IndexNotFoundException NOT_FOUND,
 * ConcurrentSnapshotExecutionException SERVICE_UNAVAILABLE, InvalidSnapshotNameException
 * BAD_REQUEST, RepositoryException and RepositoryVerificationException INTERNAL_SERVER_ERROR).
 */

/** An OpenSearch error raised inside a request: the account undoes the request and answers with its body. */
export class SimulatedOpenSearchError extends Error {
  override readonly name = 'SimulatedOpenSearchError';

  constructor(
    readonly type: string,
    readonly reason: string,
    readonly status: number,
    /** Members OpenSearch adds beside type and reason (an index_not_found_exception's `index`...). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** The `root_cause` list; by default the error itself. */
    readonly rootCauses?: readonly object[],
  ) {
    super(`${type}: ${reason}`);
  }

  get response(): OpenSearchHttpResponse {
    const cause = { type: this.type, reason: this.reason, ...this.extra };
    return { statusCode: this.status, body: { error: { root_cause: this.rootCauses ?? [cause], ...cause }, status: this.status } };
  }
}

export const repositoryMissing = (repository: string) => new SimulatedOpenSearchError('repository_missing_exception', `[${repository}] missing`, 404);

export const snapshotMissing = (repository: string, snapshot: string) => new SimulatedOpenSearchError('snapshot_missing_exception', `[${repository}:${snapshot}] is missing`, 404);

export const indexNotFound = (index: string) =>
  new SimulatedOpenSearchError('index_not_found_exception', `no such index [${index}]`, 404, { index, 'resource.id': index, 'resource.type': 'index_or_alias', index_uuid: '_na_' });

/**
 * Amazon OpenSearch Service: "You can't take a snapshot if one is currently in progress". The
 * reason has two spaces after the bracket, as the service answers it (ConcurrentSnapshotExecutionException
 * joins "[repo:snap] " and " a snapshot is already running").
 */
export const snapshotAlreadyRunning = (repository: string, snapshot: string) =>
  new SimulatedOpenSearchError('concurrent_snapshot_execution_exception', `[${repository}:${snapshot}]  a snapshot is already running`, 503);

export const invalidSnapshotName = (repository: string, snapshot: string, why: string) =>
  new SimulatedOpenSearchError('invalid_snapshot_name_exception', `[${repository}:${snapshot}] Invalid snapshot name [${snapshot}], ${why}`, 400);

export const repositoryError = (repository: string, why: string) => new SimulatedOpenSearchError('repository_exception', `[${repository}] ${why}`, 500);

export const illegalArgument = (reason: string) => new SimulatedOpenSearchError('illegal_argument_exception', reason, 400);

/** IndexClosedException (BAD_REQUEST): a search or count that names a closed index. */
export const indexClosed = (index: string, uuid: string) => new SimulatedOpenSearchError('index_closed_exception', 'closed', 400, { 'index_uuid': uuid, index });

/**
 * A search or count whose every shard has no active copy (a restored index still recovering):
 * SearchPhaseExecutionException "all shards failed", SERVICE_UNAVAILABLE because every shard failure
 * is a NoShardAvailableActionException, which OpenSearch leaves out of the listed failures and root causes.
 */
export const allShardsFailed = () => new SimulatedOpenSearchError('search_phase_execution_exception', 'all shards failed', 503, { phase: 'query', grouped: true, failed_shards: [] }, []);

/**
 * SnapshotRestoreException (INTERNAL_SERVER_ERROR, OpenSearch's RestoreService): its reason starts
 * with the snapshot, `[<repo>:<snapshot>/<uuid>]`, or `[<repo>:<snapshot>]` where the service has
 * not resolved the snapshot's uuid (a snapshot that does not exist, two indices renamed into one).
 */
export const snapshotRestoreError = (snapshot: string, why: string) => new SimulatedOpenSearchError('snapshot_restore_exception', `[${snapshot}] ${why}`, 500);

/** InvalidIndexNameException (BAD_REQUEST), as MetadataCreateIndexService#validateIndexOrAliasName words it. */
export const invalidIndexName = (index: string, why: string) => new SimulatedOpenSearchError('invalid_index_name_exception', `Invalid index name [${index}], ${why}`, 400, { index, 'index_uuid': '_na_' });

export function noHandler(method: string, uri: string): OpenSearchHttpResponse {
  return { statusCode: 400, body: { error: `no handler found for uri [${uri}] and method [${method}]` } };
}

export function wrongMethod(method: string, uri: string, allowed: readonly string[]): OpenSearchHttpResponse {
  return { statusCode: 405, body: { error: `Incorrect HTTP method for uri [${uri}] and method [${method}], allowed: [${[...allowed].sort().join(', ')}]`, status: 405 } };
}

/**
 * The status a fault rule's error answers with: OpenSearch's for its own exception types, 429 for
 * the service's request throttling, 500 for anything else.
 */
const faultStatuses: Readonly<Record<string, number>> = {
  rejected_execution_exception: 429,
  circuit_breaking_exception: 429,
  too_many_requests: 429,
  concurrent_snapshot_execution_exception: 503,
  cluster_block_exception: 503,
  process_cluster_event_timeout_exception: 503,
  cluster_manager_not_discovered_exception: 503,
  master_not_discovered_exception: 503,
  security_exception: 403,
  repository_exception: 500,
};

/** A fault rule's answer. `429 Too Many Requests` is the service's own throttling, a body of `{"message": ...}` rather than an OpenSearch error. */
export function faultResponse(error: string, message: string | undefined): OpenSearchHttpResponse {
  if (error === 'TooManyRequests') return { statusCode: 429, body: { message: message ?? 'Too Many Requests' } };
  return new SimulatedOpenSearchError(error, message ?? `${error} (injected by a fault rule)`, faultStatuses[error] ?? 500).response;
}
