import * as z from 'zod/mini';
import type { SearchDrConfig } from '../../shared/config.ts';
import { deleteSnapshotManifest, listManifestSnapshots, type ManifestLocation, type ManifestStore } from '../manifest.ts';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema } from '../schemas.ts';
import { snapshotsToDelete, type SnapshotInfo } from '../snapshots.ts';

export const pruneSnapshotsInput = z.looseObject({ plan: searchPlanSchema });
export type PruneSnapshotsInput = z.infer<typeof pruneSnapshotsInput>;

/**
 * One step of retention: lists the repository (`GET _snapshot/<repo>/_all`), decides with
 * snapshotsToDelete (searchDr.retention; opsflow's prefix only; never IN_PROGRESS) and deletes the
 * oldest due snapshot (`DELETE _snapshot/<repo>/<name>`; 404 snapshot_missing_exception means it is
 * already gone, and ends this run's pruning), then its manifest (manifest.ts; one not there is
 * fine). One deletion per call: the workflow calls again while `deleted` is not null, so
 * OpenSearch never sees two deletions at once and each step re-reads the repository.
 *
 * When nothing is due, the manifests of opsflow's snapshots the repository no longer lists are
 * deleted: a step whose manifest deletion failed after its snapshot was gone is not due again, so
 * this is where its manifest goes. Raises rest.ts's names, ManifestStoreUnavailable (transient)
 * and ManifestStoreRejected.
 */
export async function pruneSnapshots(input: PruneSnapshotsInput, search: SearchDrConfig, transport: OpenSearchTransport, store: ManifestStore, now: Date): Promise<{ deleted: string | null; due: number }> {
  const repository = segment(input.plan.repository.name);
  const { bucket, base_path: basePath, region } = input.plan.repository.settings;
  const location: ManifestLocation = { bucket, basePath, region };
  const listed = await send(transport, 'GET', `/_snapshot/${repository}/_all`);
  const snapshots = ((listed.body as { snapshots?: SnapshotInfo[] }).snapshots ?? []);
  const due = snapshotsToDelete(snapshots, input.plan.snapshotPrefix, search.retention, now);
  const oldest = due[0];
  if (!oldest) {
    const present = new Set(snapshots.map((snapshot) => snapshot.snapshot));
    const orphans = (await listManifestSnapshots(store, location)).filter((name) => name.startsWith(input.plan.snapshotPrefix) && !present.has(name));
    for (const name of orphans) await deleteSnapshotManifest(store, location, name);
    return { deleted: null, due: 0 };
  }
  const answer = await send(transport, 'DELETE', `/_snapshot/${repository}/${segment(oldest)}`, { accept: [404] });
  await deleteSnapshotManifest(store, location, oldest);
  // Listed but already gone: the listing is behind; stop here rather than loop on it (the next run goes on).
  if (answer.statusCode === 404) return { deleted: null, due: due.length - 1 };
  return { deleted: oldest, due: due.length - 1 };
}
