import type { OpsflowConfig, SearchDrConfig, SearchRegionConfig } from '../handlers/shared/config.ts';
import { manifestPrefix } from '../handlers/search/manifest.ts';
import { normalizedRecordName } from './instance-dns/workflow.ts';
import { deployedName } from './iam.ts';
import type { DeploymentEnvironment, IamStatement, JsonValue, WorkflowModule } from './types.ts';

/**
 * What search-failover, search-failback and search-dr-drill share: they deploy together, to each
 * Region of searchDr.regions, and each acts on its own Region's domain (DESIGN.md "Search DR").
 */

/** The three runbooks' state machine names: one runbook runs at a time across the three (each lists the others' RUNNING executions). */
/**
 * WorkflowModule.checkInput of a runbook: its request as preflightSearchRunbook parses it
 * (handlers/search/runbook.ts parseRunbookRequest), loaded only when a command checks an input.
 * Throws RunbookRequestInvalid naming the first wrong field.
 */
export function runbookInputCheck(runbook: 'failover' | 'failback' | 'drill'): (input: unknown) => Promise<void> {
  return async (input) => {
    const { parseRunbookRequest } = await import('../handlers/search/runbook.ts');
    parseRunbookRequest(runbook, input);
  };
}

export const RUNBOOK_STATE_MACHINES = ['SearchFailover', 'SearchFailback', 'SearchDrDrill'] as const;

/** Source and detail types of the events the runbooks publish on their Region's default bus. */
export const RUNBOOK_EVENT_SOURCE = 'opsflow.search';
export const RUNBOOK_COMPLETED = 'Runbook Completed';
export const APPROVAL_REQUESTED = 'Search Runbook Approval Requested';

/**
 * The Route 53 change's INSYNC wait: every 10 s, at most 30 GetChange calls (5 minutes). GetChange
 * reports PENDING until "the changes have propagated to all Route 53 DNS servers", then INSYNC
 * (Route 53 API reference, GetChange).
 */
export const DNS_SYNC = { pollSeconds: 10, maxPolls: 30 } as const;

/** Margin over the longest run the configured waits allow, for the Tasks between them. */
const MARGIN_SECONDS = 3600;

/** searchDr and this Region's entry, or undefined when this Region runs no search stack. */
export function searchHere(config: OpsflowConfig): { search: SearchDrConfig; region: SearchRegionConfig } | undefined {
  const region = config.searchDr?.regions.find((entry) => entry.region === config.region);
  return region && config.searchDr ? { search: config.searchDr, region } : undefined;
}

export function searchRegions(config: OpsflowConfig): string[] {
  return config.searchDr?.regions.map((entry) => entry.region) ?? [];
}

/**
 * The definitions' placeholders. RunbookTimeoutSeconds bounds a whole execution: the approval, the
 * final snapshot's polls, the recovery's polls, the DNS polls and the drill's keep, plus an hour.
 * Without searchDr for this Region nothing is deployed; an engine given the module anyway gets
 * values that say what is missing, and a run fails on its first call.
 */
export function runbookSubstitutions(config: OpsflowConfig): Record<string, JsonValue> {
  const found = searchHere(config);
  const waits = (search: SearchDrConfig | undefined) => ({
    SearchPollSeconds: search?.snapshotWait.pollSeconds ?? 5,
    SearchMaxPolls: search?.snapshotWait.maxPolls ?? 0,
    RestorePollSeconds: search?.restoreWait.pollSeconds ?? 5,
    RestoreMaxPolls: search?.restoreWait.maxPolls ?? 0,
    ApprovalTimeoutSeconds: (search?.approval.timeoutMinutes ?? 5) * 60,
    DnsPollSeconds: DNS_SYNC.pollSeconds,
    DnsMaxPolls: DNS_SYNC.maxPolls,
    DrillKeepSeconds: (search?.drill.keepMinutes ?? 0) * 60,
  });
  const values = waits(found?.search);
  const RunbookTimeoutSeconds =
    values.ApprovalTimeoutSeconds +
    values.SearchPollSeconds * values.SearchMaxPolls +
    values.RestorePollSeconds * values.RestoreMaxPolls +
    values.DnsPollSeconds * values.DnsMaxPolls +
    values.DrillKeepSeconds +
    MARGIN_SECONDS;
  if (!found) {
    const missing = `searchDr does not list ${config.region}`;
    return { SearchRecordZoneId: missing, SearchRecordName: missing, SearchDomainName: missing, ...values, RunbookTimeoutSeconds };
  }
  return { SearchRecordZoneId: found.search.record.hostedZoneId, SearchRecordName: found.search.record.name, SearchDomainName: found.region.domain.name, ...values, RunbookTimeoutSeconds };
}

const hostedZoneArn = (env: DeploymentEnvironment, zoneId: string) => `arn:${env.partition}:route53:::hostedzone/${zoneId}`;
const defaultBusArn = (env: DeploymentEnvironment) => `arn:${env.partition}:events:${env.region}:${env.accountId}:event-bus/default`;

/**
 * The state machine statements every runbook needs: read the record and this Region's domain, list
 * the RUNNING executions of the three runbooks of this Region (ListExecutions is authorized on the
 * state machine ARN: Service Authorization Reference, AWS Step Functions), and publish Runbook
 * Completed on this Region's default bus only (the `events:source` and `events:detail-type`
 * condition keys, Amazon EventBridge user guide "Using IAM policy conditions").
 */
export function runbookStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
  const found = searchHere(config);
  if (!found) return [];
  const states = `arn:${env.partition}:states:${env.region}:${env.accountId}`;
  return [
    { Sid: 'ReadSearchRecord', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: hostedZoneArn(env, found.search.record.hostedZoneId) },
    { Sid: 'DescribeSearchDomain', Effect: 'Allow', Action: ['es:DescribeDomain'], Resource: `arn:${env.partition}:es:${found.region.region}:${env.accountId}:domain/${found.region.domain.name}` },
    { Sid: 'ListRunningRunbooks', Effect: 'Allow', Action: ['states:ListExecutions'], Resource: RUNBOOK_STATE_MACHINES.map((name) => `${states}:stateMachine:${deployedName(env, name)}`) },
    {
      Sid: 'PublishRunbookCompleted',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: defaultBusArn(env),
      Condition: { StringEquals: { 'events:source': [RUNBOOK_EVENT_SOURCE], 'events:detail-type': [RUNBOOK_COMPLETED] } },
    },
  ];
}

/**
 * Failover's and failback's DNS switch: ChangeResourceRecordSets on the record's zone, limited by
 * Route 53's condition keys to DELETE and CREATE of the one CNAME (names compared lower case
 * without the trailing dot: Route 53 developer guide, "Using IAM policy conditions for fine-grained
 * access control"), as instance-dns limits its own; GetChange on changes (no other resource).
 */
export function dnsSwitchStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
  const found = searchHere(config);
  if (!found) return [];
  return [
    {
      Sid: 'SwitchSearchRecord',
      Effect: 'Allow',
      Action: ['route53:ChangeResourceRecordSets'],
      Resource: hostedZoneArn(env, found.search.record.hostedZoneId),
      Condition: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [normalizedRecordName(found.search.record.name).toLowerCase()],
          'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
          'route53:ChangeResourceRecordSetsActions': ['CREATE', 'DELETE'],
        },
      },
    },
    { Sid: 'WatchSearchRecordChange', Effect: 'Allow', Action: ['route53:GetChange'], Resource: `arn:${env.partition}:route53:::change/*` },
  ];
}

/** This Region's repository: its bucket's ARN and the manifests' folder in it. */
function ownManifests(region: SearchRegionConfig, env: DeploymentEnvironment): { bucketArn: string; folder: string } {
  return { bucketArn: `arn:${env.partition}:s3:::${region.repository.bucket}`, folder: manifestPrefix(region.repository.basePath) };
}

/**
 * The Lambda role's statements for the tasks the three runbooks share (given once, on
 * search-failover's module: the Lambda role is one per stack, the three always deploy together,
 * and IAM wants each Sid once per policy). A runbook restores from this Region's repository, so
 * preflight and verification read the manifest from THIS Region's bucket: s3:GetObject on its
 * manifest folder, and s3:ListBucket on the bucket limited to that folder, without which S3
 * answers a missing manifest with 403 AccessDenied instead of 404 NoSuchKey (Amazon S3 API
 * reference, GetObject, "Permissions"). The approval request is published by a task on this
 * Region's default bus, with its own source and detail type. The domains' REST API (es:ESHttp*
 * on both domains) is search-snapshot's statement, deployed in the same stacks.
 */
export function sharedRunbookLambdaStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
  const found = searchHere(config);
  if (!found) return [];
  const manifests = ownManifests(found.region, env);
  return [
    { Sid: 'ReadRunbookManifests', Effect: 'Allow', Action: ['s3:GetObject'], Resource: `${manifests.bucketArn}/${manifests.folder}*` },
    { Sid: 'ListRunbookManifests', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: manifests.bucketArn, Condition: { StringLike: { 's3:prefix': `${manifests.folder}*` } } },
    {
      Sid: 'PublishApprovalRequests',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: defaultBusArn(env),
      Condition: { StringEquals: { 'events:source': [RUNBOOK_EVENT_SOURCE], 'events:detail-type': [APPROVAL_REQUESTED] } },
    },
  ];
}

/**
 * Failback's final snapshot is taken of the other Region's domain into THIS Region's repository, so
 * write-snapshot-manifest writes its manifest into this Region's bucket: s3:PutObject on its manifest
 * folder only (search-snapshot's statement covers the other Region's bucket).
 */
export function finalSnapshotLambdaStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
  const found = searchHere(config);
  if (!found) return [];
  const manifests = ownManifests(found.region, env);
  return [{ Sid: 'WriteFinalSnapshotManifests', Effect: 'Allow', Action: ['s3:PutObject'], Resource: `${manifests.bucketArn}/${manifests.folder}*` }];
}

/**
 * What search-failover and search-failback share: an operator starts them (no trigger) in a Region
 * of searchDr; they wait for approval at AwaitApproval, whose plan the CLI shows and answers
 * (opsflow run --approve / --reject, opsflow approve / reject); their request is checked as
 * preflight checks it; their role reads, restores and switches the search record.
 */
export function operatorRunbook(
  runbook: 'failover' | 'failback',
  module: Pick<WorkflowModule, 'name' | 'stateMachineName' | 'description' | 'functions' | 'lambdaStatements'>,
): WorkflowModule {
  return {
    ...module,
    type: 'STANDARD',
    regions: searchRegions,
    approval: { state: 'AwaitApproval' },
    checkInput: runbookInputCheck(runbook),
    triggers: () => [],
    substitutions: (config) => runbookSubstitutions(config),
    iamStatements: (config, env) => [...runbookStatements(config, env), ...dnsSwitchStatements(config, env)],
  };
}
