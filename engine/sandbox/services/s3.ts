import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type {
  DeleteObjectCommandInput,
  DeleteObjectCommandOutput,
  GetObjectCommandInput,
  GetObjectCommandOutput,
  HeadObjectCommandInput,
  HeadObjectCommandOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2CommandOutput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { awsError, SandboxUnsupportedOperation } from '../errors.ts';
import { lazySdkExceptions, operation, sdkExceptions, type OperationContext, type SandboxService } from '../service.ts';
import type { S3BucketState, S3ObjectState } from '../state.ts';
import { sortedPage } from './sorted-pages.ts';

/**
 * Amazon S3 objects in the simulated buckets (`openSearch.buckets`, where the snapshot repositories
 * are): PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2, unversioned. Facts from
 * the Amazon S3 API reference and its "Error responses" list:
 * - a missing bucket is NoSuchBucket (404), a missing key NoSuchKey (404); HeadObject's answer has
 *   no body, so the SDK names either one NotFound (404);
 * - DeleteObject of a key that is not there succeeds (204): deleting is idempotent;
 * - PutObject with `IfNoneMatch: '*'` (conditional writes) fails with PreconditionFailed (412)
 *   when the key exists; `*` is the only value S3 takes there (anything else NotImplemented, 501);
 * - ListObjectsV2 returns keys in ascending order, at most 1000 per page (MaxKeys caps lower),
 *   with a ContinuationToken S3 makes opaque (a wrong one is InvalidArgument, 400) and StartAfter;
 * - an ETag of a single-part upload is the MD5 of its bytes; objects are encrypted with SSE-S3
 *   (AES256) by default; an object with no Content-Type is `binary/octet-stream`;
 * - bucket names are global, but a bucket lives in one Region: a request sent to another Region's
 *   endpoint is refused with PermanentRedirect (HTTP 301, "The bucket you are attempting to access
 *   must be addressed using the specified endpoint"), which the SDK raises as an error because
 *   its S3 client does not follow Region redirects unless `followRegionRedirects` is set. So a
 *   client must be made for the bucket's Region, and a Step Functions SDK integration (which calls
 *   its state machine's own Region) cannot reach a bucket of another Region.
 * SlowDown (503) is S3's throttling code, for fault rules (`{ service: 's3', error: 'SlowDown' }`).
 *
 * Keys are kept in code-unit order, which is S3's UTF-8 byte order for every key without
 * characters beyond U+FFFF. Bodies are a string or bytes (what Step Functions and the tasks send);
 * a Blob or stream body is refused rather than read asynchronously. GetObject's Body is what the SDK
 * gives on Node: a Readable with `transformToString`, `transformToByteArray` and
 * `transformToWebStream` (`sdkStreamMixin`).
 *
 * `@aws-sdk/client-s3` (for its exception classes) and the stream mixin are loaded only when first
 * needed, so a sandbox run that never touches S3 does not pay for loading them.
 */

const loadPackage = createRequire(import.meta.url);

/** Statuses S3 answers these codes with, where the SDK's model gives none (its errors carry no HTTP trait). */
const s3Statuses: Readonly<Record<string, number>> = {
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NotFound: 404,
  PermanentRedirect: 301,
  PreconditionFailed: 412,
  NotImplemented: 501,
  InvalidArgument: 400,
  KeyTooLongError: 400,
  SlowDown: 503,
};

const exceptions = lazySdkExceptions(() => {
  const sdk = loadPackage('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const base = sdkExceptions(sdk, sdk.S3ServiceException);
  return {
    statusOf: (code) => s3Statuses[code] ?? base.statusOf(code),
    create(code, message, members, requestId) {
      const error = base.create(code, message, members, requestId) as Error & { $metadata: { httpStatusCode?: number }; $fault: string };
      const status = s3Statuses[code];
      if (status !== undefined) {
        error.$metadata.httpStatusCode = status;
        error.$fault = status >= 500 ? 'server' : 'client';
      }
      return error;
    },
  };
});

type StreamMixin = (stream: Readable) => GetObjectCommandOutput['Body'];
let mixin: StreamMixin | undefined;
function bodyStream(bytes: Buffer): NonNullable<GetObjectCommandOutput['Body']> {
  mixin ??= (loadPackage('@smithy/core/serde') as { sdkStreamMixin: StreamMixin }).sdkStreamMixin;
  return mixin(Readable.from([bytes])) as NonNullable<GetObjectCommandOutput['Body']>;
}

/** S3's limits: a key is 1 to 1024 bytes of UTF-8; a page of ListObjectsV2 at most 1000 keys. */
export const S3Limit = { keyBytes: 1024, listKeys: 1000 } as const;

/** How objects are keyed and sorted: by bucket, then key. */
export const objectKey = (object: Pick<S3ObjectState, 'bucket' | 'key'>): string => `${object.bucket}\u0000${object.key}`;

function bucketOrThrow(context: OperationContext, name: string | undefined, head = false): S3BucketState {
  // The SDK's serializer refuses it before sending ("Empty value provided for input HTTP label").
  if (!name) throw new SandboxUnsupportedOperation('Empty value provided for input HTTP label: Bucket.');
  const bucket = context.state.openSearch.buckets.get(name);
  if (!bucket) throw head ? awsError('NotFound', 'Not Found') : awsError('NoSuchBucket', 'The specified bucket does not exist', { BucketName: name });
  if (bucket.region !== context.region) {
    throw awsError('PermanentRedirect', `The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint. (${name} is in ${bucket.region}, the request went to ${context.region})`);
  }
  return bucket;
}

function checkedKey(key: string | undefined): string {
  if (!key) throw new SandboxUnsupportedOperation('Empty value provided for input HTTP label: Key.');
  if (Buffer.byteLength(key, 'utf8') > S3Limit.keyBytes) throw awsError('KeyTooLongError', 'Your key is too long');
  return key;
}

function bytesOf(body: PutObjectCommandInput['Body']): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new SandboxUnsupportedOperation('The sandbox does not simulate s3 PutObject with a stream or Blob Body; give a string or bytes');
}

function objectOrThrow(context: OperationContext, bucket: string, key: string, head = false): S3ObjectState {
  const object = context.state.openSearch.objects.get(objectKey({ bucket, key }));
  if (!object) throw head ? awsError('NotFound', 'Not Found') : awsError('NoSuchKey', 'The specified key does not exist.', { Key: key });
  return object;
}

export const s3Service: SandboxService = {
  key: 's3',
  clientName: 'S3Client',
  regions: 'global',
  exceptions,
  operations: {
    PutObject: operation<PutObjectCommandInput, PutObjectCommandOutput>(['Bucket', 'Key', 'Body', 'ContentType', 'IfNoneMatch'], (input, context) => {
      const bucket = bucketOrThrow(context, input.Bucket).name;
      const key = checkedKey(input.Key);
      if (input.IfNoneMatch !== undefined && input.IfNoneMatch !== '*') throw awsError('NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' });
      const objects = context.state.openSearch.objects;
      if (input.IfNoneMatch === '*' && objects.get(objectKey({ bucket, key }))) {
        throw awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
      }
      const bytes = bytesOf(input.Body);
      const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
      objects.put({ bucket, key, body: bytes.toString('base64'), contentType: input.ContentType ?? 'binary/octet-stream', etag, lastModified: context.now().toISOString() });
      return { ETag: etag, ServerSideEncryption: 'AES256' };
    }),
    GetObject: operation<GetObjectCommandInput, GetObjectCommandOutput>(['Bucket', 'Key'], (input, context) => {
      const object = objectOrThrow(context, bucketOrThrow(context, input.Bucket).name, checkedKey(input.Key));
      const bytes = Buffer.from(object.body, 'base64');
      // The stream is made after the account copies the answer (a stream is not data): see `respond`.
      return { ContentLength: bytes.length, ContentType: object.contentType, ETag: object.etag, LastModified: new Date(object.lastModified), AcceptRanges: 'bytes', ServerSideEncryption: 'AES256', Body: object.body as never };
    }),
    HeadObject: operation<HeadObjectCommandInput, HeadObjectCommandOutput>(['Bucket', 'Key'], (input, context) => {
      const object = objectOrThrow(context, bucketOrThrow(context, input.Bucket, true).name, checkedKey(input.Key), true);
      return { ContentLength: Buffer.byteLength(object.body, 'base64'), ContentType: object.contentType, ETag: object.etag, LastModified: new Date(object.lastModified), AcceptRanges: 'bytes', ServerSideEncryption: 'AES256' };
    }),
    DeleteObject: operation<DeleteObjectCommandInput, DeleteObjectCommandOutput>(['Bucket', 'Key'], (input, context) => {
      const bucket = bucketOrThrow(context, input.Bucket).name;
      context.state.openSearch.objects.delete(objectKey({ bucket, key: checkedKey(input.Key) }));
      return {};
    }),
    ListObjectsV2: operation<ListObjectsV2CommandInput, ListObjectsV2CommandOutput>(['Bucket', 'Prefix', 'MaxKeys', 'ContinuationToken', 'StartAfter'], (input, context) => {
      const bucket = bucketOrThrow(context, input.Bucket).name;
      const objects = context.state.openSearch.objects;
      const prefix = input.Prefix ?? '';
      const maxKeys = Math.max(0, Math.min(S3Limit.listKeys, input.MaxKeys ?? S3Limit.listKeys));
      const scope = objectKey({ bucket, key: prefix });
      // U+FFFF sorts after every character a key can hold.
      const to = objects.lowerBoundOfKey(`${scope}\uffff`);
      let from = objects.lowerBoundOfKey(scope);
      if (input.StartAfter !== undefined) {
        const after = objectKey({ bucket, key: input.StartAfter });
        const position = objects.lowerBoundOfKey(after);
        from = Math.max(from, objects.at(position) && objects.sortKey(objects.at(position) as S3ObjectState) === after ? position + 1 : position);
      }
      const { page, nextToken } = sortedPage(objects, { from, to }, { scope, maxResults: maxKeys, nextToken: input.ContinuationToken }, () =>
        awsError('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' }),
      );
      return {
        Name: bucket,
        Prefix: prefix,
        MaxKeys: maxKeys,
        KeyCount: page.length,
        IsTruncated: nextToken !== undefined,
        ...(page.length > 0
          ? { Contents: page.map((object) => ({ Key: object.key, LastModified: new Date(object.lastModified), ETag: object.etag, Size: Buffer.byteLength(object.body, 'base64'), StorageClass: 'STANDARD' as const })) }
          : {}),
        ...(input.ContinuationToken === undefined ? {} : { ContinuationToken: input.ContinuationToken }),
        ...(nextToken === undefined ? {} : { NextContinuationToken: nextToken }),
        ...(input.StartAfter === undefined ? {} : { StartAfter: input.StartAfter }),
      };
    }),
  },
  respond(operationName, output) {
    if (operationName !== 'GetObject') return output;
    const body = (output as { Body: string }).Body;
    return { ...output, Body: bodyStream(Buffer.from(body, 'base64')) };
  },
};
