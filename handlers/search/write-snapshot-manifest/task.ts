import * as z from 'zod/mini';
import { writeSnapshotManifest, type ManifestStore } from '../manifest.ts';
import { searchPlanSchema } from '../schemas.ts';

const count = z.int().check(z.nonnegative());

/** The plan, TakeSnapshot's counts (`$.taken.manifest`) and ReadSnapshot's start time (`$.snapshot.startTime`). */
export const writeSnapshotManifestInput = z.looseObject({
  plan: searchPlanSchema,
  taken: z.looseObject({ manifest: z.record(z.string(), z.looseObject({ before: count, after: z.nullable(count) })) }),
  snapshot: z.looseObject({ startTime: z.iso.datetime({ offset: true }) }),
});
export type WriteSnapshotManifestInput = z.infer<typeof writeSnapshotManifestInput>;

/**
 * Writes this run's manifest beside its snapshot, in the repository's bucket (a client of the
 * bucket's Region: the other Region's, which a Step Functions SDK integration cannot reach). Once:
 * a manifest already there is kept (`written: false`). Raises ManifestStoreUnavailable (transient)
 * and ManifestStoreRejected (manifest.ts).
 */
export async function writeManifest(input: WriteSnapshotManifestInput, store: ManifestStore): Promise<{ bucket: string; key: string; written: boolean }> {
  const { plan } = input;
  const { bucket, base_path: basePath, region } = plan.repository.settings;
  const indices = Object.fromEntries(Object.entries(input.taken.manifest).map(([index, counts]) => [index, { before: counts.before, after: counts.after }]));
  const manifest = { snapshot: plan.snapshotName, repository: plan.repository.name, domain: plan.domainName, region: plan.region, takenAt: input.snapshot.startTime, indices };
  const { key, written } = await writeSnapshotManifest(store, { bucket, basePath, region }, manifest);
  return { bucket, key, written };
}
