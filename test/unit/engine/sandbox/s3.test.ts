import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { SandboxAccount, SandboxUnsupportedOperation } from '../../../../engine/sandbox/index.ts';
import { sandboxFromStateFile, stateFileOf } from '../../../../engine/sandbox/state-file.ts';
import { searchSandbox } from './opensearch-clients.ts';

const central = 'opsflow-search-snapshots-eu-central-1';

function s3(account: SandboxAccount, region: string): S3Client {
  const client = new S3Client({ region });
  client.middlewareStack.use(account.plugin({ region }));
  return client;
}

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

describe('sandbox S3 objects', () => {
  it('stores an object and gives it back as the SDK does, with its type, size and MD5 ETag', async () => {
    const { account, clock } = searchSandbox();
    const client = s3(account, 'eu-central-1');
    const put = await client.send(new PutObjectCommand({ Bucket: central, Key: 'catalog/m.json', Body: '{"a":1}', ContentType: 'application/json' }));
    expect(put.ETag).toBe(`"${createHash('md5').update('{"a":1}').digest('hex')}"`);
    const got = await client.send(new GetObjectCommand({ Bucket: central, Key: 'catalog/m.json' }));
    expect(got).toMatchObject({ ContentType: 'application/json', ContentLength: 7, ETag: put.ETag, LastModified: clock.now() });
    expect(await got.Body?.transformToString()).toBe('{"a":1}');
    const head = await client.send(new HeadObjectCommand({ Bucket: central, Key: 'catalog/m.json' }));
    expect(head).toMatchObject({ ContentLength: 7, ETag: put.ETag });
    expect(head).not.toHaveProperty('Body');
  });

  it('gives bytes back as bytes', async () => {
    const { account } = searchSandbox();
    const client = s3(account, 'eu-central-1');
    await client.send(new PutObjectCommand({ Bucket: central, Key: 'raw', Body: new Uint8Array([0, 255, 7]) }));
    const got = await client.send(new GetObjectCommand({ Bucket: central, Key: 'raw' }));
    expect(got.ContentType).toBe('binary/octet-stream');
    expect([...((await got.Body?.transformToByteArray()) ?? [])]).toEqual([0, 255, 7]);
  });

  it('answers a missing bucket with NoSuchBucket and a missing key with NoSuchKey, 404 both; HeadObject with NotFound', async () => {
    const { account } = searchSandbox();
    const client = s3(account, 'eu-central-1');
    const bucket = await failure(client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })));
    expect(bucket).toBeInstanceOf(NoSuchBucket);
    expect(bucket.$metadata.httpStatusCode).toBe(404);
    const key = await failure(client.send(new GetObjectCommand({ Bucket: central, Key: 'missing' })));
    expect(key).toBeInstanceOf(NoSuchKey);
    expect(key).toMatchObject({ name: 'NoSuchKey', message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    const head = await failure(client.send(new HeadObjectCommand({ Bucket: central, Key: 'missing' })));
    expect(head).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  });

  it("refuses a client of another Region than the bucket's with PermanentRedirect (301), changing nothing", async () => {
    const { account } = searchSandbox();
    const error = await failure(s3(account, 'eu-west-1').send(new PutObjectCommand({ Bucket: central, Key: 'k', Body: 'x' })));
    expect(error).toMatchObject({ name: 'PermanentRedirect', $metadata: { httpStatusCode: 301 } });
    expect(error.message).toContain('must be addressed using the specified endpoint');
    expect(account.snapshot().openSearch.objects).toEqual([]);
  });

  it('deletes idempotently: a key that is not there is deleted too', async () => {
    const { account } = searchSandbox();
    const client = s3(account, 'eu-central-1');
    await client.send(new PutObjectCommand({ Bucket: central, Key: 'k', Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket: central, Key: 'k' }));
    await expect(client.send(new DeleteObjectCommand({ Bucket: central, Key: 'k' }))).resolves.toBeDefined();
    expect(account.snapshot().openSearch.objects).toEqual([]);
    expect(await failure(client.send(new DeleteObjectCommand({ Bucket: 'gone', Key: 'k' })))).toBeInstanceOf(NoSuchBucket);
  });

  it('writes once with IfNoneMatch "*": the second write is PreconditionFailed (412) and the first body stays', async () => {
    const { account } = searchSandbox();
    const client = s3(account, 'eu-central-1');
    await client.send(new PutObjectCommand({ Bucket: central, Key: 'k', Body: 'first', IfNoneMatch: '*' }));
    const error = await failure(client.send(new PutObjectCommand({ Bucket: central, Key: 'k', Body: 'second', IfNoneMatch: '*' })));
    expect(error).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    expect(await (await client.send(new GetObjectCommand({ Bucket: central, Key: 'k' }))).Body?.transformToString()).toBe('first');
  });

  it('lists keys of a prefix in order, a page at a time, with StartAfter', async () => {
    const { account } = searchSandbox();
    const client = s3(account, 'eu-central-1');
    for (const key of ['b/3', 'a/1', 'b/1', 'b/2', 'c']) await client.send(new PutObjectCommand({ Bucket: central, Key: key, Body: key }));
    const first = await client.send(new ListObjectsV2Command({ Bucket: central, Prefix: 'b/', MaxKeys: 2 }));
    expect(first).toMatchObject({ KeyCount: 2, IsTruncated: true, Prefix: 'b/', MaxKeys: 2 });
    expect(first.Contents?.map((object) => object.Key)).toEqual(['b/1', 'b/2']);
    expect(first.Contents?.[0]).toMatchObject({ Size: 3, StorageClass: 'STANDARD' });
    const second = await client.send(new ListObjectsV2Command({ Bucket: central, Prefix: 'b/', MaxKeys: 2, ContinuationToken: first.NextContinuationToken }));
    expect(second).toMatchObject({ KeyCount: 1, IsTruncated: false });
    expect(second.Contents?.map((object) => object.Key)).toEqual(['b/3']);
    expect(second.NextContinuationToken).toBeUndefined();
    const after = await client.send(new ListObjectsV2Command({ Bucket: central, StartAfter: 'b/2' }));
    expect(after.Contents?.map((object) => object.Key)).toEqual(['b/3', 'c']);
    const none = await client.send(new ListObjectsV2Command({ Bucket: central, Prefix: 'zzz' }));
    expect(none).toMatchObject({ KeyCount: 0, IsTruncated: false });
    expect(none.Contents).toBeUndefined();
    const wrongToken = await failure(client.send(new ListObjectsV2Command({ Bucket: central, ContinuationToken: 'not-a-token' })));
    expect(wrongToken).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
  });

  it('fails an injected SlowDown as S3 throttles (503), and refuses a Blob Body', async () => {
    const { account } = searchSandbox();
    const client = s3(account, 'eu-central-1');
    account.injectFault({ service: 's3', operation: 'PutObject', error: 'SlowDown', times: 1 });
    expect(await failure(client.send(new PutObjectCommand({ Bucket: central, Key: 'k', Body: 'x' })))).toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    await client.send(new PutObjectCommand({ Bucket: central, Key: 'k', Body: 'x' }));
    await expect(client.send(new PutObjectCommand({ Bucket: central, Key: 'k', Body: new Blob(['x']) }))).rejects.toBeInstanceOf(SandboxUnsupportedOperation);
  });

  it('keeps objects in a saved state file', async () => {
    const { account } = searchSandbox();
    await s3(account, 'eu-central-1').send(new PutObjectCommand({ Bucket: central, Key: 'catalog/m.json', Body: 'kept' }));
    const restored = sandboxFromStateFile(JSON.parse(JSON.stringify(stateFileOf(account))), 'test');
    const got = await s3(restored, 'eu-central-1').send(new GetObjectCommand({ Bucket: central, Key: 'catalog/m.json' }));
    expect(await got.Body?.transformToString()).toBe('kept');
  });
});
