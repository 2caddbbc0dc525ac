import * as z from 'zod/mini';
import type { OpsflowError } from '../shared/errors.ts';
import { IndicesConflict, SnapshotMissing, SnapshotNotRestorable } from './errors.ts';
import { errorType, namedSearchError, send, segment, type OpenSearchTransport } from './rest.ts';

/**
 * What the runbook tasks that restore, wait for, verify and remove indices share: the part of the
 * runbook's plan they read, index names, and the REST reads of a domain's indices and recoveries.
 *
 * OpenSearch facts (OpenSearch API reference: "Restore snapshot", "CAT indices", "Index recovery"
 * and "CAT recovery", "Cluster health", "Count", "Delete index"):
 * - `POST _snapshot/<repo>/<snapshot>/_restore` answers `{"accepted":true}` once the restored indices
 *   are in the cluster state; their shards then recover from the repository. An open index of the
 *   (renamed) name refuses the whole request with `snapshot_restore_exception` "... because an open
 *   index with same name already exists in the cluster ..." (a closed one of the same shard count is
 *   restored over); rename_pattern/rename_replacement are applied to each index name as Java's
 *   `String.replaceAll`.
 * - `GET <indices>/_recovery` answers, per index, `shards: [{id, type, stage, primary, source,
 *   index: {size: {percent: "87.1%"}}}]`; a shard restored from a snapshot has type `SNAPSHOT` and
 *   `source: {repository, snapshot, index}` (the index's name in the snapshot), and its stages run
 *   INIT, INDEX, VERIFY_INDEX, TRANSLOG, FINALIZE, DONE. Completed recoveries stay listed as DONE.
 * - A search or `_count` on an index whose primaries are not yet started is 503
 *   `search_phase_execution_exception` ("all shards failed").
 * - `GET _cluster/health/<indices>` waits up to `timeout` and answers 408 with status red when an
 *   index does not exist (opensearch-project/OpenSearch#9220, #19022).
 */

/**
 * An index name OpenSearch accepts and opsflow may restore or delete: the pattern of Amazon
 * OpenSearch Service's DeleteIndex `IndexName` (lower case; none of ` ,:"+/*\|?#><`; not starting
 * with `_` or `-`), and never a name starting with `.` (system and hidden indices: `.kibana*`,
 * `.opendistro*`, `.plugins*`...), so neither a wildcard nor a list can widen a request.
 */
export const userIndexName = z
  .string()
  .check(
    z.maxLength(255),
    z.regex(/^[^._ ,:"+/*\\|?#><A-Z-][^ ,:"+/*\\|?#><A-Z]*$/, 'must be one index name: lower case, no wildcard or comma, not starting with ".", "_" or "-" (system indices are never touched)'),
  );

const count = z.int().check(z.nonnegative());

/** One index of the plan: its name in the snapshot, the name it is restored as, and the manifest's counts (null while unknown). */
export const plannedIndexSchema = z.looseObject({
  index: userIndexName,
  restoreAs: userIndexName,
  before: z.nullable(count),
  after: z.nullable(count),
});
export type PlannedIndex = z.infer<typeof plannedIndexSchema>;

/**
 * The part of preflight's runbook plan (`$.plan`, runbook.ts's runbookPlanSchema) these tasks read,
 * checked more closely: index names are single user indices and there is at least one, as an empty
 * `indices` would make OpenSearch restore every index of the snapshot. The domain restored into, the
 * repository and snapshot, the indices, and how conflicts are handled (`rename` comes with the
 * pattern and replacement).
 */
export const restorePlanSchema = z.looseObject({
  region: z.string().check(z.minLength(1)),
  endpoint: z.string().check(z.minLength(1)),
  repository: z.looseObject({ name: z.string().check(z.minLength(1)) }),
  snapshot: z.string().check(z.minLength(1)),
  indices: z.array(plannedIndexSchema).check(
    z.minLength(1),
    z.refine((indices) => new Set(indices.map((entry) => entry.restoreAs)).size === indices.length, 'two indices may not be restored as one name'),
  ),
  conflictOption: z.enum(['refuse', 'delete', 'rename']),
  renamePattern: z.nullable(z.string().check(z.minLength(1))),
  renameReplacement: z.nullable(z.string()),
});
export type RestorePlan = z.infer<typeof restorePlanSchema>;

/** `a,b,c` for a path: each name encoded, the list unencoded (index names cannot hold a comma). */
export const indexList = (names: readonly string[]): string => names.map(segment).join(',');

/** Every index of the domain and whether it is open: `GET _cat/indices?format=json`. */
export async function listIndices(transport: OpenSearchTransport): Promise<Map<string, 'open' | 'close'>> {
  const answer = await send(transport, 'GET', '/_cat/indices', { query: { format: 'json', h: 'index,status' } });
  const rows = (answer.body as { index?: string; status?: string }[] | null) ?? [];
  return new Map(rows.filter((row) => row.index).map((row) => [row.index as string, row.status === 'close' ? 'close' : 'open']));
}

export interface RecoveryShard {
  readonly id?: number;
  readonly type?: string;
  readonly stage?: string;
  readonly primary?: boolean;
  readonly source?: { readonly repository?: string; readonly snapshot?: string; readonly index?: string };
  readonly index?: { readonly size?: { readonly percent?: string } };
}

/** `GET <indices>/_recovery` of indices that exist: each index's shard recoveries (an index absent from the answer has none). */
export async function recoveries(transport: OpenSearchTransport, names: readonly string[]): Promise<Map<string, readonly RecoveryShard[]>> {
  if (names.length === 0) return new Map();
  const answer = await send(transport, 'GET', `/${indexList(names)}/_recovery`);
  const body = (answer.body ?? {}) as Record<string, { shards?: RecoveryShard[] }>;
  return new Map(names.map((name) => [name, body[name]?.shards ?? []]));
}

/** The stages of a shard recovery, in order (OpenSearch's RecoveryState.Stage). */
const STAGES = ['INIT', 'INDEX', 'VERIFY_INDEX', 'TRANSLOG', 'FINALIZE', 'DONE'] as const;
const stageRank = (stage: string | undefined): number => {
  const rank = STAGES.indexOf((stage ?? '').toUpperCase() as (typeof STAGES)[number]);
  return rank === -1 ? 0 : rank;
};

const primaries = (shards: readonly RecoveryShard[]): readonly RecoveryShard[] => shards.filter((shard) => shard.primary !== false);

/**
 * Whether every primary shard of the index was recovered (or is recovering) from this snapshot's
 * copy of `original`: such an index is this restore's own, which a retried or replayed task must
 * not restore again.
 */
export function restoredFrom(shards: readonly RecoveryShard[], repository: string, snapshot: string, original: string): boolean {
  const own = primaries(shards);
  return (
    own.length > 0 &&
    own.every((shard) => shard.type === 'SNAPSHOT' && shard.source?.repository === repository && shard.source.snapshot === snapshot && shard.source.index === original)
  );
}

/**
 * An index's recovery as one line: the stage of its least advanced primary shard and the mean of
 * its primaries' recovered bytes, in percent (0–100). No shards listed yet is INIT, 0.
 */
export function recoveryProgress(shards: readonly RecoveryShard[]): { stage: string; percent: number } {
  const own = primaries(shards);
  if (own.length === 0) return { stage: 'INIT', percent: 0 };
  const least = own.reduce((slowest, shard) => (stageRank(shard.stage) < stageRank(slowest.stage) ? shard : slowest));
  const percents = own.map((shard) => (stageRank(shard.stage) === STAGES.length - 1 ? 100 : Number.parseFloat(shard.index?.size?.percent ?? '0') || 0));
  const percent = Math.round((percents.reduce((sum, value) => sum + value, 0) / percents.length) * 10) / 10;
  return { stage: (least.stage ?? 'INIT').toUpperCase(), percent };
}

export const DONE = 'DONE';

/**
 * The name OpenSearch restores `index` as under the plan's rename (Java's `replaceAll`, which the
 * JavaScript global replace matches for the patterns a plan uses), or `index` when none.
 */
export function renamedAs(plan: Pick<RestorePlan, 'renamePattern' | 'renameReplacement'>, index: string): string {
  if (plan.renamePattern === null) return index;
  return index.replace(new RegExp(plan.renamePattern, 'g'), plan.renameReplacement ?? '');
}

/** OpenSearch's `snapshot_restore_exception` reason for an open index in the way. */
const OPEN_INDEX_IN_THE_WAY = /open index with same name already exists/i;
/** RestoreService's `snapshot_restore_exception` for a snapshot the repository does not hold (or not yet: still running). */
const NO_SUCH_SNAPSHOT = /snapshot does not exist/i;

/**
 * The named error for a refused restore: a conflict is IndicesConflict; a snapshot the repository
 * does not hold is SnapshotMissing (RestoreService answers snapshot_restore_exception "snapshot does
 * not exist"; snapshot_missing_exception too); any other snapshot_restore_exception (a snapshot not
 * SUCCESS or PARTIAL, a newer version, a partial index) and an index the snapshot does not hold are
 * SnapshotNotRestorable; anything else rest.ts's name.
 */
export function restoreError(statusCode: number, body: unknown, what: string): OpsflowError {
  const { type, reason } = errorType(body);
  const message = `${what}: ${statusCode} ${type}: ${reason}`;
  if (type === 'snapshot_restore_exception') {
    if (OPEN_INDEX_IN_THE_WAY.test(reason)) return new IndicesConflict(message);
    return NO_SUCH_SNAPSHOT.test(reason) ? new SnapshotMissing(message) : new SnapshotNotRestorable(message);
  }
  if (type === 'index_not_found_exception') return new SnapshotNotRestorable(message);
  if (type === 'snapshot_missing_exception') return new SnapshotMissing(message);
  return namedSearchError(statusCode, body, what);
}
