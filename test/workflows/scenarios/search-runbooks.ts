import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Engine, type ExecutionRecord, type PendingTask } from '../../../engine/engine.ts';
import { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../../engine/target.ts';
import type { OpsflowConfig } from '../../../handlers/shared/config.ts';
import { ZONE } from '../harness.ts';
import { executionsOf, type Scenario } from './scenario.ts';
import { fivePastTheHour, SEARCH_SEED, searchConfig } from './search.ts';

type Json = Record<string, unknown>;

export const SEARCH_RECORD = 'search.corp.internal.';

/** The record clients use: its CNAME value(s). */
export function searchRecord(sandbox: SandboxAccount): string[] | undefined {
  return sandbox.record(ZONE, SEARCH_RECORD, 'CNAME')?.values;
}

export function endpointOf(sandbox: SandboxAccount, region: string): string {
  return sandbox.openSearchEndpoints().find((entry) => entry.region === region)?.endpoint ?? '';
}

/** A domain's indices as `<name> <documents>`, sorted. */
export function indicesOf(sandbox: SandboxAccount, region: string): string[] {
  const domain = sandbox.snapshot().openSearch.domains.find((entry) => entry.region === region && entry.domainName === 'catalog') as { indices?: { name: string; docsCount: number }[] } | undefined;
  return (domain?.indices ?? []).map((index) => `${index.name} ${index.docsCount}`).sort();
}

/** What a runbook changes: the record clients use and both domains' indices. */
export function drOutcome(sandbox: SandboxAccount): unknown {
  return { record: searchRecord(sandbox), west: indicesOf(sandbox, 'eu-west-1'), central: indicesOf(sandbox, 'eu-central-1') };
}

/** The search workflows, the only ones a runbook test runs: each engine builds just these. */
const SEARCH_WORKFLOWS = ['search-snapshot', 'search-failover', 'search-failback', 'search-dr-drill'];
/** Definitions already validated once in this test process (EngineOptions.validatedDefinitions): building them again skips it. */
const validated = new Set<string>();

/** An engine for `region`'s stack over the sandbox, building the search workflows only. */
export function searchEngine(sandbox: SandboxAccount, region: string, config: OpsflowConfig, randomSeed?: number): Promise<Engine> {
  return Engine.create({ config, target: sandboxTarget(sandbox, { region }), build: SEARCH_WORKFLOWS, validatedDefinitions: validated, ...(randomSeed === undefined ? {} : { randomSeed }) });
}

/**
 * Both Regions' stacks over one sandbox (the search fixture), as part 1 leaves them: eu-west-1
 * active with one snapshot (and its manifest) in eu-central-1's bucket, eu-central-1 standby with
 * that repository registered read-only (unless `standbyRegistered` is false). `west` and `central`
 * are the two Regions' engines.
 */
export async function drWorld(options: { changeSeed?: (seed: Json) => void; change?: (search: Json) => void; randomSeed?: number; standbyRegistered?: boolean } = {}) {
  const seed = JSON.parse(readFileSync(SEARCH_SEED, 'utf8')) as Json;
  options.changeSeed?.(seed);
  const sandbox = SandboxAccount.fromSeed(seed, { clock: fivePastTheHour(), ...(options.randomSeed === undefined ? {} : { randomSeed: options.randomSeed }) });
  const config = searchConfig(sandbox, options.change);
  const west = await searchEngine(sandbox, 'eu-west-1', config, options.randomSeed);
  const central = await searchEngine(sandbox, 'eu-central-1', config, options.randomSeed);
  const snapshot = await west.runSchedule('search-snapshot');
  expect(snapshot.status, `eu-west-1's search-snapshot: ${String(snapshot.cause)}`).toBe('SUCCEEDED');
  if (options.standbyRegistered !== false) {
    const standby = await central.runSchedule('search-snapshot');
    expect(standby.status, `eu-central-1's search-snapshot: ${String(standby.cause)}`).toBe('SUCCEEDED');
  }
  const snapshotName = (snapshot.output as { plan: { snapshotName: string } }).plan.snapshotName;
  return { sandbox, west, central, config, snapshotName, close: () => Promise.all([west.close(), central.close()]) };
}

/**
 * The approval gate of a running runbook, once it waits there; undefined when the execution ended
 * first (a refusal, or a failure past the retries). Polls: the execution runs in the background.
 */
export async function approvalGate(engine: Engine, executionArn: string, done: Promise<ExecutionRecord>): Promise<PendingTask | undefined> {
  let ended = false;
  void done.then(() => (ended = true));
  for (let attempt = 0; attempt < 4000 && !ended; attempt += 1) {
    const gate = engine.pendingTaskTokens().find((task) => task.executionArn === executionArn && task.stateName === 'AwaitApproval');
    if (gate) return gate;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return undefined;
}

export type ApprovalAnswer = { approve: string } | { reject: string } | 'no answer';

/** Starts a runbook, answers its approval as told (when it gets there) and returns its record. */
export async function runRunbook(engine: Engine, workflow: string, input: Json, answer: ApprovalAnswer = { approve: 'oncall@example.com' }): Promise<ExecutionRecord> {
  const { executionArn, done } = engine.start(workflow, input);
  const gate = await approvalGate(engine, executionArn, done);
  if (gate) {
    if (answer === 'no answer') engine.willNotAnswer(gate.token);
    else if ('approve' in answer) engine.sendTaskSuccess(gate.token, { approved: true, by: answer.approve, at: engine.clock.now().toISOString() });
    else engine.sendTaskFailure(gate.token, 'RunbookRejected', answer.reject);
  }
  return done;
}

/** The conflicting `orders` index eu-central-1 holds in the scenarios that delete it. */
export function withStandbyOrders(seed: Json): void {
  const domains = (seed.openSearch as { domains: { region: string; indices: Json[] }[] }).domains;
  for (const domain of domains) if (domain.region === 'eu-central-1') domain.indices = [{ name: 'orders', docsCount: 7 }];
}

/** An index an earlier drill left in eu-central-1 (its cleanup failed). */
export function withDrillLeftover(seed: Json): void {
  const domains = (seed.openSearch as { domains: { region: string; indices: Json[] }[] }).domains;
  for (const domain of domains) if (domain.region === 'eu-central-1') domain.indices = [{ name: 'drill-orders', docsCount: 3 }];
}

const failoverRequest = { reason: 'eu-west-1 catalog unavailable (fault matrix)', conflicts: 'delete' };

export const searchRunbookScenarios: readonly Scenario[] = [
  {
    name: 'search-failover: approved, deletes the conflicting index, restores, verifies and switches the record to eu-central-1',
    async setup(randomSeed = 1) {
      const { sandbox, central, west } = await drWorld({ randomSeed, changeSeed: withStandbyOrders });
      await west.close();
      return { engine: central, sandbox, act: () => executionsOf(central, () => runRunbook(central, 'search-failover', failoverRequest)) };
    },
    outcome: drOutcome,
  },
  {
    name: 'search-failback: after a failover, a final snapshot of eu-central-1, then back to eu-west-1',
    async setup(randomSeed = 1) {
      const { sandbox, central, west } = await drWorld({ randomSeed });
      const failover = await runRunbook(central, 'search-failover', { reason: 'outage' });
      expect(failover.status, `the failover before the failback: ${String(failover.cause)}`).toBe('SUCCEEDED');
      sandbox.indexDocuments('eu-central-1', 'catalog', 'orders', 25);
      for (const [engine, role] of [
        [central, 'active'],
        [west, 'standby'],
      ] as const) {
        const run = await engine.runSchedule('search-snapshot');
        expect(run.status, `the ${role} search-snapshot before the failback: ${String(run.cause)}`).toBe('SUCCEEDED');
      }
      await central.close();
      return { engine: west, sandbox, act: () => executionsOf(west, () => runRunbook(west, 'search-failback', { reason: 'eu-west-1 is back', conflicts: 'delete' })) };
    },
    outcome: drOutcome,
  },
  {
    name: "search-dr-drill: deletes an earlier drill's leftover, restores the newest snapshot under drill- in the standby, verifies, reports and cleans up",
    async setup(randomSeed = 1) {
      const { sandbox, central, west } = await drWorld({ randomSeed, changeSeed: withDrillLeftover });
      await west.close();
      return { engine: central, sandbox, act: () => executionsOf(central, () => central.run('search-dr-drill', {})) };
    },
    outcome: drOutcome,
  },
  {
    name: 'search-dr-drill: a count outside the manifest range fails the drill, which deletes its indices all the same',
    async setup(randomSeed = 1) {
      const { sandbox, central, west } = await drWorld({ randomSeed });
      await west.close();
      sandbox.setRestoreShortfall('eu-central-1', 'catalog', 'drill-orders', 40);
      return { engine: central, sandbox, act: () => executionsOf(central, () => central.run('search-dr-drill', {})) };
    },
    outcome: drOutcome,
  },
];
