import { describe, expect, it } from 'vitest';
import { InvalidSandboxRequest } from '../../../../engine/sandbox/index.ts';
import { errorType, primaryRepository, searchSandbox, searchSeed } from './opensearch-clients.ts';

const readOnly = { ...primaryRepository, settings: { ...primaryRepository.settings, readonly: true } };

describe('OpenSearch indices, counts and health', () => {
  it('lists indices as _cat/indices does, in JSON and as text', () => {
    const { primary } = searchSandbox();
    const json = primary('GET', '/_cat/indices', undefined, { format: 'json' });
    expect(json.statusCode).toBe(200);
    expect(json.body).toEqual([
      expect.objectContaining({ health: 'green', status: 'open', index: 'products', pri: '1', rep: '1', 'docs.count': '1200', 'docs.deleted': '0' }),
      expect.objectContaining({ index: 'orders', 'docs.count': '5400' }),
      expect.objectContaining({ index: 'customers', 'docs.count': '830' }),
    ]);
    expect(primary('GET', '/_cat/indices/ord*', undefined, { format: 'json' }).body).toEqual([expect.objectContaining({ index: 'orders' })]);
    expect(primary('GET', '/_cat/indices').body).toMatch(/^green open products +\S+ +1 +1 +1200 +0 /);
  });

  it('counts documents of one index, a list, a wildcard or all, and answers a missing index with index_not_found_exception', () => {
    const { primary } = searchSandbox();
    expect(primary('GET', '/orders/_count').body).toEqual({ count: 5400, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
    expect(primary('GET', '/orders,products/_count').body).toMatchObject({ count: 6600 });
    expect(primary('POST', '/_count').body).toMatchObject({ count: 7430 });
    expect(primary('GET', '/cust*/_count').body).toMatchObject({ count: 830 });
    const cause = { type: 'index_not_found_exception', reason: 'no such index [invoices]', index: 'invoices', 'resource.id': 'invoices', 'resource.type': 'index_or_alias', index_uuid: '_na_' };
    expect(primary('GET', '/invoices/_count')).toEqual({ statusCode: 404, body: { error: { root_cause: [cause], ...cause }, status: 404 } });
    expect(primary('GET', '/orders,invoices/_count', undefined, { ignore_unavailable: 'true' }).body).toMatchObject({ count: 5400 });
  });

  it('reports cluster health, and the counts a simulation helper indexed', () => {
    const { account, primary } = searchSandbox();
    expect(primary('GET', '/_cluster/health').body).toMatchObject({ cluster_name: '123456789012:catalog', status: 'green', active_primary_shards: 3, unassigned_shards: 0 });
    expect(account.indexDocuments('eu-west-1', 'catalog', 'orders', 25)).toBe(5425);
    expect(account.indexDocuments('eu-west-1', 'catalog', 'invoices', 3)).toBe(3);
    expect(primary('GET', '/orders,invoices/_count').body).toMatchObject({ count: 5428 });
    account.setDomainStatus('eu-west-1', 'catalog', { health: 'yellow' });
    expect(primary('GET', '/_cluster/health').body).toMatchObject({ status: 'yellow', unassigned_shards: 4 });
    expect(() => account.indexDocuments('eu-west-1', 'catalog', 'orders', -6000)).toThrow('indexDocuments: orders has 5425 documents, cannot remove 6000');
    expect(() => account.indexDocuments('us-east-1', 'catalog', 'orders', 1)).toThrow(InvalidSandboxRequest);
  });
});

describe('OpenSearch requests no handler takes', () => {
  it('answers an unknown path with 400 and a wrong method with 405, as OpenSearch does, never a silent 200', () => {
    const { account, primary } = searchSandbox();
    expect(primary('GET', '/_plugins/_sm/policies', undefined, { pretty: 'true' })).toEqual({
      statusCode: 400,
      body: { error: 'no handler found for uri [/_plugins/_sm/policies?pretty=true] and method [GET]' },
    });
    expect(primary('DELETE', '/_cluster/health')).toEqual({ statusCode: 405, body: { error: 'Incorrect HTTP method for uri [/_cluster/health] and method [DELETE], allowed: [GET]', status: 405 } });
    expect(account.calls.at(-1)).toMatchObject({ service: 'es', operation: 'DELETE /_cluster/health', error: 'no_handler' });
  });

  it('refuses an endpoint the account does not hold', () => {
    const { account } = searchSandbox();
    expect(() => account.openSearchRequest({ endpoint: 'search-other-abc.eu-west-1.es.amazonaws.com', method: 'GET', path: '/_cluster/health', query: {} })).toThrow(InvalidSandboxRequest);
  });
});

describe('OpenSearch snapshot repositories', () => {
  it('registers an s3 repository and lists it beside the service\'s cs-automated', () => {
    const { primary } = searchSandbox();
    expect(primary('PUT', '/_snapshot/dr', primaryRepository)).toEqual({ statusCode: 200, body: { acknowledged: true } });
    const expected = { type: 's3', settings: { bucket: 'opsflow-search-snapshots-eu-central-1', base_path: 'catalog', region: 'eu-central-1', role_arn: 'arn:aws:iam::123456789012:role/OpsflowSearchSnapshotRole' } };
    expect(primary('GET', '/_snapshot').body).toEqual({ 'cs-automated': { type: 's3' }, dr: expected });
    expect(primary('GET', '/_snapshot/dr').body).toEqual({ dr: expected });
    // Registering again replaces the settings (how the workflow flips a repository to read-only).
    primary('PUT', '/_snapshot/dr', readOnly);
    expect(primary('GET', '/_snapshot/dr').body).toEqual({ dr: { type: 's3', settings: { ...expected.settings, readonly: 'true' } } });
  });

  it('answers a missing repository with repository_missing_exception and 404', () => {
    const { primary } = searchSandbox();
    const cause = { type: 'repository_missing_exception', reason: '[dr] missing' };
    expect(primary('GET', '/_snapshot/dr')).toEqual({ statusCode: 404, body: { error: { root_cause: [cause], ...cause }, status: 404 } });
    expect(primary('GET', '/_snapshot/dr/_all').statusCode).toBe(404);
    expect(primary('PUT', '/_snapshot/dr/s1', {}).statusCode).toBe(404);
  });

  it('refuses a repository OpenSearch Service would not register', () => {
    const { primary } = searchSandbox();
    expect(primary('PUT', '/_snapshot/dr', { type: 'fs', settings: { location: '/tmp' } }).body).toMatchObject({ error: { type: 'repository_exception', reason: '[dr] repository type [fs] does not exist' }, status: 500 });
    expect(primary('PUT', '/_snapshot/dr', { type: 's3', settings: {} }).body).toMatchObject({ error: { reason: '[dr] No bucket defined for s3 repository' } });
    const unknownBucket = primary('PUT', '/_snapshot/dr', { type: 's3', settings: { bucket: 'nobody-has-this-bucket', base_path: 'x' } });
    expect(unknownBucket).toMatchObject({ statusCode: 500, body: { error: { type: 'repository_verification_exception', reason: '[dr] path [x] is not accessible on master node' } } });
    expect(errorType(primary('PUT', '/_snapshot/cs-mine', primaryRepository))).toBe('repository_exception');
    expect(primary('GET', '/_snapshot').body).toEqual({ 'cs-automated': { type: 's3' } });
  });
});

describe('OpenSearch snapshots', () => {
  it('are IN_PROGRESS for the seeded time on the clock, then SUCCESS, keeping their metadata', async () => {
    const { primary, clock } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    const metadata = { taken_by: 'opsflow', manifest: { orders: { before: 5400 } } };
    expect(primary('PUT', '/_snapshot/dr/hourly-1', { indices: 'orders,products', include_global_state: false, metadata })).toEqual({ statusCode: 200, body: { accepted: true } });
    const running = primary('GET', '/_snapshot/dr/hourly-1').body as { snapshots: Record<string, unknown>[] };
    expect(running.snapshots).toEqual([expect.objectContaining({ snapshot: 'hourly-1', state: 'IN_PROGRESS', indices: ['products', 'orders'], include_global_state: false, metadata, version: '2.13.0' })]);
    expect(running.snapshots[0]).not.toHaveProperty('end_time');
    expect(primary('GET', '/_snapshot/_status').body).toMatchObject({ snapshots: [{ snapshot: 'hourly-1', repository: 'dr', state: 'STARTED' }] });
    await clock.advance(119);
    expect(primary('GET', '/_snapshot/dr/hourly-1').body).toMatchObject({ snapshots: [{ state: 'IN_PROGRESS' }] });
    await clock.advance(1);
    expect(primary('GET', '/_snapshot/dr/hourly-1').body).toMatchObject({
      snapshots: [{ state: 'SUCCESS', metadata, end_time: '2026-03-02T10:07:00.000Z', duration_in_millis: 120_000, shards: { total: 2, failed: 0, successful: 2 }, failures: [] }],
    });
    expect(primary('GET', '/_snapshot/_status').body).toEqual({ snapshots: [] });
    expect(primary('GET', '/_snapshot/dr/hourly-1/_status').body).toMatchObject({ snapshots: [{ state: 'SUCCESS', shards_stats: { done: 2, total: 2 } }] });
  });

  it('take every index by default, and refuse a missing index unless ignore_unavailable', () => {
    const { primary } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    expect(primary('PUT', '/_snapshot/dr/s1', { indices: ['orders', 'invoices'] }).body).toMatchObject({ error: { type: 'index_not_found_exception' }, status: 404 });
    expect(primary('PUT', '/_snapshot/dr/s1', { indices: ['orders', 'invoices'], ignore_unavailable: true }).statusCode).toBe(200);
    expect(primary('GET', '/_snapshot/dr/s1').body).toMatchObject({ snapshots: [{ indices: ['orders'], include_global_state: true }] });
  });

  it('run one at a time per domain: a second is OpenSearch\'s concurrent_snapshot_execution_exception, 503', async () => {
    const { primary, clock } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    primary('PUT', '/_snapshot/dr/s1', {});
    const cause = { type: 'concurrent_snapshot_execution_exception', reason: '[dr:s2]  a snapshot is already running' };
    expect(primary('PUT', '/_snapshot/dr/s2', {})).toEqual({ statusCode: 503, body: { error: { root_cause: [cause], ...cause }, status: 503 } });
    await clock.advance(120);
    expect(primary('PUT', '/_snapshot/dr/s2', {}).statusCode).toBe(200);
  });

  it('refuse a name already taken, and names OpenSearch does not allow', async () => {
    const { primary, clock } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    primary('PUT', '/_snapshot/dr/s1', {});
    expect(primary('PUT', '/_snapshot/dr/s1', {}).body).toMatchObject({ error: { type: 'invalid_snapshot_name_exception', reason: '[dr:s1] Invalid snapshot name [s1], snapshot with the same name is already in-progress' }, status: 400 });
    await clock.advance(120);
    expect(primary('PUT', '/_snapshot/dr/s1', {}).body).toMatchObject({ error: { reason: '[dr:s1] Invalid snapshot name [s1], snapshot with the same name already exists' } });
    expect(primary('PUT', '/_snapshot/dr/Hourly', {}).body).toMatchObject({ error: { reason: '[dr:Hourly] Invalid snapshot name [Hourly], must be lowercase' } });
  });

  it('get one, a comma list, wildcards or _all, and answer a missing one with snapshot_missing_exception', async () => {
    const { primary, clock } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    for (const name of ['a-1', 'a-2', 'b-1']) {
      primary('PUT', `/_snapshot/dr/${name}`, {});
      await clock.advance(120);
    }
    const names = (path: string) => (primary('GET', path).body as { snapshots: { snapshot: string }[] }).snapshots.map((snapshot) => snapshot.snapshot);
    expect(names('/_snapshot/dr/_all')).toEqual(['a-1', 'a-2', 'b-1']);
    expect(names('/_snapshot/dr/b-1,a-1')).toEqual(['a-1', 'b-1']);
    expect(names('/_snapshot/dr/a-*')).toEqual(['a-1', 'a-2']);
    const cause = { type: 'snapshot_missing_exception', reason: '[dr:zz] is missing' };
    expect(primary('GET', '/_snapshot/dr/a-1,zz')).toEqual({ statusCode: 404, body: { error: { root_cause: [cause], ...cause }, status: 404 } });
    expect(primary('GET', '/_snapshot/dr/a-1,zz', undefined, { ignore_unavailable: 'true' }).body).toMatchObject({ snapshots: [{ snapshot: 'a-1' }] });
  });

  it('end PARTIAL or FAILED when the domain is seeded so', async () => {
    for (const outcome of ['PARTIAL', 'FAILED'] as const) {
      const seed = searchSeed();
      (seed.openSearch.domains[0] as Record<string, unknown>).snapshotOutcome = outcome;
      const { primary, clock } = searchSandbox({}, seed);
      primary('PUT', '/_snapshot/dr', primaryRepository);
      primary('PUT', '/_snapshot/dr/s1', { indices: 'orders,products' });
      await clock.advance(120);
      const { snapshots } = primary('GET', '/_snapshot/dr/s1').body as { snapshots: { state: string; shards: { failed: number }; failures: unknown[] }[] };
      expect(snapshots[0]?.state).toBe(outcome);
      expect(snapshots[0]?.shards.failed).toBe(outcome === 'PARTIAL' ? 1 : 2);
      expect(snapshots[0]?.failures.length).toBeGreaterThan(0);
    }
  });

  it('delete: a finished one, several, a missing one (404), and the running one, which aborts it', () => {
    const { primary } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    primary('PUT', '/_snapshot/dr/s1', {});
    expect(primary('DELETE', '/_snapshot/dr/s1')).toEqual({ statusCode: 200, body: { acknowledged: true } });
    expect(primary('GET', '/_snapshot/_status').body).toEqual({ snapshots: [] });
    expect(primary('PUT', '/_snapshot/dr/s2', {}).statusCode).toBe(200);
    expect(errorType(primary('DELETE', '/_snapshot/dr/s1'))).toBe('snapshot_missing_exception');
    expect(primary('GET', '/_snapshot/dr/_all').body).toMatchObject({ snapshots: [{ snapshot: 's2' }] });
  });
});

describe('OpenSearch repositories shared through a bucket', () => {
  it('show the snapshots one domain took to another that registered the same bucket and base path, read-only', async () => {
    const { primary, standby, clock, account } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    standby('PUT', '/_snapshot/dr', readOnly);
    primary('PUT', '/_snapshot/dr/s1', { metadata: { manifest: { orders: { before: 5400, after: 5400 } } } });
    await clock.advance(120);
    expect(standby('GET', '/_snapshot/dr/s1').body).toMatchObject({ snapshots: [{ snapshot: 's1', state: 'SUCCESS', metadata: { manifest: { orders: { before: 5400 } } } }] });
    const readonlyCause = { type: 'repository_exception', reason: '[dr] cannot create snapshot in a readonly repository' };
    expect(standby('PUT', '/_snapshot/dr/s2', {})).toEqual({ statusCode: 500, body: { error: { root_cause: [readonlyCause], ...readonlyCause }, status: 500 } });
    expect(standby('DELETE', '/_snapshot/dr/s1').body).toMatchObject({ error: { reason: '[dr] cannot delete snapshot from a readonly repository' }, status: 500 });
    expect(account.domainSnapshots('eu-central-1', 'catalog')).toEqual([expect.objectContaining({ repository: 'dr', snapshot: 's1', state: 'SUCCESS' })]);
  });

  it('let the other domain delete a running snapshot, which frees the domain that took it', () => {
    const { primary, standby } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    standby('PUT', '/_snapshot/dr', primaryRepository);
    primary('PUT', '/_snapshot/dr/s1', {});
    expect(standby('DELETE', '/_snapshot/dr/s1').statusCode).toBe(200);
    expect(primary('GET', '/_snapshot/_status').body).toEqual({ snapshots: [] });
    expect(primary('PUT', '/_snapshot/dr/s2', {}).statusCode).toBe(200);
  });
});

describe('OpenSearch Service automated snapshots', () => {
  it('are taken hourly on the clock in cs-automated, and a manual snapshot colliding with one is refused', async () => {
    const { primary, clock } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    await clock.advance(25 * 60); // 10:30, the fixture's minute
    const status = primary('GET', '/_snapshot/_status').body as { snapshots: { repository: string; snapshot: string; state: string }[] };
    expect(status.snapshots).toEqual([expect.objectContaining({ repository: 'cs-automated', state: 'STARTED' })]);
    expect(status.snapshots[0]?.snapshot).toMatch(/^2026-03-02t10-30-00\./);
    expect(errorType(primary('PUT', '/_snapshot/dr/s1', {}))).toBe('concurrent_snapshot_execution_exception');
    await clock.advance(120);
    expect(primary('PUT', '/_snapshot/dr/s1', {}).statusCode).toBe(200);
    await clock.advance(3 * 3600);
    const automated = (primary('GET', '/_snapshot/cs-automated/_all').body as { snapshots: { state: string }[] }).snapshots;
    expect(automated.map((snapshot) => snapshot.state)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(errorType(primary('PUT', '/_snapshot/cs-automated/mine', {}))).toBe('repository_exception');
  });

  it('are skipped while the domain\'s own snapshot runs', async () => {
    const seed = searchSeed();
    (seed.openSearch.domains[0] as Record<string, unknown>).snapshotSeconds = 600;
    const { primary, clock } = searchSandbox({}, seed);
    primary('PUT', '/_snapshot/dr', primaryRepository);
    await clock.advance(20 * 60); // 10:25: the manual snapshot runs to 10:35
    primary('PUT', '/_snapshot/dr/s1', {});
    await clock.advance(3600 + 5 * 60); // 11:30
    const automated = (primary('GET', '/_snapshot/cs-automated/_all').body as { snapshots: { snapshot: string }[] }).snapshots;
    expect(automated.map((snapshot) => snapshot.snapshot.slice(0, 19))).toEqual(['2026-03-02t11-30-00']);
  });

  it('are in cs-automated-enc on a domain encrypted at rest', () => {
    const seed = searchSeed();
    (seed.openSearch.domains[0] as Record<string, unknown>).encrypted = true;
    const { primary } = searchSandbox({}, seed);
    expect(primary('GET', '/_snapshot').body).toEqual({ 'cs-automated-enc': { type: 's3' } });
  });
});

describe('OpenSearch faults and atomicity', () => {
  it('fail a request named by its API name with the status and body OpenSearch gives', () => {
    const { account, primary } = searchSandbox({
      faults: [
        { service: 'es', operation: 'snapshot.create', error: 'rejected_execution_exception', times: 1 },
        { service: 'es', operation: 'cat.indices', error: 'TooManyRequests', nth: [1] },
      ],
    });
    primary('PUT', '/_snapshot/dr', primaryRepository);
    expect(primary('PUT', '/_snapshot/dr/s1', {})).toMatchObject({ statusCode: 429, body: { error: { type: 'rejected_execution_exception' }, status: 429 } });
    expect(primary('GET', '/_snapshot/dr/_all').body).toEqual({ snapshots: [] });
    expect(primary('PUT', '/_snapshot/dr/s1', {}).statusCode).toBe(200);
    expect(primary('GET', '/_cat/indices', undefined, { format: 'json' })).toEqual({ statusCode: 429, body: { message: 'Too Many Requests' } });
    expect(primary('GET', '/_cat/indices', undefined, { format: 'json' }).statusCode).toBe(200);
    account.injectFault({ service: 'es', operation: 'cluster.health', error: 'cluster_manager_not_discovered_exception' });
    expect(primary('GET', '/_cluster/health').statusCode).toBe(503);
    expect(account.callCount('es', 'snapshot.create')).toBe(2);
    expect(() => account.injectFault({ service: 'es', operation: 'CreateSnapshot', error: 'x' })).toThrow('fault.operation: es (the domains\' REST API) has no operation CreateSnapshot');
  });

  it('change nothing when a request fails', async () => {
    const { account, primary, clock } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    await clock.advance(3600);
    primary('GET', '/_snapshot/_status');
    const before = account.snapshot();
    expect(primary('PUT', '/_snapshot/dr/s1', { indices: 'invoices' }).statusCode).toBe(404);
    expect(primary('PUT', '/_snapshot/dr', { type: 's3', settings: { bucket: 'nobody-has-this-bucket' } }).statusCode).toBe(500);
    expect(account.snapshot()).toEqual(before);
  });
});

describe('OpenSearch domains per Region', () => {
  it('hold a domain name once per Region, each with its own endpoint, indices and repositories', () => {
    const { account, primary, standby } = searchSandbox();
    expect(account.openSearchEndpoints()).toEqual([
      { endpoint: expect.stringMatching(/^search-catalog-[a-z0-9]{26}\.eu-west-1\.es\.amazonaws\.com$/), region: 'eu-west-1', domainName: 'catalog' },
      { endpoint: expect.stringMatching(/^search-catalog-[a-z0-9]{26}\.eu-central-1\.es\.amazonaws\.com$/), region: 'eu-central-1', domainName: 'catalog' },
    ]);
    primary('PUT', '/_snapshot/dr', primaryRepository);
    expect(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body).toEqual([]);
    expect(errorType(standby('GET', '/_snapshot/dr'))).toBe('repository_missing_exception');
    expect(account.record('Z0OPSFLOWINTERNAL01', 'search.corp.internal.', 'CNAME')?.values).toEqual([account.openSearchEndpoints()[0]?.endpoint]);
  });
});
