import * as z from 'zod/mini';
import { cidrContains, isPrivateIpv4 } from '../../shared/cidr.ts';
import { AddressNotAllowed, InstanceNotInGroup } from '../errors.ts';
import { DnsAction, DnsTrigger, dnsTargetSchema, type DnsTarget } from '../target.ts';

/** The fields of EC2 DescribeInstances and Route 53 ListResourceRecordSets this task reads. */
const instanceSchema = z.looseObject({
  InstanceId: z.string(),
  State: z.optional(z.looseObject({ Name: z.optional(z.string()) })),
  PrivateIpAddress: z.optional(z.string()),
  Tags: z.optional(z.array(z.looseObject({ Key: z.optional(z.string()), Value: z.optional(z.string()) }))),
});

const recordSetSchema = z.looseObject({
  Name: z.string(),
  Type: z.string(),
  TTL: z.optional(z.number()),
  SetIdentifier: z.optional(z.string()),
  ResourceRecords: z.optional(z.array(z.object({ Value: z.string() }))),
  AliasTarget: z.optional(z.looseObject({})),
});

/** Auto Scaling DescribeAutoScalingInstances: the group and lifecycle state of the instance, if in a group. */
const membershipSchema = z.looseObject({
  InstanceId: z.string(),
  AutoScalingGroupName: z.string(),
  LifecycleState: z.string(),
});

export const planDnsChangeInput = z.looseObject({
  target: dnsTargetSchema,
  instance: z.optional(
    z.looseObject({ Reservations: z.array(z.looseObject({ Instances: z.optional(z.array(instanceSchema)) })) }),
  ),
  membership: z.optional(z.looseObject({ Instances: z.array(membershipSchema) })),
  current: z.looseObject({ RecordSets: z.array(recordSetSchema) }),
});

export type PlanDnsChangeInput = z.infer<typeof planDnsChangeInput>;
type Instance = z.infer<typeof instanceSchema>;
type Membership = z.infer<typeof membershipSchema>;
type RecordSet = z.infer<typeof recordSetSchema>;

export const Verdict = { InSync: 'in-sync', Change: 'change', Skip: 'skip' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface RecordChange {
  Action: 'CREATE' | 'DELETE';
  ResourceRecordSet: Record<string, unknown>;
}

export interface DnsPlan {
  verdict: Verdict;
  /** One sentence saying why, for the execution record and the operator. */
  reason: string;
  /** The address the record should hold, or null when it should not exist. */
  desired: string | null;
  /** What the record holds now (values and TTL), or null when it does not exist. */
  current: { values: string[]; ttl: number | null } | null;
  /** The atomic batch to send when the verdict is `change`; null otherwise. */
  changeBatch: { Comment: string; Changes: RecordChange[] } | null;
}

const GROUP_TAG = 'aws:autoscaling:groupName';
const LIVE_STATES = new Set(['pending', 'running']);
/** Auto Scaling lifecycle states in which an instance is entering or in service. */
const JOINING_STATES = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);

/**
 * Decides what, if anything, to change in the record. Guards raise named errors (a foreign or
 * public address is never written); stale or duplicate events end in `skip` or `in-sync`. The
 * batch DELETEs exactly what was read, so if another execution changed the record since, Route 53
 * rejects the whole batch and the state machine reads again.
 */
export function planDnsChange(input: PlanDnsChangeInput): DnsPlan {
  const { target } = input;
  const current = findRecord(input.current.RecordSets, target.recordName);
  const currentView = current ? { values: recordValues(current), ttl: current.TTL ?? null } : null;
  const instance = firstInstance(input);

  if (target.action === DnsAction.Ignore) {
    return { verdict: Verdict.Skip, reason: `instance ${target.instanceId} is going to the warm pool, not into service`, desired: null, current: currentView, changeBatch: null };
  }
  if (target.instanceId !== null && !instance) {
    return { verdict: Verdict.Skip, reason: `instance ${target.instanceId} no longer exists`, desired: null, current: currentView, changeBatch: null };
  }
  const membership = input.membership?.Instances.find((member) => member.InstanceId === target.instanceId);
  if (instance) assertInGroup(instance, membership, target);

  return target.action === DnsAction.Upsert
    ? planUpsert(target, instance, membership, current, currentView)
    : planRemove(target, instance, current, currentView);
}

function planUpsert(
  target: DnsTarget,
  instance: Instance | undefined,
  membership: Membership | undefined,
  current: RecordSet | undefined,
  currentView: DnsPlan['current'],
): DnsPlan {
  if (!instance) {
    return { verdict: Verdict.Skip, reason: 'no instance to point the record at', desired: null, current: currentView, changeBatch: null };
  }
  const state = instance.State?.Name ?? 'unknown';
  if (!LIVE_STATES.has(state)) {
    return {
      verdict: Verdict.Skip,
      reason: `instance ${instance.InstanceId} is ${state}: the event is stale and the record is left to the live instance`,
      desired: null,
      current: currentView,
      changeBatch: null,
    };
  }
  const address = allowedAddress(instance, target);
  if (current && isExactly(current, address, target.ttl)) {
    return { verdict: Verdict.InSync, reason: `${target.recordName} already points at ${address}`, desired: address, current: currentView, changeBatch: null };
  }
  const stale = staleness(target, instance, membership, current);
  if (stale) return { verdict: Verdict.Skip, reason: stale, desired: null, current: currentView, changeBatch: null };
  const changes: RecordChange[] = [];
  if (current) changes.push({ Action: 'DELETE', ResourceRecordSet: current });
  changes.push({
    Action: 'CREATE',
    ResourceRecordSet: { Name: target.recordName, Type: 'A', TTL: target.ttl, ResourceRecords: [{ Value: address }] },
  });
  const from = currentView ? `${currentView.values.join(',') || 'an alias'} (TTL ${currentView.ttl ?? 'none'})` : 'nothing';
  return {
    verdict: Verdict.Change,
    reason: `${target.recordName} points at ${from}; set it to ${address} (TTL ${target.ttl}) for ${instance.InstanceId}`,
    desired: address,
    current: currentView,
    changeBatch: { Comment: comment(target), Changes: changes },
  };
}

function planRemove(target: DnsTarget, instance: Instance | undefined, current: RecordSet | undefined, currentView: DnsPlan['current']): DnsPlan {
  if (!current) {
    return { verdict: Verdict.InSync, reason: `${target.recordName} does not exist`, desired: null, current: null, changeBatch: null };
  }
  if (instance) {
    const address = instance.PrivateIpAddress;
    if (!address) {
      return {
        verdict: Verdict.Skip,
        reason: `instance ${instance.InstanceId} has no address left to compare; reconcile will repair the record`,
        desired: null,
        current: currentView,
        changeBatch: null,
      };
    }
    const values = recordValues(current);
    if (values.length !== 1 || values[0] !== address) {
      return {
        verdict: Verdict.Skip,
        reason: `${target.recordName} points at ${values.join(',') || 'an alias'}, not at ${instance.InstanceId} (${address}): left unchanged`,
        desired: null,
        current: currentView,
        changeBatch: null,
      };
    }
  }
  const whose = instance ? `instance ${instance.InstanceId}` : 'no InService instance';
  return {
    verdict: Verdict.Change,
    reason: `${target.recordName} points at ${currentView?.values.join(',')}; remove it (${whose})`,
    desired: null,
    current: currentView,
    changeBatch: { Comment: comment(target), Changes: [{ Action: 'DELETE', ResourceRecordSet: current }] },
  };
}

function firstInstance(input: PlanDnsChangeInput): Instance | undefined {
  const instances = (input.instance?.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  return instances.find((instance) => instance.InstanceId === input.target.instanceId);
}

/**
 * Why an event for a running instance must not take the record: the instance is leaving the
 * group (Terminating, Detaching, Standby, a warm pool), or its launch lifecycle action was
 * handled long ago and the record now points at another instance (a late event).
 */
function staleness(target: DnsTarget, instance: Instance, membership: Membership | undefined, current: RecordSet | undefined): string | undefined {
  if (!membership) return `instance ${instance.InstanceId} is no longer in group ${target.autoScalingGroupName}`;
  if (!JOINING_STATES.has(membership.LifecycleState)) {
    return `instance ${instance.InstanceId} is ${membership.LifecycleState}: the event is stale and the record is left to the live instance`;
  }
  if (target.trigger === DnsTrigger.LaunchLifecycle && membership.LifecycleState === 'InService' && current) {
    return `instance ${instance.InstanceId} went InService long ago and ${target.recordName} now points at ${recordValues(current).join(',') || 'an alias'}: a late launch event`;
  }
  return undefined;
}

/** The group Auto Scaling reports is authoritative; the tag stays on instances that left their group. */
function assertInGroup(instance: Instance, membership: Membership | undefined, target: DnsTarget): void {
  const group = membership?.AutoScalingGroupName ?? instance.Tags?.find((tag) => tag.Key === GROUP_TAG)?.Value;
  if (group !== target.autoScalingGroupName) {
    throw new InstanceNotInGroup(
      `instance ${instance.InstanceId} belongs to ${group ? `group ${group}` : 'no Auto Scaling group'}, not ${target.autoScalingGroupName}`,
    );
  }
}

function allowedAddress(instance: Instance, target: DnsTarget): string {
  const address = instance.PrivateIpAddress;
  if (!address) throw new AddressNotAllowed(`instance ${instance.InstanceId} has no private IPv4 address`);
  if (!isPrivateIpv4(address)) {
    throw new AddressNotAllowed(`instance ${instance.InstanceId} address ${address} is not a private IPv4 address`);
  }
  if (!target.allowedCidrs.some((cidr) => cidrContains(cidr, address))) {
    throw new AddressNotAllowed(
      `instance ${instance.InstanceId} address ${address} is outside the allowed CIDRs ${target.allowedCidrs.join(', ')} of ${target.autoScalingGroupName}`,
    );
  }
  return address;
}

/** ListResourceRecordSets starts at the name but may return the next record: match name, type and simple routing. */
function findRecord(recordSets: RecordSet[], recordName: string): RecordSet | undefined {
  return recordSets.find((set) => set.Name.toLowerCase() === recordName && set.Type === 'A' && set.SetIdentifier === undefined);
}

function recordValues(record: RecordSet): string[] {
  return (record.ResourceRecords ?? []).map((resource) => resource.Value);
}

function isExactly(record: RecordSet, address: string, ttl: number): boolean {
  const values = recordValues(record);
  return record.AliasTarget === undefined && record.TTL === ttl && values.length === 1 && values[0] === address;
}

function comment(target: DnsTarget): string {
  return `opsflow instance-dns ${target.trigger} ${target.autoScalingGroupName} ${target.instanceId ?? '(no instance)'}`;
}
