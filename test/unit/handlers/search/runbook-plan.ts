import type { RunbookPlan } from '../../../../handlers/search/runbook.ts';

/** A failover's plan as preflight-search-runbook makes it, for the tasks that read `$.plan`. */
export const executionArn = 'arn:aws:states:eu-central-1:123456789012:execution:opsflow-dev-search-failover:run-1';

export const plan = (overrides: Partial<RunbookPlan> = {}): RunbookPlan => ({
  runbook: 'failover',
  region: 'eu-central-1',
  domainName: 'catalog',
  endpoint: 'search-catalog-abc.eu-central-1.es.amazonaws.com',
  engineVersion: 'OpenSearch_2.13',
  repository: { name: 'opsflow-eu-central-1', bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog' },
  snapshot: 'opsflow-20261130t1000z',
  snapshotTakenAt: '2026-11-30T10:00:00.000Z',
  sourceRegion: 'eu-west-1',
  sourceDomain: 'catalog',
  indices: [{ index: 'orders', restoreAs: 'orders', before: 1200, after: 1230 }, { index: 'customers', restoreAs: 'customers', before: 40, after: null }],
  excluded: ['.kibana_1'],
  conflicts: ['orders'],
  conflictOption: 'delete',
  renamePattern: null,
  renameReplacement: null,
  dns: { zoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.', from: 'search-catalog-abc.eu-west-1.es.amazonaws.com', to: 'search-catalog-abc.eu-central-1.es.amazonaws.com' },
  dryRun: false,
  reason: 'eu-west-1 is unreachable',
  finalSnapshot: false,
  ...overrides,
});
