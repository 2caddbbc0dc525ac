import type { OpenSearchTransport } from '../../../../handlers/search/rest.ts';
import type { RestorePlan } from '../../../../handlers/search/restores.ts';

/**
 * A small stand-in for the restore side of one domain's REST API, for the runbook tasks' unit tests:
 * `_cat/indices`, `<indices>/_recovery`, `_snapshot/<repo>/<snapshot>/_restore`, `<index>/_count`,
 * `_cluster/health/<indices>` and `DELETE <index>`, with OpenSearch's statuses and error bodies (see
 * handlers/search/restores.ts). A restored index recovers when the test calls `recover()`; until then
 * its count is 503 and its health red. Like the real client it rejects with a ResponseError for an
 * error status the request did not ask to ignore.
 */
export interface FakeIndex {
  docs: number;
  status: 'open' | 'close';
  /** Present for an index restored from a snapshot. */
  recovery?: { repository: string; snapshot: string; index: string; stage: string; percent: string };
  replicasAssigned?: boolean;
}
export interface Call {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

export const errorAnswer = (status: number, type: string, reason: string) => ({ statusCode: status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } });

export class FakeRestoreDomain implements OpenSearchTransport {
  readonly calls: Call[] = [];
  indices: Record<string, FakeIndex> = {};
  /** Snapshots by `<repo>/<snapshot>`: state and each index's document count. */
  snapshots: Record<string, { state: string; indices: Record<string, number> }> = {};
  /** Documents the next restore of an index leaves out (the sandbox's restore shortfall). */
  shortfall: Record<string, number> = {};
  /** Answers to give instead of the next requests, in order (throttling, 5xx...). */
  readonly failures: { statusCode: number; body: unknown }[] = [];
  /** Answers to give instead of the next request whose `METHOD path` ends with the key, once each. */
  readonly failNext = new Map<string, { statusCode: number; body: unknown }>();

  request(params: { method: string; path: string; body?: Record<string, unknown>; querystring?: Record<string, string> }, options: { ignore?: number[] } = {}): Promise<{ statusCode: number | null; body: unknown }> {
    this.calls.push({ method: params.method, path: params.path, ...(params.querystring ? { query: params.querystring } : {}), ...(params.body ? { body: params.body } : {}) });
    const key = [...this.failNext.keys()].find((suffix) => `${params.method} ${params.path}`.endsWith(suffix));
    const planned = key === undefined ? undefined : this.failNext.get(key);
    if (key !== undefined) this.failNext.delete(key);
    const answer = this.failures.shift() ?? planned ?? this.answer(params.method, params.path, params.body);
    if (answer.statusCode >= 400 && !(options.ignore ?? []).includes(answer.statusCode)) {
      return Promise.reject(Object.assign(new Error(`Response Error ${answer.statusCode}`), { name: 'ResponseError', meta: answer }));
    }
    return Promise.resolve(answer);
  }

  /** Every recovering index reaches DONE. */
  recover(): void {
    for (const index of Object.values(this.indices)) if (index.recovery) index.recovery = { ...index.recovery, stage: 'DONE', percent: '100.0%' };
  }

  requests(method: string, suffix = ''): Call[] {
    return this.calls.filter((call) => call.method === method && call.path.endsWith(suffix));
  }

  private recovering(name: string): boolean {
    const recovery = this.indices[name]?.recovery;
    return recovery !== undefined && recovery.stage !== 'DONE';
  }

  private answer(method: string, path: string, body?: Record<string, unknown>): { statusCode: number; body: unknown } {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && path === '/_cat/indices') return { statusCode: 200, body: Object.entries(this.indices).map(([index, state]) => ({ index, status: state.status })) };
    if (method === 'GET' && parts[0] === '_cluster' && parts[1] === 'health') {
      const names = (parts[2] ?? '').split(',');
      if (names.some((name) => !this.indices[name])) return { statusCode: 408, body: { status: 'red', timed_out: true, indices: {} } };
      const statusOf = (name: string) => (this.recovering(name) ? 'red' : this.indices[name]?.replicasAssigned === false ? 'yellow' : 'green');
      const statuses = names.map(statusOf);
      const status = statuses.includes('red') ? 'red' : statuses.includes('yellow') ? 'yellow' : 'green';
      return { statusCode: 200, body: { status, timed_out: false, indices: Object.fromEntries(names.map((name) => [name, { status: statusOf(name) }])) } };
    }
    if (method === 'GET' && parts[1] === '_recovery') {
      const names = (parts[0] ?? '').split(',');
      const missing = names.find((name) => !this.indices[name]);
      if (missing) return errorAnswer(404, 'index_not_found_exception', `no such index [${missing}]`);
      const shard = (name: string) => {
        const recovery = this.indices[name]?.recovery;
        if (!recovery) return { id: 0, type: 'EXISTING_STORE', stage: 'DONE', primary: true, source: {}, index: { size: { percent: '100.0%' } } };
        return { id: 0, type: 'SNAPSHOT', stage: recovery.stage, primary: true, source: { repository: recovery.repository, snapshot: recovery.snapshot, version: '2.13.0', index: recovery.index }, index: { size: { percent: recovery.percent } } };
      };
      return { statusCode: 200, body: Object.fromEntries(names.map((name) => [name, { shards: [shard(name), { ...shard(name), primary: false, type: 'PEER', stage: 'INDEX' }] }])) };
    }
    if (method === 'GET' && parts[1] === '_count') {
      const index = this.indices[parts[0] ?? ''];
      if (!index) return errorAnswer(404, 'index_not_found_exception', `no such index [${parts[0]}]`);
      if (this.recovering(parts[0] ?? '')) return errorAnswer(503, 'search_phase_execution_exception', 'all shards failed');
      return { statusCode: 200, body: { count: index.docs, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } } };
    }
    if (method === 'DELETE' && parts.length === 1) {
      const name = parts[0] ?? '';
      if (!this.indices[name]) return errorAnswer(404, 'index_not_found_exception', `no such index [${name}]`);
      delete this.indices[name];
      return { statusCode: 200, body: { acknowledged: true } };
    }
    if (method === 'POST' && parts[0] === '_snapshot' && parts[3] === '_restore') return this.restore(parts[1] ?? '', parts[2] ?? '', body ?? {});
    return errorAnswer(400, 'illegal_argument_exception', `no handler for ${method} ${path}`);
  }

  private restore(repository: string, snapshot: string, body: Record<string, unknown>): { statusCode: number; body: unknown } {
    const taken = this.snapshots[`${repository}/${snapshot}`];
    if (!taken) return errorAnswer(404, 'snapshot_missing_exception', `[${repository}:${snapshot}] is missing`);
    if (taken.state !== 'SUCCESS' && taken.state !== 'PARTIAL') return errorAnswer(500, 'snapshot_restore_exception', `[${repository}:${snapshot}/uuid] unsupported snapshot state [${taken.state}]`);
    const wanted = Array.isArray(body.indices) ? (body.indices as string[]) : String(body.indices).split(',');
    const pattern = typeof body.rename_pattern === 'string' ? new RegExp(body.rename_pattern, 'g') : undefined;
    const targets = wanted.map((index) => ({ index, as: pattern ? index.replace(pattern, String(body.rename_replacement)) : index }));
    for (const { index, as } of targets) {
      if (taken.indices[index] === undefined) return errorAnswer(404, 'index_not_found_exception', `no such index [${index}]`);
      if (this.indices[as]?.status === 'open') {
        return errorAnswer(
          500,
          'snapshot_restore_exception',
          `[${repository}:${snapshot}/uuid] cannot restore index [${as}] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name`,
        );
      }
    }
    for (const { index, as } of targets) {
      this.indices[as] = { docs: (taken.indices[index] ?? 0) - (this.shortfall[index] ?? 0), status: 'open', recovery: { repository, snapshot, index, stage: 'INDEX', percent: '40.0%' } };
    }
    return { statusCode: 200, body: { accepted: true } };
  }
}

export const restorePlan = (overrides: Partial<RestorePlan> = {}): RestorePlan => ({
  runbook: 'failover',
  region: 'eu-central-1',
  domainName: 'catalog',
  endpoint: 'search-catalog-abc.eu-central-1.es.amazonaws.com',
  repository: { name: 'opsflow-eu-central-1', bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog' },
  snapshot: 'opsflow-20261130t1000z',
  indices: [
    { index: 'orders', restoreAs: 'orders', before: 1200, after: 1230 },
    { index: 'customers', restoreAs: 'customers', before: 40, after: null },
  ],
  conflictOption: 'refuse',
  renamePattern: null,
  renameReplacement: null,
  ...overrides,
});
