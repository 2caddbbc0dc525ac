import * as z from 'zod/mini';
import { manifestKey, writeSnapshotManifest, type ManifestStore } from '../manifest.ts';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema } from '../schemas.ts';

const count = z.int().check(z.nonnegative());

/** The plan, TakeSnapshot's counts before (`$.taken.countsBefore`) and ReadSnapshot's start time (`$.snapshot.startTime`). */
export const writeSnapshotManifestInput = z.looseObject({
  plan: searchPlanSchema,
  taken: z.looseObject({ countsBefore: z.record(z.string(), count) }),
  snapshot: z.looseObject({ startTime: z.iso.datetime({ offset: true }) }),
});
export type WriteSnapshotManifestInput = z.infer<typeof writeSnapshotManifestInput>;

/**
 * Writes this run's manifest beside its snapshot, once the snapshot has ended SUCCESS: per index,
 * the count before (TakeSnapshot's, just before the snapshot was requested) and the count now
 * (`GET <index>/_count`; null for an index deleted since). OpenSearch snapshots each shard as it
 * was when that shard's snapshot started, some time between the request and the end, so a count
 * taken at the end bounds it where a count taken when the request was accepted may not.
 *
 * The bucket is the other Region's, which a Step Functions SDK integration cannot reach: `store` is
 * a client of the bucket's Region. Once: a manifest already there is kept (`written: false`). None
 * when no count before is known (a replay whose counts did not fit the snapshot's metadata).
 * Raises rest.ts's names, ManifestStoreUnavailable (transient) and ManifestStoreRejected (manifest.ts).
 */
export async function writeManifest(input: WriteSnapshotManifestInput, transport: OpenSearchTransport, store: ManifestStore): Promise<{ bucket: string; key: string; written: boolean }> {
  const { plan } = input;
  const { bucket, base_path: basePath, region } = plan.repository.settings;
  const empty = { bucket, key: manifestKey(basePath, plan.snapshotName), written: false };
  // A replay whose counts before did not fit the snapshot's metadata knows none: no manifest rather than an empty one.
  if (Object.keys(input.taken.countsBefore).length === 0) return empty;
  const indices: Record<string, { before: number; after: number | null }> = {};
  for (const [index, before] of Object.entries(input.taken.countsBefore)) {
    const answer = await send(transport, 'GET', `/${segment(index)}/_count`, { accept: [404] });
    indices[index] = { before, after: answer.statusCode === 404 ? null : Number((answer.body as { count?: unknown }).count ?? 0) };
  }
  const manifest = { snapshot: plan.snapshotName, repository: plan.repository.name, domain: plan.domainName, region: plan.region, takenAt: input.snapshot.startTime, indices };
  const { key, written } = await writeSnapshotManifest(store, { bucket, basePath, region }, manifest);
  return { bucket, key, written };
}
