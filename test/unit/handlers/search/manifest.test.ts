import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { manifestKey, manifestPrefix, readSnapshotManifest, writeSnapshotManifest, type SnapshotManifest } from '../../../../handlers/search/manifest.ts';
import { writeManifest } from '../../../../handlers/search/write-snapshot-manifest/task.ts';
import { FakeDomain, plan } from './fake-domain.ts';

const s3 = mockClient(S3Client);
const store = new S3Client({ region: 'eu-central-1' });
const location = { bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'orders-search', region: 'eu-central-1' };
const manifest: SnapshotManifest = {
  snapshot: 'opsflow-20261130t1000z',
  repository: 'opsflow-eu-central-1',
  domain: 'orders-search',
  region: 'eu-west-1',
  takenAt: '2026-11-30T10:00:01.000Z',
  indices: { orders: { before: 10, after: 12 }, customers: { before: 3, after: null } },
};
const body = (text: string) => sdkStreamMixin(Readable.from([Buffer.from(text)]));
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

beforeEach(() => s3.reset());

describe('manifest keys', () => {
  it('puts manifests in <base_path>/opsflow-manifests/, with or without a base path', () => {
    expect(manifestKey('orders-search', 'opsflow-1')).toBe('orders-search/opsflow-manifests/opsflow-1.json');
    expect(manifestKey('a/b/', 'opsflow-1')).toBe('a/b/opsflow-manifests/opsflow-1.json');
    expect(manifestPrefix('')).toBe('opsflow-manifests/');
  });
});

describe('writeSnapshotManifest', () => {
  it('writes the JSON manifest once, as application/json, only if no manifest is there', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });
    expect(await writeSnapshotManifest(store, location, manifest)).toEqual({ key: 'orders-search/opsflow-manifests/opsflow-20261130t1000z.json', written: true });
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Bucket: location.bucket, Key: 'orders-search/opsflow-manifests/opsflow-20261130t1000z.json', ContentType: 'application/json', IfNoneMatch: '*' });
    expect(JSON.parse(input?.Body as string)).toEqual(manifest);
  });

  it('keeps a manifest already written (PreconditionFailed is "already done")', async () => {
    s3.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 412));
    expect(await writeSnapshotManifest(store, location, manifest)).toMatchObject({ written: false });
  });

  it.each([
    ['SlowDown', 503, 'ManifestStoreUnavailable'],
    ['InternalError', 500, 'ManifestStoreUnavailable'],
    ['AccessDenied', 403, 'ManifestStoreRejected'],
    ['PermanentRedirect', 301, 'ManifestStoreRejected'],
    ['NoSuchBucket', 404, 'ManifestStoreRejected'],
  ])('raises %s (%i) as %s, in one line with S3\'s code', async (code, status, name) => {
    s3.on(PutObjectCommand).rejects(awsError(code, status));
    await expect(writeSnapshotManifest(store, location, manifest)).rejects.toMatchObject({ name, message: expect.stringContaining(`${code} (${status})`) });
  });

  it("builds the manifest from the plan, TakeSnapshot's counts before, the counts at the end and the snapshot's start time", async () => {
    s3.on(PutObjectCommand).resolves({});
    const domain = new FakeDomain();
    domain.indices = { orders: 12 };
    const result = await writeManifest({ plan: plan(), taken: { countsBefore: { orders: 10, customers: 3 } }, snapshot: { startTime: manifest.takenAt } }, domain, store);
    expect(result).toEqual({ bucket: location.bucket, key: 'orders-search/opsflow-manifests/opsflow-20261130t1000z.json', written: true });
    expect(JSON.parse(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as string)).toEqual(manifest);
  });
});

describe('readSnapshotManifest', () => {
  it('reads, parses and checks the manifest', async () => {
    s3.on(GetObjectCommand, { Bucket: location.bucket, Key: 'orders-search/opsflow-manifests/opsflow-20261130t1000z.json' }).resolves({ Body: body(JSON.stringify(manifest)) });
    expect(await readSnapshotManifest(store, location, manifest.snapshot)).toEqual(manifest);
  });

  it('raises ManifestMissing when there is none', async () => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 404));
    await expect(readSnapshotManifest(store, location, manifest.snapshot)).rejects.toMatchObject({ name: 'ManifestMissing', message: expect.stringContaining('s3://opsflow-search-snapshots-eu-central-1/orders-search/opsflow-manifests/opsflow-20261130t1000z.json') });
  });

  it.each([
    ['not JSON', '{"snapshot":', /not JSON/],
    ['a negative count', JSON.stringify({ ...manifest, indices: { orders: { before: -1, after: 2 } } }), /indices/],
    ['a missing field', JSON.stringify({ ...manifest, takenAt: undefined }), /takenAt/],
    ["another snapshot's", JSON.stringify({ ...manifest, snapshot: 'opsflow-other' }), /opsflow-other/],
  ])('raises ManifestInvalid for %s', async (_case, text, message) => {
    s3.on(GetObjectCommand).resolves({ Body: body(text) });
    await expect(readSnapshotManifest(store, location, manifest.snapshot)).rejects.toMatchObject({ name: 'ManifestInvalid', message: expect.stringMatching(message) });
  });

  it('raises ManifestStoreUnavailable when S3 throttles', async () => {
    s3.on(GetObjectCommand).rejects(awsError('SlowDown', 503));
    await expect(readSnapshotManifest(store, location, manifest.snapshot)).rejects.toMatchObject({ name: 'ManifestStoreUnavailable' });
  });
});

describe('writeManifest without counts before', () => {
  it('writes nothing rather than an empty manifest', async () => {
    const result = await writeManifest({ plan: plan(), taken: { countsBefore: {} }, snapshot: { startTime: manifest.takenAt } }, new FakeDomain(), store);
    expect(result).toMatchObject({ written: false });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
