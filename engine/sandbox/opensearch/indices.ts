import type { OperationContext } from '../service.ts';
import type { ClusterHealthName, OpenSearchDomainState, OpenSearchIndexState } from '../state.ts';
import { allShardsFailed, illegalArgument, indexClosed, indexNotFound, SimulatedOpenSearchError } from './errors.ts';

/**
 * A domain's indices and cluster, as `_cat/indices`, `<index>/_count`, `_cluster/health`,
 * `_recovery`, delete index, close and open index answer (OpenSearch API reference: CAT indices,
 * Count, Cluster health, Index recovery (Elasticsearch's "Indices Recovery", whose response OpenSearch
 * kept), Delete index, Close index, Open index). Only document counts are simulated: sizes are a
 * kilobyte a document, every shard of an open index is assigned, the cluster's health is the
 * domain's seeded one, except that a restored index recovering from its snapshot is red, its
 * primaries initializing, and cannot be searched or counted until its recovery is DONE.
 */

/** Whether the index is still recovering from a snapshot at `now` (its shards in stage INDEX). */
export function isRecovering(index: OpenSearchIndexState, now: Date): boolean {
  return index.recovery !== undefined && now.getTime() < Date.parse(index.recovery.doneAt);
}

const wildcardRegex = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/**
 * Resolves an index expression over `names`, as OpenSearch's IndexNameExpressionResolver does:
 * absent, `_all` or `*` is every name; else a comma list of names and wildcards, where `-<expr>`
 * after a wildcard removes what it matches. A name that is not there is reported in `missing`; a
 * wildcard that matches nothing matches nothing. Names come back in the order of `names`.
 */
export function resolveExpression(expression: string | readonly string[] | undefined, names: readonly string[]): { found: string[]; missing: string[] } {
  const parts = (typeof expression === 'string' ? expression.split(',') : [...(expression ?? [])]).map((item) => item.trim()).filter((item) => item !== '');
  if (parts.length === 0 || (parts.length === 1 && (parts[0] === '_all' || parts[0] === '*'))) return { found: [...names], missing: [] };
  const chosen = new Set<string>();
  const missing: string[] = [];
  let wildcardSeen = false;
  for (const part of parts) {
    if (part.startsWith('-') && wildcardSeen) {
      const excluded = part.slice(1);
      const regex = wildcardRegex(excluded);
      for (const name of names) if (excluded.includes('*') ? regex.test(name) : name === excluded) chosen.delete(name);
    } else if (part.includes('*')) {
      wildcardSeen = true;
      const regex = wildcardRegex(part);
      for (const name of names) if (regex.test(name)) chosen.add(name);
    } else if (part === '_all') {
      for (const name of names) chosen.add(name);
    } else if (names.includes(part)) chosen.add(part);
    else missing.push(part);
  }
  return { found: names.filter((name) => chosen.has(name)), missing };
}

/**
 * The indices an expression names (see resolveExpression). A name that is not an index is
 * OpenSearch's index_not_found_exception unless `ignoreUnavailable`. Wildcards expand to open
 * indices only unless `expandClosed` (OpenSearch's `expand_wildcards=open` default for searches
 * and counts; `open,closed` for delete, close and health); a closed index named explicitly is kept.
 */
export function matchIndices(domain: OpenSearchDomainState, expression: string | readonly string[] | undefined, ignoreUnavailable: boolean, options: { expandClosed?: boolean } = {}): OpenSearchIndexState[] {
  const names = domain.indices.map((index) => index.name);
  const { found, missing } = resolveExpression(expression, names);
  if (missing[0] !== undefined && !ignoreUnavailable) throw indexNotFound(missing[0]);
  const explicit = new Set(typeof expression === 'string' ? expression.split(',').map((item) => item.trim()) : (expression ?? []));
  return domain.indices.filter((index) => found.includes(index.name) && (options.expandClosed === true || index.closed !== true || explicit.has(index.name)));
}

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)}gb`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)}mb`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)}kb`;
  return `${bytes}b`;
}

const healthRank: Record<ClusterHealthName, number> = { green: 0, yellow: 1, red: 2 };
const worst = (healths: readonly ClusterHealthName[]): ClusterHealthName => healths.reduce<ClusterHealthName>((current, health) => (healthRank[health] > healthRank[current] ? health : current), 'green');

/** An index's health: red while it recovers from a snapshot (primaries not yet active), else the domain's. */
function indexHealth(domain: OpenSearchDomainState, index: OpenSearchIndexState, now: Date): ClusterHealthName {
  return isRecovering(index, now) ? 'red' : domain.health;
}

const catColumns = ['health', 'status', 'index', 'uuid', 'pri', 'rep', 'docs.count', 'docs.deleted', 'store.size', 'pri.store.size'] as const;

/**
 * GET `_cat/indices[/<expression>]`: rows of strings, as JSON with `format=json`, else OpenSearch's
 * space-aligned text. A closed index (`status` close) and one whose primaries are not active yet
 * (recovering) have no document counts or sizes (null in JSON, blank in text), as OpenSearch reports them.
 */
export function catIndices(domain: OpenSearchDomainState, expression: string | undefined, format: string | undefined, now: Date): unknown {
  const rows = matchIndices(domain, expression, false, { expandClosed: true }).map((index) => {
    const primaryBytes = index.docsCount * 1024;
    const known = index.closed !== true && !isRecovering(index, now);
    const row: Record<(typeof catColumns)[number], string | null> = {
      health: indexHealth(domain, index, now),
      status: index.closed === true ? 'close' : 'open',
      index: index.name,
      uuid: index.uuid,
      pri: String(index.primaries),
      rep: String(index.replicas),
      'docs.count': known ? String(index.docsCount) : null,
      'docs.deleted': known ? '0' : null,
      'store.size': known ? size(primaryBytes * (1 + index.replicas)) : null,
      'pri.store.size': known ? size(primaryBytes) : null,
    };
    return row;
  });
  if (format === 'json') return rows;
  const widths = catColumns.map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length), 0));
  return rows.map((row) => `${catColumns.map((column, at) => (row[column] ?? '').padEnd(widths[at] ?? 0)).join(' ').trimEnd()}\n`).join('');
}

/**
 * GET or POST `[<expression>/]_count` (a query body is not simulated: every document counts). A
 * closed index named explicitly is index_closed_exception; wildcards skip closed indices. Shards of
 * a recovering index have no active copy: they count as failed, and when no shard can answer the
 * count is search_phase_execution_exception, 503.
 */
export function count(domain: OpenSearchDomainState, expression: string | undefined, ignoreUnavailable: boolean, now: Date): object {
  const indices = matchIndices(domain, expression, ignoreUnavailable);
  const closed = indices.find((index) => index.closed === true);
  if (closed && !ignoreUnavailable) throw indexClosed(closed.name, closed.uuid);
  const open = indices.filter((index) => index.closed !== true);
  const searchable = open.filter((index) => !isRecovering(index, now));
  const total = open.reduce((sum, index) => sum + index.primaries, 0);
  const successful = searchable.reduce((sum, index) => sum + index.primaries, 0);
  if (total > 0 && successful === 0) throw allShardsFailed();
  return { count: searchable.reduce((sum, index) => sum + index.docsCount, 0), _shards: { total, successful, skipped: 0, failed: total - successful } };
}

/**
 * GET `_cluster/health[/<expression>]`. The cluster is named `<account id>:<domain name>`, as the
 * service names its domains' clusters. Its status is the worst of its indices' (or of the named
 * ones'); a recovering index is red with its primaries initializing and its replicas unassigned. A
 * named index that does not exist makes the answer red at once (no `wait_for_*` is simulated).
 */
export function clusterHealth(domain: OpenSearchDomainState, expression: string | undefined, now: Date): object {
  let indices: OpenSearchIndexState[];
  let missing = false;
  try {
    indices = expression === undefined ? domain.indices : matchIndices(domain, expression, false, { expandClosed: true });
  } catch (error) {
    if (!(error instanceof SimulatedOpenSearchError) || error.type !== 'index_not_found_exception') throw error;
    indices = matchIndices(domain, expression, true, { expandClosed: true });
    missing = true;
  }
  let activePrimaries = 0;
  let active = 0;
  let initializing = 0;
  let unassigned = 0;
  for (const index of indices) {
    const copies = index.primaries * (1 + index.replicas);
    if (isRecovering(index, now)) {
      initializing += index.primaries;
      unassigned += index.primaries * index.replicas;
    } else {
      activePrimaries += index.primaries;
      const missingReplicas = domain.health === 'green' ? 0 : index.primaries * index.replicas;
      active += copies - missingReplicas;
      unassigned += missingReplicas;
    }
  }
  const shards = active + initializing + unassigned;
  const healths = indices.map((index) => indexHealth(domain, index, now));
  const status = missing ? 'red' : expression === undefined ? worst([domain.health, ...healths]) : worst(healths);
  return {
    cluster_name: domain.domainId.replace('/', ':'),
    status,
    timed_out: false,
    number_of_nodes: 2,
    number_of_data_nodes: 2,
    discovered_master: true,
    discovered_cluster_manager: true,
    active_primary_shards: activePrimaries,
    active_shards: active,
    relocating_shards: 0,
    initializing_shards: initializing,
    unassigned_shards: unassigned,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: shards === 0 ? 100 : (active / shards) * 100,
  };
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/**
 * One primary shard's recovery, as the index recovery API reports it: `SNAPSHOT` for a restored
 * index (stage INDEX while its files are copied, then DONE; `source` the repository, snapshot,
 * version and the index's name in the snapshot), `EMPTY_STORE` and DONE for an index created empty.
 * Replica (PEER) recoveries are not listed.
 */
function shardRecovery(index: OpenSearchIndexState, shard: number, now: Date): object {
  const shardBytes = Math.round((index.docsCount * 1024) / index.primaries);
  const recovery = index.recovery;
  if (!recovery) {
    return { id: shard, type: 'EMPTY_STORE', stage: 'DONE', primary: true, source: {}, index: { size: { total_in_bytes: 0, reused_in_bytes: 0, recovered_in_bytes: 0, percent: '0.0%' }, files: { total: 0, reused: 0, recovered: 0, percent: '0.0%' } } };
  }
  const start = Date.parse(recovery.startTime);
  const end = Date.parse(recovery.doneAt);
  const done = now.getTime() >= end;
  const fraction = done || end === start ? 1 : Math.max(0, (now.getTime() - start) / (end - start));
  return {
    id: shard,
    type: 'SNAPSHOT',
    stage: done ? 'DONE' : 'INDEX',
    primary: true,
    start_time_in_millis: start,
    ...(done ? { stop_time_in_millis: end } : {}),
    total_time_in_millis: (done ? end : now.getTime()) - start,
    source: { repository: recovery.repository, snapshot: recovery.snapshot, version: recovery.version, index: recovery.index, restoreUUID: recovery.restoreUuid },
    index: {
      size: { total_in_bytes: shardBytes, reused_in_bytes: 0, recovered_in_bytes: Math.round(shardBytes * fraction), percent: percent(fraction) },
      files: { total: 1, reused: 0, recovered: done ? 1 : 0, percent: done ? '100.0%' : '0.0%' },
    },
  };
}

/** GET `[<expression>/]_recovery[?active_only=true]`: each index's primary shards' recoveries; with `active_only`, only those not DONE. */
export function recovery(domain: OpenSearchDomainState, expression: string | undefined, activeOnly: boolean, now: Date): object {
  const answer: Record<string, object> = {};
  for (const index of matchIndices(domain, expression, false, { expandClosed: true })) {
    if (index.closed === true || (activeOnly && !isRecovering(index, now))) continue;
    answer[index.name] = { shards: Array.from({ length: index.primaries }, (_, shard) => shardRecovery(index, shard, now)) };
  }
  return answer;
}

/** DELETE `<expression>`: deletes the indices (wildcards open and closed ones); a missing name is index_not_found_exception unless `ignore_unavailable`. */
export function deleteIndices(context: OperationContext, key: string, expression: string, ignoreUnavailable: boolean): object {
  const domain = context.state.openSearch.domains.get(key) as OpenSearchDomainState;
  const names = new Set(matchIndices(domain, expression, ignoreUnavailable, { expandClosed: true }).map((index) => index.name));
  if (names.size > 0) {
    const draft = context.state.openSearch.domains.edit(key) as OpenSearchDomainState;
    draft.indices = domain.indices.filter((index) => !names.has(index.name));
  }
  return { acknowledged: true };
}

/**
 * POST `<expression>/_close` or `_open`. Closing an index a snapshot restore is still recovering
 * is refused, as MetadataIndexStateService refuses it ("Cannot close indices that are being restored").
 */
export function setIndicesClosed(context: OperationContext, key: string, expression: string, ignoreUnavailable: boolean, closed: boolean): object {
  const domain = context.state.openSearch.domains.get(key) as OpenSearchDomainState;
  const now = context.now();
  const chosen = matchIndices(domain, expression, ignoreUnavailable, { expandClosed: true });
  const restoring = chosen.filter((index) => closed && isRecovering(index, now));
  if (restoring.length > 0) throw illegalArgument(`Cannot close indices that are being restored: [${restoring.map((index) => `[${index.name}/${index.uuid}]`).join(', ')}]`);
  const names = new Set(chosen.map((index) => index.name));
  if (names.size > 0) {
    const draft = context.state.openSearch.domains.edit(key) as OpenSearchDomainState;
    draft.indices = domain.indices.map((index) => {
      if (!names.has(index.name)) return index;
      const { closed: _wasClosed, ...rest } = index;
      return closed ? { ...rest, closed: true } : rest;
    });
  }
  return closed
    ? { acknowledged: true, shards_acknowledged: true, indices: Object.fromEntries([...names].map((name) => [name, { closed: true }])) }
    : { acknowledged: true, shards_acknowledged: true };
}
