import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../engine/engine.ts';
import type { SandboxAccount } from '../../engine/sandbox/index.ts';
import { manifestStore } from '../../handlers/search/manifest.ts';
import { approvalGate, drOutcome, drWorld, endpointOf, indicesOf, runRunbook, searchRecord, withStandbyOrders } from './scenarios/search-runbooks.ts';

/**
 * search-failover, search-failback and search-dr-drill: the real ASL through two engines (one per
 * Region's stack) over one sandbox holding both catalog domains, the record clients use and the two
 * snapshot buckets, with part 1's search-snapshot having run in both Regions.
 */
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function world(options: Parameters<typeof drWorld>[0] = {}) {
  const made = await drWorld(options);
  closers.push(made.close);
  return made;
}

const stateNames = (run: ExecutionRecord) => run.states.map((state) => state.name);
const WEST_INDICES = ['customers 830', 'orders 5400', 'products 1200'];
const reason = 'eu-west-1 catalog unavailable since 03:10 UTC';

/** Every event the sandbox's buses received, with its Region. */
function busEvents(sandbox: SandboxAccount) {
  const events: { region: string; source: string; detailType: string; detail: unknown; text: string }[] = [];
  sandbox.onEvent((event) => {
    const raw = event as unknown as { region: string; source: string; 'detail-type': string; detail: unknown };
    events.push({ region: raw.region, source: raw.source, detailType: raw['detail-type'], detail: raw.detail, text: JSON.stringify(event) });
  });
  return events;
}

/** The restore requests any domain received. */
const restoreCalls = (sandbox: SandboxAccount) => sandbox.calls.filter((call) => call.service === 'es' && call.operation === 'snapshot.restore');
const recordChanges = (sandbox: SandboxAccount) => sandbox.calls.filter((call) => call.service === 'route53' && call.operation === 'ChangeResourceRecordSets');

describe('search-failover', () => {
  it('dry run: ends with the plan, asks nobody and changes nothing', async () => {
    const { sandbox, central } = await world();
    const before = drOutcome(sandbox);
    const run = await central.run('search-failover', { reason, dryRun: true });
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(stateNames(run)).toContain('DryRun');
    expect(stateNames(run)).not.toContain('AwaitApproval');
    const plan = (run.output as { plan: { dns: unknown; indices: { index: string }[] } }).plan;
    expect(plan.dns).toMatchObject({ zoneId: 'Z0OPSFLOWINTERNAL01', to: endpointOf(sandbox, 'eu-central-1') });
    expect(plan.indices.map((entry) => entry.index).sort()).toEqual(['customers', 'orders', 'products']);
    expect(drOutcome(sandbox)).toEqual(before);
    expect(restoreCalls(sandbox)).toEqual([]);
  });

  it("approved: restores eu-west-1's snapshot into eu-central-1, verifies, switches the record with one guarded batch, waits for INSYNC, reports and publishes Runbook Completed there", async () => {
    const { sandbox, central } = await world();
    const events = busEvents(sandbox);
    const { executionArn, done } = central.start('search-failover', { reason });
    const gate = await approvalGate(central, executionArn, done);
    expect(gate, 'the run waits at AwaitApproval').toBeDefined();
    const request = gate?.request as { Payload: { plan: { region: string } } };
    expect(request.Payload.plan.region).toBe('eu-central-1');
    // Nothing is restored while it waits.
    expect(restoreCalls(sandbox)).toEqual([]);
    central.sendTaskSuccess(gate?.token ?? '', { approved: true, by: 'oncall@example.com', at: central.clock.now().toISOString() });
    const run = await done;

    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(searchRecord(sandbox)).toEqual([endpointOf(sandbox, 'eu-central-1')]);
    expect(indicesOf(sandbox, 'eu-central-1')).toEqual(WEST_INDICES);
    expect(recordChanges(sandbox)).toHaveLength(1);
    const names = stateNames(run);
    expect(names.indexOf('VerifySearchRestore')).toBeLessThan(names.indexOf('ApplyDnsChange'));
    expect(names.indexOf('GetChange')).toBeLessThan(names.indexOf('ReportSearchRunbook'));
    const report = (run.output as { report: { totalSeconds: number; rtoSeconds: number; rpoSeconds: number; steps: unknown[] } }).report;
    expect(report.rtoSeconds).toBeLessThanOrEqual(report.totalSeconds);
    expect(report.steps.length).toBeGreaterThan(0);

    const asked = events.filter((event) => event.detailType === 'Search Runbook Approval Requested');
    expect(asked.map((event) => `${event.region} ${event.source}`)).toEqual(['eu-central-1 opsflow.search']);
    expect(asked[0]?.text).not.toContain(gate?.token ?? 'no token');
    const completed = events.filter((event) => event.detailType === 'Runbook Completed');
    expect(completed.map((event) => `${event.region} ${event.source}`)).toEqual(['eu-central-1 opsflow.search']);
  });

  it('approval rejected: RunbookRejected with the reason, nothing restored, DNS as before', async () => {
    const { sandbox, central } = await world();
    const before = drOutcome(sandbox);
    const run = await runRunbook(central, 'search-failover', { reason }, { reject: 'not during the sale' });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('RunbookRejected');
    expect(run.cause).toContain('not during the sale');
    expect(drOutcome(sandbox)).toEqual(before);
    expect(restoreCalls(sandbox)).toEqual([]);
  });

  it('approval timed out: ApprovalTimedOut after searchDr.approval.timeoutMinutes, nothing restored, DNS as before', async () => {
    const { sandbox, central } = await world();
    const before = drOutcome(sandbox);
    const run = await runRunbook(central, 'search-failover', { reason }, 'no answer');
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('ApprovalTimedOut');
    expect(run.simulatedSeconds).toBeGreaterThanOrEqual(3600);
    expect(drOutcome(sandbox)).toEqual(before);
    expect(restoreCalls(sandbox)).toEqual([]);
  });

  it('an answer without approved: true is a rejection', async () => {
    const { sandbox, central } = await world();
    const { executionArn, done } = central.start('search-failover', { reason });
    const gate = await approvalGate(central, executionArn, done);
    central.sendTaskSuccess(gate?.token ?? '', { approved: 'yes' });
    const run = await done;
    expect(run.error).toBe('RunbookRejected');
    expect(restoreCalls(sandbox)).toEqual([]);
  });

  describe('preflight refuses, by name, with nothing changed', () => {
    const cases: { name: string; error: string; input?: Record<string, unknown>; region?: 'west'; options?: Parameters<typeof drWorld>[0]; before?: (sandbox: SandboxAccount, snapshot: string) => Promise<void> }[] = [
      { name: 'a misspelt field', error: 'RunbookRequestInvalid', input: { reason, dryrun: true } },
      { name: 'no reason', error: 'RunbookRequestInvalid', input: {} },
      { name: 'the record already points at this Region', error: 'AlreadyActive', region: 'west' },
      { name: 'the repository not registered here', error: 'RepositoryNotReadOnly', options: { standbyRegistered: false } },
      { name: 'a snapshot that does not exist', error: 'SnapshotMissing', input: { reason, snapshot: 'opsflow-20200101t0000z' } },
      {
        name: 'the domain processing a change',
        error: 'SearchDomainNotReady',
        options: { changeSeed: (seed) => ((seed.openSearch as { domains: { region: string; processing?: boolean }[] }).domains.find((domain) => domain.region === 'eu-central-1')!.processing = true) },
      },
      {
        name: 'a snapshot newer than the domain',
        error: 'EngineVersionIncompatible',
        options: { changeSeed: (seed) => ((seed.openSearch as { domains: { region: string; engineVersion?: string }[] }).domains.find((domain) => domain.region === 'eu-central-1')!.engineVersion = 'OpenSearch_2.11') },
      },
      {
        name: 'the manifest missing',
        error: 'ManifestMissing',
        before: async (sandbox, snapshot) => {
          const store = manifestStore({ sdkPlugins: [sandbox.plugin({ region: 'eu-central-1' })] }, 'eu-central-1');
          await store.send(new DeleteObjectCommand({ Bucket: 'opsflow-search-snapshots-eu-central-1', Key: `catalog/opsflow-manifests/${snapshot}.json` }));
        },
      },
      { name: 'open indices of the restored names (conflicts: refuse)', error: 'IndicesConflict', options: { changeSeed: withStandbyOrders } },
    ];

    it.each(cases)('$error: $name', async ({ error, input, region, options, before }) => {
      const made = await world(options);
      await before?.(made.sandbox, made.snapshotName);
      const outcome = drOutcome(made.sandbox);
      const run = await runRunbook(region === 'west' ? made.west : made.central, 'search-failover', input ?? { reason });
      expect(run.status).toBe('FAILED');
      expect(run.error, run.cause).toBe(error);
      expect(run.cause ?? '').not.toBe('');
      expect(stateNames(run)).not.toContain('AwaitApproval');
      expect(drOutcome(made.sandbox)).toEqual(outcome);
      expect(restoreCalls(made.sandbox)).toEqual([]);
    });
  });

  describe('open indices of the restored names', () => {
    it('conflicts: "delete" deletes them first, then restores over them', async () => {
      const { sandbox, central } = await world({ changeSeed: withStandbyOrders });
      const run = await runRunbook(central, 'search-failover', { reason, conflicts: 'delete' });
      expect(run.status, run.cause).toBe('SUCCEEDED');
      expect(stateNames(run)).toContain('DeleteSearchIndices');
      expect(indicesOf(sandbox, 'eu-central-1')).toEqual(WEST_INDICES);
      expect(searchRecord(sandbox)).toEqual([endpointOf(sandbox, 'eu-central-1')]);
    });

    it('conflicts: "rename" is refused: clients query the live names, so DNS would serve the old indices; nothing changed', async () => {
      const { sandbox, central } = await world({ changeSeed: withStandbyOrders });
      const before = indicesOf(sandbox, 'eu-central-1');
      const run = await runRunbook(central, 'search-failover', { reason, conflicts: 'rename' });
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('RunbookRequestInvalid');
      expect(indicesOf(sandbox, 'eu-central-1')).toEqual(before);
      expect(searchRecord(sandbox)).toEqual([endpointOf(sandbox, 'eu-west-1')]);
    });
  });

  it('a count outside the manifest range: RestoreVerificationFailed before DNS, the record unchanged', async () => {
    const { sandbox, central } = await world();
    const record = searchRecord(sandbox);
    sandbox.setRestoreShortfall('eu-central-1', 'catalog', 'orders', 40);
    const run = await runRunbook(central, 'search-failover', { reason });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('RestoreVerificationFailed');
    expect(run.cause).toContain('orders');
    expect(stateNames(run)).not.toContain('ApplyDnsChange');
    expect(searchRecord(sandbox)).toEqual(record);
    expect(recordChanges(sandbox)).toEqual([]);
  });

  it('one runbook at a time: a second one (of any of the three) is refused while the first waits for approval', async () => {
    const { sandbox, central } = await world();
    const first = central.start('search-failover', { reason });
    const gate = await approvalGate(central, first.executionArn, first.done);
    expect(gate).toBeDefined();
    for (const [workflow, input] of [
      ['search-failover', { reason }],
      ['search-failback', { reason }],
      ['search-dr-drill', {}],
    ] as const) {
      const second = await central.run(workflow, input);
      expect(second.status).toBe('FAILED');
      expect(second.error, `${workflow}: ${String(second.cause)}`).toBe('RunbookAlreadyRunning');
    }
    central.sendTaskFailure(gate?.token ?? '', 'RunbookRejected', 'test over');
    expect((await first.done).error).toBe('RunbookRejected');
    expect(restoreCalls(sandbox)).toEqual([]);
  });

  it('retries throttling and 5xx from the domain and Route 53, and ends as without them', async () => {
    const clean = await world();
    await runRunbook(clean.central, 'search-failover', { reason });
    const expected = drOutcome(clean.sandbox);

    const { sandbox, central } = await world();
    sandbox.injectFault({ service: 'es', operation: 'snapshot.restore', error: 'TooManyRequests', nth: [1] });
    sandbox.injectFault({ service: 'es', operation: 'indices.recovery', error: 'cluster_manager_not_discovered_exception', nth: [1] });
    sandbox.injectFault({ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'PriorRequestNotComplete', nth: [1] });
    sandbox.injectFault({ service: 'route53', operation: 'GetChange', error: 'Throttling', nth: [1] });
    const run = await runRunbook(central, 'search-failover', { reason });
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(drOutcome(sandbox)).toEqual(expected);
    const failed = sandbox.calls.filter((call) => 'error' in call).map((call) => `${call.service} ${call.operation}`);
    expect(failed).toEqual(expect.arrayContaining(['es snapshot.restore', 'es indices.recovery', 'route53 ChangeResourceRecordSets', 'route53 GetChange']));
    expect(run.states.find((state) => state.name === 'ApplyDnsChange')?.retries).toBe(1);
  });
});

describe('failover, then failback', () => {
  it('returns to the first state: the record on eu-west-1, its domain with every document (those written during the outage too), and snapshots flowing from eu-west-1 again', async () => {
    const { sandbox, west, central } = await world();
    const firstRecord = searchRecord(sandbox);

    expect((await runRunbook(central, 'search-failover', { reason })).status).toBe('SUCCEEDED');
    // During the outage eu-central-1 serves, and its snapshots go to eu-west-1's bucket.
    sandbox.indexDocuments('eu-central-1', 'catalog', 'orders', 25);
    const centralSnapshot = await central.runSchedule('search-snapshot');
    expect((centralSnapshot.output as { plan: { role: string } }).plan.role).toBe('active');
    expect(stateNames(await west.runSchedule('search-snapshot'))).toContain('Standby');

    const failback = await runRunbook(west, 'search-failback', { reason: 'eu-west-1 is back', conflicts: 'delete' });
    expect(failback.status, failback.cause).toBe('SUCCEEDED');
    expect(stateNames(failback)).toEqual(expect.arrayContaining(['TakeSnapshot', 'ReadSnapshot', 'WriteSnapshotManifest', 'DeleteSearchIndices']));
    expect(searchRecord(sandbox)).toEqual(firstRecord);
    expect(indicesOf(sandbox, 'eu-west-1')).toEqual(['customers 830', 'orders 5425', 'products 1200']);

    // search-snapshot follows the record: eu-west-1 snapshots into eu-central-1's bucket again, eu-central-1 stands by.
    expect((await west.runSchedule('search-snapshot')).output).toMatchObject({ plan: { role: 'active', repository: { name: 'opsflow-eu-central-1' } } });
    expect(stateNames(await central.runSchedule('search-snapshot'))).toContain('Standby');
  });
});

describe('search-dr-drill', () => {
  it('restores the newest snapshot under drill- in the standby, verifies it, reports RTO and RPO, and leaves nothing behind; DNS untouched', async () => {
    const { sandbox, central } = await world();
    const events = busEvents(sandbox);
    const before = drOutcome(sandbox);
    const run = await central.runSchedule('search-dr-drill');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(stateNames(run)).toEqual(expect.arrayContaining(['RestoreSearchSnapshot', 'VerifySearchRestore', 'KeepDrillIndices', 'DeleteDrillIndices']));
    expect(stateNames(run)).not.toContain('AwaitApproval');
    const restored = (run.output as { plan: { indices: { restoreAs: string }[] } }).plan.indices.map((entry) => entry.restoreAs).sort();
    expect(restored).toEqual(['drill-customers', 'drill-orders', 'drill-products']);
    expect(drOutcome(sandbox)).toEqual(before);
    expect(recordChanges(sandbox)).toEqual([]);
    const report = (run.output as { report: { rpoSeconds: number; rtoSeconds: number } }).report;
    expect(report.rpoSeconds).toBeGreaterThan(0);
    expect(events.filter((event) => event.detailType === 'Runbook Completed').map((event) => event.region)).toEqual(['eu-central-1']);
  });

  it('a failed verification still deletes the drill indices, then fails with RestoreVerificationFailed', async () => {
    const { sandbox, central } = await world();
    const before = drOutcome(sandbox);
    sandbox.setRestoreShortfall('eu-central-1', 'catalog', 'drill-orders', 40);
    const run = await central.run('search-dr-drill', {});
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('RestoreVerificationFailed');
    expect(stateNames(run)).toContain('DeleteDrillIndicesAfterFailure');
    expect(drOutcome(sandbox)).toEqual(before);
  });

  it('deletes the leftovers of an earlier drill that could not delete them, then drills as usual', async () => {
    const { sandbox, central } = await world();
    const before = drOutcome(sandbox);
    sandbox.injectFault({ service: 'es', operation: 'indices.delete', error: 'security_exception', fraction: 1 });
    const failed = await central.run('search-dr-drill', {});
    expect(failed.status).toBe('FAILED');
    expect(indicesOf(sandbox, 'eu-central-1')).toEqual(['drill-customers 830', 'drill-orders 5400', 'drill-products 1200']);
    sandbox.clearFaults();
    const run = await central.run('search-dr-drill', {});
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(stateNames(run)).toContain('DeleteDrillLeftovers');
    expect(drOutcome(sandbox)).toEqual(before);
  });

  it('does nothing in the active Region (its schedule runs in both): ends NotTheStandby, saying why, with nothing restored', async () => {
    const { sandbox, west } = await world();
    const before = drOutcome(sandbox);
    const run = await west.runSchedule('search-dr-drill');
    expect(run.status, run.cause).toBe('SUCCEEDED');
    expect(stateNames(run).at(-1)).toBe('NotTheStandby');
    expect((run.output as { skipped: { Error: string } }).skipped.Error).toBe('AlreadyActive');
    expect(restoreCalls(sandbox)).toEqual([]);
    expect(drOutcome(sandbox)).toEqual(before);
  });
});
