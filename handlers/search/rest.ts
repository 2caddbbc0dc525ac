import type { OpsflowError } from '../shared/errors.ts';
import {
  ConcurrentSnapshotExecution, InvalidSnapshotName, RepositoryMissing, RepositoryRejected, SearchAccessDenied, SearchDomainServerError,
  SearchDomainThrottled, SearchDomainUnreachable, SearchRequestRejected, SnapshotMissing,
} from './errors.ts';

/**
 * The part of `@opensearch-project/opensearch`'s `Client.transport` the tasks use (a method, so the
 * client's own generic signature fits): one REST request, answered with the status and JSON body.
 * The client throws `ResponseError` (with `meta.statusCode` and `meta.body`) for a status it was not
 * told to ignore, and `ConnectionError`/`TimeoutError` when there is no answer.
 */
export interface OpenSearchTransport {
  request(
    params: { method: string; path: string; body?: Record<string, unknown>; querystring?: Record<string, string> },
    options?: { ignore?: number[] },
  ): Promise<{ statusCode: number | null; body: unknown }>;
}

export interface RestAnswer {
  readonly statusCode: number;
  readonly body: unknown;
}

/** OpenSearch's error body: `error` is an object with `type` and `reason` (or, from old nodes, a string). */
export function errorType(body: unknown): { type: string; reason: string } {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (error && typeof error === 'object') {
    const { type, reason } = error as { type?: unknown; reason?: unknown };
    return { type: typeof type === 'string' ? type : '', reason: typeof reason === 'string' ? reason : '' };
  }
  if (typeof error === 'string') return { type: '', reason: error };
  // Amazon OpenSearch Service's front end (IAM refusals, throttling) answers {"Message": "..."}.
  const message = (body as { Message?: unknown; message?: unknown } | null | undefined);
  const text = message?.Message ?? message?.message;
  return { type: '', reason: typeof text === 'string' ? text : typeof body === 'string' ? body : JSON.stringify(body ?? null) };
}

/** The named error for an OpenSearch answer with an error status; `what` says which request it was. */
export function namedSearchError(statusCode: number, body: unknown, what: string): OpsflowError {
  const { type, reason } = errorType(body);
  const message = `${what}: ${statusCode}${type ? ` ${type}` : ''}${reason ? `: ${reason}` : ''}`;
  switch (type) {
    case 'concurrent_snapshot_execution_exception':
      return new ConcurrentSnapshotExecution(message);
    case 'repository_missing_exception':
      return new RepositoryMissing(message);
    case 'snapshot_missing_exception':
      return new SnapshotMissing(message);
    case 'invalid_snapshot_name_exception':
      return new InvalidSnapshotName(message);
    case 'repository_exception':
    case 'repository_verification_exception':
      return new RepositoryRejected(message);
    default:
  }
  if (statusCode === 429) return new SearchDomainThrottled(message);
  if (statusCode === 403 || statusCode === 401) return new SearchAccessDenied(message);
  if (statusCode >= 500) return new SearchDomainServerError(message);
  return new SearchRequestRejected(message);
}

const NO_ANSWER = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError', 'RequestAbortedError']);

/** Attempts of one read (GET, HEAD) the domain throttles or fails with a 5xx: backoff with full jitter between them. */
export const READ_ATTEMPTS = 4;
const READ_BACKOFF_BASE_MS = 50;
const READ_BACKOFF_CAP_MS = 400;

/**
 * Sends one request. A 2xx answer, or a status listed in `accept` (a 404 meaning "not there" where
 * that is an answer), is returned; any other status raises namedSearchError's name, and no answer
 * raises SearchDomainUnreachable. A read (GET, HEAD) answered 429 or 5xx is sent again, up to
 * READ_ATTEMPTS in all, a few hundred milliseconds apart at most: a task that reads each index's
 * count would otherwise lose its whole attempt, and Step Functions' retry of it, to one throttled
 * read among many. Writes are never resent here; their Task's Retry decides.
 */
export async function send(
  transport: OpenSearchTransport,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD',
  path: string,
  options: { body?: Record<string, unknown>; query?: Record<string, string>; accept?: readonly number[] } = {},
): Promise<RestAnswer> {
  const read = method === 'GET' || method === 'HEAD';
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sendOnce(transport, method, path, options);
    } catch (error) {
      const transient = error instanceof SearchDomainThrottled || error instanceof SearchDomainServerError;
      if (!read || !transient || attempt >= READ_ATTEMPTS) throw error;
      const ceiling = Math.min(READ_BACKOFF_CAP_MS, READ_BACKOFF_BASE_MS * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}

async function sendOnce(
  transport: OpenSearchTransport,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD',
  path: string,
  options: { body?: Record<string, unknown>; query?: Record<string, string>; accept?: readonly number[] },
): Promise<RestAnswer> {
  const what = `${method} ${path}`;
  const accept = options.accept ?? [];
  let answer: { statusCode: number | null; body: unknown };
  try {
    answer = await transport.request(
      { method, path, ...(options.body ? { body: options.body } : {}), ...(options.query ? { querystring: options.query } : {}) },
      accept.length > 0 ? { ignore: [...accept] } : {},
    );
  } catch (error) {
    const failed = error as { name?: string; message?: string; meta?: { statusCode?: number | null; body?: unknown } };
    const statusCode = failed.meta?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400) {
      if (accept.includes(statusCode)) return { statusCode, body: failed.meta?.body };
      throw namedSearchError(statusCode, failed.meta?.body, what);
    }
    if (failed.name && NO_ANSWER.has(failed.name)) throw new SearchDomainUnreachable(`${what}: ${failed.name}: ${failed.message ?? ''}`, { cause: error });
    throw error;
  }
  const statusCode = answer.statusCode ?? 0;
  if ((statusCode >= 200 && statusCode < 300) || accept.includes(statusCode)) return { statusCode, body: answer.body };
  throw namedSearchError(statusCode, answer.body, what);
}

/** A path segment (repository or snapshot name) for the URL. */
export const segment = (value: string): string => encodeURIComponent(value);
