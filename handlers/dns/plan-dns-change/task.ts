import * as z from 'zod/mini';
import { cidrContains, isPrivateIpv4 } from '../../shared/cidr.ts';
import { AddressNotAllowed, ChangeBatchRejected, InstanceNotInGroup, RecordConflictPersisted } from '../errors.ts';
import { GroupVerdict, JOINING_STATES } from '../choose-group-instance/task.ts';
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

/** What the record held when the previous plan was made: values and TTL, or null when it did not exist. */
const recordViewSchema = z.nullable(z.object({ values: z.array(z.string()), ttl: z.nullable(z.number()) }));

export const planDnsChangeInput = z.looseObject({
  target: dnsTargetSchema,
  instance: z.optional(
    z.looseObject({ Reservations: z.array(z.looseObject({ Instances: z.optional(z.array(instanceSchema)) })) }),
  ),
  membership: z.optional(z.looseObject({ Instances: z.array(membershipSchema) })),
  current: z.looseObject({ RecordSets: z.array(recordSetSchema) }),
  /** The previous plan, present when its batch was rejected and the record has been read again. */
  plan: z.optional(z.looseObject({ current: recordViewSchema })),
  /** Route 53's InvalidChangeBatch for the previous plan's batch, as the state machine caught it. */
  rejection: z.optional(z.looseObject({ Error: z.string(), Cause: z.string() })),
  /** What ChooseGroupInstance decided the record follows, present once the state machine has read the group. */
  choice: z.optional(z.looseObject({ verdict: z.string(), instanceId: z.nullable(z.string()), reason: z.string() })),
});

export type PlanDnsChangeInput = z.infer<typeof planDnsChangeInput>;
type Instance = z.infer<typeof instanceSchema>;
type Membership = z.infer<typeof membershipSchema>;
type RecordSet = z.infer<typeof recordSetSchema>;
type GroupChoice = NonNullable<PlanDnsChangeInput['choice']>;

/**
 * `read-group`: the launch event names an instance already InService whose address the record does not
 * hold; whether the event is late depends on the group's other instances, so the state machine reads
 * the group (DescribeGroup, ChooseGroupInstance) and plans again with its `choice`.
 */
export const Verdict = { InSync: 'in-sync', Change: 'change', Skip: 'skip', ReadGroup: 'read-group' } as const;
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
  current: z.infer<typeof recordViewSchema>;
  /** The atomic batch to send when the verdict is `change`; null otherwise. */
  changeBatch: { Comment: string; Changes: RecordChange[] } | null;
  /** What the record holds once the batch is applied, e.g. `admin.corp.internal. holds 10.0.0.5 (TTL 60)`; null without a batch. */
  after: string | null;
}

/** Rejected batches whose record had moved each time, after which the workflow stops trying. */
export const maxConflicts = 3;

const GROUP_TAG = 'aws:autoscaling:groupName';
const LIVE_STATES = new Set(['pending', 'running']);

/**
 * Decides what, if anything, to change in the record. Guards raise named errors (a foreign or
 * public address is never written); stale or duplicate events end in `skip` or `in-sync`. A launch
 * event for an instance already InService ends in `read-group` until the state machine brings the
 * group's `choice`, which decides whether the event is late (see `lateness`). The
 * batch DELETEs exactly what was read, so if another execution changed the record since, Route 53
 * rejects the whole batch and the state machine reads again and calls this with the `rejection`:
 * a record that moved is a conflict, planned afresh (at most `maxConflicts` times, then
 * `RecordConflictPersisted`); a record that did not move means Route 53 refused the batch itself,
 * which is `ChangeBatchRejected` with Route 53's message.
 */
export function planDnsChange(input: PlanDnsChangeInput): DnsPlan {
  const { target } = input;
  const current = findRecord(input.current.RecordSets, target.recordName);
  const currentView = current ? { values: recordValues(current), ttl: current.TTL ?? null } : null;
  if (input.rejection) assertConflict(target, input.rejection.Cause, input.plan?.current ?? null, currentView);
  const instance = firstInstance(input);
  if (target.action === DnsAction.Ignore) return unchanged(currentView, Verdict.Skip, `instance ${target.instanceId} is going to the warm pool, not into service`);
  if (target.instanceId !== null && !instance) return unchanged(currentView, Verdict.Skip, `instance ${target.instanceId} no longer exists`);
  const membership = input.membership?.Instances.find((member) => member.InstanceId === target.instanceId);
  if (instance) assertInGroup(instance, membership, target);

  const upsert = target.action === DnsAction.Upsert || (target.action === DnsAction.FollowGroup && instance !== undefined);
  return upsert ? planUpsert(target, instance, membership, input.choice, current, currentView) : planRemove(target, instance, membership, current, currentView);
}

/** A rejected batch is a conflict only when the record read again is not the record the batch was planned from. */
function assertConflict(target: DnsTarget, cause: string, before: DnsPlan['current'], now: DnsPlan['current']): void {
  if (sameView(before, now)) {
    throw new ChangeBatchRejected(`Route 53 rejected the change to ${target.recordName}, which had not changed since it was read; nothing was changed: ${cause}`);
  }
  if (target.retries.conflicts >= maxConflicts) {
    throw new RecordConflictPersisted(`${target.recordName} changed under each of ${target.retries.conflicts} attempts; left as it is (last: ${cause})`);
  }
}

function sameView(a: DnsPlan['current'], b: DnsPlan['current']): boolean {
  if (a === null || b === null) return a === b;
  const left = [...a.values].sort();
  const right = [...b.values].sort();
  return a.ttl === b.ttl && left.length === right.length && left.every((value, index) => value === right[index]);
}

/** A plan that changes nothing. */
function unchanged(current: DnsPlan['current'], verdict: Verdict, reason: string, desired: string | null = null): DnsPlan {
  return { verdict, reason, desired, current, changeBatch: null, after: null };
}

function planUpsert(
  target: DnsTarget,
  instance: Instance | undefined,
  membership: Membership | undefined,
  choice: GroupChoice | undefined,
  current: RecordSet | undefined,
  currentView: DnsPlan['current'],
): DnsPlan {
  if (!instance) return unchanged(currentView, Verdict.Skip, 'no instance to point the record at');
  const state = instance.State?.Name ?? 'unknown';
  if (!LIVE_STATES.has(state)) {
    return unchanged(currentView, Verdict.Skip, `instance ${instance.InstanceId} is ${state}: the event is stale and the record is left to the live instance`);
  }
  const address = allowedAddress(instance, target);
  if (current && isExactly(current, address, target.ttl)) return unchanged(currentView, Verdict.InSync, `${target.recordName} already points at ${address}`, address);
  const stale = staleness(target, instance, membership);
  if (stale) return unchanged(currentView, Verdict.Skip, stale);
  const late = lateness(target, instance, membership, choice, currentView);
  if (late) return late;
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
    after: `${target.recordName} holds ${address} (TTL ${target.ttl})`,
  };
}

/**
 * Removes the record only for an instance that is leaving its group (or gone) and that the record
 * still points at: a terminate event for an instance Auto Scaling reports still joining or in
 * service is late or replayed, and taking the record from a live instance would be wrong.
 */
function planRemove(target: DnsTarget, instance: Instance | undefined, membership: Membership | undefined, current: RecordSet | undefined, currentView: DnsPlan['current']): DnsPlan {
  if (!current) return unchanged(currentView, Verdict.InSync, `${target.recordName} does not exist`);
  if (instance && membership && JOINING_STATES.has(membership.LifecycleState)) {
    return unchanged(currentView, Verdict.Skip, `instance ${instance.InstanceId} is ${membership.LifecycleState}, not leaving: the terminate event is stale and the record is left as it is`);
  }
  if (instance) {
    const address = instance.PrivateIpAddress;
    if (!address) return unchanged(currentView, Verdict.Skip, `instance ${instance.InstanceId} has no address left to compare; reconcile will repair the record`);
    const values = recordValues(current);
    if (values.length !== 1 || values[0] !== address) {
      return unchanged(currentView, Verdict.Skip, `${target.recordName} points at ${values.join(',') || 'an alias'}, not at ${instance.InstanceId} (${address}): left unchanged`);
    }
  }
  const whose = instance ? `instance ${instance.InstanceId}` : `no InService instance in ${target.autoScalingGroupName}`;
  return {
    verdict: Verdict.Change,
    reason: `${target.recordName} points at ${currentView?.values.join(',')}; remove it (${whose})`,
    desired: null,
    current: currentView,
    changeBatch: { Comment: comment(target), Changes: [{ Action: 'DELETE', ResourceRecordSet: current }] },
    after: `${target.recordName} no longer exists`,
  };
}

function firstInstance(input: PlanDnsChangeInput): Instance | undefined {
  const instances = (input.instance?.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  return instances.find((instance) => instance.InstanceId === input.target.instanceId);
}

/**
 * Why an event for a running instance must not take the record: the instance is leaving the group
 * (Terminating, Detaching, Standby, a warm pool) or has left it.
 */
function staleness(target: DnsTarget, instance: Instance, membership: Membership | undefined): string | undefined {
  if (!membership) return `instance ${instance.InstanceId} is no longer in group ${target.autoScalingGroupName}`;
  if (!JOINING_STATES.has(membership.LifecycleState)) {
    return `instance ${instance.InstanceId} is ${membership.LifecycleState}: the event is stale and the record is left to the live instance`;
  }
  return undefined;
}

/**
 * A launch event for an instance already InService, whose address the record does not hold, is late
 * unless the instance is the one the group's present state says the record follows (its newest
 * instance, as ChooseGroupInstance decides): so a replay after a failed launch converges, and the
 * launch event of an instance being replaced does not take the record back. The group is read only on
 * this path (`read-group`); an instance still launching is the one Auto Scaling is bringing in and
 * takes the record without it.
 */
function lateness(target: DnsTarget, instance: Instance, membership: Membership | undefined, choice: GroupChoice | undefined, currentView: DnsPlan['current']): DnsPlan | undefined {
  const launch = target.trigger === DnsTrigger.LaunchLifecycle || target.trigger === DnsTrigger.Launch;
  if (!launch || membership?.LifecycleState !== 'InService') return undefined;
  if (!choice) {
    const holds = currentView ? currentView.values.join(',') || 'an alias' : 'nothing';
    return unchanged(currentView, Verdict.ReadGroup, `instance ${instance.InstanceId} is InService and ${target.recordName} holds ${holds}: the group's instances decide whether this launch event is late`);
  }
  if (choice.verdict === GroupVerdict.Repair && choice.instanceId === instance.InstanceId) return undefined;
  if (choice.verdict === GroupVerdict.Repair) {
    return unchanged(currentView, Verdict.Skip, `instance ${instance.InstanceId} is not the instance the record follows (${choice.reason}): a late launch event`);
  }
  return unchanged(currentView, Verdict.Skip, `${target.recordName} left as it is for instance ${instance.InstanceId}: ${choice.reason}`);
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
