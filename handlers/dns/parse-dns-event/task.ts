import * as z from 'zod/mini';
import type { DnsGroupConfig, InstanceDnsConfig } from '../../shared/config.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { describeIssue } from '../../shared/lambda.ts';
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

/**
 * What dns-reconcile sends to repair one group through the same guarded path. Strict, so a
 * misspelt field is refused rather than ignored; the parent's execution id rides along (RepairRecord
 * passes it so the console links the two executions).
 */
export const reconcileRequestSchema = z.strictObject({
  reconcile: z.strictObject({
    autoScalingGroupName: z.string().check(z.minLength(1)),
    instanceId: z.nullable(z.string().check(z.minLength(1))),
    dryRun: z.boolean(),
  }),
  AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: z.optional(z.string()),
});
type ReconcileRequest = z.infer<typeof reconcileRequestSchema>;

/** The four Auto Scaling events instance-dns acts on, by detail-type. */
const instanceEventSchemas = {
  [AutoScalingDetailType.LaunchLifecycleAction]: LaunchLifecycleActionEventSchema,
  [AutoScalingDetailType.LaunchSuccessful]: LaunchSuccessfulEventSchema,
  [AutoScalingDetailType.TerminateLifecycleAction]: TerminateLifecycleActionEventSchema,
  [AutoScalingDetailType.TerminateSuccessful]: TerminateSuccessfulEventSchema,
} as const;
type HandledDetailType = keyof typeof instanceEventSchemas;
type InstanceEvent = z.infer<(typeof instanceEventSchemas)[HandledDetailType]>;

/** Any JSON object: `readDnsRequest` decides which request it is and whether it is valid. */
export const parseDnsEventInput = z.record(z.string(), z.unknown());
export type ParseDnsEventInput = z.infer<typeof parseDnsEventInput>;

const triggerOfDetailType = {
  [AutoScalingDetailType.LaunchLifecycleAction]: DnsTrigger.LaunchLifecycle,
  [AutoScalingDetailType.LaunchSuccessful]: DnsTrigger.Launch,
  [AutoScalingDetailType.TerminateLifecycleAction]: DnsTrigger.TerminateLifecycle,
  [AutoScalingDetailType.TerminateSuccessful]: DnsTrigger.Terminate,
} as const;

function isHandledDetailType(detailType: unknown): detailType is HandledDetailType {
  return typeof detailType === 'string' && Object.hasOwn(instanceEventSchemas, detailType);
}

/** A misspelt field is named before the field it was meant to be (`dryrun` before a missing `dryRun`). */
function parsed<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const unknownField = result.error.issues.find((issue) => issue.code === 'unrecognized_keys');
  throw new InvalidInput(unknownField ? `${unknownField.path.join('.') || '(input)'}: ${unknownField.message}` : describeIssue(result.error));
}

/**
 * An object with a `detail-type` is an Auto Scaling event, and must be one of the four instance-dns
 * handles; any other object must be a reconcile request. Raises InvalidInput naming what is wrong
 * (the unhandled detail-type, the misspelt or missing field).
 */
export function readDnsRequest(input: ParseDnsEventInput): { event: InstanceEvent } | { reconcile: ReconcileRequest['reconcile'] } {
  if (!('detail-type' in input)) {
    if (!('reconcile' in input)) throw new InvalidInput('(input): neither an Auto Scaling event (no detail-type) nor a reconcile request (no reconcile)');
    return { reconcile: parsed(reconcileRequestSchema, input).reconcile };
  }
  const detailType = input['detail-type'];
  if (!isHandledDetailType(detailType)) {
    const given = typeof detailType === 'string' ? detailType : JSON.stringify(detailType);
    throw new InvalidInput(`detail-type: ${given} is not an event instance-dns handles (${Object.keys(instanceEventSchemas).join(', ')})`);
  }
  return { event: parsed(instanceEventSchemas[detailType], input) };
}

/** Turns an Auto Scaling event or a reconcile request into the record the workflow must make right. */
export function parseDnsEvent(input: ParseDnsEventInput, config: InstanceDnsConfig): DnsTarget {
  const request = readDnsRequest(input);
  if ('event' in request) return fromAutoScalingEvent(request.event, config);
  const { autoScalingGroupName, instanceId, dryRun } = request.reconcile;
  const group = groupConfig(config, autoScalingGroupName);
  return target(config, group, {
    trigger: DnsTrigger.Reconcile,
    action: instanceId === null ? DnsAction.Remove : DnsAction.Upsert,
    instanceId,
    dryRun,
    lifecycle: null,
  });
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
  const instanceId = action === DnsAction.FollowGroup ? null : event.detail.EC2InstanceId;
  return target(config, group, { trigger, action, instanceId, dryRun: false, lifecycle });
}

/**
 * A launch into a warm pool does not put the instance in service (it is stopped or kept
 * waiting there), so it must not take the record; it comes back as a launch from the pool.
 * A plain Terminate Successful comes once the instance is gone, with no address left to
 * compare: the record follows what the group has now instead.
 */
function actionOf(trigger: DnsTarget['trigger'], destination: string | undefined): DnsTarget['action'] {
  if (trigger === DnsTrigger.LaunchLifecycle && destination === InstanceLocation.WarmPool) return DnsAction.Ignore;
  if (trigger === DnsTrigger.Terminate) return DnsAction.FollowGroup;
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
