import * as z from 'zod';
import { isIpv4 } from '../../handlers/shared/cidr.ts';
import { InvalidSandboxSeed } from './errors.ts';
import { stableUuid, type IdSource } from './ids.ts';
import { groupNameTag } from './services/autoscaling.ts';
import { apexRecords, isNameInZone, normaliseDnsName, normaliseZoneId } from './services/route53.ts';
import {
  GroupLifecycleState,
  LifecycleTransition,
  type AutoScalingGroupState,
  type Ec2InstanceState,
  type HostedZoneState,
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

const pendingLifecycleAction = z.strictObject({
  group: resourceName,
  hook: resourceName,
  instanceId,
  token: z.uuid({ message: 'must be a UUID' }).optional(),
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
    route53: z.strictObject({ pendingPolls: z.int().nonnegative().default(0), hostedZones: z.array(hostedZone).default([]) }).prefault({}),
  })
  .superRefine(checkReferences);

export type SandboxSeed = z.input<typeof sandboxSeedSchema>;
type ParsedSeed = z.output<typeof sandboxSeedSchema>;
type Issue = { path: (string | number)[]; message: string };

function duplicates<T>(items: readonly T[], key: (item: T) => string, report: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const value = key(item);
    if (seen.has(value)) report(index, value);
    seen.add(value);
  });
}

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
    route53: { pendingPolls: seed.route53.pendingPolls, hostedZones, changes: [] },
    eventBridge: { published: [] },
  };
}
