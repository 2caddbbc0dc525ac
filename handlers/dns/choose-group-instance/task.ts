import * as z from 'zod/mini';

const timestamp = z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 timestamp'));

/** The fields of EC2 DescribeInstances this task reads: when each candidate was launched, and whether it still runs. */
const launchedInstanceSchema = z.looseObject({
  InstanceId: z.string(),
  LaunchTime: z.optional(timestamp),
  State: z.optional(z.looseObject({ Name: z.optional(z.string()) })),
});

/**
 * The fields of Auto Scaling DescribeAutoScalingGroups this task reads, and, once the state machine
 * has read them (`compare`), EC2 DescribeInstances of the candidates: Auto Scaling's `Instance`
 * carries no launch time, EC2's `LaunchTime` does.
 */
export const chooseGroupInstanceInput = z.looseObject({
  group: z.object({ autoScalingGroupName: z.string() }),
  described: z.looseObject({
    Groups: z.array(
      z.looseObject({
        AutoScalingGroupName: z.string(),
        MaxSize: z.number(),
        Instances: z.optional(z.array(z.looseObject({ InstanceId: z.string(), LifecycleState: z.string() }))),
      }),
    ),
    instances: z.optional(z.looseObject({ Reservations: z.array(z.looseObject({ Instances: z.optional(z.array(launchedInstanceSchema)) })) })),
  }),
});

export type ChooseGroupInstanceInput = z.infer<typeof chooseGroupInstanceInput>;

export const GroupVerdict = { Repair: 'repair', Refused: 'refused', Skip: 'skip', Compare: 'compare' } as const;

export interface GroupChoice {
  /** `compare`: read the `candidates`' launch times (EC2) and choose again. */
  verdict: (typeof GroupVerdict)[keyof typeof GroupVerdict];
  /** The InService instance the record should point at; null when the record should not exist. */
  instanceId: string | null;
  reason: string;
  /** With `compare`, the instances whose launch times decide; empty otherwise. */
  candidates: string[];
}

/** Auto Scaling lifecycle states of an instance entering service or in it. */
export const JOINING_STATES: ReadonlySet<string> = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService']);
const LIVE_EC2_STATES = new Set(['pending', 'running']);

type Member = { InstanceId: string; LifecycleState: string };

/**
 * Decides what the group's record should point at, from the group as it is now. The pattern is a
 * group of one live instance:
 * - one instance joining or InService: the record follows it once it is InService; while it is
 *   still launching, the launch workflow owns the record;
 * - several, in a group whose MaxSize is 1: Auto Scaling is replacing an instance. It launches the
 *   replacement before terminating the old one (rebalancing always does; so do an instance maintenance
 *   policy that launches before terminating and an instance refresh), and may go over the maximum
 *   meanwhile (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-maintenance-policy-overview-and-considerations.html).
 *   The replacement is the one that stays, so the record follows the newest by EC2 LaunchTime:
 *   `compare` asks for the launch times first (Auto Scaling's Instance has none). Equal launch times
 *   are refused, not guessed;
 * - several in a group allowed more than one: a scale-out, where the newest is not necessarily the
 *   one kept on scale-in. An instance still launching is left to the launch workflow; several
 *   InService is refused (a misconfiguration to report, not to guess at).
 */
export function chooseGroupInstance(input: ChooseGroupInstanceInput): GroupChoice {
  const name = input.group.autoScalingGroupName;
  const group = input.described.Groups.find((described) => described.AutoScalingGroupName === name);
  if (!group) return decided(GroupVerdict.Refused, null, `Auto Scaling group ${name} does not exist`);

  const live = (group.Instances ?? []).filter((instance) => JOINING_STATES.has(instance.LifecycleState));
  const [only] = live;
  if (!only) return decided(GroupVerdict.Repair, null, `${name} has no instance joining or InService`);
  if (live.length === 1) return follow(name, only, `${name} is served by ${only.InstanceId}`);
  if (group.MaxSize <= 1) return newest(name, live, input.described.instances);

  const ids = (members: Member[]) => members.map((member) => member.InstanceId).join(', ');
  const launching = live.filter((member) => member.LifecycleState !== 'InService');
  if (launching.length > 0) return decided(GroupVerdict.Skip, null, `${name} is launching ${ids(launching)}; the launch workflow sets the record`);
  return decided(GroupVerdict.Refused, null, `${name} has ${live.length} InService instances (${ids(live)}) and a MaxSize of ${group.MaxSize}; expected one`);
}

function decided(verdict: GroupChoice['verdict'], instanceId: string | null, reason: string): GroupChoice {
  return { verdict, instanceId, reason, candidates: [] };
}

/** The record follows `member` once it is InService; until then its launch workflow sets the record. */
function follow(name: string, member: Member, reason: string): GroupChoice {
  if (member.LifecycleState === 'InService') return decided(GroupVerdict.Repair, member.InstanceId, reason);
  return decided(GroupVerdict.Skip, null, `${name} is launching ${member.InstanceId}; the launch workflow sets the record`);
}

/** The newest of a single-instance group's live members, once EC2 has said when each was launched. */
function newest(name: string, live: Member[], described: ChooseGroupInstanceInput['described']['instances']): GroupChoice {
  const ids = live.map((member) => member.InstanceId);
  if (!described) {
    return { verdict: GroupVerdict.Compare, instanceId: null, reason: `${name} has ${live.length} instances joining or InService (${ids.join(', ')}): a replacement under way, whose launch times decide`, candidates: ids };
  }
  const reported = described.Reservations.flatMap((reservation) => reservation.Instances ?? []);
  const unknown = ids.filter((id) => !reported.some((instance) => instance.InstanceId === id));
  if (unknown.length > 0) return decided(GroupVerdict.Refused, null, `${name}: EC2 does not report ${unknown.join(', ')}, so which instance is newest is not known`);
  const launched = new Map(
    reported
      .filter((instance) => instance.LaunchTime !== undefined && LIVE_EC2_STATES.has(instance.State?.Name ?? ''))
      .map((instance) => [instance.InstanceId, Date.parse(instance.LaunchTime ?? '')]),
  );
  const running = live.filter((member) => launched.has(member.InstanceId));
  const latest = Math.max(...running.map((member) => launched.get(member.InstanceId) ?? Number.NEGATIVE_INFINITY));
  const newestMembers = running.filter((member) => launched.get(member.InstanceId) === latest);
  const [chosen] = newestMembers;
  if (!chosen) return decided(GroupVerdict.Refused, null, `${name}: EC2 reports none of ${ids.join(', ')} pending or running`);
  if (newestMembers.length > 1) {
    return decided(GroupVerdict.Refused, null, `${name} has ${newestMembers.length} instances launched at the same time (${newestMembers.map((member) => member.InstanceId).join(', ')}); expected one newest`);
  }
  const others = running.filter((member) => member !== chosen).map((member) => member.InstanceId);
  const when = new Date(latest).toISOString();
  return follow(name, chosen, `${name} is served by ${chosen.InstanceId}, its newest instance (launched ${when}), which replaces ${others.join(', ') || 'no running instance'}`);
}
