import type { SandboxAccount } from '../../../engine/sandbox/index.ts';
import type { OpsflowConfig } from '../../../handlers/shared/config.ts';
import { devConfig, regionEngine, world } from '../harness.ts';
import { executionsOf, fivePastTheHour, type Scenario } from './scenario.ts';

export { fivePastTheHour } from './scenario.ts';

/** The search fixture: the catalog domain in eu-west-1 (active, behind search.corp.internal.) and eu-central-1. */
export const SEARCH_SEED = 'test/fixtures/sandbox/search.json';
export const SNAPSHOT_ROLE = 'arn:aws:iam::123456789012:role/OpsflowSearchSnapshotRole';
type Json = Record<string, unknown>;

/** dev's searchDr aimed at the sandbox's catalog domains, with their endpoints as the sandbox gives them. */
export function searchConfig(sandbox: SandboxAccount, change: (search: Json) => void = () => {}): OpsflowConfig {
  const endpoints = sandbox.openSearchEndpoints();
  return devConfig((raw) => {
    const search = raw.searchDr as { regions: Json[] } & Json;
    for (const region of search.regions) {
      const found = endpoints.find((entry) => entry.region === region.region && entry.domainName === 'catalog');
      region.domain = { name: 'catalog', endpoint: found?.endpoint, engineVersion: 'OpenSearch_2.13' };
      region.snapshotRoleArn = SNAPSHOT_ROLE;
    }
    change(search);
  });
}

/** A world over the search fixture, its clock at five past the hour, and an engine for `region`'s stack with searchConfig. */
export async function searchWorld(options: { region?: string; changeSeed?: (seed: Json) => void; change?: (search: Json) => void; randomSeed?: number } = {}) {
  const randomSeed = options.randomSeed === undefined ? {} : { randomSeed: options.randomSeed };
  const first = await world({ seed: SEARCH_SEED, ...randomSeed, sandbox: { clock: fivePastTheHour() }, ...(options.changeSeed ? { changeSeed: options.changeSeed } : {}) });
  await first.engine.close();
  const config = searchConfig(first.sandbox, options.change);
  const engine = await regionEngine(first.sandbox, options.region ?? 'eu-west-1', { config, ...randomSeed });
  return { sandbox: first.sandbox, engine, config };
}

/** One REST request to a domain of the sandbox, by Region. */
export function searchRest(sandbox: SandboxAccount, region: string, method: string, path: string): { statusCode: number; body: unknown } {
  const endpoint = sandbox.openSearchEndpoints().find((entry) => entry.region === region)?.endpoint ?? '';
  return sandbox.openSearchRequest({ endpoint, method, path, query: {} });
}

/** What the repository in eu-central-1's bucket holds, seen from the active domain: names and states. */
export function repositoryOutcome(sandbox: SandboxAccount): unknown {
  const answer = searchRest(sandbox, 'eu-west-1', 'GET', '/_snapshot/opsflow-eu-central-1/_all');
  return ((answer.body as { snapshots?: { snapshot: string; state: string }[] }).snapshots ?? []).map((snapshot) => `${snapshot.snapshot} ${snapshot.state}`);
}

/** The repository's snapshots and the manifests beside them: key and counts (`takenAt` moves with retries, as the snapshot's start does). */
export function repositoryAndManifests(sandbox: SandboxAccount): unknown {
  const manifests = sandbox.snapshot().openSearch.objects.map((object) => {
    const { takenAt: _startedAt, ...rest } = JSON.parse(Buffer.from(object.body, 'base64').toString('utf8')) as Record<string, unknown>;
    return `${object.bucket}/${object.key} ${JSON.stringify(rest)}`;
  });
  return { snapshots: repositoryOutcome(sandbox), manifests };
}

/** Old snapshots of opsflow's in eu-central-1's bucket, beyond retention, and one of someone else's. */
export function withOldSnapshots(seed: Json): void {
  const openSearch = seed.openSearch as { snapshots: Json[] };
  const day = 86_400_000;
  const start = Date.parse('2026-01-01T00:00:00Z');
  openSearch.snapshots = [
    { bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog', snapshot: 'opsflow-20251201t0000z', takenBy: 'eu-west-1/catalog', startTime: new Date(start - 31 * day).toISOString(), state: 'SUCCESS', indices: ['orders'] },
    { bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog', snapshot: 'by-hand-1', takenBy: 'eu-west-1/catalog', startTime: new Date(start - 31 * day).toISOString(), state: 'SUCCESS', indices: ['orders'] },
  ];
}

export const searchScenarios: readonly Scenario[] = [
  {
    name: 'search-snapshot: the active Region registers, snapshots, prunes and reports',
    async setup(randomSeed = 1) {
      const { engine, sandbox } = await searchWorld({ randomSeed, changeSeed: withOldSnapshots, change: (search) => (search.retention = { maxCount: 72, maxAge: 14, minCount: 1 }) });
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.runSchedule('search-snapshot')) };
    },
    outcome: repositoryAndManifests,
  },
];
