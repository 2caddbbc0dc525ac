import * as z from 'zod/mini';

/** The fields of Auto Scaling DescribeAutoScalingGroups this task reads. */
export const chooseGroupInstanceInput = z.looseObject({
  group: z.object({ autoScalingGroupName: z.string() }),
  described: z.looseObject({
    Groups: z.array(
      z.looseObject({
        AutoScalingGroupName: z.string(),
        Instances: z.optional(z.array(z.looseObject({ InstanceId: z.string(), LifecycleState: z.string() }))),
      }),
    ),
  }),
});

export type ChooseGroupInstanceInput = z.infer<typeof chooseGroupInstanceInput>;

export const GroupVerdict = { Repair: 'repair', Refused: 'refused', Skip: 'skip' } as const;

export interface GroupChoice {
  verdict: (typeof GroupVerdict)[keyof typeof GroupVerdict];
  /** The InService instance the record should point at; null when the record should not exist. */
  instanceId: string | null;
  reason: string;
}

/**
 * Decides what the group's record should point at. The pattern is a group of exactly one
 * instance: several InService instances is a misconfiguration to report, not to guess at, and
 * an instance still launching is left to the launch workflow rather than raced.
 */
export function chooseGroupInstance(input: ChooseGroupInstanceInput): GroupChoice {
  const name = input.group.autoScalingGroupName;
  const group = input.described.Groups.find((described) => described.AutoScalingGroupName === name);
  if (!group) return { verdict: GroupVerdict.Refused, instanceId: null, reason: `Auto Scaling group ${name} does not exist` };

  const instances = group.Instances ?? [];
  const inService = instances.filter((instance) => instance.LifecycleState === 'InService');
  const launching = instances.filter((instance) => instance.LifecycleState.startsWith('Pending'));

  if (inService.length > 1) {
    const ids = inService.map((instance) => instance.InstanceId).join(', ');
    return { verdict: GroupVerdict.Refused, instanceId: null, reason: `${name} has ${inService.length} InService instances (${ids}); expected one` };
  }
  const [live] = inService;
  if (live) return { verdict: GroupVerdict.Repair, instanceId: live.InstanceId, reason: `${name} is served by ${live.InstanceId}` };
  if (launching.length > 0) {
    const ids = launching.map((instance) => instance.InstanceId).join(', ');
    return { verdict: GroupVerdict.Skip, instanceId: null, reason: `${name} is launching ${ids}; the launch workflow sets the record` };
  }
  return { verdict: GroupVerdict.Repair, instanceId: null, reason: `${name} has no InService instance` };
}
