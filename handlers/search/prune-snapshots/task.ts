import * as z from 'zod/mini';
import type { SearchDrConfig } from '../../shared/config.ts';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema } from '../schemas.ts';
import { snapshotsToDelete, type SnapshotInfo } from '../snapshots.ts';

export const pruneSnapshotsInput = z.looseObject({ plan: searchPlanSchema });
export type PruneSnapshotsInput = z.infer<typeof pruneSnapshotsInput>;

/**
 * One step of retention: lists the repository (`GET _snapshot/<repo>/_all`), decides with
 * snapshotsToDelete (searchDr.retention; opsflow's prefix only; never IN_PROGRESS) and deletes the
 * oldest due snapshot (`DELETE _snapshot/<repo>/<name>`; 404 snapshot_missing_exception means it is
 * already gone, and ends this run's pruning). One deletion per call: the workflow calls again while `deleted` is not null, so
 * OpenSearch never sees two deletions at once and each step re-reads the repository.
 */
export async function pruneSnapshots(input: PruneSnapshotsInput, search: SearchDrConfig, transport: OpenSearchTransport, now: Date): Promise<{ deleted: string | null; due: number }> {
  const repository = segment(input.plan.repository.name);
  const listed = await send(transport, 'GET', `/_snapshot/${repository}/_all`);
  const snapshots = ((listed.body as { snapshots?: SnapshotInfo[] }).snapshots ?? []);
  const due = snapshotsToDelete(snapshots, input.plan.snapshotPrefix, search.retention, now);
  const oldest = due[0];
  if (!oldest) return { deleted: null, due: 0 };
  const answer = await send(transport, 'DELETE', `/_snapshot/${repository}/${segment(oldest)}`, { accept: [404] });
  // Listed but already gone: the listing is behind; stop here rather than loop on it (the next run goes on).
  if (answer.statusCode === 404) return { deleted: null, due: due.length - 1 };
  return { deleted: oldest, due: due.length - 1 };
}
