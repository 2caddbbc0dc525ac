import type { DnsGroupConfig, OpsflowConfig } from '../../handlers/shared/config.ts';
import { AUTOSCALING_SOURCE, AutoScalingDetailType } from '../../events/autoscaling.ts';
import type { DeploymentEnvironment, EventTrigger, IamStatement, JsonObject, WorkflowModule } from '../types.ts';

/**
 * One rule per Auto Scaling event, each listing exactly the configured groups it concerns:
 * lifecycle events pair each group with its own hook name ($or), and the plain launch/terminate
 * events only fire for groups with no hook for that transition (with a hook, the lifecycle event
 * already did the work and the instance was waiting for it).
 */
function instanceTrigger(
  id: string,
  description: string,
  detailType: string,
  groups: readonly DnsGroupConfig[],
  hookOf?: (group: DnsGroupConfig) => string | undefined,
): EventTrigger[] {
  if (groups.length === 0) return [];
  const pairs = groups.map((group): JsonObject => ({ AutoScalingGroupName: [group.autoScalingGroupName], LifecycleHookName: [hookOf?.(group) ?? ''] }));
  // EventBridge accepts $or only with two or more alternatives.
  const detail: JsonObject = !hookOf
    ? { AutoScalingGroupName: groups.map((group) => group.autoScalingGroupName) }
    : pairs.length === 1 && pairs[0]
      ? pairs[0]
      : { $or: pairs };
  return [{ kind: 'event', id, description, pattern: { source: [AUTOSCALING_SOURCE], 'detail-type': [detailType], detail } }];
}

/** Route 53 condition keys compare names in lower case without the trailing dot. */
export function normalizedRecordName(recordName: string): string {
  return recordName.replace(/\.$/, '');
}

function hostedZoneArn(env: DeploymentEnvironment, zoneId: string): string {
  return `arn:${env.partition}:route53:::hostedzone/${zoneId}`;
}

export const instanceDns: WorkflowModule = {
  name: 'instance-dns',
  stateMachineName: 'InstanceDns',
  description: 'Points one Route 53 A record at the single live instance of each configured Auto Scaling group.',
  type: 'STANDARD',
  functions: ['parseDnsEvent', 'chooseGroupInstance', 'planDnsChange'],

  triggers(config: OpsflowConfig) {
    const { groups } = config.instanceDns;
    const launchHook = (group: DnsGroupConfig) => group.launchHookName;
    const terminateHook = (group: DnsGroupConfig) => group.terminateHookName;
    return [
      ...instanceTrigger('LaunchLifecycleAction', 'An instance waits in Pending:Wait for its record', AutoScalingDetailType.LaunchLifecycleAction, groups.filter(launchHook), launchHook),
      ...instanceTrigger('LaunchSuccessful', 'An instance of a group without a launch hook is running', AutoScalingDetailType.LaunchSuccessful, groups.filter((group) => !launchHook(group))),
      ...instanceTrigger('TerminateLifecycleAction', 'An instance waits in Terminating:Wait for its record to go', AutoScalingDetailType.TerminateLifecycleAction, groups.filter(terminateHook), terminateHook),
      ...instanceTrigger('TerminateSuccessful', 'An instance of a group without a terminate hook is gone', AutoScalingDetailType.TerminateSuccessful, groups.filter((group) => !terminateHook(group))),
    ];
  },

  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    const { groups } = config.instanceDns;
    const zones = [...new Set(groups.map((group) => group.hostedZoneId))];
    const hooked = groups.filter((group) => group.launchHookName || group.terminateHookName);
    const statements: IamStatement[] = [
      // DescribeInstances, DescribeAutoScalingInstances and DescribeAutoScalingGroups support no resource-level permissions.
      {
        Sid: 'ReadInstances',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances', 'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeAutoScalingGroups'],
        Resource: '*',
      },
      { Sid: 'ReadRecords', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: zones.map((zone) => hostedZoneArn(env, zone)) },
      { Sid: 'WatchChanges', Effect: 'Allow', Action: ['route53:GetChange'], Resource: `arn:${env.partition}:route53:::change/*` },
      ...groups.map((group, index): IamStatement => ({
        Sid: `WriteRecord${index}`,
        Effect: 'Allow',
        Action: ['route53:ChangeResourceRecordSets'],
        Resource: hostedZoneArn(env, group.hostedZoneId),
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': [normalizedRecordName(group.recordName)],
            'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
            'route53:ChangeResourceRecordSetsActions': ['CREATE', 'DELETE'],
          },
        },
      })),
    ];
    if (hooked.length > 0) {
      statements.push({
        Sid: 'CompleteLifecycleActions',
        Effect: 'Allow',
        Action: ['autoscaling:CompleteLifecycleAction'],
        Resource: hooked.map(
          (group) => `arn:${env.partition}:autoscaling:${env.region}:${env.accountId}:autoScalingGroup:*:autoScalingGroupName/${group.autoScalingGroupName}`,
        ),
      });
    }
    return statements;
  },
};
