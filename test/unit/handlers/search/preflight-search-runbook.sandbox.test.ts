import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeDomainCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../engine/engine.ts';
import { targetRuntime } from '../../../../engine/lambda-invoker.ts';
import type { SandboxAccount } from '../../../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../../../engine/target.ts';
import { handler } from '../../../../handlers/search/preflight-search-runbook/handler.ts';
import type { RunbookPlan } from '../../../../handlers/search/runbook.ts';
import type { OpsflowConfig } from '../../../../handlers/shared/config.ts';
import { withRuntime } from '../../../../handlers/shared/runtime.ts';
import { regionEngine } from '../../../workflows/harness.ts';
import { searchRest, searchWorld } from '../../../workflows/scenarios/search.ts';

/**
 * preflight-search-runbook's handler against the sandbox's two catalog domains, over the real
 * OpenSearch client and signer: eu-west-1 (active) has snapshotted into eu-central-1's bucket with
 * search-snapshot, eu-central-1 (standby) keeps that repository registered read-only. One world for
 * the file (building it runs search-snapshot in both Regions); the refusal, which adds an index, runs last.
 */
const engines: Engine[] = [];
let world: { sandbox: SandboxAccount; config: OpsflowConfig; snapshot: string };
/** Two engines and two search-snapshot runs: more than vitest's 10 s hook default on a busy machine. */
const SETUP_TIMEOUT_MS = 120_000;
beforeAll(async () => {
  world = await snapshotted();
}, SETUP_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
});

async function snapshotted(): Promise<{ sandbox: SandboxAccount; config: OpsflowConfig; snapshot: string }> {
  const { sandbox, engine, config } = await searchWorld();
  engines.push(engine);
  const run = await engine.runSchedule('search-snapshot');
  expect(run.status, run.cause).toBe('SUCCEEDED');
  const standby = await regionEngine(sandbox, 'eu-central-1', { config });
  engines.push(standby);
  expect((await standby.runSchedule('search-snapshot')).status).toBe('SUCCEEDED');
  return { sandbox, config, snapshot: (run.output as { plan: { snapshotName: string } }).plan.snapshotName };
}

/** What the workflow reads before preflight, read here with SDK clients of eu-central-1 over the sandbox. */
async function preflight(sandbox: SandboxAccount, config: OpsflowConfig, runbook: string, request: unknown): Promise<RunbookPlan> {
  const plugin = sandbox.plugin({ region: 'eu-central-1' });
  const route53 = new Route53Client({ region: 'eu-central-1' });
  route53.middlewareStack.use(plugin);
  const openSearch = new OpenSearchClient({ region: 'eu-central-1' });
  openSearch.middlewareStack.use(plugin);
  const record = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0OPSFLOWINTERNAL01', StartRecordName: 'search.corp.internal.', StartRecordType: 'CNAME', MaxItems: 1 }));
  const domain = await openSearch.send(new DescribeDomainCommand({ DomainName: 'catalog' }));
  const target = sandboxTarget(sandbox, { region: 'eu-central-1' });
  await target.open?.();
  try {
    const payload = JSON.parse(JSON.stringify({
      runbook, request, executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:search-failover:run-1',
      record: { ResourceRecordSets: record.ResourceRecordSets }, domain: { DomainStatus: domain.DomainStatus }, running: [{ Executions: [] }],
    })) as unknown;
    return (await withRuntime(targetRuntime(target, config, sandbox.clock), () => handler(payload, {} as Context))) as RunbookPlan;
  } finally {
    await target.close?.();
  }
}

describe('preflightSearchRunbook against the sandbox', () => {
  it("plans a failover into eu-central-1 from eu-west-1's newest snapshot, with the manifest's counts", async () => {
    const { sandbox, config, snapshot } = world;
    const before = sandbox.snapshot();
    const plan = await preflight(sandbox, config, 'failover', { reason: 'eu-west-1 is down' });
    expect(plan).toMatchObject({
      runbook: 'failover', region: 'eu-central-1', snapshot, sourceRegion: 'eu-west-1', sourceDomain: 'catalog', engineVersion: 'OpenSearch_2.13',
      repository: { name: 'opsflow-eu-central-1', bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog' },
      indices: [
        { index: 'customers', restoreAs: 'customers', before: 830, after: 830 },
        { index: 'orders', restoreAs: 'orders', before: 5400, after: 5400 },
        { index: 'products', restoreAs: 'products', before: 1200, after: 1200 },
      ],
      conflicts: [],
      dns: { zoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.', to: plan.endpoint },
    });
    expect(plan.dns?.from).toContain('eu-west-1');
    expect(sandbox.snapshot()).toEqual(before);
  });

  it('refuses conflicting open indices on the standby, naming them', async () => {
    const { sandbox, config } = world;
    sandbox.indexDocuments('eu-central-1', 'catalog', 'orders', 3);
    await expect(preflight(sandbox, config, 'failover', { reason: 'x' })).rejects.toMatchObject({ name: 'IndicesConflict', message: expect.stringContaining(': orders;') });
    expect(searchRest(sandbox, 'eu-central-1', 'GET', '/orders/_count').body).toMatchObject({ count: 3 });
  });
});
