import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkRunningSnapshots } from '../../../../handlers/search/check-running-snapshots/task.ts';
import { pruneSnapshots } from '../../../../handlers/search/prune-snapshots/task.ts';
import { readSnapshot } from '../../../../handlers/search/read-snapshot/task.ts';
import { registerSnapshotRepository } from '../../../../handlers/search/register-snapshot-repository/task.ts';
import { reportSnapshotAge } from '../../../../handlers/search/report-snapshot-age/task.ts';
import { READ_ATTEMPTS, send } from '../../../../handlers/search/rest.ts';
import { takeSnapshot } from '../../../../handlers/search/take-snapshot/task.ts';
import { parseConfig } from '../../../../handlers/shared/config.ts';
import { FakeDomain, plan } from './fake-domain.ts';

const active = plan();
const standby = plan({ role: 'standby', repository: { ...active.repository, settings: { ...active.repository.settings, readonly: true } } });
const registered = (domain: FakeDomain) => {
  domain.repositories[active.repository.name] = { type: 's3', settings: Object.fromEntries(Object.entries(active.repository.settings).map(([k, v]) => [k, String(v)])) };
  return domain;
};
const errorBody = (status: number, type: string) => ({ statusCode: status, body: { error: { root_cause: [], type, reason: 'why' }, status } });

describe('REST errors are names', () => {
  it.each<[{ statusCode: number; body: unknown }, string]>([
    [{ statusCode: 429, body: { Message: 'Too Many Requests' } }, 'SearchDomainThrottled'],
    [errorBody(429, 'es_rejected_execution_exception'), 'SearchDomainThrottled'],
    [errorBody(500, 'null_pointer_exception'), 'SearchDomainServerError'],
    [{ statusCode: 502, body: 'Bad Gateway' }, 'SearchDomainServerError'],
    [errorBody(503, 'concurrent_snapshot_execution_exception'), 'ConcurrentSnapshotExecution'],
    [errorBody(500, 'repository_verification_exception'), 'RepositoryRejected'],
    [errorBody(404, 'repository_missing_exception'), 'RepositoryMissing'],
    [{ statusCode: 403, body: { Message: 'User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: iam:PassRole' } }, 'SearchAccessDenied'],
    [errorBody(400, 'illegal_argument_exception'), 'SearchRequestRejected'],
  ])('%j raises %s with the type and reason in one line', async (answer, name) => {
    const domain = new FakeDomain();
    domain.failures.push(...Array.from({ length: READ_ATTEMPTS }, () => answer));
    await expect(send(domain, 'GET', '/_snapshot/_status')).rejects.toMatchObject({ name, message: expect.stringMatching(/^GET \/_snapshot\/_status: \d{3}/) });
  });

  it('sends a read the domain throttled or failed again, a few times, and never a write', async () => {
    const domain = new FakeDomain();
    domain.failures.push({ statusCode: 429, body: { Message: 'Too Many Requests' } }, errorBody(503, 'cluster_manager_not_discovered_exception'));
    expect((await send(domain, 'GET', '/_snapshot/_status')).statusCode).toBe(200);
    expect(domain.calls.filter((call) => call.method === 'GET')).toHaveLength(3);
    domain.failures.push({ statusCode: 429, body: { Message: 'Too Many Requests' } });
    await expect(send(domain, 'DELETE', '/_snapshot/opsflow-eu-central-1/old')).rejects.toMatchObject({ name: 'SearchDomainThrottled' });
    expect(domain.calls.filter((call) => call.method === 'DELETE')).toHaveLength(1);
    domain.failures.push(...Array.from({ length: READ_ATTEMPTS + 1 }, () => ({ statusCode: 429, body: { Message: 'Too Many Requests' } })));
    await expect(send(domain, 'GET', '/_snapshot/_status')).rejects.toMatchObject({ name: 'SearchDomainThrottled' });
    expect(domain.calls.filter((call) => call.method === 'GET')).toHaveLength(3 + READ_ATTEMPTS);
  });

  it('raises SearchDomainUnreachable when the client gets no answer', async () => {
    const silent = { request: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { name: 'ConnectionError' })) };
    await expect(send(silent, 'GET', '/')).rejects.toMatchObject({ name: 'SearchDomainUnreachable' });
  });
});

describe('registerSnapshotRepository', () => {
  it('registers a missing repository with the planned S3 settings, then leaves it alone', async () => {
    const domain = new FakeDomain();
    expect(await registerSnapshotRepository({ plan: active }, domain)).toEqual({ repository: 'opsflow-eu-central-1', readonly: false, changed: true });
    expect(domain.calls.find((call) => call.method === 'PUT')?.body).toEqual({ type: 's3', settings: active.repository.settings });
    expect(await registerSnapshotRepository({ plan: active }, domain)).toMatchObject({ changed: false });
    expect(domain.calls.filter((call) => call.method === 'PUT')).toHaveLength(1);
  });

  it('re-registers read-only when the domain turned standby', async () => {
    const domain = registered(new FakeDomain());
    expect(await registerSnapshotRepository({ plan: standby }, domain)).toMatchObject({ readonly: true, changed: true });
    expect(domain.repositories['opsflow-eu-central-1']?.settings.readonly).toBe('true');
  });
});

describe('checkRunningSnapshots', () => {
  it("is busy with the service's automated snapshot, not with this run's own", async () => {
    const domain = new FakeDomain();
    expect(await checkRunningSnapshots({ plan: active }, domain)).toEqual({ busy: false, ours: false, running: [] });
    domain.running = [{ repository: 'cs-automated', snapshot: '2026-11-30t10-00.abc', state: 'STARTED' }];
    expect(await checkRunningSnapshots({ plan: active }, domain)).toMatchObject({ busy: true, ours: false });
    domain.running = [{ repository: active.repository.name, snapshot: active.snapshotName, state: 'STARTED' }];
    expect(await checkRunningSnapshots({ plan: active }, domain)).toMatchObject({ busy: false, ours: true });
  });
});

describe('takeSnapshot', () => {
  const execution = { name: 'run-1' };

  it('requests the snapshot with the counts before in metadata and reports them (the counts after come once it has ended)', async () => {
    const domain = registered(new FakeDomain());
    domain.indices = { orders: 100, customers: 7, '.kibana_1': 3 };
    domain.growth = 5;
    const result = await takeSnapshot({ plan: active, execution }, domain);
    expect(result).toEqual({
      repository: 'opsflow-eu-central-1',
      snapshot: 'opsflow-20261130t1000z',
      created: true,
      countsInMetadata: true,
      countsBefore: { customers: 7, orders: 100 },
    });
    expect(domain.calls.find((call) => call.method === 'PUT')?.body).toEqual({
      indices: '*,-.*',
      ignore_unavailable: true,
      include_global_state: false,
      partial: false,
      metadata: { taken_by: 'opsflow', execution: 'run-1', doc_counts_before: { customers: 7, orders: 100 } },
    });
  });

  it('takes no second snapshot when run again (a retried task or a replayed run)', async () => {
    const domain = registered(new FakeDomain());
    domain.indices = { orders: 100 };
    await takeSnapshot({ plan: active, execution }, domain);
    const again = await takeSnapshot({ plan: active, execution }, domain);
    expect(again).toMatchObject({ created: false, countsBefore: { orders: 100 } });
    expect(domain.calls.filter((call) => call.method === 'PUT')).toHaveLength(1);
    expect(domain.snapshots[active.repository.name]).toHaveLength(1);
  });

  it('treats "snapshot with the same name already exists" on the PUT as already done', async () => {
    const domain = registered(new FakeDomain());
    domain.indices = { orders: 1 };
    domain.failures.push({ statusCode: 404, body: { error: { type: 'snapshot_missing_exception', reason: 'missing' }, status: 404 } });
    domain.snapshots[active.repository.name] = [{ snapshot: active.snapshotName, state: 'IN_PROGRESS', start_time_in_millis: 0 }];
    await expect(takeSnapshot({ plan: active, execution }, domain)).resolves.toMatchObject({ created: true });
  });

  it('raises ConcurrentSnapshotExecution when another snapshot runs, and changes nothing', async () => {
    const domain = registered(new FakeDomain());
    domain.running = [{ repository: 'cs-automated', snapshot: 'auto', state: 'STARTED' }];
    await expect(takeSnapshot({ plan: active, execution }, domain)).rejects.toMatchObject({ name: 'ConcurrentSnapshotExecution' });
    expect(domain.snapshots[active.repository.name]).toEqual([]);
  });
});

describe('readSnapshot', () => {
  it('reports the state, shards, reason and start time of a partial snapshot', async () => {
    const domain = registered(new FakeDomain());
    domain.snapshots[active.repository.name] = [
      Object.assign({ snapshot: active.snapshotName, state: 'PARTIAL', start_time_in_millis: 0 }, { shards: { total: 2, failed: 1, successful: 1 }, failures: [{ reason: 'shard lost' }] }),
    ];
    expect(await readSnapshot({ plan: active }, domain)).toEqual({ state: 'PARTIAL', shards: { total: 2, failed: 1, successful: 1 }, reason: 'shard lost', startTime: '1970-01-01T00:00:00.000Z' });
  });

  it('raises SnapshotMissing when the snapshot is not there', async () => {
    await expect(readSnapshot({ plan: active }, registered(new FakeDomain()))).rejects.toMatchObject({ name: 'SnapshotMissing' });
  });
});

describe('pruneSnapshots', () => {
  const search = parseConfig(
    {
      region: 'eu-west-1',
      instanceDns: { groups: [] },
      searchDr: {
        regions: ['eu-west-1', 'eu-central-1'].map((region) => ({
          region,
          domain: { name: 'orders-search', endpoint: `search-orders-search-abc.${region}.es.amazonaws.com`, engineVersion: 'OpenSearch_2.13' },
          repository: { name: `opsflow-${region}`, bucket: `opsflow-search-snapshots-${region}`, basePath: 'orders-search' },
          snapshotRoleArn: 'arn:aws:iam::123456789012:role/opsflow-search-snapshots',
        })),
        record: { hostedZoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.' },
        retention: { maxCount: 2, maxAge: 14, minCount: 1 },
      },
    },
    'test',
  ).searchDr!;

  const s3 = mockClient(S3Client);
  const store = new S3Client({ region: active.repository.settings.region });
  const deletedManifests = () => s3.commandCalls(DeleteObjectCommand).map((call) => `${call.args[0].input.Bucket}/${call.args[0].input.Key}`);
  beforeEach(() => {
    s3.reset();
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });
  });

  it('deletes one due snapshot per call, oldest first, then its manifest, until none is due; foreign ones stay', async () => {
    const domain = registered(new FakeDomain());
    const hour = 3_600_000;
    domain.snapshots[active.repository.name] = [
      { snapshot: 'opsflow-1', state: 'SUCCESS', start_time_in_millis: domain.now - 4 * hour },
      { snapshot: 'opsflow-2', state: 'SUCCESS', start_time_in_millis: domain.now - 3 * hour },
      { snapshot: 'opsflow-3', state: 'SUCCESS', start_time_in_millis: domain.now - 2 * hour },
      { snapshot: 'opsflow-4', state: 'SUCCESS', start_time_in_millis: domain.now - hour },
      { snapshot: 'by-hand', state: 'SUCCESS', start_time_in_millis: domain.now - 100 * 24 * hour },
    ];
    const now = new Date(domain.now);
    expect(await pruneSnapshots({ plan: active }, search, domain, store, now)).toEqual({ deleted: 'opsflow-1', due: 1 });
    expect(await pruneSnapshots({ plan: active }, search, domain, store, now)).toEqual({ deleted: 'opsflow-2', due: 0 });
    expect(await pruneSnapshots({ plan: active }, search, domain, store, now)).toEqual({ deleted: null, due: 0 });
    expect(domain.snapshots[active.repository.name]?.map((s) => s.snapshot)).toEqual(['opsflow-3', 'opsflow-4', 'by-hand']);
    const { bucket, base_path: basePath } = active.repository.settings;
    expect(deletedManifests()).toEqual([`${bucket}/${basePath}/opsflow-manifests/opsflow-1.json`, `${bucket}/${basePath}/opsflow-manifests/opsflow-2.json`]);
  });

  it("when nothing is due, deletes the manifests of opsflow's snapshots the repository no longer lists, and no other", async () => {
    const domain = registered(new FakeDomain());
    domain.snapshots[active.repository.name] = [{ snapshot: 'opsflow-3', state: 'SUCCESS', start_time_in_millis: domain.now - 3_600_000 }];
    const { bucket, base_path: basePath } = active.repository.settings;
    const folder = `${basePath}/opsflow-manifests/`;
    s3.on(ListObjectsV2Command, { Bucket: bucket, Prefix: folder })
      .resolvesOnce({ IsTruncated: true, NextContinuationToken: 'page-2', Contents: [{ Key: `${folder}opsflow-1.json` }, { Key: `${folder}opsflow-3.json` }] })
      .resolvesOnce({ IsTruncated: false, Contents: [{ Key: `${folder}someone-else.json` }, { Key: `${folder}opsflow-2.json` }] });
    expect(await pruneSnapshots({ plan: active }, search, domain, store, new Date(domain.now))).toEqual({ deleted: null, due: 0 });
    expect(s3.commandCalls(ListObjectsV2Command)[1]?.args[0].input.ContinuationToken).toBe('page-2');
    expect(deletedManifests()).toEqual([`${bucket}/${folder}opsflow-1.json`, `${bucket}/${folder}opsflow-2.json`]);
  });

  it("raises ManifestStoreUnavailable when S3 throttles the manifest's deletion (the state retries), after the snapshot is gone", async () => {
    const domain = registered(new FakeDomain());
    domain.snapshots[active.repository.name] = ['opsflow-1', 'opsflow-2', 'opsflow-3', 'opsflow-4'].map((snapshot, i) => ({ snapshot, state: 'SUCCESS', start_time_in_millis: domain.now - (4 - i) * 3_600_000 }));
    s3.on(DeleteObjectCommand).rejects(Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }));
    await expect(pruneSnapshots({ plan: active }, search, domain, store, new Date(domain.now))).rejects.toMatchObject({ name: 'ManifestStoreUnavailable', message: expect.stringContaining('SlowDown (503)') });
    expect(domain.snapshots[active.repository.name]?.map((s) => s.snapshot)).not.toContain('opsflow-1');
  });

  it('stops, deleting nothing more, when a listed snapshot is already gone', async () => {
    const domain = registered(new FakeDomain());
    domain.snapshots[active.repository.name] = ['opsflow-1', 'opsflow-2', 'opsflow-3'].map((snapshot, i) => ({ snapshot, state: 'SUCCESS', start_time_in_millis: domain.now - (3 - i) * 3_600_000 }));
    domain.failures.push({ statusCode: 200, body: { snapshots: domain.snapshots[active.repository.name] } }, { statusCode: 404, body: { error: { type: 'snapshot_missing_exception', reason: 'gone' }, status: 404 } });
    expect(await pruneSnapshots({ plan: active }, search, domain, store, new Date(domain.now))).toEqual({ deleted: null, due: 0 });
  });
});

describe('reportSnapshotAge', () => {
  it('publishes the age in seconds of the newest successful snapshot, and nothing when there is none', async () => {
    const domain = registered(new FakeDomain());
    const published: [number, string][] = [];
    const publish = (age: number, domainName: string) => published.push([age, domainName]);
    const now = new Date(domain.now);
    expect(await reportSnapshotAge({ plan: active }, domain, publish, now)).toEqual({ newest: null, ageSeconds: null });
    domain.snapshots[active.repository.name] = [
      { snapshot: 'opsflow-old', state: 'SUCCESS', start_time_in_millis: domain.now - 5400_000 },
      { snapshot: 'opsflow-new', state: 'FAILED', start_time_in_millis: domain.now - 60_000 },
    ];
    expect(await reportSnapshotAge({ plan: active }, domain, publish, now)).toEqual({ newest: 'opsflow-old', ageSeconds: 5400 });
    expect(published).toEqual([[5400, 'orders-search']]);
  });
});
