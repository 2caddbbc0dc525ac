import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, ExecutionRecord } from '../../engine/engine.ts';
import type { SandboxAccount } from '../../engine/sandbox/index.ts';
import { manifestStore, readSnapshotManifest } from '../../handlers/search/manifest.ts';
import { regionEngine } from './harness.ts';
import { repositoryOutcome, searchRest, searchWorld, withOldSnapshots } from './scenarios/search.ts';

/**
 * search-snapshot's real ASL through the engine against the sandbox's two catalog domains, over the
 * real OpenSearch client and signer (engine/sandbox/README.md, "OpenSearch Service").
 */
const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

async function active(options: Parameters<typeof searchWorld>[0] = {}) {
  const made = await searchWorld(options);
  engines.push(made.engine);
  return made;
}

const stateNames = (run: ExecutionRecord) => run.states.map((state) => state.name);

/** The repository eu-west-1's domain snapshots into: eu-central-1's bucket, base path catalog. */
const centralRepository = { bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog', region: 'eu-central-1' };
/** An S3 client of the bucket's Region over the sandbox, as the tasks make one. */
const centralStore = (sandbox: SandboxAccount) => manifestStore({ sdkPlugins: [sandbox.plugin({ region: 'eu-central-1' })] }, 'eu-central-1');
const manifestKeys = (sandbox: SandboxAccount) => sandbox.snapshot().openSearch.objects.map((object) => `${object.bucket}/${object.key}`);
type Output = { plan: { role: string; snapshotName: string }; taken?: { created: boolean; countsBefore: Record<string, number> }; rpo: { newest: string | null; ageSeconds: number | null } };

describe('search-snapshot through the engine against the sandbox', () => {
  it("active: registers the other Region's repository read-write, takes one snapshot with its counts in metadata, polls it to SUCCESS", async () => {
    const { sandbox, engine } = await active();
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    const output = run.output as Output;
    expect(output.plan.role).toBe('active');
    expect(output.taken?.countsBefore.orders).toBe(5400);
    expect(stateNames(run)).toContain('WaitForSnapshot');
    const repository = searchRest(sandbox, 'eu-west-1', 'GET', '/_snapshot/opsflow-eu-central-1').body as Record<string, { settings: Record<string, string> }>;
    const settings = repository['opsflow-eu-central-1']?.settings;
    expect(settings).toMatchObject({ bucket: 'opsflow-search-snapshots-eu-central-1', base_path: 'catalog', region: 'eu-central-1' });
    expect(settings?.readonly ?? 'false').toBe('false');
    const snapshots = (searchRest(sandbox, 'eu-west-1', 'GET', `/_snapshot/opsflow-eu-central-1/${output.plan.snapshotName}`).body as { snapshots: { state: string; metadata: unknown }[] }).snapshots;
    expect(snapshots[0]?.state).toBe('SUCCESS');
    expect(snapshots[0]?.metadata).toMatchObject({ taken_by: 'opsflow', doc_counts_before: { orders: 5400, products: 1200, customers: 830 } });
    expect(output.rpo.newest).toBe(output.plan.snapshotName);
  });

  it("writes the manifest beside the snapshot in the other Region's bucket: counts before, and after it ended", async () => {
    const { sandbox, engine } = await active();
    // Documents indexed while the snapshot runs (it is IN_PROGRESS for the domain's snapshotSeconds).
    sandbox.clock.after(1, () => sandbox.indexDocuments('eu-west-1', 'catalog', 'orders', 25));
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    const snapshot = (run.output as Output).plan.snapshotName;
    const manifest = await readSnapshotManifest(centralStore(sandbox), centralRepository, snapshot);
    expect(manifest).toMatchObject({ snapshot, repository: 'opsflow-eu-central-1', domain: 'catalog', region: 'eu-west-1' });
    expect(manifest.indices).toEqual({ customers: { before: 830, after: 830 }, orders: { before: 5400, after: 5425 }, products: { before: 1200, after: 1200 } });
    const started = (searchRest(sandbox, 'eu-west-1', 'GET', `/_snapshot/opsflow-eu-central-1/${snapshot}`).body as { snapshots: { start_time_in_millis: number }[] }).snapshots[0];
    expect(manifest.takenAt).toBe(new Date(started?.start_time_in_millis ?? 0).toISOString());
    expect(stateNames(run).indexOf('WriteSnapshotManifest')).toBeLessThan(stateNames(run).indexOf('PruneSnapshots'));
    // Its bucket is the other Region's: every S3 call went to a client of eu-central-1, none was refused.
    expect(sandbox.calls.filter((call) => call.service === 's3' && 'error' in call)).toEqual([]);
  });

  it('a replayed run keeps the manifest the first run wrote', async () => {
    const { sandbox, engine } = await active();
    sandbox.clock.after(1, () => sandbox.indexDocuments('eu-west-1', 'catalog', 'orders', 25));
    const first = await engine.runSchedule('search-snapshot');
    const snapshot = (first.output as Output).plan.snapshotName;
    const written = await readSnapshotManifest(centralStore(sandbox), centralRepository, snapshot);
    sandbox.indexDocuments('eu-west-1', 'catalog', 'orders', 100);
    const again = await engine.runSchedule('search-snapshot');
    expect(again.status, again.cause).toBe('SUCCEEDED');
    expect((again.output as { manifest: { written: boolean } }).manifest.written).toBe(false);
    expect(await readSnapshotManifest(centralStore(sandbox), centralRepository, snapshot)).toEqual(written);
  });

  it('retries S3 throttling (SlowDown) on the manifest, and writes it once', async () => {
    const { sandbox, engine } = await active();
    sandbox.injectFault({ service: 's3', operation: 'PutObject', error: 'SlowDown', nth: [1, 2] });
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(sandbox.calls.filter((call) => call.service === 's3' && call.operation === 'PutObject').map((call) => (call as { error?: string }).error ?? 'ok')).toEqual(['SlowDown', 'SlowDown', 'ok']);
    expect(manifestKeys(sandbox)).toEqual([`opsflow-search-snapshots-eu-central-1/catalog/opsflow-manifests/${(run.output as Output).plan.snapshotName}.json`]);
  });

  it('fails ManifestStoreRejected, pruning nothing, when S3 refuses the manifest for good', async () => {
    const { sandbox, engine } = await active({ changeSeed: withOldSnapshots, change: (search) => (search.retention = { maxCount: 72, maxAge: 14, minCount: 1 }) });
    sandbox.injectFault({ service: 's3', operation: 'PutObject', error: 'AccessDenied' });
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('ManifestStoreRejected');
    expect(run.cause).toContain('AccessDenied (403)');
    expect(sandbox.callCount('s3', 'PutObject')).toBe(1);
    expect(stateNames(run)).not.toContain('PruneSnapshots');
    expect(stateNames(run)).toContain('ReportSnapshotAge');
  });

  it('a second run in the same period takes no other snapshot and ends the same', async () => {
    const { sandbox, engine } = await active();
    expect((await engine.runSchedule('search-snapshot')).status).toBe('SUCCEEDED');
    const once = repositoryOutcome(sandbox);
    const again = await engine.runSchedule('search-snapshot');
    expect(again.status).toBe('SUCCEEDED');
    expect((again.output as Output).taken?.created).toBe(false);
    expect(repositoryOutcome(sandbox)).toEqual(once);
  });

  it("standby: registers its own Region's repository read-only, takes nothing, ends Standby", async () => {
    const { sandbox, engine, config } = await searchWorld();
    await engine.close();
    const central = await regionEngine(sandbox, 'eu-central-1', { config });
    engines.push(central);
    const run = await central.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(stateNames(run)).toContain('Standby');
    expect(stateNames(run)).not.toContain('TakeSnapshot');
    const repository = searchRest(sandbox, 'eu-central-1', 'GET', '/_snapshot/opsflow-eu-central-1').body as Record<string, { settings: Record<string, string> }>;
    expect(repository['opsflow-eu-central-1']?.settings.readonly).toBe('true');
    expect(sandbox.calls.filter((call) => call.service === 'es' && call.operation === 'snapshot.create')).toEqual([]);
  });

  it('PARTIAL is the named failure SnapshotPartial, after the age is reported, with no manifest', async () => {
    const { sandbox, engine } = await active({
      changeSeed: (seed) => {
        for (const domain of (seed.openSearch as { domains: Record<string, unknown>[] }).domains) if (domain.region === 'eu-west-1') domain.snapshotOutcome = 'PARTIAL';
      },
    });
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('SnapshotPartial');
    expect(stateNames(run)).toContain('ReportSnapshotAge');
    expect(sandbox.callCount('s3', 'PutObject')).toBe(0);
  });

  it('waits out a snapshot already running, then takes its own', async () => {
    const { sandbox, engine } = await active();
    const endpoint = sandbox.openSearchEndpoints().find((entry) => entry.region === 'eu-west-1')?.endpoint ?? '';
    sandbox.openSearchRequest({ endpoint, method: 'PUT', path: '/_snapshot/by-hand', query: {}, body: { type: 's3', settings: { bucket: 'opsflow-search-snapshots-eu-west-1', base_path: 'by-hand' } } });
    expect(sandbox.openSearchRequest({ endpoint, method: 'PUT', path: '/_snapshot/by-hand/someone-elses', query: {}, body: { indices: 'orders' } }).statusCode).toBe(200);
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(stateNames(run)).toContain('WaitForRunningSnapshot');
  });

  it('fails SnapshotsStillRunning when the running snapshot outlasts the wait', async () => {
    const { sandbox, engine } = await active({ change: (search) => (search.snapshotWait = { pollSeconds: 30, maxPolls: 120, runningWaitSeconds: 30 }) });
    const endpoint = sandbox.openSearchEndpoints().find((entry) => entry.region === 'eu-west-1')?.endpoint ?? '';
    sandbox.openSearchRequest({ endpoint, method: 'PUT', path: '/_snapshot/by-hand', query: {}, body: { type: 's3', settings: { bucket: 'opsflow-search-snapshots-eu-west-1', base_path: 'by-hand' } } });
    sandbox.openSearchRequest({ endpoint, method: 'PUT', path: '/_snapshot/by-hand/someone-elses', query: {}, body: { indices: 'orders' } });
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('SnapshotsStillRunning');
  });

  it("applies retention to opsflow's snapshots only, one deletion at a time", async () => {
    const { sandbox, engine } = await active({ changeSeed: withOldSnapshots, change: (search) => (search.retention = { maxCount: 72, maxAge: 14, minCount: 1 }) });
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    const names = (repositoryOutcome(sandbox) as string[]).map((entry) => entry.split(' ')[0]);
    expect(names).not.toContain('opsflow-20251201t0000z');
    expect(names).toContain('by-hand-1');
    expect(sandbox.calls.filter((call) => call.service === 'es' && call.operation === 'snapshot.delete')).toHaveLength(1);
  });

  it("retention deletes a pruned snapshot's manifest after the snapshot, and keeps the others'", async () => {
    const { sandbox, engine } = await active({ changeSeed: withOldSnapshots, change: (search) => (search.retention = { maxCount: 72, maxAge: 14, minCount: 1 }) });
    const folder = 'catalog/opsflow-manifests';
    const store = centralStore(sandbox);
    for (const name of ['opsflow-20251201t0000z', 'by-hand-1']) {
      await store.send(new PutObjectCommand({ Bucket: centralRepository.bucket, Key: `${folder}/${name}.json`, Body: '{}', ContentType: 'application/json' }));
    }
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    const snapshot = (run.output as Output).plan.snapshotName;
    expect(manifestKeys(sandbox).sort()).toEqual([`${centralRepository.bucket}/${folder}/by-hand-1.json`, `${centralRepository.bucket}/${folder}/${snapshot}.json`]);
    const order = sandbox.calls.map((call) => `${call.service} ${call.operation}`);
    expect(order.indexOf('es snapshot.delete')).toBeLessThan(order.indexOf('s3 DeleteObject'));
  });

  it('retries throttling and 5xx from the domain, and ends as without them', async () => {
    const { sandbox, engine } = await active();
    sandbox.injectFault({ service: 'es', operation: 'snapshot.status', error: 'TooManyRequests', nth: [1] });
    sandbox.injectFault({ service: 'es', operation: 'snapshot.get_repository', error: 'cluster_manager_not_discovered_exception', nth: [1] });
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    const failed = sandbox.calls.filter((call) => call.service === 'es' && 'error' in call).map((call) => `${call.operation} ${String((call as { error?: string }).error)}`);
    // Besides the 404s that answer "not there yet" (repository, snapshot), the two injected faults, each retried once.
    expect(failed).toEqual(expect.arrayContaining(['snapshot.get_repository cluster_manager_not_discovered_exception', 'snapshot.status TooManyRequests']));
    expect(failed).toHaveLength(4);
    expect(sandbox.calls.filter((call) => call.service === 'es' && call.operation === 'snapshot.status')).toHaveLength(2);
  });
});

describe("search-snapshot's retention at each bound (Snapshot Management's max count, max age, min count)", () => {
  const hour = 3_600_000;
  const now = Date.now();
  /** The name search-snapshot gives the snapshot of the hour `hoursAgo` before now. */
  const nameOf = (hoursAgo: number) => `opsflow-${new Date(now - hoursAgo * hour).toISOString().slice(0, 13).replace(/[-:]/g, '').toLowerCase()}00z`;
  /** opsflow snapshots in eu-central-1's bucket, `hoursAgo` each, as the seed holds them. */
  const seededSnapshots = (hoursAgo: readonly number[]) => (seed: Record<string, unknown>) => {
    (seed.openSearch as { snapshots: unknown[] }).snapshots = hoursAgo.map((ago) => ({
      bucket: 'opsflow-search-snapshots-eu-central-1',
      basePath: 'catalog',
      snapshot: nameOf(ago),
      takenBy: 'eu-west-1/catalog',
      startTime: new Date(now - ago * hour).toISOString(),
      state: 'SUCCESS',
      indices: ['orders'],
    }));
  };
  const opsflowSnapshots = (sandbox: SandboxAccount) => (repositoryOutcome(sandbox) as string[]).map((entry) => entry.split(' ')[0] ?? '').filter((name) => name.startsWith('opsflow-'));

  it.each([
    { bound: 'max count: the oldest beyond 3 go, one deletion each', hoursAgo: [4, 3, 2, 1], retention: { maxCount: 3, maxAge: 14, minCount: 1 }, deleted: [4, 3] },
    { bound: 'max age: those older than 14 days go', hoursAgo: [24 * 20, 24 * 15, 2], retention: { maxCount: 72, maxAge: 14, minCount: 1 }, deleted: [24 * 20, 24 * 15] },
    { bound: 'min count: max age deletes no further than 3 left', hoursAgo: [24 * 20, 24 * 16, 24 * 15], retention: { maxCount: 72, maxAge: 14, minCount: 3 }, deleted: [24 * 20] },
    { bound: 'min count: nothing goes while no more than it are kept', hoursAgo: [24 * 20], retention: { maxCount: 72, maxAge: 14, minCount: 2 }, deleted: [] },
  ])('$bound', async ({ hoursAgo, retention, deleted }) => {
    const { sandbox, engine } = await active({ changeSeed: seededSnapshots(hoursAgo), change: (search) => (search.retention = retention) });
    const run = await engine.runSchedule('search-snapshot');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    const kept = opsflowSnapshots(sandbox);
    expect(hoursAgo.map(nameOf).filter((name) => !kept.includes(name))).toEqual(deleted.map(nameOf));
    expect(opsflowSnapshots(sandbox)).toContain((run.output as Output).plan.snapshotName);
    expect(sandbox.calls.filter((call) => call.service === 'es' && call.operation === 'snapshot.delete' && !('error' in call))).toHaveLength(deleted.length);
  });
});
