import * as z from 'zod/mini';
import { InvalidSnapshotName } from '../errors.ts';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema } from '../schemas.ts';
import { snapshotMetadata } from '../snapshots.ts';

export const takeSnapshotInput = z.looseObject({ plan: searchPlanSchema, execution: z.looseObject({ name: z.string() }) });
export type TakeSnapshotInput = z.infer<typeof takeSnapshotInput>;

/**
 * Every index but the hidden and system ones (names starting with `.`: the security plugin's and
 * Dashboards' own indices, which Amazon OpenSearch Service does not let a manual snapshot restore over).
 */
export const SNAPSHOT_INDICES = '*,-.*';

export interface TakeSnapshotResult {
  readonly repository: string;
  readonly snapshot: string;
  /** False when the snapshot already existed (a retried task or a replayed run): nothing was requested. */
  readonly created: boolean;
  /** Whether the counts before fit in the snapshot's metadata (OpenSearch's 1024-byte limit). */
  readonly countsInMetadata: boolean;
  /**
   * Per index, its document count just before the snapshot was requested (the manifest's `before`;
   * write-snapshot-manifest counts `after` once the snapshot has ended). From the snapshot's metadata
   * when it already existed; empty when those counts did not fit there.
   */
  readonly countsBefore: Readonly<Record<string, number>>;
}

/** `GET _cat/indices?format=json`, then `GET <index>/_count` for each index the snapshot includes. */
async function documentCounts(transport: OpenSearchTransport): Promise<Record<string, number>> {
  const listed = await send(transport, 'GET', '/_cat/indices', { query: { format: 'json', h: 'index,status' } });
  const names = ((listed.body as { index?: string; status?: string }[] | null) ?? [])
    .filter((row) => row.index && !row.index.startsWith('.') && row.status !== 'close')
    .map((row) => row.index as string)
    .sort();
  const counts: Record<string, number> = {};
  for (const name of names) {
    const answer = await send(transport, 'GET', `/${segment(name)}/_count`, { accept: [404] });
    // An index deleted between the listing and the count is not in the snapshot either.
    if (answer.statusCode === 404) continue;
    counts[name] = Number((answer.body as { count?: unknown }).count ?? 0);
  }
  return counts;
}

/**
 * Takes this run's snapshot, once: when `GET _snapshot/<repo>/<name>` finds it, it is left as it is
 * (created false). Otherwise counts each index's documents, requests the snapshot
 * (`PUT _snapshot/<repo>/<name>` with `{indices, ignore_unavailable, include_global_state: false,
 * partial: false, metadata}`, not waiting for completion).
 * OpenSearch's "snapshot with the same name already exists" is "already done". Raises
 * ConcurrentSnapshotExecution when another snapshot or a deletion is running, and rest.ts's names.
 */
export async function takeSnapshot(input: TakeSnapshotInput, transport: OpenSearchTransport): Promise<TakeSnapshotResult> {
  const repository = input.plan.repository.name;
  const snapshot = input.plan.snapshotName;
  const path = `/_snapshot/${segment(repository)}/${segment(snapshot)}`;
  const existing = await send(transport, 'GET', path, { accept: [404] });
  const found = existing.statusCode === 404 ? undefined : (existing.body as { snapshots?: { metadata?: { doc_counts_before?: Record<string, number> | null } }[] }).snapshots?.[0];
  if (found) return { repository, snapshot, created: false, countsInMetadata: Boolean(found.metadata?.doc_counts_before), countsBefore: found.metadata?.doc_counts_before ?? {} };

  const before = await documentCounts(transport);
  const metadata = snapshotMetadata(input.execution.name, before);
  try {
    await send(transport, 'PUT', path, { body: { indices: SNAPSHOT_INDICES, ignore_unavailable: true, include_global_state: false, partial: false, metadata } });
  } catch (error) {
    // A retried PUT whose first attempt was accepted: the snapshot is this run's own.
    if (!(error instanceof InvalidSnapshotName && /already exists/i.test(error.message))) throw error;
  }
  return { repository, snapshot, created: true, countsInMetadata: metadata.doc_counts_before !== null, countsBefore: before };
}

