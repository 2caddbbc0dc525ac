import * as autoScalingSdk from '@aws-sdk/client-auto-scaling';
import {
  AutoScalingServiceException,
  type AutoScalingGroup,
  type CompleteLifecycleActionCommandInput,
  type CompleteLifecycleActionCommandOutput,
  type DescribeAutoScalingGroupsCommandInput,
  type DescribeAutoScalingGroupsCommandOutput,
  type DescribeAutoScalingInstancesCommandInput,
  type DescribeAutoScalingInstancesCommandOutput,
  type DescribeLifecycleHooksCommandInput,
  type DescribeLifecycleHooksCommandOutput,
  type LaunchTemplateSpecification,
  type RecordLifecycleActionHeartbeatCommandInput,
  type RecordLifecycleActionHeartbeatCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import { isIpv4 } from '../../../handlers/shared/cidr.ts';
import { awsError, InvalidSandboxRequest } from '../errors.ts';
import { eventEnvelope } from '../events.ts';
import { operation, sdkExceptions, type OperationContext, type SandboxService } from '../service.ts';
import {
  GroupLifecycleState,
  LifecycleActionResult,
  LifecycleTransition,
  type AutoScalingGroupState,
  type EventBridgeEvent,
  type GroupInstanceState,
  type GroupLifecycleStateName,
  type LifecycleActionResultName,
  type LifecycleActionState,
  type LifecycleTransitionName,
  type SandboxStore,
} from '../state.ts';
import { required } from '../validation.ts';
import { findInstance, isInstanceId, markTerminated } from './ec2.ts';

export const groupNameTag = 'aws:autoscaling:groupName';

export function findGroup(state: SandboxStore, name: string): AutoScalingGroupState | undefined {
  return state.autoScaling.groups.get(name);
}

export function groupOfInstance(state: SandboxStore, instanceId: string): { group: AutoScalingGroupState; member: GroupInstanceState } | undefined {
  for (const group of state.autoScaling.groups.values()) {
    const member = group.instances.find((candidate) => candidate.instanceId === instanceId);
    if (member) return { group, member };
  }
  return undefined;
}

function isTerminating(member: GroupInstanceState): boolean {
  return member.lifecycleState.startsWith('Terminating');
}

/** A scaling activity changes desired capacity first; the sandbox keeps it equal to the live members (of a group being edited). */
function resizeToMembers(group: AutoScalingGroupState): void {
  group.desiredCapacity = group.instances.filter((member) => !isTerminating(member)).length;
  group.maxSize = Math.max(group.maxSize, group.desiredCapacity);
}

function instanceArn(state: SandboxStore, instanceId: string): string {
  return `arn:aws:ec2:${state.region}:${state.accountId}:instance/${instanceId}`;
}

function lifecycleActionEvent(context: OperationContext, group: AutoScalingGroupState, action: LifecycleActionState): EventBridgeEvent {
  const launching = action.transition === LifecycleTransition.Launching;
  const hook = group.lifecycleHooks.find((candidate) => candidate.name === action.hook);
  return eventEnvelope(context, {
    source: 'aws.autoscaling',
    detailType: launching ? 'EC2 Instance-launch Lifecycle Action' : 'EC2 Instance-terminate Lifecycle Action',
    resources: [group.arn],
    detail: {
      LifecycleActionToken: action.token,
      AutoScalingGroupName: group.name,
      LifecycleHookName: action.hook,
      EC2InstanceId: action.instanceId,
      LifecycleTransition: action.transition,
      ...(hook?.notificationMetadata === undefined ? {} : { NotificationMetadata: hook.notificationMetadata }),
      Origin: launching ? 'EC2' : 'AutoScalingGroup',
      Destination: launching ? 'AutoScalingGroup' : 'EC2',
    },
  });
}

function activityEvent(context: OperationContext, group: AutoScalingGroupState, instanceId: string, kind: 'launch' | 'terminate'): EventBridgeEvent {
  const instance = findInstance(context.state, instanceId);
  const time = context.now().toISOString();
  return eventEnvelope(context, {
    source: 'aws.autoscaling',
    detailType: kind === 'launch' ? 'EC2 Instance Launch Successful' : 'EC2 Instance Terminate Successful',
    resources: [group.arn, instanceArn(context.state, instanceId)],
    detail: {
      StatusCode: 'InProgress',
      Description: kind === 'launch' ? `Launching a new EC2 instance: ${instanceId}` : `Terminating EC2 instance: ${instanceId}`,
      AutoScalingGroupName: group.name,
      ActivityId: context.ids.uuid(),
      Details: { 'Availability Zone': instance?.availabilityZone ?? '', 'Subnet ID': instance?.subnetId ?? '' },
      RequestId: context.ids.uuid(),
      StatusMessage: '',
      EndTime: time,
      EC2InstanceId: instanceId,
      StartTime: time,
      Cause: `At ${time} the opsflow sandbox ${kind === 'launch' ? 'launched' : 'terminated'} instance ${instanceId}.`,
    },
  });
}

/** Opens one lifecycle action per hook on the transition and emits the event AWS sends for each. */
function openLifecycleActions(context: OperationContext, group: AutoScalingGroupState, instanceId: string, transition: LifecycleTransitionName): LifecycleActionState[] {
  const actions = group.lifecycleHooks
    .filter((hook) => hook.transition === transition)
    .map((hook) => ({
      group: group.name,
      hook: hook.name,
      instanceId,
      token: context.ids.uuid(),
      transition,
      startedAt: context.now().toISOString(),
      heartbeats: 0,
    }));
  const open = context.state.autoScaling.lifecycleActions;
  open.set([...open.get(), ...actions]);
  for (const action of actions) context.emit(lifecycleActionEvent(context, group, action));
  return actions;
}

/** Closes the open actions that `closes` picks. */
function closeLifecycleActions(state: SandboxStore, closes: (action: LifecycleActionState) => boolean): void {
  const open = state.autoScaling.lifecycleActions;
  if (open.get().some(closes)) open.set(open.get().filter((action) => !closes(action)));
}

/** The group, being edited: its copy for this operation. */
function editGroup(state: SandboxStore, name: string): AutoScalingGroupState {
  const group = state.autoScaling.groups.edit(name);
  if (!group) throw new InvalidSandboxRequest(`no Auto Scaling group named ${name}`);
  return group;
}

/** Moves a member of a group being edited to another lifecycle state. */
function moveMember(group: AutoScalingGroupState, instanceId: string, lifecycleState: GroupLifecycleStateName): void {
  for (const member of group.instances) if (member.instanceId === instanceId) member.lifecycleState = lifecycleState;
}

function removeFromGroupAndTerminate(context: OperationContext, group: AutoScalingGroupState, instanceId: string): void {
  group.instances = group.instances.filter((member) => member.instanceId !== instanceId);
  markTerminated(context.state, instanceId);
  resizeToMembers(group);
}

/**
 * What happens once an instance's wait ends: a launch continued goes InService; a launch abandoned
 * is terminated (AWS runs no termination hook for it); a termination always ends with the instance
 * leaving the group and EC2 terminating it.
 */
function finishTransition(
  context: OperationContext,
  groupName: string,
  instanceId: string,
  transition: LifecycleTransitionName,
  result: LifecycleActionResultName,
): void {
  closeLifecycleActions(context.state, (action) => action.instanceId === instanceId && action.transition === transition);
  if (!findGroup(context.state, groupName)?.instances.some((member) => member.instanceId === instanceId)) return;
  const group = editGroup(context.state, groupName);
  if (transition === LifecycleTransition.Launching && result === LifecycleActionResult.Continue) {
    moveMember(group, instanceId, GroupLifecycleState.InService);
    context.emit(activityEvent(context, group, instanceId, 'launch'));
    return;
  }
  removeFromGroupAndTerminate(context, group, instanceId);
  if (transition === LifecycleTransition.Terminating) context.emit(activityEvent(context, group, instanceId, 'terminate'));
}

interface LifecycleActionReference {
  AutoScalingGroupName?: string | undefined;
  LifecycleHookName?: string | undefined;
  LifecycleActionToken?: string | undefined;
  InstanceId?: string | undefined;
}

/**
 * The open action a CompleteLifecycleAction or heartbeat names. A completed, timed-out or unknown
 * action is the unmodeled `ValidationError` (HTTP 400) `No active Lifecycle Action found with token
 * <token>` (spacelift-io/terraform-aws-spacelift-workerpool-on-ec2#197, an expired token), or `… with
 * instance ID <id>` when only the instance is given (convox/rack#2432): the message is the same
 * whether the action was completed, timed out or never existed, so only the instance's lifecycle
 * state tells a caller which.
 */
function findOpenAction(state: SandboxStore, input: LifecycleActionReference): LifecycleActionState {
  const groupName = required(input.AutoScalingGroupName, 'ValidationError', 'autoScalingGroupName');
  const hookName = required(input.LifecycleHookName, 'ValidationError', 'lifecycleHookName');
  const token = input.LifecycleActionToken;
  const instanceId = input.InstanceId;
  if (token === undefined && instanceId === undefined) {
    throw awsError('ValidationError', 'Either LifecycleActionToken or InstanceId must be specified');
  }
  const action = state.autoScaling.lifecycleActions.get().find(
    (candidate) =>
      candidate.group === groupName &&
      candidate.hook === hookName &&
      (token === undefined || candidate.token === token) &&
      (instanceId === undefined || candidate.instanceId === instanceId),
  );
  if (action) return action;
  throw awsError(
    'ValidationError',
    token === undefined ? `No active Lifecycle Action found with instance ID ${instanceId}` : `No active Lifecycle Action found with token ${token}`,
  );
}

function toLaunchTemplate(group: AutoScalingGroupState): LaunchTemplateSpecification | undefined {
  const template = group.launchTemplate;
  if (!template) return undefined;
  return {
    ...(template.launchTemplateId === undefined ? {} : { LaunchTemplateId: template.launchTemplateId }),
    ...(template.launchTemplateName === undefined ? {} : { LaunchTemplateName: template.launchTemplateName }),
    ...(template.version === undefined ? {} : { Version: template.version }),
  };
}

function toGroup(group: AutoScalingGroupState, state: SandboxStore, includeInstances: boolean): AutoScalingGroup {
  const launchTemplate = toLaunchTemplate(group);
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    ...(launchTemplate ? { LaunchTemplate: launchTemplate } : {}),
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: [...group.availabilityZones],
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    ...(includeInstances
      ? {
          Instances: group.instances.map((member) => {
            const instance = findInstance(state, member.instanceId);
            return {
              InstanceId: member.instanceId,
              ...(instance ? { InstanceType: instance.instanceType } : {}),
              AvailabilityZone: instance?.availabilityZone ?? group.availabilityZones[0] ?? `${state.region}a`,
              LifecycleState: member.lifecycleState,
              HealthStatus: member.healthStatus,
              ...(launchTemplate ? { LaunchTemplate: launchTemplate } : {}),
              ProtectedFromScaleIn: member.protectedFromScaleIn,
            };
          }),
        }
      : {}),
    CreatedTime: new Date(group.createdTime),
    SuspendedProcesses: [],
    EnabledMetrics: [],
    Tags: [],
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: false,
    ServiceLinkedRoleARN: `arn:aws:iam::${state.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    TrafficSources: [],
  };
}

function pageStart(nextToken: string | undefined): number {
  if (nextToken === undefined) return 0;
  const start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw awsError('InvalidNextToken', 'The token is invalid.');
  return start;
}

/** MaxRecords as Auto Scaling checks it: 50 when absent, at most `limit`. */
function pageSize(maxRecords: number | undefined, limit: number): number {
  const size = maxRecords ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > limit) {
    throw awsError(
      'ValidationError',
      `1 validation error detected: Value '${String(size)}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${limit}`,
    );
  }
  return size;
}

export const autoScalingService: SandboxService = {
  key: 'autoscaling',
  clientName: 'AutoScalingClient',
  regions: 'home',
  exceptions: sdkExceptions(autoScalingSdk, AutoScalingServiceException),
  operations: {
    DescribeAutoScalingGroups: operation<DescribeAutoScalingGroupsCommandInput, DescribeAutoScalingGroupsCommandOutput>(
      ['AutoScalingGroupNames', 'MaxRecords', 'NextToken', 'IncludeInstances'],
      (input, { state }) => {
        const maxRecords = pageSize(input.MaxRecords, 100);
        const names = input.AutoScalingGroupNames;
        const all = [...state.autoScaling.groups.values()];
        const groups = names === undefined || names.length === 0 ? all : all.filter((group) => names.includes(group.name));
        const start = pageStart(input.NextToken);
        const end = start + maxRecords;
        return {
          AutoScalingGroups: groups.slice(start, end).map((group) => toGroup(group, state, input.IncludeInstances !== false)),
          ...(end < groups.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
        };
      },
    ),

    // Instances that belong to no group are simply absent from the answer, as on AWS.
    DescribeAutoScalingInstances: operation<DescribeAutoScalingInstancesCommandInput, DescribeAutoScalingInstancesCommandOutput>(
      ['InstanceIds', 'MaxRecords', 'NextToken'],
      (input, { state }) => {
        const maxRecords = pageSize(input.MaxRecords, 50);
        const ids = input.InstanceIds;
        const members = [...state.autoScaling.groups.values()].flatMap((group) =>
          group.instances.filter((member) => ids === undefined || ids.length === 0 || ids.includes(member.instanceId)).map((member) => ({ group, member })),
        );
        const start = pageStart(input.NextToken);
        const end = start + maxRecords;
        return {
          AutoScalingInstances: members.slice(start, end).map(({ group, member }) => {
            const instance = findInstance(state, member.instanceId);
            const launchTemplate = toLaunchTemplate(group);
            return {
              InstanceId: member.instanceId,
              ...(instance ? { InstanceType: instance.instanceType } : {}),
              AutoScalingGroupName: group.name,
              AvailabilityZone: instance?.availabilityZone ?? group.availabilityZones[0] ?? `${state.region}a`,
              LifecycleState: member.lifecycleState,
              // This API spells health in capitals, unlike DescribeAutoScalingGroups.
              HealthStatus: member.healthStatus.toUpperCase(),
              ...(launchTemplate ? { LaunchTemplate: launchTemplate } : {}),
              ProtectedFromScaleIn: member.protectedFromScaleIn,
            };
          }),
          ...(end < members.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
        };
      },
    ),

    DescribeLifecycleHooks: operation<DescribeLifecycleHooksCommandInput, DescribeLifecycleHooksCommandOutput>(
      ['AutoScalingGroupName', 'LifecycleHookNames'],
      (input, { state }) => {
        const groupName = required(input.AutoScalingGroupName, 'ValidationError', 'autoScalingGroupName');
        const group = findGroup(state, groupName);
        if (!group) throw awsError('ValidationError', `Group ${groupName} not found`);
        const names = input.LifecycleHookNames;
        return {
          LifecycleHooks: group.lifecycleHooks
            .filter((hook) => names === undefined || names.length === 0 || names.includes(hook.name))
            .map((hook) => ({
              LifecycleHookName: hook.name,
              AutoScalingGroupName: group.name,
              LifecycleTransition: hook.transition,
              ...(hook.notificationTargetArn === undefined ? {} : { NotificationTargetARN: hook.notificationTargetArn }),
              ...(hook.roleArn === undefined ? {} : { RoleARN: hook.roleArn }),
              ...(hook.notificationMetadata === undefined ? {} : { NotificationMetadata: hook.notificationMetadata }),
              HeartbeatTimeout: hook.heartbeatTimeout,
              GlobalTimeout: Math.min(hook.heartbeatTimeout * 100, 172800),
              DefaultResult: hook.defaultResult,
            })),
        };
      },
    ),

    CompleteLifecycleAction: operation<CompleteLifecycleActionCommandInput, CompleteLifecycleActionCommandOutput>(
      ['AutoScalingGroupName', 'LifecycleHookName', 'LifecycleActionToken', 'LifecycleActionResult', 'InstanceId'],
      (input, context) => {
        const result = required(input.LifecycleActionResult, 'ValidationError', 'lifecycleActionResult');
        if (result !== LifecycleActionResult.Continue && result !== LifecycleActionResult.Abandon) {
          throw awsError('ValidationError', `Invalid lifecycle action result ${result}: use CONTINUE or ABANDON`);
        }
        const action = findOpenAction(context.state, input);
        const { state } = context;
        closeLifecycleActions(state, (candidate) => candidate === action);
        const othersWaiting = state.autoScaling.lifecycleActions.get().some(
          (candidate) => candidate.instanceId === action.instanceId && candidate.transition === action.transition,
        );
        // Every hook on the transition must be completed before the instance moves on, unless one abandons.
        if (findGroup(state, action.group) && (result === LifecycleActionResult.Abandon || !othersWaiting)) {
          finishTransition(context, action.group, action.instanceId, action.transition, result);
        }
        return {};
      },
    ),

    RecordLifecycleActionHeartbeat: operation<RecordLifecycleActionHeartbeatCommandInput, RecordLifecycleActionHeartbeatCommandOutput>(
      ['AutoScalingGroupName', 'LifecycleHookName', 'LifecycleActionToken', 'InstanceId'],
      (input, { state }) => {
        const action = findOpenAction(state, input);
        const open = state.autoScaling.lifecycleActions;
        open.set(open.get().map((candidate) => (candidate === action ? { ...action, heartbeats: action.heartbeats + 1 } : candidate)));
        return {};
      },
    ),
  },
};

export interface LaunchInstanceRequest {
  group: string;
  instanceId?: string;
  privateIpAddress: string;
  publicIpAddress?: string;
  /** Default: true when the group has a launching hook. */
  withLifecycleAction?: boolean;
  /**
   * Default false: a scale-out, which raises desired capacity (and the maximum if need be). True: a
   * replacement launched before the instance it replaces is terminated (rebalancing, an instance
   * maintenance policy that launches before terminating, an instance refresh), which changes neither;
   * AWS lets the group go over its maximum meanwhile
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-maintenance-policy-overview-and-considerations.html).
   */
  replacement?: boolean;
  instanceType?: string;
  availabilityZone?: string;
  subnetId?: string;
  vpcId?: string;
  tags?: Record<string, string>;
}

export interface LifecycleActionSummary {
  hook: string;
  token: string;
}

/** Simulates a scale-out of `group` by one instance, or a replacement launch (the `launchInstance` helper). */
export function launchGroupInstance(context: OperationContext, request: LaunchInstanceRequest): { instanceId: string; lifecycleActions: LifecycleActionSummary[] } {
  const { state, ids } = context;
  const current = findGroup(state, request.group);
  if (!current) throw new InvalidSandboxRequest(`launchInstance: no Auto Scaling group named ${request.group}`);
  const instanceId = request.instanceId ?? ids.instanceId();
  if (!isInstanceId(instanceId)) throw new InvalidSandboxRequest(`launchInstance: ${instanceId} is not an EC2 instance id such as i-0123456789abcdef0`);
  if (findInstance(state, instanceId)) throw new InvalidSandboxRequest(`launchInstance: instance ${instanceId} already exists`);
  for (const address of [request.privateIpAddress, request.publicIpAddress]) {
    if (address !== undefined && !isIpv4(address)) throw new InvalidSandboxRequest(`launchInstance: ${address} is not an IPv4 address`);
  }
  if (request.replacement && !current.instances.some((member) => !isTerminating(member))) {
    throw new InvalidSandboxRequest(`launchInstance: group ${current.name} has no instance for a replacement to replace`);
  }
  const hasLaunchHook = current.lifecycleHooks.some((hook) => hook.transition === LifecycleTransition.Launching);
  const withLifecycleAction = request.withLifecycleAction ?? hasLaunchHook;
  if (withLifecycleAction && !hasLaunchHook) {
    throw new InvalidSandboxRequest(`launchInstance: group ${current.name} has no autoscaling:EC2_INSTANCE_LAUNCHING hook`);
  }
  const group = editGroup(state, current.name);
  const sibling = group.instances.map((member) => findInstance(state, member.instanceId)).find((instance) => instance?.subnetId !== undefined);
  const nextZone = group.availabilityZones[group.instances.length % Math.max(group.availabilityZones.length, 1)];
  const availabilityZone = request.availabilityZone ?? nextZone ?? `${state.region}a`;
  const subnetId = request.subnetId ?? sibling?.subnetId;
  const vpcId = request.vpcId ?? sibling?.vpcId;
  state.ec2.instances.insert({
    instanceId,
    reservationId: `r-0${ids.hex(16)}`,
    state: 'running',
    instanceType: request.instanceType ?? sibling?.instanceType ?? 't3.medium',
    imageId: sibling?.imageId ?? `ami-0${ids.hex(16)}`,
    availabilityZone,
    privateIpAddress: request.privateIpAddress,
    ...(request.publicIpAddress === undefined ? {} : { publicIpAddress: request.publicIpAddress }),
    ...(subnetId === undefined ? {} : { subnetId }),
    ...(vpcId === undefined ? {} : { vpcId }),
    launchTime: context.now().toISOString(),
    tags: { ...request.tags, [groupNameTag]: group.name },
  });
  group.instances.push({
    instanceId,
    lifecycleState: withLifecycleAction ? GroupLifecycleState.PendingWait : GroupLifecycleState.InService,
    healthStatus: 'Healthy',
    protectedFromScaleIn: false,
  });
  if (!request.replacement) resizeToMembers(group);
  if (!withLifecycleAction) {
    context.emit(activityEvent(context, group, instanceId, 'launch'));
    return { instanceId, lifecycleActions: [] };
  }
  const actions = openLifecycleActions(context, group, instanceId, LifecycleTransition.Launching);
  return { instanceId, lifecycleActions: actions.map((action) => ({ hook: action.hook, token: action.token })) };
}

export interface TerminateInstanceRequest {
  instanceId: string;
  /** Default: true when the instance's group has a terminating hook. */
  withLifecycleAction?: boolean;
}

/** Simulates a scale-in (or a plain EC2 termination for an instance outside any group). */
export function terminateInstance(context: OperationContext, request: TerminateInstanceRequest): { lifecycleActions: LifecycleActionSummary[] } {
  const { state } = context;
  const instance = findInstance(state, request.instanceId);
  if (!instance) throw new InvalidSandboxRequest(`terminateInstance: no instance ${request.instanceId}`);
  if (instance.state === 'terminated') throw new InvalidSandboxRequest(`terminateInstance: instance ${request.instanceId} is already terminated`);
  const membership = groupOfInstance(state, request.instanceId);
  const hasTerminateHook = membership?.group.lifecycleHooks.some((hook) => hook.transition === LifecycleTransition.Terminating) ?? false;
  const withLifecycleAction = request.withLifecycleAction ?? hasTerminateHook;
  if (withLifecycleAction && !hasTerminateHook) {
    throw new InvalidSandboxRequest(`terminateInstance: ${request.instanceId} is not in a group with an autoscaling:EC2_INSTANCE_TERMINATING hook`);
  }
  if (!membership) {
    markTerminated(state, request.instanceId);
    return { lifecycleActions: [] };
  }
  if (isTerminating(membership.member)) {
    throw new InvalidSandboxRequest(`terminateInstance: instance ${request.instanceId} is already ${membership.member.lifecycleState}`);
  }
  // An instance still waiting on its launch hook is terminated without completing that action.
  closeLifecycleActions(state, (action) => action.instanceId === request.instanceId);
  const group = editGroup(state, membership.group.name);
  if (!withLifecycleAction) {
    removeFromGroupAndTerminate(context, group, request.instanceId);
    context.emit(activityEvent(context, group, request.instanceId, 'terminate'));
    return { lifecycleActions: [] };
  }
  moveMember(group, request.instanceId, GroupLifecycleState.TerminatingWait);
  resizeToMembers(group);
  const actions = openLifecycleActions(context, group, request.instanceId, LifecycleTransition.Terminating);
  return { lifecycleActions: actions.map((action) => ({ hook: action.hook, token: action.token })) };
}
