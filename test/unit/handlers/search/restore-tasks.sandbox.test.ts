import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeDomainCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../engine/engine.ts';
import { targetRuntime } from '../../../../engine/lambda-invoker.ts';
import type { SandboxAccount } from '../../../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../../../engine/target.ts';
import { handler as checkSearchRestore } from '../../../../handlers/search/check-search-restore/handler.ts';
import { handler as deleteSearchIndices } from '../../../../handlers/search/delete-search-indices/handler.ts';
import { handler as preflightSearchRunbook } from '../../../../handlers/search/preflight-search-runbook/handler.ts';
import { handler as restoreSearchSnapshot } from '../../../../handlers/search/restore-search-snapshot/handler.ts';
import type { RunbookPlan } from '../../../../handlers/search/runbook.ts';
import { handler as verifySearchRestore } from '../../../../handlers/search/verify-search-restore/handler.ts';
import type { LambdaHandler } from '../../../../handlers/shared/lambda.ts';
import { withRuntime } from '../../../../handlers/shared/runtime.ts';
import { regionEngine } from '../../../workflows/harness.ts';
import { searchRest, searchWorld } from '../../../workflows/scenarios/search.ts';

/**
 * The restore tasks' handlers against the sandbox's eu-central-1 catalog domain (the standby), over
 * the real OpenSearch client and signer, on plans preflight-search-runbook makes from the snapshot
 * search-snapshot took of eu-west-1 into eu-central-1's bucket (customers 830, orders 5400, products
 * 1200 documents), which eu-central-1's search-snapshot registered read-only there. One world for the
 * file (building it runs search-snapshot in both Regions): the tests run in order, each starting
 * from what the one before left on the standby.
 */
const engines: Engine[] = [];
let world: World;
beforeAll(async () => {
  world = await snapshotted();
}, 120_000);
afterAll(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

interface World {
  readonly sandbox: SandboxAccount;
  /** Invokes a handler as eu-central-1's stack does, on the sandbox's clock. */
  readonly invoke: <O>(handler: LambdaHandler<O>, payload: unknown) => Promise<O>;
}

async function snapshotted(): Promise<World> {
  const { sandbox, engine, config } = await searchWorld();
  engines.push(engine);
  const run = await engine.runSchedule('search-snapshot');
  expect(run.status, run.cause).toBe('SUCCEEDED');
  const standby = await regionEngine(sandbox, 'eu-central-1', { config });
  engines.push(standby);
  expect((await standby.runSchedule('search-snapshot')).status).toBe('SUCCEEDED');
  const target = sandboxTarget(sandbox, { region: 'eu-central-1' });
  const invoke = async <O>(handler: LambdaHandler<O>, payload: unknown): Promise<O> => {
    await target.open?.();
    try {
      return await withRuntime(targetRuntime(target, config, sandbox.clock), () => handler(JSON.parse(JSON.stringify(payload)) as unknown, {} as Context));
    } finally {
      await target.close?.();
    }
  };
  return { sandbox, invoke };
}

/** preflight's plan, from what the workflow reads before it (read here with eu-central-1's SDK clients over the sandbox). */
async function planOf(runbook: 'failover' | 'drill', request: unknown): Promise<RunbookPlan> {
  const { sandbox, invoke } = world;
  const plugin = sandbox.plugin({ region: 'eu-central-1' });
  const route53 = new Route53Client({ region: 'eu-central-1' });
  route53.middlewareStack.use(plugin);
  const openSearch = new OpenSearchClient({ region: 'eu-central-1' });
  openSearch.middlewareStack.use(plugin);
  const record = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0OPSFLOWINTERNAL01', StartRecordName: 'search.corp.internal.', StartRecordType: 'CNAME', MaxItems: 1 }));
  const domain = await openSearch.send(new DescribeDomainCommand({ DomainName: 'catalog' }));
  return invoke(preflightSearchRunbook as LambdaHandler<RunbookPlan>, {
    runbook,
    request,
    executionArn: `arn:aws:states:eu-central-1:123456789012:execution:search-${runbook}:run-1`,
    record: { ResourceRecordSets: record.ResourceRecordSets },
    domain: { DomainStatus: domain.DomainStatus },
    running: [{ Executions: [] }],
  });
}

const central = (method: string, path: string) => searchRest(world.sandbox, 'eu-central-1', method, path);
/** The standby's user indices (system ones left out), sorted. */
const userIndices = (): string[] =>
  ((central('GET', '/_cat/indices').body as string).match(/^\S+\s+\S+\s+(\S+)/gm) ?? [])
    .map((row) => row.split(/\s+/)[2] ?? '')
    .filter((name) => !name.startsWith('.'))
    .sort();
const calls = (operation: string) => world.sandbox.calls.filter((call) => call.service === 'es' && call.operation === operation);
const restoreSeconds = 60;
const LONG = 60_000;

type Restored = { requested: string[]; alreadyRestored: string[] };
type Progress = { done: boolean; indices: { index: string; stage: string; percent: number; searchable: boolean }[] };
type Verified = { indices: { index: string; count: number; before: number; after: number | null }[]; health: string };
const restore = (plan: RunbookPlan) => world.invoke(restoreSearchSnapshot as LambdaHandler<Restored>, { plan });
const check = (plan: RunbookPlan) => world.invoke(checkSearchRestore as LambdaHandler<Progress>, { plan });
const verify = (plan: RunbookPlan) => world.invoke(verifySearchRestore as LambdaHandler<Verified>, { plan });
const remove = (plan: RunbookPlan, indices: readonly string[]) => world.invoke(deleteSearchIndices as LambdaHandler<{ deleted: string[]; absent: string[] }>, { endpoint: plan.endpoint, region: plan.region, indices });

describe('the restore tasks against the sandbox', () => {
  it('restoreSearchSnapshot refuses with IndicesConflict an index created since the preflight, restoring nothing', async () => {
    const plan = await planOf('failover', { reason: 'eu-west-1 is down' });
    world.sandbox.indexDocuments('eu-central-1', 'catalog', 'orders', 3);
    await expect(restore(plan)).rejects.toMatchObject({ name: 'IndicesConflict', message: expect.stringMatching(/: orders$/) });
    expect(userIndices()).toEqual(['orders']);
    expect(calls('snapshot.restore')).toEqual([]);
  }, LONG);

  it('deleteSearchIndices refuses a system index (InvalidInput, nothing deleted), deletes the index in the way once, then finds it absent', async () => {
    const plan = await planOf('failover', { reason: 'eu-west-1 is down', conflicts: 'delete' });
    expect(plan.conflicts).toEqual(['orders']);
    await expect(remove(plan, ['orders', '.kibana_1'])).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('indices.1') });
    expect(calls('indices.delete')).toEqual([]);
    expect(await remove(plan, plan.conflicts)).toEqual({ deleted: ['orders'], absent: [] });
    expect(await remove(plan, plan.conflicts)).toEqual({ deleted: [], absent: ['orders'] });
    expect(userIndices()).toEqual([]);
  }, LONG);

  it('a failover: restores the plan once, waits for the recovery on the clock, verifies the counts against the manifest', async () => {
    const plan = await planOf('failover', { reason: 'eu-west-1 is down' });
    expect(await restore(plan)).toEqual({ requested: ['customers', 'orders', 'products'], alreadyRestored: [] });
    expect(await restore(plan)).toEqual({ requested: [], alreadyRestored: ['customers', 'orders', 'products'] });
    expect(calls('snapshot.restore')).toHaveLength(1);

    const recovering = await check(plan);
    expect(recovering.done).toBe(false);
    expect(recovering.indices.map((entry) => entry.stage)).toEqual(['INDEX', 'INDEX', 'INDEX']);
    await expect(verify(plan)).rejects.toMatchObject({ name: 'SearchDomainServerError', message: expect.stringContaining('search_phase_execution_exception') });

    await world.sandbox.clock.advance(restoreSeconds);
    expect(await check(plan)).toEqual({ done: true, indices: ['customers', 'orders', 'products'].map((index) => ({ index, stage: 'DONE', percent: 100, searchable: true })) });
    expect(await verify(plan)).toEqual({
      indices: [
        { index: 'customers', count: 830, before: 830, after: 830 },
        { index: 'orders', count: 5400, before: 5400, after: 5400 },
        { index: 'products', count: 1200, before: 1200, after: 1200 },
      ],
      health: 'green',
    });
    expect(await restore(plan)).toEqual({ requested: [], alreadyRestored: ['customers', 'orders', 'products'] });
  }, LONG);

  it('a drill: restores under drill- beside the live indices, verifies, and deleteSearchIndices leaves only them', async () => {
    const plan = await planOf('drill', {});
    const drillIndices = plan.indices.map((entry) => entry.restoreAs);
    expect(drillIndices).toEqual(['drill-customers', 'drill-orders', 'drill-products']);
    expect(await restore(plan)).toEqual({ requested: drillIndices, alreadyRestored: [] });
    await world.sandbox.clock.advance(restoreSeconds);
    expect(await check(plan)).toMatchObject({ done: true });
    expect(await verify(plan)).toMatchObject({ indices: [{ index: 'drill-customers', count: 830 }, { index: 'drill-orders', count: 5400 }, { index: 'drill-products', count: 1200 }], health: 'green' });
    expect(await remove(plan, drillIndices)).toEqual({ deleted: drillIndices, absent: [] });
    expect(userIndices()).toEqual(['customers', 'orders', 'products']);
  }, LONG);

  it('a shortfall: RestoreVerificationFailed names the index, its count and the range', async () => {
    const plan = await planOf('drill', {});
    world.sandbox.setRestoreShortfall('eu-central-1', 'catalog', 'orders', 7);
    await restore(plan);
    await world.sandbox.clock.advance(restoreSeconds);
    await expect(verify(plan)).rejects.toMatchObject({ name: 'RestoreVerificationFailed', message: expect.stringMatching(/\(1 problem\): drill-orders has 5393 documents, outside \[5400, 5400\]$/) });
  }, LONG);
});
