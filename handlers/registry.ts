import type { LambdaHandler } from './shared/lambda.ts';

/**
 * Every Lambda task, by function key. One naming chain: folder `plan-dns-change` = key
 * `planDnsChange` = state `PlanDnsChange`. The deployment reads `handler` (the path osls
 * bundles); the local engine calls `load()` and invokes the same handler in-process.
 */
export interface FunctionSpec {
  readonly handler: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  load(): Promise<{ handler: LambdaHandler }>;
}

const SMALL_TASK = { timeoutSeconds: 10, memorySize: 256 } as const;
/** A few signed REST requests to an OpenSearch domain, each bounded at 8 s (handlers/search/domain.ts). */
const SEARCH_REST_TASK = { timeoutSeconds: 30, memorySize: 256 } as const;

export const functionRegistry = {
  parseDnsEvent: {
    handler: 'handlers/dns/parse-dns-event/handler.handler',
    description: 'instance-dns: validate an Auto Scaling event or reconcile request and find the group record in config',
    ...SMALL_TASK,
    load: () => import('./dns/parse-dns-event/handler.ts'),
  },
  planDnsChange: {
    handler: 'handlers/dns/plan-dns-change/handler.handler',
    description: 'instance-dns: guard the instance and plan the exact Route 53 change batch',
    ...SMALL_TASK,
    load: () => import('./dns/plan-dns-change/handler.ts'),
  },
  startDnsReconcile: {
    handler: 'handlers/dns/start-dns-reconcile/handler.handler',
    description: 'dns-reconcile: validate the input and list the groups to reconcile',
    ...SMALL_TASK,
    load: () => import('./dns/start-dns-reconcile/handler.ts'),
  },
  chooseGroupInstance: {
    handler: 'handlers/dns/choose-group-instance/handler.handler',
    description: 'instance-dns and dns-reconcile: choose the InService instance a group record should point at',
    ...SMALL_TASK,
    load: () => import('./dns/choose-group-instance/handler.ts'),
  },
  summarizeDnsReconcile: {
    handler: 'handlers/dns/summarize-dns-reconcile/handler.handler',
    description: 'dns-reconcile: count what reconcile found and changed',
    ...SMALL_TASK,
    load: () => import('./dns/summarize-dns-reconcile/handler.ts'),
  },
  normalizeFindings: {
    handler: 'handlers/findings/normalize-findings/handler.handler',
    description: 'finding-enrichment: read every finding of the event, plan one investigation per IAM principal and batch the findings',
    ...SMALL_TASK,
    load: () => import('./findings/normalize-findings/handler.ts'),
  },
  planInvestigation: {
    handler: 'handlers/findings/plan-investigation/handler.handler',
    description: 'investigate-principal: reuse a covering Detective investigation or start one',
    ...SMALL_TASK,
    load: () => import('./findings/plan-investigation/handler.ts'),
  },
  summarizeIndicators: {
    handler: 'handlers/findings/summarize-indicators/handler.handler',
    description: 'investigate-principal: fold one ListIndicators page into a bounded summary',
    ...SMALL_TASK,
    load: () => import('./findings/summarize-indicators/handler.ts'),
  },
  finishPrincipal: {
    handler: 'handlers/findings/finish-principal/handler.handler',
    description: "investigate-principal: fold the last indicators page and report Detective's verdict for one principal, compactly",
    ...SMALL_TASK,
    load: () => import('./findings/finish-principal/handler.ts'),
  },
  checkWriteBack: {
    handler: 'handlers/findings/check-write-back/handler.handler',
    description: 'finding-enrichment: count a batch\'s findings updated and retry those Security Hub left unprocessed',
    ...SMALL_TASK,
    load: () => import('./findings/check-write-back/handler.ts'),
  },
  reportEnrichment: {
    handler: 'handlers/findings/report-enrichment/handler.handler',
    description: 'finding-enrichment: sum up the run and name what was not written back or not published',
    ...SMALL_TASK,
    load: () => import('./findings/report-enrichment/handler.ts'),
  },
  shortenCause: {
    handler: 'handlers/findings/shorten-cause/handler.handler',
    description: "finding-enrichment: keep the start of a principal's error cause, as much as the Finding Enriched event shows",
    ...SMALL_TASK,
    load: () => import('./findings/shorten-cause/handler.ts'),
  },
  composeFindingUpdates: {
    handler: 'handlers/findings/compose-finding-updates/handler.handler',
    description: 'finding-enrichment: compose a batch\'s BatchUpdateFindings requests and Finding Enriched events',
    ...SMALL_TASK,
    load: () => import('./findings/compose-finding-updates/handler.ts'),
  },
  parseIdentityEvent: {
    handler: 'handlers/identity/parse-identity-event/handler.handler',
    description: 'identity-sync: read which Identity Center user an IAM Identity Center CloudTrail event names',
    ...SMALL_TASK,
    load: () => import('./identity/parse-identity-event/handler.ts'),
  },
  readQuickSightUser: {
    handler: 'handlers/identity/read-quick-sight-user/handler.handler',
    description: "identity-sync: read a user's QuickSight user and groups in QuickSight's identity Region",
    ...SMALL_TASK,
    load: () => import('./identity/read-quick-sight-user/handler.ts'),
  },
  planIdentitySync: {
    handler: 'handlers/identity/plan-identity-sync/handler.handler',
    description: "identity-sync: plan the QuickSight changes that bring one user in line with Identity Center",
    ...SMALL_TASK,
    load: () => import('./identity/plan-identity-sync/handler.ts'),
  },
  applyQuickSightChange: {
    handler: 'handlers/identity/apply-quick-sight-change/handler.handler',
    description: 'identity-sync and identity-reconcile: apply one QuickSight user or managed-group change, idempotently, in the identity Region',
    ...SMALL_TASK,
    load: () => import('./identity/apply-quick-sight-change/handler.ts'),
  },
  planIdentityReconcile: {
    handler: 'handlers/identity/plan-identity-reconcile/handler.handler',
    description: 'identity-reconcile: page every identity store and QuickSight list, compute the whole diff, guard it, and return the next batch',
    // Paging 10,000 users and 200 groups is a few hundred calls: minutes at worst under throttling, well within Lambda's 15.
    timeoutSeconds: 600,
    memorySize: 1024,
    load: () => import('./identity/plan-identity-reconcile/handler.ts'),
  },
  summarizeIdentityReconcile: {
    handler: 'handlers/identity/summarize-identity-reconcile/handler.handler',
    description: 'identity-reconcile: count what a batch changed and failed, and decide whether to plan again',
    ...SMALL_TASK,
    load: () => import('./identity/summarize-identity-reconcile/handler.ts'),
  },
  planSearchSnapshot: {
    handler: 'handlers/search/plan-search-snapshot/handler.handler',
    description: "search-snapshot: decide from the record clients use whether this Region's domain is active or standby, and plan the repository and the snapshot name",
    ...SMALL_TASK,
    load: () => import('./search/plan-search-snapshot/handler.ts'),
  },
  registerSnapshotRepository: {
    handler: 'handlers/search/register-snapshot-repository/handler.handler',
    description: 'search-snapshot: keep the S3 snapshot repository registered on this domain, read-write when active, read-only when standby',
    ...SEARCH_REST_TASK,
    load: () => import('./search/register-snapshot-repository/handler.ts'),
  },
  checkRunningSnapshots: {
    handler: 'handlers/search/check-running-snapshots/handler.handler',
    description: "search-snapshot: list the snapshots running on this domain (the service's automated ones included)",
    ...SEARCH_REST_TASK,
    load: () => import('./search/check-running-snapshots/handler.ts'),
  },
  takeSnapshot: {
    handler: 'handlers/search/take-snapshot/handler.handler',
    description: "search-snapshot: take this run's snapshot once, with each index's document count before and after",
    // Two document counts per index plus the request: a few hundred requests at most.
    timeoutSeconds: 120,
    memorySize: 256,
    load: () => import('./search/take-snapshot/handler.ts'),
  },
  readSnapshot: {
    handler: 'handlers/search/read-snapshot/handler.handler',
    description: "search-snapshot: read the state of this run's snapshot",
    ...SEARCH_REST_TASK,
    load: () => import('./search/read-snapshot/handler.ts'),
  },
  writeSnapshotManifest: {
    handler: 'handlers/search/write-snapshot-manifest/handler.handler',
    description: "search-snapshot: write the snapshot's manifest (document counts before and after) beside it in the repository's bucket",
    // A document count per index, then one PutObject.
    timeoutSeconds: 120,
    memorySize: 256,
    load: () => import('./search/write-snapshot-manifest/handler.ts'),
  },
  pruneSnapshots: {
    handler: 'handlers/search/prune-snapshots/handler.handler',
    description: "search-snapshot: apply retention (max count, max age, min count) to opsflow's snapshots, one deletion per call",
    ...SEARCH_REST_TASK,
    load: () => import('./search/prune-snapshots/handler.ts'),
  },
  reportSnapshotAge: {
    handler: 'handlers/search/report-snapshot-age/handler.handler',
    description: 'search-snapshot: publish the age of the newest successful snapshot (the RPO achieved) as a CloudWatch metric',
    ...SEARCH_REST_TASK,
    load: () => import('./search/report-snapshot-age/handler.ts'),
  },
  restoreSearchSnapshot: {
    handler: 'handlers/search/restore-search-snapshot/handler.handler',
    description: "search runbooks: restore the plan's indices from its snapshot into this Region's domain, once",
    ...SEARCH_REST_TASK,
    load: () => import('./search/restore-search-snapshot/handler.ts'),
  },
  checkSearchRestore: {
    handler: 'handlers/search/check-search-restore/handler.handler',
    description: "search runbooks: report each restored index's recovery stage and whether the restore is done",
    // Two reads, then a document count per restored index.
    timeoutSeconds: 60,
    memorySize: 256,
    load: () => import('./search/check-search-restore/handler.ts'),
  },
  verifySearchRestore: {
    handler: 'handlers/search/verify-search-restore/handler.handler',
    description: "search runbooks: verify the restored indices' health and document counts against the snapshot's manifest",
    // A document count per restored index, then the health of them all.
    timeoutSeconds: 60,
    memorySize: 256,
    load: () => import('./search/verify-search-restore/handler.ts'),
  },
  deleteSearchIndices: {
    handler: 'handlers/search/delete-search-indices/handler.handler',
    description: 'search runbooks: delete named indices on this Region\'s domain (conflicts "delete", drill cleanup), never a system index',
    // One DELETE per index.
    timeoutSeconds: 60,
    memorySize: 256,
    load: () => import('./search/delete-search-indices/handler.ts'),
  },
  preflightSearchRunbook: {
    handler: 'handlers/search/preflight-search-runbook/handler.handler',
    description: 'search-failover, search-failback, search-dr-drill: check, read-only, that the runbook may run and plan the restore (snapshot, indices, conflicts, DNS)',
    // A few REST reads, the manifest's GetObject and, for a failback, the other Region's index list.
    ...SEARCH_REST_TASK,
    load: () => import('./search/preflight-search-runbook/handler.ts'),
  },
  requestSearchApproval: {
    handler: 'handlers/search/request-search-approval/handler.handler',
    description: 'search-failover, search-failback: publish the plan for approval (a Search Runbook Approval Requested event) while the execution waits on its task token',
    ...SMALL_TASK,
    load: () => import('./search/request-search-approval/handler.ts'),
  },
  reportSearchRunbook: {
    handler: 'handlers/search/report-search-runbook/handler.handler',
    description: "search-failover, search-failback, search-dr-drill: the runbook's timeline, RTO and RPO, and the Runbook Completed event's detail",
    ...SMALL_TASK,
    load: () => import('./search/report-search-runbook/handler.ts'),
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionKey = keyof typeof functionRegistry;
