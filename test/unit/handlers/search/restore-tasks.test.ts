import { describe, expect, it } from 'vitest';
import { checkSearchRestore } from '../../../../handlers/search/check-search-restore/task.ts';
import { deleteSearchIndices, deleteSearchIndicesInput } from '../../../../handlers/search/delete-search-indices/task.ts';
import { restoreSearchSnapshot, restoreSearchSnapshotInput } from '../../../../handlers/search/restore-search-snapshot/task.ts';
import { READ_ATTEMPTS } from '../../../../handlers/search/rest.ts';
import { recoveryProgress, renamedAs, restoredFrom } from '../../../../handlers/search/restores.ts';
import { verifySearchRestore } from '../../../../handlers/search/verify-search-restore/task.ts';
import { errorAnswer, FakeRestoreDomain, restorePlan } from './fake-restore-domain.ts';

const plan = restorePlan();
const drill = restorePlan({
  runbook: 'drill',
  conflictOption: 'rename',
  renamePattern: '^(.+)$',
  renameReplacement: 'drill-$1',
  indices: [
    { index: 'orders', restoreAs: 'drill-orders', before: 1200, after: 1230 },
    { index: 'customers', restoreAs: 'drill-customers', before: 40, after: null },
  ],
});
const snapshotKey = `${plan.repository.name}/${plan.snapshot}`;

/** The standby of a failover: the snapshot holds orders (1210 documents) and customers (41). */
function standby(): FakeRestoreDomain {
  const domain = new FakeRestoreDomain();
  domain.snapshots[snapshotKey] = { state: 'SUCCESS', indices: { orders: 1210, customers: 41, '.kibana_1': 3 } };
  return domain;
}

describe('restoreSearchSnapshot', () => {
  it('restores the planned indices without the global state, aliases included, and the indices exist at once, recovering', async () => {
    const domain = standby();
    expect(await restoreSearchSnapshot({ plan }, domain)).toEqual({ requested: ['orders', 'customers'], alreadyRestored: [] });
    const [restore, ...more] = domain.requests('POST', '/_restore');
    expect(more).toEqual([]);
    expect(restore?.path).toBe('/_snapshot/opsflow-eu-central-1/opsflow-20261130t1000z/_restore');
    expect(restore?.body).toEqual({ indices: ['orders', 'customers'], ignore_unavailable: false, include_global_state: false, include_aliases: true });
    expect(domain.indices.orders?.recovery).toMatchObject({ snapshot: plan.snapshot, stage: 'INDEX' });
  });

  it('restores nothing again when run again (a retried task, a replayed run), recovering or recovered', async () => {
    const domain = standby();
    await restoreSearchSnapshot({ plan }, domain);
    expect(await restoreSearchSnapshot({ plan }, domain)).toEqual({ requested: [], alreadyRestored: ['orders', 'customers'] });
    domain.recover();
    expect(await restoreSearchSnapshot({ plan }, domain)).toEqual({ requested: [], alreadyRestored: ['orders', 'customers'] });
    expect(domain.requests('POST', '/_restore')).toHaveLength(1);
  });

  it('restores only what is missing when part of the plan was restored before', async () => {
    const domain = standby();
    await restoreSearchSnapshot({ plan: restorePlan({ indices: [plan.indices[0]!] }) }, domain);
    expect(await restoreSearchSnapshot({ plan }, domain)).toEqual({ requested: ['customers'], alreadyRestored: ['orders'] });
    expect(domain.requests('POST', '/_restore').at(-1)?.body).toMatchObject({ indices: ['customers'] });
  });

  it('restores a drill under its prefix with the rename and without aliases, leaving the live indices alone', async () => {
    const domain = standby();
    domain.indices.orders = { docs: 5, status: 'open' };
    expect(await restoreSearchSnapshot({ plan: drill }, domain)).toEqual({ requested: ['drill-orders', 'drill-customers'], alreadyRestored: [] });
    expect(domain.requests('POST', '/_restore')[0]?.body).toEqual({
      indices: ['orders', 'customers'],
      ignore_unavailable: false,
      include_global_state: false,
      include_aliases: false,
      rename_pattern: '^(.+)$',
      rename_replacement: 'drill-$1',
    });
    expect(domain.indices.orders).toEqual({ docs: 5, status: 'open' });
    expect(domain.indices['drill-orders']?.docs).toBe(1210);
  });

  it('refuses with IndicesConflict naming every open index in the way that this snapshot did not restore, and requests nothing', async () => {
    const domain = standby();
    domain.indices.orders = { docs: 5, status: 'open' };
    domain.indices.customers = { docs: 1, status: 'open', recovery: { repository: plan.repository.name, snapshot: 'opsflow-older', index: 'customers', stage: 'DONE', percent: '100.0%' } };
    await expect(restoreSearchSnapshot({ plan }, domain)).rejects.toMatchObject({ name: 'IndicesConflict', message: expect.stringMatching(/: orders, customers$/) });
    expect(domain.requests('POST')).toEqual([]);
    expect(domain.indices.orders?.docs).toBe(5);
  });

  it("restores over a closed index of the name, as OpenSearch does", async () => {
    const domain = standby();
    domain.indices.orders = { docs: 5, status: 'close' };
    expect(await restoreSearchSnapshot({ plan }, domain)).toMatchObject({ requested: ['orders', 'customers'] });
  });

  it("maps OpenSearch's refusal of a conflict (an index opened since the check) to IndicesConflict, not a server error to retry", async () => {
    const domain = standby();
    domain.failNext.set(
      '/_restore',
      errorAnswer(500, 'snapshot_restore_exception', '[opsflow-eu-central-1:opsflow-20261130t1000z/uuid] cannot restore index [orders] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name'),
    );
    await expect(restoreSearchSnapshot({ plan }, domain)).rejects.toMatchObject({ name: 'IndicesConflict', message: expect.stringContaining('cannot restore index [orders]') });
  });

  it.each<[string, (domain: FakeRestoreDomain) => void, string]>([
    ['a missing snapshot', (domain) => delete domain.snapshots[snapshotKey], 'SnapshotMissing'],
    ['a snapshot RestoreService does not find', (domain) => domain.failNext.set('/_restore', errorAnswer(500, 'snapshot_restore_exception', '[opsflow-eu-central-1:gone] snapshot does not exist')), 'SnapshotMissing'],
    ['a FAILED snapshot', (domain) => void (domain.snapshots[snapshotKey]!.state = 'FAILED'), 'SnapshotNotRestorable'],
    ['an index the snapshot does not hold', (domain) => delete domain.snapshots[snapshotKey]!.indices.customers, 'SnapshotNotRestorable'],
    ['a 500 of the domain', (domain) => domain.failNext.set('/_restore', errorAnswer(500, 'null_pointer_exception', 'oops')), 'SearchDomainServerError'],
    ['throttling', (domain) => domain.failNext.set('/_restore', { statusCode: 429, body: { message: 'Too Many Requests' } }), 'SearchDomainThrottled'],
  ])('raises a named error for %s, and nothing is restored', async (_what, arrange, name) => {
    const domain = standby();
    arrange(domain);
    await expect(restoreSearchSnapshot({ plan }, domain)).rejects.toMatchObject({ name });
    expect(domain.indices).toEqual({});
  });

  it('refuses a plan whose rename does not give its restoreAs names, before sending anything', async () => {
    const domain = standby();
    const wrong = restorePlan({ ...drill, renameReplacement: 'dril-$1' });
    await expect(restoreSearchSnapshot({ plan: wrong }, domain)).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('orders would be restored as dril-orders') });
    expect(domain.calls).toEqual([]);
  });

  it.each([
    ['a system index', { indices: [{ index: '.kibana_1', restoreAs: '.kibana_1', before: 0, after: 0 }] }, 'plan.indices.0.index'],
    ['two indices restored as one name', { indices: [{ index: 'a', restoreAs: 'x', before: 0, after: 0 }, { index: 'b', restoreAs: 'x', before: 0, after: 0 }] }, 'plan.indices'],
    ['no index', { indices: [] }, 'plan.indices'],
    ['an unknown conflict option', { conflictOption: 'overwrite' }, 'plan.conflictOption'],
  ])('its input schema refuses %s', (_what, overrides, path) => {
    const parsed = restoreSearchSnapshotInput.safeParse({ plan: { ...plan, ...overrides } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join('.')).toBe(path);
  });
});

describe('checkSearchRestore', () => {
  it('reports each index recovering, then done once every index is DONE and answers counts', async () => {
    const domain = standby();
    await restoreSearchSnapshot({ plan }, domain);
    expect(await checkSearchRestore({ plan }, domain)).toEqual({
      done: false,
      indices: [
        { index: 'orders', stage: 'INDEX', percent: 40, searchable: false },
        { index: 'customers', stage: 'INDEX', percent: 40, searchable: false },
      ],
    });
    expect(domain.requests('GET', '/_count')).toEqual([]);
    domain.recover();
    expect(await checkSearchRestore({ plan }, domain)).toEqual({
      done: true,
      indices: [
        { index: 'orders', stage: 'DONE', percent: 100, searchable: true },
        { index: 'customers', stage: 'DONE', percent: 100, searchable: true },
      ],
    });
  });

  it('is not done while a DONE index still answers counts 503 (no shard started), without retrying that answer', async () => {
    const domain = standby();
    await restoreSearchSnapshot({ plan }, domain);
    domain.recover();
    domain.failNext.set('/orders/_count', errorAnswer(503, 'search_phase_execution_exception', 'all shards failed'));
    expect(await checkSearchRestore({ plan }, domain)).toMatchObject({ done: false, indices: [{ index: 'orders', stage: 'DONE', searchable: false }, { searchable: true }] });
    expect(domain.requests('GET', '/orders/_count')).toHaveLength(1);
  });

  it('raises the domain\'s other 503s by name', async () => {
    const domain = standby();
    await restoreSearchSnapshot({ plan }, domain);
    domain.recover();
    domain.failNext.set('/orders/_count', errorAnswer(503, 'cluster_block_exception', 'blocked'));
    await expect(checkSearchRestore({ plan }, domain)).rejects.toMatchObject({ name: 'SearchDomainServerError' });
  });

  it('stops waiting for an index deleted or closed since the restore, reporting it, so verification refuses it at once', async () => {
    const domain = standby();
    await restoreSearchSnapshot({ plan }, domain);
    domain.recover();
    delete domain.indices.customers;
    expect(await checkSearchRestore({ plan }, domain)).toMatchObject({ done: true, indices: [{ stage: 'DONE' }, { index: 'customers', stage: 'MISSING', searchable: false }] });
    domain.indices.orders!.status = 'close';
    expect(await checkSearchRestore({ plan }, domain)).toMatchObject({ done: true, indices: [{ index: 'orders', stage: 'CLOSED' }, { stage: 'MISSING' }] });
  });
});

describe('verifySearchRestore', () => {
  async function restored(target = plan): Promise<FakeRestoreDomain> {
    const domain = standby();
    await restoreSearchSnapshot({ plan: target }, domain);
    domain.recover();
    return domain;
  }

  it("passes every index within the manifest's range (after unknown: at least before) and reports the health", async () => {
    const domain = await restored();
    expect(await verifySearchRestore({ plan }, domain)).toEqual({
      indices: [
        { index: 'orders', count: 1210, before: 1200, after: 1230 },
        { index: 'customers', count: 41, before: 40, after: null },
      ],
      health: 'green',
    });
    expect(domain.requests('GET', '/_cluster/health/orders,customers')[0]?.query).toMatchObject({ level: 'indices' });
  });

  it('passes a drill on its renamed indices, and accepts yellow (replicas still allocating)', async () => {
    const domain = await restored(drill);
    domain.indices['drill-orders']!.replicasAssigned = false;
    expect(await verifySearchRestore({ plan: drill }, domain)).toMatchObject({ indices: [{ index: 'drill-orders', count: 1210 }, { index: 'drill-customers', count: 41 }], health: 'yellow' });
  });

  it('refuses with RestoreVerificationFailed naming each index outside its range, with its count and range', async () => {
    const domain = standby();
    domain.shortfall = { orders: 20, customers: 2 };
    await restoreSearchSnapshot({ plan }, domain);
    domain.recover();
    await expect(verifySearchRestore({ plan }, domain)).rejects.toMatchObject({
      name: 'RestoreVerificationFailed',
      message: expect.stringContaining('orders has 1190 documents, outside [1200, 1230]; customers has 39 documents, outside [40, ∞]'),
    });
  });

  it('refuses a count above the range, an index missing or closed, and red health', async () => {
    const domain = await restored();
    domain.indices.orders!.docs = 1231;
    await expect(verifySearchRestore({ plan }, domain)).rejects.toMatchObject({ message: expect.stringContaining('orders has 1231 documents, outside [1200, 1230]') });
    domain.indices.orders!.docs = 1210;
    delete domain.indices.customers;
    await expect(verifySearchRestore({ plan }, domain)).rejects.toMatchObject({ name: 'RestoreVerificationFailed', message: expect.stringContaining('customers is missing') });
    domain.indices.orders!.status = 'close';
    await expect(verifySearchRestore({ plan }, domain)).rejects.toMatchObject({ message: expect.stringMatching(/orders is closed; customers is missing/) });
    domain.indices.orders!.status = 'open';
    domain.failNext.set('/_cluster/health/orders', { statusCode: 200, body: { status: 'red', indices: { orders: { status: 'red' } } } });
    await expect(verifySearchRestore({ plan: restorePlan({ indices: [plan.indices[0]!] }) }, domain)).rejects.toMatchObject({ message: expect.stringContaining('health red: orders') });
  });

  it('refuses an index the plan has no count before for (a final snapshot planned before its manifest)', async () => {
    const domain = await restored();
    const unknown = restorePlan({ indices: [{ ...plan.indices[0]!, before: null, after: null }, plan.indices[1]!] });
    await expect(verifySearchRestore({ plan: unknown }, domain)).rejects.toMatchObject({
      name: 'RestoreVerificationFailed',
      message: expect.stringMatching(/\(1 problem\): orders has no count before in the plan to verify against$/),
    });
  });

  it('reads a 408 health answer (an index OpenSearch no longer knows) as red', async () => {
    const domain = await restored();
    domain.failNext.set('/_cluster/health/orders,customers', { statusCode: 408, body: { status: 'red', timed_out: true, indices: {} } });
    await expect(verifySearchRestore({ plan }, domain)).rejects.toMatchObject({ name: 'RestoreVerificationFailed', message: expect.stringContaining('health red: orders, customers') });
  });

  it('raises the transient SearchDomainServerError while an index still answers counts 503, and changes nothing', async () => {
    const domain = standby();
    await restoreSearchSnapshot({ plan }, domain);
    await expect(verifySearchRestore({ plan }, domain)).rejects.toMatchObject({ name: 'SearchDomainServerError', message: expect.stringContaining('search_phase_execution_exception') });
    expect(domain.requests('GET', '/orders/_count')).toHaveLength(READ_ATTEMPTS);
    expect(domain.calls.every((call) => call.method === 'GET' || call.path.endsWith('/_restore'))).toBe(true);
  });
});

describe('deleteSearchIndices', () => {
  const where = { endpoint: plan.endpoint, region: plan.region };

  it('deletes each index once, and an index already gone is done', async () => {
    const domain = standby();
    domain.indices = { 'drill-orders': { docs: 1, status: 'open' }, orders: { docs: 9, status: 'open' } };
    expect(await deleteSearchIndices({ ...where, indices: ['drill-orders', 'drill-customers', 'drill-orders'] }, domain)).toEqual({ deleted: ['drill-orders'], absent: ['drill-customers'] });
    expect(domain.requests('DELETE').map((call) => call.path)).toEqual(['/drill-orders', '/drill-customers']);
    expect(Object.keys(domain.indices)).toEqual(['orders']);
    expect(await deleteSearchIndices({ ...where, indices: ['drill-orders'] }, domain)).toEqual({ deleted: [], absent: ['drill-orders'] });
  });

  it('raises a 404 that is not index_not_found by name, and a throttled delete as transient', async () => {
    const domain = standby();
    domain.failNext.set('DELETE /orders', errorAnswer(404, 'resource_not_found_exception', 'no such thing'));
    await expect(deleteSearchIndices({ ...where, indices: ['orders'] }, domain)).rejects.toMatchObject({ name: 'SearchRequestRejected' });
    domain.failNext.set('DELETE /orders', { statusCode: 429, body: { message: 'Too Many Requests' } });
    await expect(deleteSearchIndices({ ...where, indices: ['orders'] }, domain)).rejects.toMatchObject({ name: 'SearchDomainThrottled' });
  });

  it.each(['.kibana_1', '.opendistro-job-scheduler-lock', '.plugins-ml-config', '*', '_all', 'orders,customers', 'drill-*', 'Orders', '-orders', ''])(
    'its input schema refuses %j: never a system index, a wildcard or a list',
    (name) => {
      const parsed = deleteSearchIndicesInput.safeParse({ ...where, indices: ['drill-orders', name] });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path.join('.')).toBe('indices.1');
    },
  );
});

describe('restore rules', () => {
  it('renames as OpenSearch does with the plan pattern, and not at all without one', () => {
    expect(renamedAs(drill, 'orders')).toBe('drill-orders');
    expect(renamedAs(plan, 'orders')).toBe('orders');
  });

  it("an index is this restore's own only when every primary recovers from this snapshot's copy of the same index", () => {
    const shard = { type: 'SNAPSHOT', primary: true, stage: 'INDEX', source: { repository: 'r', snapshot: 's', index: 'orders' } };
    expect(restoredFrom([shard, { type: 'PEER', primary: false }], 'r', 's', 'orders')).toBe(true);
    expect(restoredFrom([shard], 'r', 'other', 'orders')).toBe(false);
    expect(restoredFrom([shard], 'r', 's', 'customers')).toBe(false);
    expect(restoredFrom([shard, { type: 'EXISTING_STORE', primary: true }], 'r', 's', 'orders')).toBe(false);
    expect(restoredFrom([], 'r', 's', 'orders')).toBe(false);
  });

  it('reports the least advanced primary and the mean percent of the primaries', () => {
    expect(
      recoveryProgress([
        { primary: true, stage: 'DONE', index: { size: { percent: '100.0%' } } },
        { primary: true, stage: 'INDEX', index: { size: { percent: '20.0%' } } },
        { primary: false, stage: 'INIT', index: { size: { percent: '0.0%' } } },
      ]),
    ).toEqual({ stage: 'INDEX', percent: 60 });
    expect(recoveryProgress([])).toEqual({ stage: 'INIT', percent: 0 });
  });
});
