import type { OpenSearchTransport } from '../../../../handlers/search/rest.ts';
import type { SearchPlan } from '../../../../handlers/search/schemas.ts';

/**
 * A small stand-in for one domain's REST API, enough for the search tasks' unit tests: repositories,
 * snapshots, running snapshots and index counts, answering with OpenSearch's status codes and error
 * bodies. Like `@opensearch-project/opensearch`, it throws a ResponseError (meta.statusCode,
 * meta.body) for an error status the request did not ask to ignore. The real client against the
 * sandbox is exercised by test/workflows/search-snapshot.test.ts.
 */
export interface FakeSnapshot {
  snapshot: string;
  state: string;
  start_time_in_millis: number;
  metadata?: Record<string, unknown> | null;
}
export interface Call {
  method: string;
  path: string;
  body?: Record<string, unknown>;
}

const error = (status: number, type: string, reason: string) => ({ statusCode: status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } });

export class FakeDomain implements OpenSearchTransport {
  readonly calls: Call[] = [];
  repositories: Record<string, { type: string; settings: Record<string, string> }> = {};
  snapshots: Record<string, FakeSnapshot[]> = {};
  running: { repository: string; snapshot: string; state: string }[] = [];
  indices: Record<string, number> = {};
  /** Counts added to every index when a snapshot is accepted (a live index). */
  growth = 0;
  /** Answers to give instead of the next requests, in order (throttling, 5xx...). */
  readonly failures: { statusCode: number; body: unknown }[] = [];
  now = Date.parse('2026-11-30T10:00:00Z');

  request(params: { method: string; path: string; body?: Record<string, unknown>; querystring?: Record<string, string> }, options: { ignore?: number[] } = {}): Promise<{ statusCode: number | null; body: unknown }> {
    this.calls.push({ method: params.method, path: params.path, ...(params.body ? { body: params.body } : {}) });
    const answer = this.failures.shift() ?? this.answer(params.method, params.path, params.body);
    if (answer.statusCode >= 400 && !(options.ignore ?? []).includes(answer.statusCode)) {
      return Promise.reject(Object.assign(new Error(`Response Error ${answer.statusCode}`), { name: 'ResponseError', meta: answer }));
    }
    return Promise.resolve(answer);
  }

  private answer(method: string, path: string, body?: Record<string, unknown>): { statusCode: number; body: unknown } {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && path === '/_snapshot/_status') return { statusCode: 200, body: { snapshots: this.running } };
    if (method === 'GET' && path === '/_cat/indices') return { statusCode: 200, body: Object.keys(this.indices).map((index) => ({ index, status: 'open' })) };
    if (method === 'GET' && parts[1] === '_count') {
      const count = this.indices[parts[0] ?? ''];
      return count === undefined ? error(404, 'index_not_found_exception', `no such index [${parts[0]}]`) : { statusCode: 200, body: { count } };
    }
    if (parts[0] !== '_snapshot') return error(400, 'illegal_argument_exception', `no handler for ${method} ${path}`);
    const [, repo = '', snap] = parts;
    if (method === 'PUT' && !snap) {
      this.repositories[repo] = { type: String(body?.type), settings: Object.fromEntries(Object.entries((body?.settings ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])) };
      return { statusCode: 200, body: { acknowledged: true } };
    }
    const repository = this.repositories[repo];
    if (!repository) return error(404, 'repository_missing_exception', `[${repo}] missing`);
    if (method === 'GET' && !snap) return { statusCode: 200, body: { [repo]: repository } };
    const list = (this.snapshots[repo] ??= []);
    if (method === 'GET' && snap === '_all') return { statusCode: 200, body: { snapshots: list } };
    const found = list.find((entry) => entry.snapshot === snap);
    if (method === 'GET') return found ? { statusCode: 200, body: { snapshots: [found] } } : error(404, 'snapshot_missing_exception', `[${repo}:${snap}] is missing`);
    if (method === 'DELETE') {
      if (!found) return error(404, 'snapshot_missing_exception', `[${repo}:${snap}] is missing`);
      this.snapshots[repo] = list.filter((entry) => entry !== found);
      return { statusCode: 200, body: { acknowledged: true } };
    }
    if (method === 'PUT') {
      if (repository.settings.readonly === 'true') return error(500, 'repository_exception', `[${repo}] cannot create snapshot in a readonly repository`);
      if (found) return error(400, 'invalid_snapshot_name_exception', `[${repo}:${snap}] Invalid snapshot name [${snap}], snapshot with the same name already exists`);
      if (this.running.length > 0) return error(503, 'concurrent_snapshot_execution_exception', `[${repo}:${snap}] a snapshot is already running`);
      list.push({ snapshot: snap ?? '', state: 'IN_PROGRESS', start_time_in_millis: this.now, metadata: (body?.metadata as Record<string, unknown>) ?? null });
      for (const index of Object.keys(this.indices)) this.indices[index] = (this.indices[index] ?? 0) + this.growth;
      return { statusCode: 200, body: { accepted: true } };
    }
    return error(405, 'method_not_allowed', `${method} ${path}`);
  }
}

export const plan = (overrides: Partial<SearchPlan> = {}): SearchPlan => ({
  role: 'active',
  region: 'eu-west-1',
  domainName: 'orders-search',
  endpoint: 'search-orders-search-abc.eu-west-1.es.amazonaws.com',
  repository: {
    name: 'opsflow-eu-central-1',
    settings: { bucket: 'opsflow-search-snapshots-eu-central-1', base_path: 'orders-search', region: 'eu-central-1', role_arn: 'arn:aws:iam::123456789012:role/opsflow-search-snapshots', readonly: false },
  },
  snapshotName: 'opsflow-20261130t1000z',
  snapshotPrefix: 'opsflow-',
  ...overrides,
});
