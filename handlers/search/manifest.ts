import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import * as z from 'zod/mini';
import { describeIssue } from '../shared/lambda.ts';
import type { Runtime } from '../shared/runtime.ts';
import { ManifestInvalid, ManifestMissing, ManifestStoreRejected, ManifestStoreUnavailable } from './errors.ts';

/**
 * The snapshot manifest, kept beside its snapshot in the repository's bucket. OpenSearch fixes a
 * snapshot's `metadata` when the snapshot is requested and caps it below 1024 bytes, so it can carry
 * neither the counts after nor many indices (snapshots.ts); this object carries both:
 * `s3://<bucket>/<base_path>/opsflow-manifests/<snapshot>.json`, written once the snapshot has
 * ended SUCCESS, deleted after the snapshot by retention. A restored index is verified by its
 * document count lying within [before, after].
 *
 * ```json
 * { "snapshot": "opsflow-20260302t1000z", "repository": "opsflow-dr", "domain": "catalog",
 *   "region": "eu-west-1", "takenAt": "2026-03-02T10:00:02.000Z",
 *   "indices": { "orders": { "before": 1200, "after": 1230 } } }
 * ```
 * `region` and `domain` are the domain that took the snapshot; `takenAt` is its start time
 * (OpenSearch's `start_time_in_millis`); `after` is null when a replayed run found the snapshot
 * already taken and no longer knew the counts after.
 *
 * S3 facts (Amazon S3 API reference): a bucket answers only at its own Region's endpoint
 * (PermanentRedirect otherwise), so the client is made for the bucket's Region; a missing key is
 * NoSuchKey; `If-None-Match: *` makes PutObject fail with PreconditionFailed (412) when the key
 * exists (conditional writes); SlowDown (503) is S3's throttling.
 */

const count = z.int().check(z.nonnegative());

export const snapshotManifestSchema = z.strictObject({
  snapshot: z.string().check(z.minLength(1)),
  repository: z.string().check(z.minLength(1)),
  domain: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  takenAt: z.iso.datetime({ offset: true }),
  indices: z.record(z.string(), z.strictObject({ before: count, after: z.nullable(count) })),
});
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

/** Where a repository's snapshots are: its bucket, base path and the bucket's Region. */
export interface ManifestLocation {
  readonly bucket: string;
  readonly basePath: string;
  readonly region: string;
}

export const MANIFEST_FOLDER = 'opsflow-manifests';

/** The folder of a repository's manifests, `<base_path>/opsflow-manifests/` (no leading slash when the base path is empty). */
export function manifestPrefix(basePath: string): string {
  const base = basePath.replace(/^\/+|\/+$/g, '');
  return `${base === '' ? '' : `${base}/`}${MANIFEST_FOLDER}/`;
}

export const manifestKey = (basePath: string, snapshot: string): string => `${manifestPrefix(basePath)}${snapshot}.json`;

/** The S3 calls the manifest needs: a client made for the bucket's Region. */
export type ManifestStore = Pick<S3Client, 'send'>;

/**
 * An S3 client for the bucket's Region, one attempt per call (the state's Retry retries, by name).
 * With the local engine's plugins for that Region.
 */
export function manifestStore(runtime: Pick<Runtime, 'sdkPlugins' | 'sdkPluginsFor'>, region: string): ManifestStore {
  const client = new S3Client({ region, maxAttempts: 1 });
  for (const plugin of runtime.sdkPluginsFor?.(region) ?? runtime.sdkPlugins) client.middlewareStack.use(plugin);
  return client;
}

/** S3's answer as one of the search errors: throttling and 5xx transient, anything else terminal. */
function storeError(action: string, key: string, error: unknown): Error {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const line = `${action} s3 ${key}: ${failure.name ?? 'Error'} (${failure.$metadata?.httpStatusCode ?? 'no status'}) ${failure.message ?? ''}`.trim();
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(sdkError) || isServerError(sdkError) || isTransientError(sdkError)) return new ManifestStoreUnavailable(line, { cause: error });
  return new ManifestStoreRejected(line, { cause: error });
}

const codeOf = (error: unknown): string | undefined => (error as { name?: string }).name;

/**
 * Writes the manifest once: PutObject with `IfNoneMatch: '*'`, ContentType application/json. A
 * manifest already there (a retried task, a replayed run) is kept as it is (`written: false`), so a
 * replay that no longer knows the counts after never overwrites the one that did. Raises
 * ManifestStoreUnavailable (transient) and ManifestStoreRejected.
 */
export async function writeSnapshotManifest(store: ManifestStore, location: ManifestLocation, manifest: SnapshotManifest): Promise<{ key: string; written: boolean }> {
  const key = manifestKey(location.basePath, manifest.snapshot);
  try {
    await store.send(new PutObjectCommand({ Bucket: location.bucket, Key: key, Body: JSON.stringify(manifest), ContentType: 'application/json', IfNoneMatch: '*' }));
    return { key, written: true };
  } catch (error) {
    if (codeOf(error) === 'PreconditionFailed') return { key, written: false };
    throw storeError('PutObject', `${location.bucket}/${key}`, error);
  }
}

/**
 * The manifest of `snapshot`, parsed and checked. Raises ManifestMissing (no such object),
 * ManifestInvalid (not JSON, or not the manifest's shape, or another snapshot's), ManifestStoreUnavailable
 * (transient) and ManifestStoreRejected.
 */
export async function readSnapshotManifest(store: ManifestStore, location: ManifestLocation, snapshot: string): Promise<SnapshotManifest> {
  const key = manifestKey(location.basePath, snapshot);
  const where = `s3://${location.bucket}/${key}`;
  let text: string;
  try {
    const answer = await store.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
    text = (await answer.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (codeOf(error) === 'NoSuchKey') throw new ManifestMissing(`${where}: no manifest for snapshot ${snapshot}`, { cause: error });
    throw storeError('GetObject', `${location.bucket}/${key}`, error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ManifestInvalid(`${where}: not JSON (${(error as Error).message.split('\n')[0] ?? ''})`, { cause: error });
  }
  const parsed = snapshotManifestSchema.safeParse(raw);
  if (!parsed.success) throw new ManifestInvalid(`${where}: ${describeIssue(parsed.error)}`);
  if (parsed.data.snapshot !== snapshot) throw new ManifestInvalid(`${where}: holds the manifest of ${parsed.data.snapshot}, not ${snapshot}`);
  return parsed.data;
}

/** Deletes the manifest of `snapshot`; one that is not there is already deleted. Raises ManifestStoreUnavailable and ManifestStoreRejected. */
export async function deleteSnapshotManifest(store: ManifestStore, location: ManifestLocation, snapshot: string): Promise<void> {
  const key = manifestKey(location.basePath, snapshot);
  try {
    await store.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: key }));
  } catch (error) {
    throw storeError('DeleteObject', `${location.bucket}/${key}`, error);
  }
}

/** The snapshots that have a manifest in the repository's folder (every page of ListObjectsV2). */
export async function listManifestSnapshots(store: ManifestStore, location: ManifestLocation): Promise<string[]> {
  const prefix = manifestPrefix(location.basePath);
  const names: string[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await store.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
    } catch (error) {
      throw storeError('ListObjectsV2', `${location.bucket}/${prefix}`, error);
    }
    for (const object of page.Contents ?? []) {
      const name = object.Key?.slice(prefix.length);
      if (name?.endsWith('.json') && !name.includes('/')) names.push(name.slice(0, -'.json'.length));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return names;
}
