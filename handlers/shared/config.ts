import * as z from 'zod/mini';
import './zod.ts';
import { InvalidConfig } from './errors.ts';
import { isIpv4Cidr, isPrivateIpv4Cidr } from './cidr.ts';
import { SEVERITY_LABELS } from '../../events/severity.ts';

/**
 * The one configuration of a stage (config/<stage>.json), read by the deployment
 * (serverless.yml, through config/load.cjs) and by the local engine alike. Lambdas receive it
 * as JSON in OPSFLOW_CONFIG and parse it once per cold start. zod/mini keeps handler bundles small.
 */

const awsRegion = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1'));
const name = z.string().check(z.minLength(1), z.maxLength(255));
const cidr = z.string().check(z.refine(isIpv4Cidr, 'must be an IPv4 CIDR such as 10.0.0.0/16'));
/** A record of opsflow's points at private addresses only: every address the CIDR allows must be RFC 1918. */
const privateCidr = cidr.check(z.refine(isPrivateIpv4Cidr, 'must be a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)'));

/** Route 53 answers names in lower case with a trailing dot; config must already be in that form. */
const recordName = z.string().check(
  z.regex(/^([a-z0-9_]([a-z0-9-_]{0,61}[a-z0-9_])?\.)+$/, 'must be a lower-case DNS name ending with a dot, such as admin.corp.internal.'),
  z.maxLength(255),
);

/**
 * `rate(value unit)` as EventBridge takes it: a positive value, the unit singular for 1 and plural
 * otherwise ("If the value is equal to 1, then the unit must be singular", EventBridge User Guide,
 * "Schedule expressions for rules"). Groups: value, unit.
 */
export const RATE_EXPRESSION = /^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$/;

const rateAgrees = (expression: string): boolean => {
  const match = RATE_EXPRESSION.exec(expression);
  if (!match) return true;
  return (match[1] === '1') === !match[2]?.endsWith('s');
};
const RATE_AGREEMENT = 'must be rate(1 unit) with a singular unit, or rate(N units) with a plural one, N a positive whole number (as EventBridge takes it)';

const scheduleExpression = z.string().check(
  z.regex(/^(rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/, 'must be rate(...) with a positive value or cron(...)'),
  z.refine(rateAgrees, RATE_AGREEMENT),
);

export const LifecycleResult = { Continue: 'CONTINUE', Abandon: 'ABANDON' } as const;

export const dnsGroupSchema = z.strictObject({
  autoScalingGroupName: name,
  hostedZoneId: z.string().check(z.regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')),
  recordName,
  ttl: z._default(z.int().check(z.gte(0), z.lte(172800)), 60),
  allowedCidrs: z.array(privateCidr).check(z.minLength(1)),
  launchHookName: z.optional(name),
  terminateHookName: z.optional(name),
  lifecycleResultOnFailure: z._default(z.enum([LifecycleResult.Continue, LifecycleResult.Abandon]), LifecycleResult.Continue),
}).check(
  z.refine((group) => group.launchHookName === undefined || group.launchHookName !== group.terminateHookName, {
    message: 'must differ from launchHookName: one hook serves one transition',
    path: ['terminateHookName'],
  }),
);

export const instanceDnsSchema = z.strictObject({
  groups: z.array(dnsGroupSchema).check(
    z.refine((groups) => new Set(groups.map((g) => g.autoScalingGroupName)).size === groups.length, 'each autoScalingGroupName may appear once'),
    z.refine((groups) => new Set(groups.map((g) => `${g.hostedZoneId} ${g.recordName}`)).size === groups.length, 'two groups may not share one record'),
  ),
  sync: z._default(
    z.strictObject({
      pollSeconds: z._default(z.int().check(z.gte(1), z.lte(60)), 5),
      maxPolls: z._default(z.int().check(z.gte(1), z.lte(120)), 24),
    }),
    { pollSeconds: 5, maxPolls: 24 },
  ),
  reconcile: z._default(
    z.strictObject({
      schedule: z._default(scheduleExpression, 'rate(15 minutes)'),
      enabled: z._default(z.boolean(), true),
      dryRun: z._default(z.boolean(), false),
    }),
    { schedule: 'rate(15 minutes)', enabled: true, dryRun: false },
  ),
});

const severityLabel = z.enum(SEVERITY_LABELS);

export const findingEnrichmentSchema = z.strictObject({
  /** The Detective behavior graph; without it the workflow uses the only graph ListGraphs returns. */
  graphArn: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:detective:[a-z0-9-]+:\d{12}:graph:[a-f0-9]{32}$/, 'must be a Detective behavior graph ARN'))),
  triggers: z._default(
    z.strictObject({
      securityHubImported: z._default(z.boolean(), true),
      customAction: z._default(z.boolean(), true),
      guardDuty: z._default(z.boolean(), false),
    }),
    { securityHubImported: true, customAction: true, guardDuty: false },
  ),
  /** GuardDuty severity from which a finding event is investigated directly (4.0 = MEDIUM). */
  minimumGuardDutySeverity: z._default(z.number().check(z.gte(0), z.lte(10)), 4),
  /** Security Hub severities the automation rule flags for investigation. */
  investigateSeverities: z._default(z.array(severityLabel).check(z.minLength(1)), ['MEDIUM', 'HIGH', 'CRITICAL']),
  /** Id of the Security Hub custom action (ActionTarget) analysts pick: letters and digits, at most 20. */
  customActionId: z._default(z.string().check(z.regex(/^[A-Za-z0-9]{1,20}$/, 'must be 1 to 20 letters or digits')), 'Investigate'),
  /**
   * The Region of the organization's IAM Identity Center instance. Its roles' ARNs carry it
   * (`role/aws-reserved/sso.amazonaws.com/<Region>/AWSReservedSSO_...`, none for us-east-1); it
   * places such a role named by a finding of another account, where IAM is not read. Without it,
   * the finding's Region is assumed, and the note says so.
   */
  identityCenterRegion: z.optional(awsRegion),
  /** How far before the first observation the investigation looks (the AWS example's 24 hours). */
  scopeHoursBeforeFirstSeen: z._default(z.int().check(z.gte(1), z.lte(720)), 24),
  polling: z._default(
    z.strictObject({
      firstWaitSeconds: z._default(z.int().check(z.gte(5), z.lte(3600)), 60),
      maxWaitSeconds: z._default(z.int().check(z.gte(5), z.lte(3600)), 600),
      /** Deadline for an investigation to finish; may well exceed Lambda's 15 minutes. */
      deadlineMinutes: z._default(z.int().check(z.gte(1), z.lte(24 * 60)), 120),
    }).check(
      z.refine((polling) => polling.firstWaitSeconds <= polling.maxWaitSeconds, { message: 'must not exceed maxWaitSeconds (waits double up to it)', path: ['firstWaitSeconds'] }),
      z.refine((polling) => polling.firstWaitSeconds <= polling.deadlineMinutes * 60, { message: 'must come before the deadline (deadlineMinutes)', path: ['firstWaitSeconds'] }),
    ),
    { firstWaitSeconds: 60, maxWaitSeconds: 600, deadlineMinutes: 120 },
  ),
  /** Raise the finding's severity label when Detective's is higher. */
  raiseSeverity: z._default(z.boolean(), false),
  /** Principals investigated at once within one execution. */
  concurrency: z._default(z.int().check(z.gte(1), z.lte(40)), 5),
  eventBusName: z._default(name, 'default'),
});

/**
 * identity-sync and identity-reconcile: Amazon QuickSight users and managed groups kept in line with
 * IAM Identity Center. The stack runs in Identity Center's home Region (`region`), where its
 * CloudTrail events are delivered; QuickSight is called in its identity Region only.
 */
export const QuickSightIdentityType = { Iam: 'IAM', QuickSight: 'QUICKSIGHT' } as const;
export const QuickSightUserRole = { Reader: 'READER', Author: 'AUTHOR', Admin: 'ADMIN', ReaderPro: 'READER_PRO', AuthorPro: 'AUTHOR_PRO', AdminPro: 'ADMIN_PRO' } as const;

/**
 * The user attributes a managed group name can be built from: the Identity Store User's `Title`
 * and `UserType`, and the `aws:identitystore:enterprise` extension's fields (read only when the
 * mapping names one: DescribeUser is then asked for the extension).
 */
export const GroupAttribute = {
  Title: 'title',
  UserType: 'userType',
  Department: 'enterprise.department',
  Division: 'enterprise.division',
  Organization: 'enterprise.organization',
  CostCenter: 'enterprise.costCenter',
} as const;
export type GroupAttribute = (typeof GroupAttribute)[keyof typeof GroupAttribute];

const identityStoreId = z.string().check(
  z.regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, 'must be an identity store id such as d-1234567890'),
);
const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
/** QuickSight's GroupName: 1 to 128 Latin-1 characters (https://docs.aws.amazon.com/quicksight/latest/APIReference/API_CreateGroup.html). */
const quickSightGroupName = z.string().check(z.regex(/^[\u0020-\u00FF]{1,128}$/, 'must be 1 to 128 Latin-1 characters (a QuickSight group name)'));
const iamRoleArn = z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN'));

export const identitySyncSchema = z.strictObject({
  /** The identity store of the organization's IAM Identity Center instance. */
  identityStoreId,
  /**
   * The SCIM tenant of that store (the `tenantId` SCIM events carry). SCIM events never name the
   * store; an account holds at most one Identity Center instance, so every SCIM event delivered to
   * the stack is about this store. Set it to also refuse events of any other tenant in the rule.
   */
  scimTenantId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  quickSight: z.strictObject({
    accountId,
    /** The Region QuickSight keeps its users and groups in; it refuses user and group calls from any other. */
    identityRegion: awsRegion,
    namespace: z._default(z.string().check(z.regex(/^[a-zA-Z0-9._-]{1,64}$/, 'must be a QuickSight namespace')), 'default'),
  }),
  /**
   * How a user is registered. `IAM` (AWS's published sample): a federated user of `iamRoleArn` whose
   * session name is its e-mail address, QuickSight user `<role name>/<session name>`. `QUICKSIGHT`:
   * a QuickSight-managed user named by its e-mail address. QuickSight's IAM_IDENTITY_CENTER identity
   * type is not offered: such an account takes its users from Identity Center groups itself, and
   * RegisterUser registers IAM and QUICKSIGHT identities only.
   */
  registration: z.strictObject({
    identityType: z._default(z.enum([QuickSightIdentityType.Iam, QuickSightIdentityType.QuickSight]), QuickSightIdentityType.Iam),
    iamRoleArn: z.optional(iamRoleArn),
    /** The role a new user gets; a registered user's role is never changed. */
    defaultRole: z._default(z.enum(Object.values(QuickSightUserRole)), QuickSightUserRole.Reader),
  }).check(
    z.refine((registration) => registration.identityType !== QuickSightIdentityType.Iam || registration.iamRoleArn !== undefined, {
      message: 'is required when identityType is IAM (the federated role users sign in with)',
      path: ['iamRoleArn'],
    }),
  ),
  /**
   * The managed group of a user: the values of `attributes`, in order, joined with `separator` and
   * prefixed with `prefix` (AWS's sample: the Title attribute, department and job title joined with
   * `-` by the IdP). Managed groups are those that start with `prefix` (when it is not empty) or
   * are listed in `managedGroups`; opsflow never touches any other group.
   */
  groups: z.strictObject({
    attributes: z.array(z.enum(Object.values(GroupAttribute))).check(z.minLength(1), z.maxLength(4)),
    separator: z._default(z.string().check(z.maxLength(3)), '-'),
    prefix: z._default(z.string().check(z.maxLength(32)), ''),
    managedGroups: z._default(z.array(quickSightGroupName), []),
  }).check(
    z.refine((groups) => groups.prefix !== '' || groups.managedGroups.length > 0, {
      message: 'name a prefix or list managedGroups: opsflow must know which groups are its own',
      path: ['prefix'],
    }),
  ),
  /**
   * A disabled or deleted user loses its managed memberships. Deleting its QuickSight user is opt-in:
   * the API deletes the user's dashboards and analyses with it, and cannot hand them to someone else.
   */
  deprovision: z._default(z.strictObject({ deleteUser: z._default(z.boolean(), false) }), { deleteUser: false }),
  /** identity-sync re-reads and re-plans after applying, until nothing changes, at most this many rounds. */
  maxRounds: z._default(z.int().check(z.gte(2), z.lte(5)), 3),
  reconcile: z._default(
    z.strictObject({
      schedule: z._default(scheduleExpression, 'rate(1 day)'),
      enabled: z._default(z.boolean(), true),
      /** The guard: a run that would remove more than this share of managed memberships or users stops unless allowed. */
      maxRemovalShare: z._default(z.number().check(z.gte(0), z.lte(1)), 0.1),
    }),
    { schedule: 'rate(1 day)', enabled: true, maxRemovalShare: 0.1 },
  ),
});

/**
 * searchDr: OpenSearch Service disaster recovery across two Regions (issue 9, DESIGN.md "Search DR").
 * Each Region's stack acts on its own Region's domain; the Route 53 record clients use says which
 * domain is active. The record is one per stage, shared by both Regions: it is the single truth both
 * stacks read, so they can never disagree about which domain is active (a record per Region could).
 * The active domain snapshots into the repository in the OTHER Region's bucket; the standby keeps its
 * own Region's repository (the one the active writes to) registered read-only.
 */
const openSearchDomainName = z.string().check(
  z.regex(/^[a-z][a-z0-9-]{2,27}$/, 'must be an OpenSearch Service domain name: 3 to 28 lower-case letters, digits or hyphens, starting with a letter'),
);
/** DescribeDomain's `DomainStatus.Endpoint`: a host name, no scheme, no path. */
const domainEndpoint = z.string().check(
  z.regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, 'must be the domain endpoint host name (DomainStatus.Endpoint), without https://'),
);
const engineVersion = z.string().check(z.regex(/^(OpenSearch|Elasticsearch)_\d+\.\d+$/, 'must be an engine version such as OpenSearch_2.13'));
/** S3 bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), without dots (virtual-hosted HTTPS). */
const bucketName = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3 to 63 lower-case letters, digits or hyphens'));
/** A snapshot repository name: lower case; `cs-automated*` is the service's own repository. */
const repositoryName = z.string().check(
  z.regex(/^[a-z0-9][a-z0-9_-]{0,127}$/, 'must be lower-case letters, digits, - or _'),
  z.refine((name) => !name.startsWith('cs-'), 'must not start with cs- (the service keeps its automated snapshots in cs-automated)'),
);
const basePath = z.string().check(z.regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, 'must be a key prefix without leading or trailing /, such as opensearch/orders'));
/** Days, as a number or OpenSearch Snapshot Management's `14d`. */
const ageInDays = z.pipe(
  z.union([z.int().check(z.gte(1), z.lte(3650)), z.string().check(z.regex(/^[1-9]\d{0,3}d$/, 'must be a number of days or a duration such as 14d'))]),
  z.transform((value: number | string) => (typeof value === 'number' ? value : Number.parseInt(value, 10))),
);

export const searchRegionSchema = z.strictObject({
  region: awsRegion,
  domain: z.strictObject({ name: openSearchDomainName, endpoint: domainEndpoint, engineVersion }),
  /** The repository kept in this Region's bucket: the active domain of the OTHER Region writes to it. */
  repository: z.strictObject({ name: repositoryName, bucket: bucketName, basePath }),
  /** The role OpenSearch Service assumes to read and write the bucket (trusts es.amazonaws.com); passed when registering. */
  snapshotRoleArn: iamRoleArn,
});

const SEARCH_DEFAULTS = {
  snapshotPrefix: 'opsflow-',
  schedule: 'rate(1 hour)',
  retention: { maxCount: 72, maxAge: 14, minCount: 3 },
  rpoAlarm: { multiple: 2 },
  snapshotWait: { pollSeconds: 30, maxPolls: 120, runningWaitSeconds: 1800 },
  restoreWait: { pollSeconds: 30, maxPolls: 240 },
  approval: { timeoutMinutes: 60 },
  drill: { enabled: false, schedule: 'rate(7 days)', indexPrefix: 'drill-', keepMinutes: 60 },
} as const;

export const searchDrSchema = z.strictObject({
  /** Exactly two Regions: each one's active domain snapshots into the other's bucket. */
  regions: z.array(searchRegionSchema).check(
    z.length(2, 'must list exactly two Regions (each snapshots into the other one\'s bucket)'),
    z.refine((regions) => new Set(regions.map((r) => r.region)).size === regions.length, 'each region may appear once'),
    z.refine((regions) => new Set(regions.map((r) => r.repository.bucket)).size === regions.length, 'each Region needs its own bucket'),
  ),
  /** The record clients use; its CNAME target is the active domain's endpoint. One per stage (see above). */
  record: z.strictObject({
    hostedZoneId: z.string().check(z.regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')),
    name: recordName,
  }),
  /** opsflow's snapshots are the ones named with this prefix; retention never touches any other. */
  snapshotPrefix: z._default(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}-$/, 'must be lower-case letters, digits and hyphens ending with -, such as opsflow-')), SEARCH_DEFAULTS.snapshotPrefix),
  /** rate(...) only: the RPO alarm's threshold is a multiple of the schedule's period. */
  schedule: z._default(
    z.string().check(z.regex(RATE_EXPRESSION, "must be rate(...) with a positive value: the RPO alarm's threshold is a multiple of the schedule's period"), z.refine(rateAgrees, RATE_AGREEMENT)),
    SEARCH_DEFAULTS.schedule,
  ),
  enabled: z._default(z.boolean(), true),
  /** As OpenSearch Snapshot Management's deletion conditions: max_count, max_age, min_count. */
  retention: z._default(
    z.strictObject({
      maxCount: z._default(z.int().check(z.gte(1), z.lte(1000)), SEARCH_DEFAULTS.retention.maxCount),
      /** Days (number) or `14d`; parsed to days. */
      maxAge: z._default(ageInDays, SEARCH_DEFAULTS.retention.maxAge),
      minCount: z._default(z.int().check(z.gte(1), z.lte(1000)), SEARCH_DEFAULTS.retention.minCount),
    }).check(z.refine((retention) => retention.minCount <= retention.maxCount, { message: 'must not exceed maxCount', path: ['minCount'] })),
    { ...SEARCH_DEFAULTS.retention },
  ),
  /** The RPO alarm fires when the newest successful snapshot is older than multiple × the schedule's period. */
  rpoAlarm: z._default(z.strictObject({ multiple: z._default(z.number().check(z.gte(1), z.lte(48)), SEARCH_DEFAULTS.rpoAlarm.multiple) }), { ...SEARCH_DEFAULTS.rpoAlarm }),
  /** Wait states: poll every pollSeconds, at most maxPolls for our snapshot; a snapshot already running is waited for up to runningWaitSeconds. */
  snapshotWait: z._default(
    z.strictObject({
      pollSeconds: z._default(z.int().check(z.gte(5), z.lte(600)), SEARCH_DEFAULTS.snapshotWait.pollSeconds),
      maxPolls: z._default(z.int().check(z.gte(1), z.lte(1000)), SEARCH_DEFAULTS.snapshotWait.maxPolls),
      runningWaitSeconds: z._default(z.int().check(z.gte(0), z.lte(6 * 3600)), SEARCH_DEFAULTS.snapshotWait.runningWaitSeconds),
    }),
    { ...SEARCH_DEFAULTS.snapshotWait },
  ),
  /** search-failover, search-failback and search-dr-drill: poll a restore's recovery every pollSeconds, at most maxPolls times. */
  restoreWait: z._default(
    z.strictObject({
      pollSeconds: z._default(z.int().check(z.gte(5), z.lte(600)), SEARCH_DEFAULTS.restoreWait.pollSeconds),
      maxPolls: z._default(z.int().check(z.gte(1), z.lte(1000)), SEARCH_DEFAULTS.restoreWait.maxPolls),
    }),
    { ...SEARCH_DEFAULTS.restoreWait },
  ),
  /** search-failover / search-failback: how long an approval (.waitForTaskToken) may wait. */
  approval: z._default(z.strictObject({ timeoutMinutes: z._default(z.int().check(z.gte(5), z.lte(7 * 24 * 60)), SEARCH_DEFAULTS.approval.timeoutMinutes) }), { ...SEARCH_DEFAULTS.approval }),
  /** search-dr-drill: off by default; restores under indexPrefix and removes them after keepMinutes. */
  drill: z._default(
    z.strictObject({
      enabled: z._default(z.boolean(), SEARCH_DEFAULTS.drill.enabled),
      schedule: z._default(scheduleExpression, SEARCH_DEFAULTS.drill.schedule),
      indexPrefix: z._default(z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lower-case index name prefix such as drill-')), SEARCH_DEFAULTS.drill.indexPrefix),
      keepMinutes: z._default(z.int().check(z.gte(0), z.lte(24 * 60)), SEARCH_DEFAULTS.drill.keepMinutes),
    }),
    { ...SEARCH_DEFAULTS.drill },
  ),
});

/**
 * The retention periods CloudWatch Logs accepts, in days (CloudWatch Logs API Reference,
 * PutRetentionPolicy, `retentionInDays`).
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Step Functions' log levels, from everything to nothing (Step Functions Developer Guide, "Log levels for Step Functions execution events"). */
export const StateMachineLogLevel = { All: 'ALL', Error: 'ERROR', Fatal: 'FATAL', Off: 'OFF' } as const;

const OBSERVABILITY_DEFAULTS = { logLevel: StateMachineLogLevel.Error, includeExecutionData: false, tracing: false, logRetentionDays: 30 } as const;

/**
 * What the deployed state machines tell CloudWatch Logs and X-Ray. Execution data (inputs and
 * outputs) stays out of the logs by default: findings, identities and task tokens pass through
 * the states. `OFF` deploys no log group.
 */
export const observabilitySchema = z.strictObject({
  logLevel: z._default(z.enum([StateMachineLogLevel.All, StateMachineLogLevel.Error, StateMachineLogLevel.Fatal, StateMachineLogLevel.Off]), OBSERVABILITY_DEFAULTS.logLevel),
  includeExecutionData: z._default(z.boolean(), OBSERVABILITY_DEFAULTS.includeExecutionData),
  tracing: z._default(z.boolean(), OBSERVABILITY_DEFAULTS.tracing),
  logRetentionDays: z._default(
    z.int().check(z.refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), `must be a retention CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')}`)),
    OBSERVABILITY_DEFAULTS.logRetentionDays,
  ),
});

export const configSchema = z.strictObject({
  region: awsRegion,
  instanceDns: instanceDnsSchema,
  findingEnrichment: z._default(findingEnrichmentSchema, {
    triggers: { securityHubImported: true, customAction: true, guardDuty: false },
    minimumGuardDutySeverity: 4,
    investigateSeverities: ['MEDIUM', 'HIGH', 'CRITICAL'],
    customActionId: 'Investigate',
    scopeHoursBeforeFirstSeen: 24,
    polling: { firstWaitSeconds: 60, maxWaitSeconds: 600, deadlineMinutes: 120 },
    raiseSeverity: false,
    concurrency: 5,
    eventBusName: 'default',
  }),
  /** Without it, identity-sync and identity-reconcile deploy no rule and no schedule. */
  identitySync: z.optional(identitySyncSchema),
  /** Without it, no search workflow is deployed in any Region. */
  searchDr: z.optional(searchDrSchema),
  alarms: z._default(
    z.strictObject({ email: z.optional(z.string().check(z.email())) }),
    {},
  ),
  /** State machine logging, X-Ray tracing and the log groups' retention. */
  observability: z._default(observabilitySchema, { ...OBSERVABILITY_DEFAULTS }),
});

export type OpsflowConfig = z.infer<typeof configSchema>;
export type InstanceDnsConfig = OpsflowConfig['instanceDns'];
export type DnsGroupConfig = z.infer<typeof dnsGroupSchema>;
export type FindingEnrichmentConfig = OpsflowConfig['findingEnrichment'];
export type IdentitySyncConfig = z.infer<typeof identitySyncSchema>;
export type SearchDrConfig = z.infer<typeof searchDrSchema>;
export type SearchRegionConfig = z.infer<typeof searchRegionSchema>;
export type ObservabilityConfig = OpsflowConfig['observability'];

/** Parses a raw config; the error names the source and the first wrong field in one line. */
export function parseConfig(raw: unknown, source: string): OpsflowConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new InvalidConfig(`${source}: ${where}: ${issue?.message ?? 'invalid'}`);
}

export const CONFIG_ENV = 'OPSFLOW_CONFIG';

export function configFromEnvironment(env: NodeJS.ProcessEnv): OpsflowConfig {
  const text = env[CONFIG_ENV];
  if (!text) throw new InvalidConfig(`${CONFIG_ENV} is not set`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfig(`${CONFIG_ENV} is not valid JSON`, { cause: error });
  }
  return parseConfig(raw, CONFIG_ENV);
}
