import { errors } from '@opensearch-project/opensearch';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSandboxRequest } from '../../../../engine/sandbox/index.ts';
import { OpenSearchServer, sandboxOpenSearchCredentials } from '../../../../engine/sandbox/opensearch/server.ts';
import { sandboxFromStateFile, stateFileOf } from '../../../../engine/sandbox/state-file.ts';
import { openSearchClient } from '../../../../handlers/search/opensearch-client.ts';
import { errorType, primaryRepository, searchSandbox, searchSeed } from './opensearch-clients.ts';

type Seed = ReturnType<typeof searchSeed>;

const standbyRepository = { type: 's3', settings: { ...primaryRepository.settings, readonly: true } };

/**
 * The fixture's primary snapshots `products`, `orders` and `customers` (1200, 5400, 830 documents)
 * into the eu-central-1 bucket as `dr:snap-1`; the standby registers the same place read-only.
 * Returns once the snapshot has ended (SUCCESS unless the seed says otherwise).
 */
async function snapshotted(change: (seed: Seed) => void = () => undefined) {
  const seed = searchSeed();
  change(seed);
  const fixture = searchSandbox({}, seed);
  expect(fixture.primary('PUT', '/_snapshot/dr', primaryRepository).statusCode).toBe(200);
  expect(fixture.primary('PUT', '/_snapshot/dr/snap-1', { include_global_state: false }).statusCode).toBe(200);
  expect(fixture.standby('PUT', '/_snapshot/dr', standbyRepository).statusCode).toBe(200);
  await fixture.clock.advance(120);
  return fixture;
}

const names = (body: unknown): string[] => (body as { index: string }[]).map((row) => row.index);
const reason = (body: unknown): string | undefined => (body as { error?: { reason?: string } }).error?.reason;
const uuidOf = (body: unknown): string => (body as { snapshots: { uuid: string }[] }).snapshots[0]?.uuid ?? '';

describe('OpenSearch snapshot restore', () => {
  it('restores every index of the snapshot at once, recovering on the clock: red, INDEX, no count, then green, DONE and the captured count', async () => {
    const { standby, clock } = await snapshotted();
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { include_global_state: false })).toEqual({ statusCode: 200, body: { accepted: true } });
    expect(names(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body)).toEqual(['products', 'orders', 'customers']);
    expect(standby('GET', '/_cat/indices/orders', undefined, { format: 'json' }).body).toEqual([expect.objectContaining({ health: 'red', status: 'open', 'docs.count': null })]);
    expect(standby('GET', '/_cluster/health/orders,products').body).toMatchObject({ status: 'red', active_primary_shards: 0, initializing_shards: 2, unassigned_shards: 2 });
    expect(standby('GET', '/_cluster/health').body).toMatchObject({ status: 'red' });
    const unavailable = standby('GET', '/orders/_count');
    expect(unavailable).toEqual({
      statusCode: 503,
      body: { error: { root_cause: [], type: 'search_phase_execution_exception', reason: 'all shards failed', phase: 'query', grouped: true, failed_shards: [] }, status: 503 },
    });

    await clock.advance(24);
    expect(standby('GET', '/orders/_recovery').body).toEqual({
      orders: {
        shards: [
          expect.objectContaining({
            id: 0,
            type: 'SNAPSHOT',
            stage: 'INDEX',
            primary: true,
            source: expect.objectContaining({ repository: 'dr', snapshot: 'snap-1', version: '2.13.0', index: 'orders' }),
            index: expect.objectContaining({ size: expect.objectContaining({ percent: '40.0%' }) }),
          }),
        ],
      },
    });
    expect(Object.keys(standby('GET', '/_recovery', undefined, { active_only: 'true' }).body as object)).toEqual(['products', 'orders', 'customers']);

    await clock.advance(36);
    expect(standby('GET', '/orders/_recovery').body).toMatchObject({ orders: { shards: [{ stage: 'DONE', index: { size: { percent: '100.0%' } } }] } });
    expect(standby('GET', '/_recovery', undefined, { active_only: 'true' }).body).toEqual({});
    expect(standby('GET', '/_cluster/health/orders,products').body).toMatchObject({ status: 'green', active_primary_shards: 2, initializing_shards: 0, unassigned_shards: 0 });
    expect(standby('GET', '/orders/_count').body).toMatchObject({ count: 5400, _shards: { total: 1, successful: 1, failed: 0 } });
    expect(standby('GET', '/_count').body).toMatchObject({ count: 7430 });
  });

  it('counts what it can while some indices recover, with their shards failed', async () => {
    const { standby, account } = await snapshotted();
    account.indexDocuments('eu-central-1', 'catalog', 'live', 7);
    standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' });
    expect(standby('GET', '/_count').body).toEqual({ count: 7, _shards: { total: 2, successful: 1, skipped: 0, failed: 1 } });
  });

  it('takes indices as a list, a comma string, wildcards and exclusions, over the indices the snapshot holds', async () => {
    const cases: [unknown, string[]][] = [
      [['orders', 'customers'], ['orders', 'customers']],
      ['orders,products', ['products', 'orders']],
      ['*,-cust*', ['products', 'orders']],
      ['*s', ['products', 'orders', 'customers']],
      ['zzz*', []],
    ];
    for (const [indices, restored] of cases) {
      const { standby } = await snapshotted();
      expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices }).statusCode).toBe(200);
      expect(names(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body)).toEqual(restored);
    }
  });

  it('refuses an index the snapshot does not hold, unless ignore_unavailable, and a body member it does not know', async () => {
    const { standby } = await snapshotted();
    const missing = standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: ['orders', 'invoices'] });
    expect(missing).toMatchObject({ statusCode: 404, body: { error: { type: 'index_not_found_exception', reason: 'no such index [invoices]' } } });
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders', wait: true })).toMatchObject({ statusCode: 400, body: { error: { type: 'illegal_argument_exception', reason: 'Unknown parameter wait' } } });
    expect(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body).toEqual([]);
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: ['orders', 'invoices'], ignore_unavailable: true }).statusCode).toBe(200);
    expect(names(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body)).toEqual(['orders']);
  });

  it('renames with a Java regex replacement, and refuses two indices renamed into one', async () => {
    const { standby, clock } = await snapshotted();
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders,customers', rename_pattern: '(.+)', rename_replacement: 'drill-$1' }).statusCode).toBe(200);
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'products', rename_pattern: '^(?<name>.+)$', rename_replacement: 'cost\\$-${name}' }).statusCode).toBe(200);
    expect(names(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body)).toEqual(['drill-orders', 'drill-customers', 'cost$-products']);
    await clock.advance(60);
    expect(standby('GET', '/drill-orders/_count').body).toMatchObject({ count: 5400 });
    expect(standby('GET', '/drill-orders/_recovery').body).toMatchObject({ 'drill-orders': { shards: [{ source: { index: 'orders' } }] } });
    const merged = standby('POST', '/_snapshot/dr/snap-1/_restore', { rename_pattern: '.+', rename_replacement: 'all' });
    expect(merged).toMatchObject({ statusCode: 500, body: { error: { type: 'snapshot_restore_exception', reason: '[dr:snap-1] indices [orders] and [products] are renamed into the same index [all]' } } });
    const upper = standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders', rename_pattern: 'o', rename_replacement: 'O' });
    expect(upper).toMatchObject({ statusCode: 400, body: { error: { type: 'invalid_index_name_exception', reason: 'Invalid index name [Orders], must be lowercase' } } });
  });

  it('refuses the whole restore when an open index of a restored name exists, and changes nothing', async () => {
    const { standby, primary, account } = await snapshotted();
    account.indexDocuments('eu-central-1', 'catalog', 'orders', 3);
    const uuid = uuidOf(primary('GET', '/_snapshot/dr/snap-1').body);
    const refused = standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: ['products', 'orders'] });
    const message = `[dr:snap-1/${uuid}] cannot restore index [orders] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name`;
    expect(refused).toEqual({ statusCode: 500, body: { error: { root_cause: [{ type: 'snapshot_restore_exception', reason: message }], type: 'snapshot_restore_exception', reason: message }, status: 500 } });
    expect(account.calls.at(-1)).toMatchObject({ service: 'es', operation: 'snapshot.restore', error: 'snapshot_restore_exception' });
    expect(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body).toEqual([expect.objectContaining({ index: 'orders', 'docs.count': '3' })]);
  });

  it('replaces a closed index of the restored name', async () => {
    const { standby, clock, account } = await snapshotted();
    account.indexDocuments('eu-central-1', 'catalog', 'orders', 3);
    expect(standby('POST', '/orders/_close')).toEqual({ statusCode: 200, body: { acknowledged: true, shards_acknowledged: true, indices: { orders: { closed: true } } } });
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' }).statusCode).toBe(200);
    await clock.advance(60);
    expect(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body).toEqual([expect.objectContaining({ index: 'orders', status: 'open', 'docs.count': '5400' })]);
  });

  it('answers a missing repository 404, a missing or running snapshot and a FAILED one with snapshot_restore_exception', async () => {
    const { standby, primary, clock } = await snapshotted((seed) => {
      (seed.openSearch.domains[0] as Record<string, unknown>).snapshotOutcome = 'FAILED';
    });
    expect(errorType(standby('POST', '/_snapshot/nowhere/snap-1/_restore', {}))).toBe('repository_missing_exception');
    expect(reason(standby('POST', '/_snapshot/dr/nope/_restore', {}).body)).toBe('[dr:nope] snapshot does not exist');
    const uuid = uuidOf(primary('GET', '/_snapshot/dr/snap-1').body);
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', {})).toMatchObject({ statusCode: 500, body: { error: { type: 'snapshot_restore_exception', reason: `[dr:snap-1/${uuid}] unsupported snapshot state [FAILED]` } } });
    await clock.advance(3600);
    primary('PUT', '/_snapshot/dr/snap-2', {});
    expect(reason(standby('POST', '/_snapshot/dr/snap-2/_restore', {}).body)).toBe('[dr:snap-2] snapshot does not exist');
  });

  it('restores the failed index of a PARTIAL snapshot only with partial, empty', async () => {
    const { standby, primary, clock } = await snapshotted((seed) => {
      (seed.openSearch.domains[0] as Record<string, unknown>).snapshotOutcome = 'PARTIAL';
    });
    const uuid = uuidOf(primary('GET', '/_snapshot/dr/snap-1').body);
    expect(reason(standby('POST', '/_snapshot/dr/snap-1/_restore', {}).body)).toBe(`[dr:snap-1/${uuid}] index [products] wasn't fully snapshotted - cannot restore`);
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' }).statusCode).toBe(200);
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'products', partial: true }).statusCode).toBe(200);
    await clock.advance(60);
    expect(standby('GET', '/products/_count').body).toMatchObject({ count: 0 });
  });

  it("refuses a snapshot newer than the domain's engine, and GET answers the version of the engine that took it", async () => {
    const { standby, primary } = await snapshotted((seed) => {
      (seed.openSearch.domains[1] as Record<string, unknown>).engineVersion = 'OpenSearch_2.11';
    });
    expect(primary('GET', '/_snapshot/dr/snap-1').body).toMatchObject({ snapshots: [{ version: '2.13.0', state: 'SUCCESS', indices: ['products', 'orders', 'customers'], start_time_in_millis: Date.parse('2026-03-02T10:05:00.000Z') }] });
    const uuid = uuidOf(primary('GET', '/_snapshot/dr/snap-1').body);
    expect(reason(standby('POST', '/_snapshot/dr/snap-1/_restore', {}).body)).toBe(
      `[dr:snap-1/${uuid}] the snapshot was created with OpenSearch version [2.13.0] which is higher than the version of this node [2.11.0]`,
    );
  });

  it('restores fewer documents once after setRestoreShortfall, by snapshot or restored name', async () => {
    const { standby, clock, account } = await snapshotted();
    account.setRestoreShortfall('eu-central-1', 'catalog', 'orders', 40);
    account.setRestoreShortfall('eu-central-1', 'catalog', 'drill-customers', 1000);
    standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' });
    standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'customers', rename_pattern: '(.+)', rename_replacement: 'drill-$1' });
    await clock.advance(60);
    expect(standby('GET', '/orders/_count').body).toMatchObject({ count: 5360 });
    expect(standby('GET', '/drill-customers/_count').body).toMatchObject({ count: 0 });
    standby('DELETE', '/orders');
    standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' });
    await clock.advance(60);
    expect(standby('GET', '/orders/_count').body).toMatchObject({ count: 5400 });
    expect(() => account.setRestoreShortfall('eu-central-1', 'catalog', 'orders', -1)).toThrow(InvalidSandboxRequest);
    expect(() => account.setRestoreShortfall('us-east-1', 'catalog', 'orders', 1)).toThrow('setRestoreShortfall: no OpenSearch domain catalog in us-east-1');
  });

  it('restores system indices only when asked, and conflicts with the open ones the domain has, whatever include_global_state says', async () => {
    const system = (seed: Seed) => {
      (seed.openSearch.domains[0] as { indices: unknown[] }).indices.push({ name: '.kibana_1', docsCount: 12 }, { name: '.plugins-ml-config', docsCount: 1 });
      (seed.openSearch.domains[1] as { indices: unknown[] }).indices.push({ name: '.kibana_1', docsCount: 2 });
    };
    const { standby, primary } = await snapshotted(system);
    expect(primary('GET', '/_snapshot/dr/snap-1').body).toMatchObject({ snapshots: [{ indices: ['products', 'orders', 'customers', '.kibana_1', '.plugins-ml-config'] }] });
    expect(reason(standby('POST', '/_snapshot/dr/snap-1/_restore', { include_global_state: true }).body)).toMatch(/cannot restore index \[\.kibana_1\] because an open index with same name already exists/);
    expect(standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: '*,-.*', include_global_state: false }).statusCode).toBe(200);
    expect(names(standby('GET', '/_cat/indices', undefined, { format: 'json' }).body)).toEqual(['.kibana_1', 'products', 'orders', 'customers']);
  });

  it('keeps a recovering index through a state file', async () => {
    const { standby, account, clock } = await snapshotted();
    standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' });
    await clock.advance(30);
    const saved = sandboxFromStateFile(JSON.parse(JSON.stringify(stateFileOf(account))) as unknown, 'state s.json');
    expect(saved.snapshot()).toEqual(account.snapshot());
    const endpoint = account.openSearchEndpoints().find((entry) => entry.region === 'eu-central-1')?.endpoint ?? '';
    expect(saved.openSearchRequest({ endpoint, method: 'GET', path: '/orders/_recovery', query: {} }).body).toMatchObject({ orders: { shards: [{ stage: 'INDEX', index: { size: { percent: '50.0%' } } }] } });
  });
});

describe('state files saved before restores were simulated', () => {
  it('load with the default restoreSeconds', async () => {
    const { account } = await snapshotted();
    const file = JSON.parse(JSON.stringify(stateFileOf(account))) as { account: { openSearch: { domains: Record<string, unknown>[] } } };
    for (const domain of file.account.openSearch.domains) delete domain.restoreSeconds;
    const loaded = sandboxFromStateFile(file, 'state old.json');
    const endpoint = account.openSearchEndpoints().find((entry) => entry.region === 'eu-central-1')?.endpoint ?? '';
    const request = (method: string, path: string, body?: unknown) => loaded.openSearchRequest({ endpoint, method, path, query: {}, ...(body === undefined ? {} : { body }) });
    expect(request('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' }).statusCode).toBe(200);
    await loaded.clock.advance(59);
    expect(request('GET', '/orders/_count').statusCode).toBe(503);
    await loaded.clock.advance(1);
    expect(request('GET', '/orders/_count').body).toMatchObject({ count: 5400 });
  });
});

describe('OpenSearch index delete, close and open', () => {
  it('deletes indices by name, list and wildcard; a missing name is 404 unless ignore_unavailable', () => {
    const { primary } = searchSandbox();
    expect(primary('DELETE', '/orders,customers')).toEqual({ statusCode: 200, body: { acknowledged: true } });
    expect(names(primary('GET', '/_cat/indices', undefined, { format: 'json' }).body)).toEqual(['products']);
    const missing = primary('DELETE', '/orders');
    expect(missing).toMatchObject({ statusCode: 404, body: { error: { type: 'index_not_found_exception', reason: 'no such index [orders]' } } });
    expect(primary('DELETE', '/orders', undefined, { ignore_unavailable: 'true' }).statusCode).toBe(200);
    expect(primary('DELETE', '/prod*').statusCode).toBe(200);
    expect(primary('GET', '/_cat/indices', undefined, { format: 'json' }).body).toEqual([]);
    expect(primary('HEAD', '/products').statusCode).toBe(404);
  });

  it('closes an index: counted no more, listed as close, refused by name; opens it again', () => {
    const { primary } = searchSandbox();
    expect(primary('POST', '/orders/_close').statusCode).toBe(200);
    expect(primary('GET', '/_cat/indices/orders', undefined, { format: 'json' }).body).toEqual([expect.objectContaining({ status: 'close', 'docs.count': null })]);
    expect(primary('GET', '/orders/_count')).toMatchObject({ statusCode: 400, body: { error: { type: 'index_closed_exception', reason: 'closed', index: 'orders' } } });
    expect(primary('GET', '/_count').body).toMatchObject({ count: 2030 });
    expect(primary('GET', '/*/_count').body).toMatchObject({ count: 2030 });
    expect(primary('POST', '/missing/_close').statusCode).toBe(404);
    expect(primary('POST', '/orders/_open')).toEqual({ statusCode: 200, body: { acknowledged: true, shards_acknowledged: true } });
    expect(primary('GET', '/orders/_count').body).toMatchObject({ count: 5400 });
  });

  it('refuses to close an index a restore is recovering', async () => {
    const { standby } = await snapshotted();
    standby('POST', '/_snapshot/dr/snap-1/_restore', { indices: 'orders' });
    expect(standby('POST', '/orders/_close')).toMatchObject({ statusCode: 400, body: { error: { type: 'illegal_argument_exception', reason: expect.stringMatching(/^Cannot close indices that are being restored: \[\[orders\//) } } });
  });
});

describe('restores through the real client and signer', () => {
  const servers: OpenSearchServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('restores, reports recovery, counts, closes and deletes over HTTP', async () => {
    const { account, endpointOf, clock, primary } = await snapshotted();
    primary('PUT', '/_snapshot/dr/unused', {});
    const server = await OpenSearchServer.start(account);
    servers.push(server);
    const client = openSearchClient({ endpoint: endpointOf('eu-central-1'), region: 'eu-central-1' }, { openSearch: { nodeFor: (endpoint) => server.nodeFor(endpoint), credentials: async () => sandboxOpenSearchCredentials } });

    const restored = await client.snapshot.restore({ repository: 'dr', snapshot: 'snap-1', body: { indices: 'orders,products', include_global_state: false, rename_pattern: '(.+)', rename_replacement: 'restored-$1' } });
    expect(restored.body).toEqual({ accepted: true });
    const conflict = await client.snapshot.restore({ repository: 'dr', snapshot: 'snap-1', body: { indices: 'orders', rename_pattern: '(.+)', rename_replacement: 'restored-$1' } }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(errors.ResponseError);
    expect((conflict as errors.ResponseError).statusCode).toBe(500);
    expect((await client.cluster.health({ index: 'restored-orders' })).body).toMatchObject({ status: 'red' });
    const counting = await client.count({ index: 'restored-orders' }).catch((error: unknown) => error);
    expect((counting as errors.ResponseError).statusCode).toBe(503);

    await clock.advance(60);
    expect((await client.indices.recovery({ index: 'restored-orders' })).body).toMatchObject({ 'restored-orders': { shards: [{ type: 'SNAPSHOT', stage: 'DONE', source: { snapshot: 'snap-1', index: 'orders' } }] } });
    expect((await client.cluster.health({ index: 'restored-orders,restored-products' })).body).toMatchObject({ status: 'green' });
    expect((await client.count({ index: 'restored-orders' })).body).toMatchObject({ count: 5400 });
    expect((await client.indices.close({ index: 'restored-products' })).body).toMatchObject({ acknowledged: true });
    expect((await client.indices.delete({ index: ['restored-orders', 'restored-products'] })).body).toEqual({ acknowledged: true });
    const gone = await client.indices.delete({ index: 'restored-orders' }).catch((error: unknown) => error);
    expect((gone as errors.ResponseError).statusCode).toBe(404);
    expect((await client.indices.exists({ index: 'restored-orders' })).statusCode).toBe(404);
  });
});
