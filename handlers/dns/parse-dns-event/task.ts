import * as z from 'zod/mini';
import type { DnsGroupConfig, InstanceDnsConfig } from '../../shared/config.ts';
import { GroupNotConfigured, LifecycleHookNotConfigured } from '../errors.ts';
import { DnsAction, DnsTrigger, type DnsTarget } from '../target.ts';
import {
  AutoScalingDetailType,
  InstanceLocation,
  LaunchLifecycleActionEventSchema,
  LaunchSuccessfulEventSchema,
  TerminateLifecycleActionEventSchema,
  TerminateSuccessfulEventSchema,
} from '../../../events/autoscaling.ts';

/** What the reconcile workflow sends to repair one group through the same guarded path. */
export const reconcileRequestSchema = z.object({
  reconcile: z.object({
    autoScalingGroupName: z.string().check(z.minLength(1)),
    instanceId: z.nullable(z.string().check(z.minLength(1))),
    dryRun: z.boolean(),
  }),
});

/** The four Auto Scaling events instance-dns acts on. */
const instanceEventSchema = z.discriminatedUnion('detail-type', [
  LaunchLifecycleActionEventSchema,
  LaunchSuccessfulEventSchema,
  TerminateLifecycleActionEventSchema,
  TerminateSuccessfulEventSchema,
]);
type InstanceEvent = z.infer<typeof instanceEventSchema>;

export const parseDnsEventInput = z.union([reconcileRequestSchema, instanceEventSchema]);
export type ParseDnsEventInput = z.infer<typeof parseDnsEventInput>;

const triggerOfDetailType = {
  [AutoScalingDetailType.LaunchLifecycleAction]: DnsTrigger.LaunchLifecycle,
  [AutoScalingDetailType.LaunchSuccessful]: DnsTrigger.Launch,
  [AutoScalingDetailType.TerminateLifecycleAction]: DnsTrigger.TerminateLifecycle,
  [AutoScalingDetailType.TerminateSuccessful]: DnsTrigger.Terminate,
} as const;

/** Turns an Auto Scaling event or a reconcile request into the record the workflow must make right. */
export function parseDnsEvent(input: ParseDnsEventInput, config: InstanceDnsConfig): DnsTarget {
  if (isReconcileRequest(input)) {
    const { autoScalingGroupName, instanceId, dryRun } = input.reconcile;
    const group = groupConfig(config, autoScalingGroupName);
    return target(config, group, {
      trigger: DnsTrigger.Reconcile,
      action: instanceId === null ? DnsAction.Remove : DnsAction.Upsert,
      instanceId,
      dryRun,
      lifecycle: null,
    });
  }
  return fromAutoScalingEvent(input, config);
}

function isReconcileRequest(input: ParseDnsEventInput): input is z.infer<typeof reconcileRequestSchema> {
  return !('detail-type' in input);
}

function isLifecycleAction(event: InstanceEvent): event is z.infer<typeof LaunchLifecycleActionEventSchema> | z.infer<typeof TerminateLifecycleActionEventSchema> {
  return event['detail-type'] === AutoScalingDetailType.LaunchLifecycleAction || event['detail-type'] === AutoScalingDetailType.TerminateLifecycleAction;
}

function fromAutoScalingEvent(event: InstanceEvent, config: InstanceDnsConfig): DnsTarget {
  const trigger = triggerOfDetailType[event['detail-type']];
  const group = groupConfig(config, event.detail.AutoScalingGroupName);
  const lifecycleDetail = isLifecycleAction(event) ? event.detail : undefined;
  const action = actionOf(trigger, lifecycleDetail?.Destination);
  let lifecycle: DnsTarget['lifecycle'] = null;
  if (lifecycleDetail) {
    const launching = trigger === DnsTrigger.LaunchLifecycle;
    const expectedHook = launching ? group.launchHookName : group.terminateHookName;
    if (lifecycleDetail.LifecycleHookName !== expectedHook) {
      throw new LifecycleHookNotConfigured(
        `detail.LifecycleHookName: ${lifecycleDetail.LifecycleHookName} is not the ${launching ? 'launch' : 'terminate'} hook configured for ${group.autoScalingGroupName} (${expectedHook ?? 'none'})`,
      );
    }
    lifecycle = {
      autoScalingGroupName: group.autoScalingGroupName,
      hookName: lifecycleDetail.LifecycleHookName,
      token: lifecycleDetail.LifecycleActionToken,
      instanceId: lifecycleDetail.EC2InstanceId,
      resultOnFailure: group.lifecycleResultOnFailure,
    };
  }
  return target(config, group, { trigger, action, instanceId: event.detail.EC2InstanceId, dryRun: false, lifecycle });
}

/**
 * A launch into a warm pool does not put the instance in service (it is stopped or kept
 * waiting there), so it must not take the record; it comes back as a launch from the pool.
 */
function actionOf(trigger: DnsTarget['trigger'], destination: string | undefined): DnsTarget['action'] {
  if (trigger === DnsTrigger.LaunchLifecycle && destination === InstanceLocation.WarmPool) return DnsAction.Ignore;
  return trigger === DnsTrigger.LaunchLifecycle || trigger === DnsTrigger.Launch ? DnsAction.Upsert : DnsAction.Remove;
}

function groupConfig(config: InstanceDnsConfig, name: string): DnsGroupConfig {
  const group = config.groups.find((candidate) => candidate.autoScalingGroupName === name);
  if (!group) throw new GroupNotConfigured(`Auto Scaling group ${name} is not configured for instance-dns`);
  return group;
}

function target(
  config: InstanceDnsConfig,
  group: DnsGroupConfig,
  decided: Pick<DnsTarget, 'trigger' | 'action' | 'instanceId' | 'dryRun' | 'lifecycle'>,
): DnsTarget {
  return {
    ...decided,
    autoScalingGroupName: group.autoScalingGroupName,
    hostedZoneId: group.hostedZoneId,
    recordName: group.recordName,
    ttl: group.ttl,
    allowedCidrs: group.allowedCidrs,
    sync: config.sync,
    retries: { conflicts: 0, polls: 1 },
  };
}
