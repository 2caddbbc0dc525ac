import * as z from 'zod';
import { duplicates, type Issue } from './seed-checks.ts';
import { isIpv4 } from '../../handlers/shared/cidr.ts';
import { InvalidSandboxSeed } from './errors.ts';
import { stableUuid, type IdSource } from './ids.ts';
import { groupNameTag } from './services/autoscaling.ts';
import { graphArnPattern, iamEntityType, indicatorDetailMember, indicatorTypes } from './services/detective.ts';
import { apexRecords, isNameInZone, normaliseDnsName, normaliseZoneId } from './services/route53.ts';
import { IamLimit, iamEntityArn, iamNamePattern, iamPathPattern, stableIamId } from './services/iam.ts';
import { asffProblem, storedFinding } from './services/securityhub.ts';
import { identityStoreSeedSchema, identityStoreState, quickSightSeedSchema, quickSightState } from './seed-identity.ts';
import { openSearchSeedSchema, openSearchState } from './seed-search.ts';
import {
  FindingUpdateErrorCode,
  GroupLifecycleState,
  InvestigationSeverity,
  InvestigationStatus,
  LifecycleTransition,
  type AutoScalingGroupState,
  type DetectiveInvestigationState,
  type Ec2InstanceState,
  type HostedZoneState,
  type InvestigationOutcomeState,
  type LifecycleActionState,
  type SandboxState,
} from './state.ts';

/**
 * The seed file: the account the sandbox starts from. Documented with an example in README.md.
 * Strict objects, so a misspelt field is an error rather than a silently empty account.
 */

const instanceId = z.string().regex(/^i-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be an EC2 instance id such as i-0123456789abcdef0');
const ipv4 = z.ipv4({ message: 'must be an IPv4 address such as 10.20.1.15' });
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time such as 2025-01-15T08:00:00Z' });
const transition = z.enum([LifecycleTransition.Launching, LifecycleTransition.Terminating]);
const resourceName = z.string().min(1).max(255);
const seconds = z.int().nonnegative();

/** A field of an older seed format: refused with one line that says what replaced it. */
const replaced = (by: string) => z.never({ message: `replaced by ${by}` }).optional();

/**
 * Route 53 "Changes generally propagate to all Route 53 name servers within 60 seconds"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html):
 * by default a change is INSYNC 60 s after it was submitted.
 */
const defaultInsyncAfterSeconds = 60;

/**
 * Detective documents no duration for an investigation. AWS's own example of this integration
 * says the flow "might take a couple of minutes" to complete
 * (https://aws.amazon.com/blogs/security/how-to-use-the-amazon-detective-api-to-investigate-guardduty-security-findings-and-enrich-data-in-security-hub):
 * by default an investigation runs 120 s.
 */
const defaultInvestigationSeconds = 120;

const seedInstance = z.strictObject({
  instanceId,
  state: z.enum(['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped']).default('running'),
  instanceType: z.string().min(1).default('t3.medium'),
  imageId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id such as ami-0123456789abcdef0').optional(),
  availabilityZone: z.string().min(1).optional(),
  privateIpAddress: ipv4.optional(),
  publicIpAddress: ipv4.optional(),
  subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as subnet-0123456789abcdef0').optional(),
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as vpc-0123456789abcdef0').optional(),
  launchTime: isoTime.optional(),
  reservationId: z.string().regex(/^r-[0-9a-f]{8,17}$/, 'must be a reservation id such as r-0123456789abcdef0').optional(),
  tags: z.record(z.string(), z.string()).default({}),
});

const lifecycleHook = z.strictObject({
  name: resourceName,
  transition,
  defaultResult: z.enum(['CONTINUE', 'ABANDON']).default('ABANDON'),
  heartbeatTimeout: z.int().min(30).max(7200).default(3600),
  notificationMetadata: z.string().max(1023).optional(),
  notificationTargetArn: z.string().min(1).optional(),
  roleArn: z.string().min(1).optional(),
});

const groupInstance = z.strictObject({
  instanceId,
  lifecycleState: z.enum(Object.values(GroupLifecycleState)).default(GroupLifecycleState.InService),
  healthStatus: z.enum(['Healthy', 'Unhealthy']).default('Healthy'),
  protectedFromScaleIn: z.boolean().default(false),
});

const autoScalingGroup = z.strictObject({
  name: resourceName,
  minSize: z.int().nonnegative().optional(),
  maxSize: z.int().nonnegative().optional(),
  desiredCapacity: z.int().nonnegative().optional(),
  availabilityZones: z.array(z.string().min(1)).min(1).optional(),
  launchTemplate: z
    .strictObject({ launchTemplateId: z.string().min(1).optional(), launchTemplateName: z.string().min(1).optional(), version: z.string().min(1).optional() })
    .optional(),
  createdTime: isoTime.optional(),
  instances: z.array(groupInstance).default([]),
  lifecycleHooks: z.array(lifecycleHook).default([]),
});

/**
 * Auto Scaling's model constrains LifecycleActionToken to exactly 36 characters and nothing else
 * (botocore data/autoscaling/2011-01-01/service-2.json, shape LifecycleActionToken: min 36, max 36).
 * Real tokens are UUIDs, but AWS's own documented events carry tokens such as
 * `87654321-4321-4321-4321-210987654321` and `19cc4d4a-e450-4d1c-b448-0de67EXAMPLE`, which are not,
 * so the seed takes what the API takes and documented events run verbatim.
 */
const lifecycleActionToken = z.string().length(36, 'must be 36 characters, as Auto Scaling lifecycle action tokens are (e.g. 87654321-4321-4321-4321-210987654321)');

const pendingLifecycleAction = z.strictObject({
  group: resourceName,
  hook: resourceName,
  instanceId,
  token: lifecycleActionToken.optional(),
  transition: transition.optional(),
});

const recordTypes = ['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'TXT'] as const;

const resourceRecord = z.strictObject({
  name: z.string().min(1).max(255),
  type: z.enum(recordTypes),
  ttl: z.int().min(0).max(2147483647),
  values: z.array(z.string().min(1)).min(1),
});

const hostedZone = z.strictObject({
  id: z.string().regex(/^(\/hostedzone\/)?Z[A-Z0-9]{1,32}$/, 'must be a hosted zone id such as Z0123456789ABCDEFGHIJ'),
  name: z.string().min(1).max(255),
  private: z.boolean().default(false),
  comment: z.string().max(256).optional(),
  callerReference: z.string().min(1).max(128).optional(),
  vpcs: z.array(z.strictObject({ vpcId: z.string().min(1), vpcRegion: z.string().min(1).optional() })).default([]),
  records: z.array(resourceRecord).default([]),
});

/** A finding as ASFF JSON; `asffProblem` checks the rest of the format in checkReferences. */
const asffFinding = z.looseObject({ Id: z.string().min(1).max(512), ProductArn: z.string().min(1) });

const findingUpdateFailure = z.strictObject({
  findingId: z.string().min(1),
  productArn: z.string().min(1).optional(),
  errorCode: z.enum(Object.values(FindingUpdateErrorCode)),
  times: z.int().positive().default(1),
});

const securityHub = z
  .strictObject({ findings: z.array(asffFinding).default([]), unprocessed: z.array(findingUpdateFailure).default([]) })
  .prefault({});

const graphArn = z.string().regex(graphArnPattern, 'must be a behavior graph ARN such as arn:aws:detective:eu-west-1:123456789012:graph:<32 lower-case hex digits>');
const entityArn = z.string().refine((arn) => iamEntityType(arn) !== undefined, 'must be an IAM user or role ARN such as arn:aws:iam::123456789012:user/alice');
const severity = z.enum(Object.values(InvestigationSeverity));
const detailText = z.string().min(1).optional();
const detailCount = z.int().nonnegative().optional();

/** IndicatorDetail with exactly the members and fields of the Detective API reference. */
const indicatorDetail = z.strictObject({
  TTPsObservedDetail: z
    .strictObject({ Tactic: detailText, Technique: detailText, Procedure: detailText, IpAddress: detailText, APIName: detailText, APISuccessCount: detailCount, APIFailureCount: detailCount })
    .optional(),
  ImpossibleTravelDetail: z
    .strictObject({ StartingIpAddress: detailText, EndingIpAddress: detailText, StartingLocation: detailText, EndingLocation: detailText, HourlyTimeDelta: detailCount })
    .optional(),
  FlaggedIpAddressDetail: z.strictObject({ IpAddress: detailText, Reason: z.enum(['AWS_THREAT_INTELLIGENCE']).optional() }).optional(),
  NewGeolocationDetail: z.strictObject({ Location: detailText, IpAddress: detailText, IsNewForEntireAccount: z.boolean().optional() }).optional(),
  NewAsoDetail: z.strictObject({ Aso: detailText, IsNewForEntireAccount: z.boolean().optional() }).optional(),
  NewUserAgentDetail: z.strictObject({ UserAgent: detailText, IsNewForEntireAccount: z.boolean().optional() }).optional(),
  RelatedFindingDetail: z.strictObject({ Arn: z.string().regex(/^arn:.*/, 'must be an ARN').optional(), Type: detailText, IpAddress: detailText }).optional(),
  RelatedFindingGroupDetail: z.strictObject({ Id: detailText }).optional(),
});

const indicator = z
  .strictObject({ IndicatorType: z.enum(indicatorTypes), IndicatorDetail: indicatorDetail })
  .superRefine((value, context) => {
    const expected = indicatorDetailMember[value.IndicatorType];
    const given = Object.keys(value.IndicatorDetail).filter((member) => value.IndicatorDetail[member as keyof typeof value.IndicatorDetail] !== undefined);
    if (given.length !== 1 || given[0] !== expected) {
      context.addIssue({ code: 'custom', path: ['IndicatorDetail'], message: `a ${value.IndicatorType} indicator has exactly one detail, ${expected}` });
    }
  });

const outcomeFields = {
  status: z.enum([InvestigationStatus.Successful, InvestigationStatus.Failed]).default(InvestigationStatus.Successful),
  severity: severity.default(InvestigationSeverity.Informational),
  indicators: z.array(indicator).default([]),
};

const seededInvestigation = z.strictObject({
  investigationId: z.string().regex(/^[0-9]{21}$/, 'must be 21 digits').optional(),
  graphArn: graphArn.optional(),
  entityArn,
  createdTime: isoTime.optional(),
  scopeStartTime: isoTime,
  scopeEndTime: isoTime,
  status: z.enum(Object.values(InvestigationStatus)).default(InvestigationStatus.Successful),
  severity: severity.optional(),
  state: z.enum(['ACTIVE', 'ARCHIVED']).default('ACTIVE'),
  indicators: z.array(indicator).default([]),
  /** For a RUNNING investigation: seconds from its createdTime until it takes its outcome (default detective.investigationSeconds). */
  investigationSeconds: seconds.optional(),
  runningPolls: replaced('investigationSeconds, the seconds from its createdTime until a RUNNING investigation ends'),
});

const detective = z
  .strictObject({
    graphs: z.array(z.strictObject({ arn: graphArn, createdTime: isoTime.optional() })).default([]),
    investigationSeconds: seconds.default(defaultInvestigationSeconds),
    runningPolls: replaced('detective.investigationSeconds, the seconds on the clock from StartInvestigation until the investigation ends'),
    outcomes: z.array(z.strictObject({ entityArn, ...outcomeFields })).default([]),
    defaultOutcome: z.strictObject(outcomeFields).optional(),
    investigations: z.array(seededInvestigation).default([]),
  })
  .prefault({});

const iamPath = z.string().regex(iamPathPattern, 'must be an IAM path: / or /a/path/').default('/');
const iamName = (max: number) => z.string().max(max).regex(iamNamePattern, 'must be an IAM name of letters, digits and _+=,.@-');

/** IAM users and roles by name and path: GetUser and GetRole answer their ARNs. */
const iam = z
  .strictObject({
    users: z.array(z.strictObject({ userName: iamName(IamLimit.userNameLength), path: iamPath, createDate: isoTime.optional() })).default([]),
    roles: z.array(z.strictObject({ roleName: iamName(IamLimit.roleNameLength), path: iamPath, createDate: isoTime.optional() })).default([]),
  })
  .prefault({});

export const sandboxSeedSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').default('123456789012'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1').default('eu-west-1'),
    ec2: z.strictObject({ instances: z.array(seedInstance).default([]) }).prefault({}),
    autoScaling: z
      .strictObject({ groups: z.array(autoScalingGroup).default([]), pendingLifecycleActions: z.array(pendingLifecycleAction).default([]) })
      .prefault({}),
    route53: z
      .strictObject({
        insyncAfterSeconds: seconds.default(defaultInsyncAfterSeconds),
        pendingPolls: replaced('route53.insyncAfterSeconds, the seconds on the clock from ChangeResourceRecordSets until GetChange answers INSYNC'),
        hostedZones: z.array(hostedZone).default([]),
      })
      .prefault({}),
    securityHub,
    detective,
    iam,
    identityStore: identityStoreSeedSchema,
    quickSight: quickSightSeedSchema,
    openSearch: openSearchSeedSchema,
  })
  .superRefine(checkReferences);

export type SandboxSeed = z.input<typeof sandboxSeedSchema>;
type ParsedSeed = z.output<typeof sandboxSeedSchema>;

/** Checks between parts of the seed, each reported at the field that is wrong. */
function checkReferences(seed: ParsedSeed, context: z.RefinementCtx): void {
  const issue = ({ path, message }: Issue): void => context.addIssue({ code: 'custom', path, message });
  const instances = new Map(seed.ec2.instances.map((instance) => [instance.instanceId, instance]));

  seed.ec2.instances.forEach((instance, index) => {
    const path = ['ec2', 'instances', index];
    if (instance.state === 'terminated') {
      for (const field of ['privateIpAddress', 'publicIpAddress', 'subnetId', 'vpcId'] as const) {
        if (instance[field] !== undefined) issue({ path: [...path, field], message: 'a terminated instance has none (AWS releases it on termination)' });
      }
    } else if (instance.privateIpAddress === undefined) {
      issue({ path: [...path, 'privateIpAddress'], message: `required for a ${instance.state} instance` });
    }
  });
  duplicates(seed.ec2.instances, (instance) => instance.instanceId, (index, value) =>
    issue({ path: ['ec2', 'instances', index, 'instanceId'], message: `${value} appears twice` }),
  );

  const memberOf = new Map<string, string>();
  duplicates(seed.autoScaling.groups, (group) => group.name, (index, value) =>
    issue({ path: ['autoScaling', 'groups', index, 'name'], message: `${value} appears twice` }),
  );
  seed.autoScaling.groups.forEach((group, groupIndex) => {
    const path = ['autoScaling', 'groups', groupIndex];
    group.instances.forEach((member, memberIndex) => {
      const memberPath = [...path, 'instances', memberIndex, 'instanceId'];
      const instance = instances.get(member.instanceId);
      if (!instance) issue({ path: memberPath, message: `${member.instanceId} is not in ec2.instances` });
      else if (instance.state === 'terminated') issue({ path: memberPath, message: `${member.instanceId} is terminated, so no longer in a group` });
      const other = memberOf.get(member.instanceId);
      if (other !== undefined) issue({ path: memberPath, message: `${member.instanceId} is already in group ${other}` });
      memberOf.set(member.instanceId, group.name);
    });
    duplicates(group.lifecycleHooks, (hook) => hook.name, (index, value) =>
      issue({ path: [...path, 'lifecycleHooks', index, 'name'], message: `${value} appears twice` }),
    );
  });

  seed.autoScaling.pendingLifecycleActions.forEach((action, index) => {
    const path = ['autoScaling', 'pendingLifecycleActions', index];
    const group = seed.autoScaling.groups.find((candidate) => candidate.name === action.group);
    if (!group) return issue({ path: [...path, 'group'], message: `no group named ${action.group}` });
    const hook = group.lifecycleHooks.find((candidate) => candidate.name === action.hook);
    if (!hook) return issue({ path: [...path, 'hook'], message: `group ${group.name} has no hook named ${action.hook}` });
    if (action.transition !== undefined && action.transition !== hook.transition) {
      return issue({ path: [...path, 'transition'], message: `hook ${hook.name} is on ${hook.transition}` });
    }
    const member = group.instances.find((candidate) => candidate.instanceId === action.instanceId);
    if (!member) return issue({ path: [...path, 'instanceId'], message: `${action.instanceId} is not in group ${group.name}` });
    const waiting = hook.transition === LifecycleTransition.Launching ? GroupLifecycleState.PendingWait : GroupLifecycleState.TerminatingWait;
    if (member.lifecycleState !== waiting) {
      issue({ path: [...path, 'instanceId'], message: `${action.instanceId} is ${member.lifecycleState}; an open action on ${hook.transition} needs ${waiting}` });
    }
    return undefined;
  });
  // A token names one lifecycle action: CompleteLifecycleAction by token must find exactly one.
  const tokens = seed.autoScaling.pendingLifecycleActions.map((action, index) => ({ token: action.token, index })).filter((entry) => entry.token !== undefined);
  duplicates(tokens, (entry) => entry.token ?? '', (index, value) =>
    issue({ path: ['autoScaling', 'pendingLifecycleActions', tokens[index]?.index ?? index, 'token'], message: `${value} appears twice` }),
  );

  duplicates(seed.route53.hostedZones, (zone) => normaliseZoneId(zone.id), (index, value) =>
    issue({ path: ['route53', 'hostedZones', index, 'id'], message: `${value} appears twice` }),
  );
  seed.route53.hostedZones.forEach((zone, zoneIndex) => {
    const path = ['route53', 'hostedZones', zoneIndex, 'records'];
    const zoneName = normaliseDnsName(zone.name);
    zone.records.forEach((record, recordIndex) => {
      const name = normaliseDnsName(record.name);
      if (!isNameInZone(name, zoneName)) issue({ path: [...path, recordIndex, 'name'], message: `${name} is not in zone ${zoneName}` });
      if (record.type === 'A') {
        record.values.forEach((value, valueIndex) => {
          if (!isIpv4(value)) issue({ path: [...path, recordIndex, 'values', valueIndex], message: 'an A record value must be an IPv4 address' });
        });
      }
    });
    duplicates(zone.records, (record) => `${normaliseDnsName(record.name)} ${record.type}`, (index, value) =>
      issue({ path: [...path, index], message: `record ${value} appears twice` }),
    );
  });

  checkSecurityHub(seed, issue);
  checkDetective(seed, issue);
  checkIam(seed, issue);
}

/** IAM names are unique in an account whatever their case. */
function checkIam(seed: ParsedSeed, issue: (issue: Issue) => void): void {
  duplicates(seed.iam.users, (user) => user.userName.toLowerCase(), (index, value) =>
    issue({ path: ['iam', 'users', index, 'userName'], message: `${value} appears twice (IAM names ignore case)` }),
  );
  duplicates(seed.iam.roles, (role) => role.roleName.toLowerCase(), (index, value) =>
    issue({ path: ['iam', 'roles', index, 'roleName'], message: `${value} appears twice (IAM names ignore case)` }),
  );
}

function checkSecurityHub(seed: ParsedSeed, issue: (issue: Issue) => void): void {
  const path = ['securityHub', 'findings'];
  seed.securityHub.findings.forEach((finding, index) => {
    const problem = asffProblem(finding);
    if (problem !== undefined) issue({ path: [...path, index], message: problem });
  });
  duplicates(seed.securityHub.findings, (finding) => `${finding.ProductArn} ${finding.Id}`, (index, value) =>
    issue({ path: [...path, index, 'Id'], message: `finding ${value} appears twice` }),
  );
  seed.securityHub.unprocessed.forEach((rule, index) => {
    const exists = seed.securityHub.findings.some((finding) => finding.Id === rule.findingId && (rule.productArn === undefined || finding.ProductArn === rule.productArn));
    if (!exists) issue({ path: ['securityHub', 'unprocessed', index, 'findingId'], message: `no finding ${rule.findingId} in securityHub.findings` });
  });
}

function checkDetective(seed: ParsedSeed, issue: (issue: Issue) => void): void {
  const { detective } = seed;
  detective.graphs.forEach((graph, index) => {
    const [, , , region, account] = graph.arn.split(':');
    if (region !== seed.region || account !== seed.accountId) {
      issue({ path: ['detective', 'graphs', index, 'arn'], message: `must be in the seed's account ${seed.accountId} and Region ${seed.region}` });
    }
  });
  duplicates(detective.graphs, (graph) => graph.arn, (index, value) => issue({ path: ['detective', 'graphs', index, 'arn'], message: `${value} appears twice` }));
  duplicates(detective.outcomes, (outcome) => outcome.entityArn, (index, value) =>
    issue({ path: ['detective', 'outcomes', index, 'entityArn'], message: `${value} has two outcomes` }),
  );
  const outcomes = detective.outcomes.map((outcome, index) => ({ outcome, path: ['detective', 'outcomes', index] as (string | number)[] }));
  if (detective.defaultOutcome) outcomes.push({ outcome: { entityArn: '', ...detective.defaultOutcome }, path: ['detective', 'defaultOutcome'] });
  for (const { outcome, path } of outcomes) {
    if (outcome.status === InvestigationStatus.Failed && outcome.indicators.length > 0) issue({ path: [...path, 'indicators'], message: 'a FAILED investigation has no indicators' });
  }
  detective.investigations.forEach((investigation, index) => {
    const path = ['detective', 'investigations', index];
    if (investigation.graphArn === undefined && detective.graphs.length !== 1) {
      issue({ path: [...path, 'graphArn'], message: 'required unless detective.graphs has exactly one graph' });
    }
    if (investigation.graphArn !== undefined && !detective.graphs.some((graph) => graph.arn === investigation.graphArn)) {
      issue({ path: [...path, 'graphArn'], message: `${investigation.graphArn} is not in detective.graphs` });
    }
    if (new Date(investigation.scopeStartTime).getTime() >= new Date(investigation.scopeEndTime).getTime()) {
      issue({ path: [...path, 'scopeEndTime'], message: 'must be after scopeStartTime' });
    }
    if (investigation.status === InvestigationStatus.Running) {
      for (const field of ['severity', 'indicators'] as const) {
        const given = field === 'indicators' ? investigation.indicators.length > 0 : investigation.severity !== undefined;
        if (given) issue({ path: [...path, field], message: 'a RUNNING investigation takes its result from detective.outcomes or defaultOutcome' });
      }
    } else if (investigation.investigationSeconds !== undefined) {
      issue({ path: [...path, 'investigationSeconds'], message: `only for a RUNNING investigation, this one is ${investigation.status}` });
    }
    if (investigation.status === InvestigationStatus.Failed && investigation.indicators.length > 0) {
      issue({ path: [...path, 'indicators'], message: 'a FAILED investigation has no indicators' });
    }
  });
  duplicates(
    detective.investigations.filter((investigation) => investigation.investigationId !== undefined),
    (investigation) => investigation.investigationId ?? '',
    (_index, value) => issue({ path: ['detective', 'investigations'], message: `investigation id ${value} appears twice` }),
  );
}

/** Parses a seed; the error names the source and the first wrong field, in one line. */
export function parseSeed(raw: unknown, source: string, { now, ids }: { now: Date; ids: IdSource }): SandboxState {
  const result = sandboxSeedSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new InvalidSandboxSeed(`${source}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return toState(result.data, now, ids);
}

function toState(seed: ParsedSeed, now: Date, ids: IdSource): SandboxState {
  const { accountId, region } = seed;
  const groupOf = new Map(seed.autoScaling.groups.flatMap((group) => group.instances.map((member) => [member.instanceId, group.name] as const)));

  const instances = seed.ec2.instances.map((instance): Ec2InstanceState => {
    const group = groupOf.get(instance.instanceId);
    return {
      instanceId: instance.instanceId,
      reservationId: instance.reservationId ?? `r-0${ids.hex(16)}`,
      state: instance.state,
      instanceType: instance.instanceType,
      imageId: instance.imageId ?? `ami-0${ids.hex(16)}`,
      availabilityZone: instance.availabilityZone ?? `${region}a`,
      ...(instance.privateIpAddress === undefined ? {} : { privateIpAddress: instance.privateIpAddress }),
      ...(instance.publicIpAddress === undefined ? {} : { publicIpAddress: instance.publicIpAddress }),
      ...(instance.subnetId === undefined ? {} : { subnetId: instance.subnetId }),
      ...(instance.vpcId === undefined ? {} : { vpcId: instance.vpcId }),
      launchTime: new Date(instance.launchTime ?? now).toISOString(),
      // Auto Scaling tags the instances it launches with their group.
      tags: group === undefined ? { ...instance.tags } : { ...instance.tags, [groupNameTag]: group },
    };
  });
  const byId = new Map(instances.map((instance) => [instance.instanceId, instance]));

  const groups = seed.autoScaling.groups.map((group): AutoScalingGroupState => {
    const members = group.instances.map((member) => ({ ...member }));
    const live = members.filter((member) => !member.lifecycleState.startsWith('Terminating')).length;
    const desiredCapacity = group.desiredCapacity ?? live;
    const zones = [...new Set(members.map((member) => byId.get(member.instanceId)?.availabilityZone).filter((zone) => zone !== undefined))];
    const launchTimes = members.map((member) => byId.get(member.instanceId)?.launchTime).filter((time) => time !== undefined).sort();
    return {
      name: group.name,
      arn: `arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:${stableUuid(`${accountId}/${region}/${group.name}`)}:autoScalingGroupName/${group.name}`,
      minSize: group.minSize ?? desiredCapacity,
      maxSize: group.maxSize ?? Math.max(desiredCapacity, 1),
      desiredCapacity,
      availabilityZones: group.availabilityZones ?? (zones.length > 0 ? zones : [`${region}a`]),
      ...(group.launchTemplate === undefined ? {} : { launchTemplate: { ...group.launchTemplate } }),
      createdTime: new Date(group.createdTime ?? launchTimes[0] ?? now).toISOString(),
      instances: members,
      lifecycleHooks: group.lifecycleHooks.map((hook) => ({ ...hook })),
    };
  });

  const lifecycleActions = seed.autoScaling.pendingLifecycleActions.map((action): LifecycleActionState => {
    const hook = seed.autoScaling.groups.find((group) => group.name === action.group)?.lifecycleHooks.find((candidate) => candidate.name === action.hook);
    return {
      group: action.group,
      hook: action.hook,
      instanceId: action.instanceId,
      token: action.token ?? ids.uuid(),
      transition: action.transition ?? hook?.transition ?? LifecycleTransition.Launching,
      startedAt: now.toISOString(),
      heartbeats: 0,
    };
  });

  const hostedZones = seed.route53.hostedZones.map((zone): HostedZoneState => {
    const name = normaliseDnsName(zone.name);
    const records = zone.records.map((record) => ({ name: normaliseDnsName(record.name), type: record.type, ttl: record.ttl, values: [...record.values] }));
    const missingApex = apexRecords(name).filter((apex) => !records.some((record) => record.name === apex.name && record.type === apex.type));
    const id = normaliseZoneId(zone.id);
    return {
      id,
      name,
      private: zone.private,
      ...(zone.comment === undefined ? {} : { comment: zone.comment }),
      callerReference: zone.callerReference ?? `opsflow-sandbox-${id}`,
      vpcs: zone.vpcs.map((vpc) => ({ vpcId: vpc.vpcId, vpcRegion: vpc.vpcRegion ?? region })),
      records: [...missingApex, ...records],
    };
  });

  return {
    accountId,
    region,
    ec2: { instances },
    autoScaling: { groups, lifecycleActions },
    route53: { insyncAfterSeconds: seed.route53.insyncAfterSeconds, hostedZones, changes: [] },
    eventBridge: { published: [] },
    securityHub: {
      findings: seed.securityHub.findings.map((finding) => storedFinding(finding)),
      unprocessed: seed.securityHub.unprocessed.map(({ findingId, productArn, errorCode, times }) => ({
        findingId,
        ...(productArn === undefined ? {} : { productArn }),
        errorCode,
        timesLeft: times,
      })),
    },
    detective: detectiveState(seed, now, ids),
    iam: iamState(seed, now),
    identityStore: identityStoreState(seed.identityStore, now),
    quickSight: quickSightState(seed.quickSight, seed),
    openSearch: openSearchState(seed.openSearch, { accountId, now }),
  };
}

function iamState({ iam, accountId }: ParsedSeed, now: Date): SandboxState['iam'] {
  const createDate = (given: string | undefined): string => new Date(given ?? now).toISOString();
  return {
    users: iam.users.map(({ userName, path, createDate: created }) => {
      const arn = iamEntityArn(accountId, 'user', path, userName);
      return { userName, path, userId: stableIamId('AIDA', arn), arn, createDate: createDate(created) };
    }),
    roles: iam.roles.map(({ roleName, path, createDate: created }) => {
      const arn = iamEntityArn(accountId, 'role', path, roleName);
      return { roleName, path, roleId: stableIamId('AROA', arn), arn, createDate: createDate(created) };
    }),
  };
}

function detectiveState(seed: ParsedSeed, now: Date, ids: IdSource): SandboxState['detective'] {
  const { detective } = seed;
  const defaultOutcome: InvestigationOutcomeState = detective.defaultOutcome ?? {
    status: InvestigationStatus.Successful,
    severity: InvestigationSeverity.Informational,
    indicators: [],
  };
  const outcomeOf = (entityArn: string): InvestigationOutcomeState => {
    const { status, severity, indicators } = detective.outcomes.find((outcome) => outcome.entityArn === entityArn) ?? defaultOutcome;
    return { status, severity, indicators: structuredClone(indicators) };
  };
  const taken = new Set(detective.investigations.map((investigation) => investigation.investigationId).filter((id) => id !== undefined));
  const freshId = (): string => {
    let id = ids.chars('0123456789', 21);
    while (taken.has(id)) id = ids.chars('0123456789', 21);
    taken.add(id);
    return id;
  };
  const investigations = detective.investigations.map((seeded): DetectiveInvestigationState => {
    const running = seeded.status === InvestigationStatus.Running;
    const createdTime = new Date(seeded.createdTime ?? now);
    const runsFor = running ? (seeded.investigationSeconds ?? detective.investigationSeconds) : 0;
    const outcome: InvestigationOutcomeState = running
      ? outcomeOf(seeded.entityArn)
      : { status: seeded.status as InvestigationOutcomeState['status'], severity: seeded.severity ?? InvestigationSeverity.Informational, indicators: seeded.indicators };
    return {
      investigationId: seeded.investigationId ?? freshId(),
      graphArn: seeded.graphArn ?? detective.graphs[0]?.arn ?? '',
      entityArn: seeded.entityArn,
      entityType: iamEntityType(seeded.entityArn) ?? 'IAM_USER',
      createdTime: createdTime.toISOString(),
      scopeStartTime: new Date(seeded.scopeStartTime).toISOString(),
      scopeEndTime: new Date(seeded.scopeEndTime).toISOString(),
      status: seeded.status,
      ...(running ? {} : { severity: outcome.severity }),
      state: seeded.state,
      completesAt: new Date(createdTime.getTime() + runsFor * 1000).toISOString(),
      outcome,
    };
  });
  return {
    graphs: detective.graphs.map((graph) => ({ arn: graph.arn, createdTime: new Date(graph.createdTime ?? now).toISOString() })),
    investigationSeconds: detective.investigationSeconds,
    outcomes: detective.outcomes.map(({ entityArn, status, severity, indicators }) => ({ entityArn, status, severity, indicators: structuredClone(indicators) })),
    defaultOutcome: structuredClone(defaultOutcome),
    investigations,
  };
}
