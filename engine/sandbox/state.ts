import type { Indicator } from '@aws-sdk/client-detective';
import type { Cell, SortedTable, Table } from './store.ts';

/**
 * The simulated account: its entities as plain JSON data (times are ISO-8601 strings, which the
 * operations turn into the `Date` objects the SDK returns), kept in a `SandboxStore` that the
 * operations read and change, and given whole as a `SandboxState` by `SandboxAccount#snapshot()`.
 */

export const InstanceStateCode = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
} as const;

export type InstanceStateName = keyof typeof InstanceStateCode;

export interface Ec2InstanceState {
  instanceId: string;
  reservationId: string;
  state: InstanceStateName;
  instanceType: string;
  imageId: string;
  availabilityZone: string;
  /** Absent once the instance is terminated, as on AWS. */
  privateIpAddress?: string;
  publicIpAddress?: string;
  subnetId?: string;
  vpcId?: string;
  launchTime: string;
  tags: Record<string, string>;
}

export const LifecycleTransition = {
  Launching: 'autoscaling:EC2_INSTANCE_LAUNCHING',
  Terminating: 'autoscaling:EC2_INSTANCE_TERMINATING',
} as const;

export type LifecycleTransitionName = typeof LifecycleTransition[keyof typeof LifecycleTransition];

export const LifecycleActionResult = { Continue: 'CONTINUE', Abandon: 'ABANDON' } as const;

export type LifecycleActionResultName = typeof LifecycleActionResult[keyof typeof LifecycleActionResult];

/** The lifecycle states an instance can be seeded in or moved through by the sandbox. */
export const GroupLifecycleState = {
  Pending: 'Pending',
  PendingWait: 'Pending:Wait',
  PendingProceed: 'Pending:Proceed',
  InService: 'InService',
  Standby: 'Standby',
  Terminating: 'Terminating',
  TerminatingWait: 'Terminating:Wait',
  TerminatingProceed: 'Terminating:Proceed',
} as const;

export type GroupLifecycleStateName = typeof GroupLifecycleState[keyof typeof GroupLifecycleState];

export interface GroupInstanceState {
  instanceId: string;
  lifecycleState: GroupLifecycleStateName;
  healthStatus: 'Healthy' | 'Unhealthy';
  protectedFromScaleIn: boolean;
}

export interface LifecycleHookState {
  name: string;
  transition: LifecycleTransitionName;
  defaultResult: LifecycleActionResultName;
  heartbeatTimeout: number;
  notificationMetadata?: string;
  notificationTargetArn?: string;
  roleArn?: string;
}

export interface LaunchTemplateState {
  launchTemplateId?: string;
  launchTemplateName?: string;
  version?: string;
}

export interface AutoScalingGroupState {
  name: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  launchTemplate?: LaunchTemplateState;
  createdTime: string;
  instances: GroupInstanceState[];
  lifecycleHooks: LifecycleHookState[];
}

/** A lifecycle action waiting for CompleteLifecycleAction (or its heartbeat). */
export interface LifecycleActionState {
  group: string;
  hook: string;
  instanceId: string;
  token: string;
  transition: LifecycleTransitionName;
  startedAt: string;
  heartbeats: number;
}

export interface ResourceRecordState {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

export interface HostedZoneState {
  id: string;
  name: string;
  private: boolean;
  comment?: string;
  callerReference: string;
  vpcs: { vpcId: string; vpcRegion: string }[];
  records: ResourceRecordState[];
}

export interface ChangeState {
  id: string;
  hostedZoneId: string;
  submittedAt: string;
  comment?: string;
  /** From this time on (the account's clock) GetChange answers INSYNC. */
  insyncAt: string;
}

/** The EventBridge envelope, as targets and rules see an event. */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface PublishedEventState {
  eventBusName: string;
  event: EventBridgeEvent;
}

/** A finding in the AWS Security Finding Format, as JSON: the keys are ASFF attribute names. */
export interface AsffFinding {
  Id: string;
  ProductArn: string;
  [attribute: string]: unknown;
}

/** Error codes AWS documents for BatchUpdateFindings `UnprocessedFindings`. */
export const FindingUpdateErrorCode = {
  ConcurrentUpdateError: 'ConcurrentUpdateError',
  DuplicatedFindingIdentifier: 'DuplicatedFindingIdentifier',
  FindingNotFound: 'FindingNotFound',
  FindingSizeExceeded: 'FindingSizeExceeded',
  InternalFailure: 'InternalFailure',
  InvalidInput: 'InvalidInput',
} as const;

export type FindingUpdateErrorCodeName = typeof FindingUpdateErrorCode[keyof typeof FindingUpdateErrorCode];

export interface SecurityHubFindingState {
  finding: AsffFinding;
  /**
   * Attributes last set by BatchUpdateFindings: a later BatchImportFindings of the finding keeps
   * them, as Security Hub does.
   */
  customerUpdated: string[];
}

/** A finding that BatchUpdateFindings reports as unprocessed for its next `timesLeft` calls. */
export interface FindingUpdateFailureState {
  findingId: string;
  /** Omitted: the finding of that Id whatever its product. */
  productArn?: string;
  errorCode: FindingUpdateErrorCodeName;
  timesLeft: number;
}

export const InvestigationStatus = { Running: 'RUNNING', Failed: 'FAILED', Successful: 'SUCCESSFUL' } as const;
export type InvestigationStatusName = typeof InvestigationStatus[keyof typeof InvestigationStatus];

/** Detective's severity labels, lowest first (the order ListInvestigations sorts them in). */
export const InvestigationSeverity = {
  Informational: 'INFORMATIONAL',
  Low: 'LOW',
  Medium: 'MEDIUM',
  High: 'HIGH',
  Critical: 'CRITICAL',
} as const;
export type InvestigationSeverityName = typeof InvestigationSeverity[keyof typeof InvestigationSeverity];

export type InvestigationEntityType = 'IAM_USER' | 'IAM_ROLE';

export interface DetectiveGraphState {
  arn: string;
  createdTime: string;
}

/** How an investigation ends once it has run its time. */
export interface InvestigationOutcomeState {
  status: typeof InvestigationStatus.Successful | typeof InvestigationStatus.Failed;
  severity: InvestigationSeverityName;
  indicators: Indicator[];
}

export interface EntityOutcomeState extends InvestigationOutcomeState {
  entityArn: string;
}

export interface DetectiveInvestigationState {
  investigationId: string;
  graphArn: string;
  entityArn: string;
  entityType: InvestigationEntityType;
  createdTime: string;
  scopeStartTime: string;
  scopeEndTime: string;
  status: InvestigationStatusName;
  /** Absent while RUNNING: the severity comes with the result. */
  severity?: InvestigationSeverityName;
  state: 'ACTIVE' | 'ARCHIVED';
  /** A RUNNING investigation takes its outcome at this time (the account's clock); read with detective.ts investigationAt. */
  completesAt: string;
  outcome: InvestigationOutcomeState;
}

/** An IAM user as GetUser returns it; the name is unique in the account whatever its case. */
export interface IamUserState {
  userName: string;
  path: string;
  userId: string;
  arn: string;
  createDate: string;
}

/** An IAM role as GetRole returns it (the members the sandbox keeps). */
export interface IamRoleState {
  roleName: string;
  path: string;
  roleId: string;
  arn: string;
  createDate: string;
}

/** The whole account as `SandboxAccount#snapshot()` gives it (and as a seed is read into). */
export interface SandboxState {
  accountId: string;
  region: string;
  ec2: { instances: Ec2InstanceState[] };
  autoScaling: { groups: AutoScalingGroupState[]; lifecycleActions: LifecycleActionState[] };
  route53: { insyncAfterSeconds: number; hostedZones: HostedZoneState[]; changes: ChangeState[] };
  eventBridge: { published: PublishedEventState[] };
  securityHub: { findings: SecurityHubFindingState[]; unprocessed: FindingUpdateFailureState[] };
  detective: {
    graphs: DetectiveGraphState[];
    investigationSeconds: number;
    outcomes: EntityOutcomeState[];
    defaultOutcome: InvestigationOutcomeState;
    investigations: DetectiveInvestigationState[];
  };
  iam: { users: IamUserState[]; roles: IamRoleState[] };
  identityStore: IdentityStoreState;
  quickSight: QuickSightState;
  openSearch: OpenSearchState;
}

/** What orders records in ListResourceRecordSets: name and type. */
export interface RecordKey {
  name: string;
  type: string;
}

/** A hosted zone as the account keeps it: its records by name and type, in ListResourceRecordSets order. */
export interface StoredHostedZone extends Omit<HostedZoneState, 'records'> {
  readonly records: SortedTable<ResourceRecordState, RecordKey>;
}

/**
 * The account as the operations see it (engine/sandbox/store.ts): each collection keyed by what
 * calls look it up by, every change journaled so that a call that throws changes nothing.
 */
export interface SandboxStore {
  readonly accountId: string;
  readonly region: string;
  /** By instance id. */
  readonly ec2: { readonly instances: Table<Ec2InstanceState> };
  /** Groups by name; the lifecycle actions open now. */
  readonly autoScaling: { readonly groups: Table<AutoScalingGroupState>; readonly lifecycleActions: Cell<readonly LifecycleActionState[]> };
  /** Zones by bare id (`Z…`), changes by bare id (`C…`). */
  readonly route53: { readonly insyncAfterSeconds: number; readonly hostedZones: Table<StoredHostedZone>; readonly changes: Table<ChangeState> };
  /** By event id. */
  readonly eventBridge: { readonly published: Table<PublishedEventState> };
  /** Findings by ProductArn and Id (`findingKey`), indexed by Id; the failures still to report. */
  readonly securityHub: { readonly findings: Table<SecurityHubFindingState, 'id'>; readonly unprocessed: Cell<readonly FindingUpdateFailureState[]> };
  readonly detective: {
    /** By ARN. */
    readonly graphs: Table<DetectiveGraphState>;
    readonly investigationSeconds: number;
    /** By entity ARN. */
    readonly outcomes: Table<EntityOutcomeState>;
    readonly defaultOutcome: InvestigationOutcomeState;
    /** By investigation id, indexed by entity ARN. */
    readonly investigations: Table<DetectiveInvestigationState, 'entity'>;
  };
  /** By name in lower case: IAM names are unique whatever their case. */
  readonly iam: { readonly users: Table<IamUserState>; readonly roles: Table<IamRoleState> };
  readonly identityStore: IdentityStoreStore;
  readonly quickSight: QuickSightStore;
  readonly openSearch: OpenSearchStore;
}

/**
 * An identity store user as the identitystore API names its attributes (DescribeUser's members,
 * times as ISO strings), with `Extensions` holding the `aws:identitystore:enterprise` document.
 */
export interface IdentityStoreUserState {
  UserId: string;
  UserName: string;
  UserStatus: 'ENABLED' | 'DISABLED';
  CreatedAt: string;
  UpdatedAt: string;
  CreatedBy?: string;
  UpdatedBy?: string;
  Extensions?: Record<string, Record<string, unknown>>;
  /** DisplayName, Name, Emails, Title...: the other attributes of CreateUser, as given. */
  [attribute: string]: unknown;
}

export interface IdentityStoreGroupState {
  GroupId: string;
  DisplayName: string;
  Description?: string;
  ExternalIds?: { Issuer: string; Id: string }[];
  CreatedAt: string;
  UpdatedAt: string;
}

export interface IdentityStoreMembershipState {
  MembershipId: string;
  GroupId: string;
  /** The member (MemberId.UserId): only users can be members. */
  UserId: string;
  CreatedAt: string;
}

export interface IdentityStoreState {
  identityStoreId: string;
  users: IdentityStoreUserState[];
  groups: IdentityStoreGroupState[];
  memberships: IdentityStoreMembershipState[];
}

/** What orders a store's memberships: a group's (or a member's) are one range. */
export interface MembershipKey {
  GroupId: string;
  UserId: string;
}

/**
 * The identity store as its operations see it. Every lookup is by key or a range of a sorted
 * table, so a page costs its size, never the store's.
 */
export interface IdentityStoreStore {
  readonly identityStoreId: string;
  /** By UserId (the ListUsers order). */
  readonly users: SortedTable<IdentityStoreUserState>;
  /** UserName → UserId, for uniqueness and GetUserId. */
  readonly userNames: SortedTable<{ UserName: string; UserId: string }>;
  /** By GroupId (the ListGroups order). */
  readonly groups: SortedTable<IdentityStoreGroupState>;
  /** DisplayName → GroupId. */
  readonly groupNames: SortedTable<{ DisplayName: string; GroupId: string }>;
  /** By MembershipId. */
  readonly memberships: SortedTable<IdentityStoreMembershipState>;
  /** The same memberships by group then member: ListGroupMemberships reads one range. */
  readonly membershipsByGroup: SortedTable<IdentityStoreMembershipState, MembershipKey>;
  /** By member then group: ListGroupMembershipsForMember and IsMemberInGroups. */
  readonly membershipsByMember: SortedTable<IdentityStoreMembershipState, MembershipKey>;
}

export interface QuickSightNamespaceState {
  name: string;
  arn: string;
  capacityRegion: string;
  creationStatus: 'CREATED';
  identityStore: 'QUICKSIGHT';
}

export const QuickSightIdentityType = { Iam: 'IAM', QuickSight: 'QUICKSIGHT', IamIdentityCenter: 'IAM_IDENTITY_CENTER' } as const;
export type QuickSightIdentityTypeName = typeof QuickSightIdentityType[keyof typeof QuickSightIdentityType];

/** The roles RegisterUser's UserRole takes (QuickSight API reference, UserRole). */
export const QuickSightUserRoles = ['ADMIN', 'AUTHOR', 'READER', 'RESTRICTED_AUTHOR', 'RESTRICTED_READER', 'ADMIN_PRO', 'AUTHOR_PRO', 'READER_PRO'] as const;
export type QuickSightUserRoleName = (typeof QuickSightUserRoles)[number];

export interface QuickSightUserState {
  namespace: string;
  userName: string;
  arn: string;
  email: string;
  role: QuickSightUserRoleName;
  identityType: QuickSightIdentityTypeName;
  active: boolean;
  principalId: string;
  /** The IAM user or role an IAM user is registered for. */
  iamArn?: string;
  customPermissionsName?: string;
}

export interface QuickSightGroupState {
  namespace: string;
  groupName: string;
  arn: string;
  description?: string;
  principalId: string;
}

export interface QuickSightMembershipState {
  namespace: string;
  groupName: string;
  memberName: string;
}

export interface QuickSightState {
  /** The Region whose endpoint takes user and group calls (the account's identity Region). */
  identityRegion: string;
  namespaces: QuickSightNamespaceState[];
  users: QuickSightUserState[];
  groups: QuickSightGroupState[];
  memberships: QuickSightMembershipState[];
}

export interface QuickSightStore {
  readonly identityRegion: string;
  /** By name. */
  readonly namespaces: SortedTable<QuickSightNamespaceState>;
  /** By namespace then user name (a namespace's users are one range, in ListUsers order). */
  readonly users: SortedTable<QuickSightUserState, { namespace: string; userName: string }>;
  /** By namespace then group name. */
  readonly groups: SortedTable<QuickSightGroupState, { namespace: string; groupName: string }>;
  /** By namespace, group, member: ListGroupMemberships reads one range. */
  readonly membershipsByGroup: SortedTable<QuickSightMembershipState>;
  /** By namespace, member, group: ListUserGroups reads one range. */
  readonly membershipsByMember: SortedTable<QuickSightMembershipState>;
}

/** How a snapshot ends (OpenSearch's SnapshotState, less INCOMPATIBLE, which only an older cluster's snapshot has). */
export const SnapshotOutcome = { Success: 'SUCCESS', Partial: 'PARTIAL', Failed: 'FAILED' } as const;
export type SnapshotOutcomeName = typeof SnapshotOutcome[keyof typeof SnapshotOutcome];

/** Cluster health as `_cluster/health` and `_cat/indices` report it. */
export type ClusterHealthName = 'green' | 'yellow' | 'red';

export interface OpenSearchIndexState {
  name: string;
  uuid: string;
  docsCount: number;
  primaries: number;
  replicas: number;
  /** Closed (`POST <index>/_close`): kept, not searchable, replaced by a restore of its name. Absent: open. */
  closed?: boolean;
  /** How the index came to be when a snapshot restored it (absent: created empty, EMPTY_STORE). */
  recovery?: IndexRecoveryState;
}

/**
 * The snapshot recovery of a restored index: its shards are INDEX (not searchable, the index red)
 * until `doneAt` on the clock, then DONE (OpenSearch's `_recovery` RecoveryState stages).
 */
export interface IndexRecoveryState {
  repository: string;
  snapshot: string;
  /** The OpenSearch version that took the snapshot (SnapshotRecoverySource's `version`). */
  version: string;
  /** The index's name in the snapshot (before any rename). */
  index: string;
  restoreUuid: string;
  startTime: string;
  doneAt: string;
}

/** A snapshot repository as a domain registered it (`PUT _snapshot/<name>`, type s3). */
export interface OpenSearchRepositoryState {
  name: string;
  bucket: string;
  basePath: string;
  region?: string;
  roleArn?: string;
  readonly: boolean;
}

/** One of the service's hourly automated snapshots (repository `cs-automated`, or `cs-automated-enc` on an encrypted domain). */
export interface AutomatedSnapshotState {
  name: string;
  uuid: string;
  startTime: string;
  endsAt: string;
  indices: string[];
  /** Each index's document count when it was taken (absent in files saved before restores were simulated). */
  docsCounts?: Record<string, number>;
}

/** An OpenSearch Service domain of one Region, its cluster's indices and its registered repositories. */
export interface OpenSearchDomainState {
  region: string;
  domainName: string;
  /** `<account id>/<domain name>`, as DescribeDomain's DomainId. */
  domainId: string;
  arn: string;
  /** `search-<domain>-<id>.<region>.es.amazonaws.com`. */
  endpoint: string;
  engineVersion: string;
  created: string;
  /** A configuration change is being applied (DescribeDomain Processing). */
  processing: boolean;
  health: ClusterHealthName;
  encrypted: boolean;
  /** Seconds on the clock a snapshot stays IN_PROGRESS. */
  snapshotSeconds: number;
  /** How the domain's manual snapshots end (a test's override; SUCCESS by default). */
  snapshotOutcome: SnapshotOutcomeName;
  /** Seconds on the clock a restored index recovers (its shards INDEX, the index red) before it is DONE and searchable. */
  restoreSeconds: number;
  /** `sandbox.setRestoreShortfall`: documents the next restore of an index (by its snapshot or restored name) recovers fewer of. */
  restoreShortfalls?: Record<string, number>;
  /** Whether the service takes hourly automated snapshots, and at which minute of the hour. */
  automatedSnapshots: { enabled: boolean; minute: number };
  /** Automated snapshots are taken on the clock up to here (exclusive); the newest 336 are kept, as the service keeps 14 days of them. */
  automatedThrough: string;
  automated: AutomatedSnapshotState[];
  /** The manual snapshot this domain started last, while it may still be running. */
  running?: { location: string; name: string; startTime: string; endsAt: string };
  indices: OpenSearchIndexState[];
  repositories: OpenSearchRepositoryState[];
}

/** A simulated S3 bucket that holds snapshot repositories. */
export interface S3BucketState {
  name: string;
  region: string;
}

/**
 * A manual snapshot as its repository's bucket holds it: every domain that registers the same
 * bucket and base path sees it. Its state is IN_PROGRESS until `endsAt` on the clock, then `outcome`.
 */
export interface OpenSearchSnapshotState {
  /** `<bucket>/<base path>`: the repository's place in S3. */
  location: string;
  snapshot: string;
  uuid: string;
  /** The domain that took it, `<region>/<domain name>`. */
  takenBy: string;
  /** The engine version of that domain (OpenSearch's `version` field). */
  version: string;
  indices: string[];
  includeGlobalState: boolean;
  metadata?: Record<string, unknown>;
  startTime: string;
  endsAt: string;
  outcome: SnapshotOutcomeName;
  /** Document count per index when the snapshot started. */
  docsCounts: Record<string, number>;
}

/**
 * An object in one of the simulated buckets, written through the S3 client (PutObject): the
 * search workflows keep each snapshot's manifest beside it this way.
 */
export interface S3ObjectState {
  bucket: string;
  key: string;
  /** The object's bytes, base64-encoded. */
  body: string;
  contentType: string;
  /** The MD5 of the bytes in hex, in double quotes, as S3 gives a single-part upload's ETag. */
  etag: string;
  lastModified: string;
}

export interface OpenSearchState {
  domains: OpenSearchDomainState[];
  buckets: S3BucketState[];
  snapshots: OpenSearchSnapshotState[];
  objects: S3ObjectState[];
}

export interface OpenSearchStore {
  /** By `<region>/<domain name>`, indexed by endpoint. */
  readonly domains: Table<OpenSearchDomainState, 'endpoint'>;
  /** By bucket name. */
  readonly buckets: Table<S3BucketState>;
  /** By location then snapshot name; a location's snapshots are one range, by start time. */
  readonly snapshots: SortedTable<OpenSearchSnapshotState>;
  /** By bucket then key, in key order (ListObjectsV2's). */
  readonly objects: SortedTable<S3ObjectState>;
}
