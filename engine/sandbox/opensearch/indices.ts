import type { OpenSearchDomainState, OpenSearchIndexState } from '../state.ts';
import { indexNotFound } from './errors.ts';

/**
 * A domain's indices and cluster, as `_cat/indices`, `<index>/_count` and `_cluster/health` answer
 * (OpenSearch API reference: CAT indices, Count, Cluster health). Only document counts are
 * simulated: sizes are a kilobyte a document, every shard is assigned, the cluster's health is
 * the domain's seeded one.
 */

/**
 * The indices an expression names: absent, `_all` or `*` for every index, else a comma list of
 * names and wildcards. A name that is not an index is OpenSearch's index_not_found_exception unless
 * `ignoreUnavailable`; a wildcard that matches nothing matches nothing.
 */
export function matchIndices(domain: OpenSearchDomainState, expression: string | undefined, ignoreUnavailable: boolean): OpenSearchIndexState[] {
  if (expression === undefined || expression === '' || expression === '_all' || expression === '*') return [...domain.indices];
  const chosen = new Set<string>();
  for (const part of expression.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    if (part.includes('*')) {
      const regex = new RegExp(`^${part.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      for (const index of domain.indices) if (regex.test(index.name)) chosen.add(index.name);
    } else if (domain.indices.some((index) => index.name === part)) chosen.add(part);
    else if (!ignoreUnavailable) throw indexNotFound(part);
  }
  return domain.indices.filter((index) => chosen.has(index.name));
}

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)}gb`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)}mb`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)}kb`;
  return `${bytes}b`;
}

const catColumns = ['health', 'status', 'index', 'uuid', 'pri', 'rep', 'docs.count', 'docs.deleted', 'store.size', 'pri.store.size'] as const;

/** GET `_cat/indices[/<expression>]`: rows of strings, as JSON with `format=json`, else OpenSearch's space-aligned text. */
export function catIndices(domain: OpenSearchDomainState, expression: string | undefined, format: string | undefined): unknown {
  const rows = matchIndices(domain, expression, false).map((index) => {
    const primaryBytes = index.docsCount * 1024;
    const row: Record<(typeof catColumns)[number], string> = {
      health: domain.health,
      status: 'open',
      index: index.name,
      uuid: index.uuid,
      pri: String(index.primaries),
      rep: String(index.replicas),
      'docs.count': String(index.docsCount),
      'docs.deleted': '0',
      'store.size': size(primaryBytes * (1 + index.replicas)),
      'pri.store.size': size(primaryBytes),
    };
    return row;
  });
  if (format === 'json') return rows;
  const widths = catColumns.map((column) => Math.max(...rows.map((row) => row[column].length), 0));
  return rows.map((row) => `${catColumns.map((column, at) => row[column].padEnd(widths[at] ?? 0)).join(' ').trimEnd()}\n`).join('');
}

/** GET or POST `[<expression>/]_count` (a query body is not simulated: every document counts). */
export function count(domain: OpenSearchDomainState, expression: string | undefined, ignoreUnavailable: boolean): object {
  const indices = matchIndices(domain, expression, ignoreUnavailable);
  const shards = indices.reduce((sum, index) => sum + index.primaries, 0);
  return { count: indices.reduce((sum, index) => sum + index.docsCount, 0), _shards: { total: shards, successful: shards, skipped: 0, failed: 0 } };
}

/** GET `_cluster/health`. The cluster is named `<account id>:<domain name>`, as the service names its domains' clusters. */
export function clusterHealth(domain: OpenSearchDomainState): object {
  const primaries = domain.indices.reduce((sum, index) => sum + index.primaries, 0);
  const shards = domain.indices.reduce((sum, index) => sum + index.primaries * (1 + index.replicas), 0);
  const unassigned = domain.health === 'green' ? 0 : domain.indices.reduce((sum, index) => sum + index.primaries * index.replicas, 0);
  const active = shards - unassigned;
  return {
    cluster_name: domain.domainId.replace('/', ':'),
    status: domain.health,
    timed_out: false,
    number_of_nodes: 2,
    number_of_data_nodes: 2,
    discovered_master: true,
    discovered_cluster_manager: true,
    active_primary_shards: primaries,
    active_shards: active,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: unassigned,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: shards === 0 ? 100 : (active / shards) * 100,
  };
}
