import {
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { InvalidSandboxRequest, type EventBridgeEvent } from '../../../../engine/sandbox/index.ts';
import { fixtureSeed, rejection, sandbox, weblogicInstance } from './sandbox-clients.ts';

const newInstance = 'i-0a3f5c2e9b7d41002';

function lifecycleState(account: ReturnType<typeof sandbox>['account'], group: string, instanceId: string): string | undefined {
  return account.snapshot().autoScaling.groups.find((candidate) => candidate.name === group)?.instances.find((member) => member.instanceId === instanceId)?.lifecycleState;
}

function ec2Instance(account: ReturnType<typeof sandbox>['account'], instanceId: string) {
  return account.snapshot().ec2.instances.find((instance) => instance.instanceId === instanceId);
}

describe('Auto Scaling DescribeAutoScalingGroups and DescribeLifecycleHooks', () => {
  it('describes the named groups with their instances', async () => {
    const { autoScaling } = sandbox();
    const { AutoScalingGroups } = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['weblogic-admin', 'no-such-group'] }));
    expect(AutoScalingGroups).toHaveLength(1);
    expect(AutoScalingGroups?.[0]).toMatchObject({
      AutoScalingGroupName: 'weblogic-admin',
      MinSize: 1,
      MaxSize: 1,
      DesiredCapacity: 1,
      LaunchTemplate: { LaunchTemplateName: 'weblogic-admin', Version: '$Latest' },
      Instances: [{ InstanceId: weblogicInstance, LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'eu-west-1a', ProtectedFromScaleIn: false }],
    });
    expect(AutoScalingGroups?.[0]?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/weblogic-admin$/);
  });

  it('describes the group membership of instances, leaving out those in no group', async () => {
    const { autoScaling } = sandbox();
    const { AutoScalingInstances } = await autoScaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [weblogicInstance, 'i-0c9d8e7f6a5b43001', 'i-00000000000000000'] }));
    expect(AutoScalingInstances?.map((instance) => [instance.InstanceId, instance.AutoScalingGroupName, instance.LifecycleState, instance.HealthStatus])).toEqual([
      [weblogicInstance, 'weblogic-admin', 'InService', 'HEALTHY'],
      ['i-0c9d8e7f6a5b43001', 'bastion', 'InService', 'HEALTHY'],
    ]);
  });

  it('describes lifecycle hooks, and refuses an unknown group', async () => {
    const { autoScaling } = sandbox();
    const { LifecycleHooks } = await autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'weblogic-admin' }));
    expect(LifecycleHooks?.map((hook) => [hook.LifecycleHookName, hook.LifecycleTransition, hook.DefaultResult, hook.HeartbeatTimeout, hook.GlobalTimeout])).toEqual([
      ['opsflow-dns-launch', 'autoscaling:EC2_INSTANCE_LAUNCHING', 'CONTINUE', 300, 30000],
      ['opsflow-dns-terminate', 'autoscaling:EC2_INSTANCE_TERMINATING', 'CONTINUE', 300, 30000],
    ]);
    const error = await rejection(autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'nope' })));
    expect(error).toBeInstanceOf(AutoScalingServiceException);
    expect(error.name).toBe('ValidationError');
  });
});

describe('Auto Scaling lifecycle actions', () => {
  it('launchInstance waits on the launch hook; CONTINUE with the token puts the instance InService', async () => {
    const { account, autoScaling, ec2 } = sandbox();
    const launched = account.launchInstance({ group: 'weblogic-admin', instanceId: newInstance, privateIpAddress: '10.20.2.30' });
    expect(launched.lifecycleActionToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(lifecycleState(account, 'weblogic-admin', newInstance)).toBe('Pending:Wait');
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [newInstance] }));
    expect(Reservations?.[0]?.Instances?.[0]).toMatchObject({ State: { Name: 'running' }, PrivateIpAddress: '10.20.2.30' });

    await autoScaling.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: 'weblogic-admin',
        LifecycleHookName: 'opsflow-dns-launch',
        LifecycleActionToken: launched.lifecycleActionToken,
        LifecycleActionResult: 'CONTINUE',
      }),
    );
    expect(lifecycleState(account, 'weblogic-admin', newInstance)).toBe('InService');
    expect(account.snapshot().autoScaling.lifecycleActions).toEqual([]);
  });

  it('ABANDON on launch terminates the instance and removes it from the group', async () => {
    const { account, autoScaling } = sandbox();
    account.launchInstance({ group: 'weblogic-admin', instanceId: newInstance, privateIpAddress: '10.20.2.30' });
    await autoScaling.send(
      new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'weblogic-admin', LifecycleHookName: 'opsflow-dns-launch', InstanceId: newInstance, LifecycleActionResult: 'ABANDON' }),
    );
    expect(lifecycleState(account, 'weblogic-admin', newInstance)).toBeUndefined();
    expect(ec2Instance(account, newInstance)?.state).toBe('terminated');
    expect(ec2Instance(account, newInstance)?.privateIpAddress).toBeUndefined();
  });

  it('terminateInstance waits on the terminate hook; completing it terminates the instance', async () => {
    const { account, autoScaling } = sandbox();
    const terminating = account.terminateInstance({ instanceId: weblogicInstance });
    expect(terminating.lifecycleActions).toEqual([{ hook: 'opsflow-dns-terminate', token: terminating.lifecycleActionToken }]);
    expect(lifecycleState(account, 'weblogic-admin', weblogicInstance)).toBe('Terminating:Wait');
    expect(ec2Instance(account, weblogicInstance)?.state).toBe('running');

    await autoScaling.send(
      new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'weblogic-admin', LifecycleHookName: 'opsflow-dns-terminate', InstanceId: weblogicInstance, LifecycleActionResult: 'CONTINUE' }),
    );
    expect(lifecycleState(account, 'weblogic-admin', weblogicInstance)).toBeUndefined();
    expect(ec2Instance(account, weblogicInstance)).toMatchObject({ state: 'terminated' });
    expect(ec2Instance(account, weblogicInstance)).not.toHaveProperty('privateIpAddress');
  });

  it('answers ValidationError when no lifecycle action is open, and changes nothing', async () => {
    const { account, autoScaling } = sandbox();
    const before = account.snapshot();
    const byInstance = await rejection(
      autoScaling.send(
        new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'weblogic-admin', LifecycleHookName: 'opsflow-dns-launch', InstanceId: weblogicInstance, LifecycleActionResult: 'CONTINUE' }),
      ),
    );
    expect(byInstance).toBeInstanceOf(AutoScalingServiceException);
    expect(byInstance.name).toBe('ValidationError');
    expect(byInstance.message).toBe(`No active Lifecycle Action found with instance ID ${weblogicInstance}`);
    const byToken = await rejection(
      autoScaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: 'weblogic-admin',
          LifecycleHookName: 'opsflow-dns-launch',
          LifecycleActionToken: '0b8f7c62-8f1e-4a52-9d43-1f2e3d4c5b6a',
          LifecycleActionResult: 'CONTINUE',
        }),
      ),
    );
    expect(byToken.message).toBe('No active Lifecycle Action found with token 0b8f7c62-8f1e-4a52-9d43-1f2e3d4c5b6a');
    expect(account.snapshot()).toEqual(before);
  });

  it('answers a wrong token for an open action as AWS does: unmodeled ValidationError, status 400, and the action stays open', async () => {
    const { account, autoScaling } = sandbox();
    const { lifecycleActionToken } = account.launchInstance({ group: 'weblogic-admin', instanceId: newInstance, privateIpAddress: '10.20.2.30' });
    const wrongToken = '0b8f7c62-8f1e-4a52-9d43-1f2e3d4c5b6a';
    const complete = (token: string | undefined) =>
      autoScaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: 'weblogic-admin',
          LifecycleHookName: 'opsflow-dns-launch',
          LifecycleActionToken: token,
          InstanceId: newInstance,
          LifecycleActionResult: 'CONTINUE',
        }),
      );

    const error = await rejection(complete(wrongToken));

    expect(Object.getPrototypeOf(error)).toBe(AutoScalingServiceException.prototype);
    expect(error).toMatchObject({ name: 'ValidationError', message: `No active Lifecycle Action found with token ${wrongToken}`, $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect(lifecycleState(account, 'weblogic-admin', newInstance)).toBe('Pending:Wait');
    await complete(lifecycleActionToken);
    expect(lifecycleState(account, 'weblogic-admin', newInstance)).toBe('InService');
  });

  it('refuses to complete the same action twice', async () => {
    const { account, autoScaling } = sandbox();
    const { lifecycleActionToken } = account.launchInstance({ group: 'weblogic-admin', instanceId: newInstance, privateIpAddress: '10.20.2.30' });
    const complete = new CompleteLifecycleActionCommand({
      AutoScalingGroupName: 'weblogic-admin',
      LifecycleHookName: 'opsflow-dns-launch',
      LifecycleActionToken: lifecycleActionToken,
      LifecycleActionResult: 'CONTINUE',
    });
    await autoScaling.send(complete);
    expect((await rejection(autoScaling.send(complete))).name).toBe('ValidationError');
  });

  it('records heartbeats on an open action', async () => {
    const { account, autoScaling } = sandbox();
    account.launchInstance({ group: 'weblogic-admin', instanceId: newInstance, privateIpAddress: '10.20.2.30' });
    await autoScaling.send(new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: 'weblogic-admin', LifecycleHookName: 'opsflow-dns-launch', InstanceId: newInstance }));
    expect(account.snapshot().autoScaling.lifecycleActions[0]?.heartbeats).toBe(1);
  });

  it('completes a lifecycle action seeded as pending', async () => {
    const seed = fixtureSeed();
    seed.autoScaling!.groups![0]!.instances![0]!.lifecycleState = 'Pending:Wait';
    seed.autoScaling!.pendingLifecycleActions = [
      { group: 'weblogic-admin', hook: 'opsflow-dns-launch', instanceId: weblogicInstance, token: '5d1c7a3e-2b4f-4c6d-8e9f-0a1b2c3d4e5f' },
    ];
    const { account, autoScaling } = sandbox({}, seed);
    await autoScaling.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: 'weblogic-admin',
        LifecycleHookName: 'opsflow-dns-launch',
        LifecycleActionToken: '5d1c7a3e-2b4f-4c6d-8e9f-0a1b2c3d4e5f',
        LifecycleActionResult: 'CONTINUE',
      }),
    );
    expect(lifecycleState(account, 'weblogic-admin', weblogicInstance)).toBe('InService');
  });
});

describe('simulation helpers', () => {
  it('launches straight InService in a group without hooks, tagged with its group', () => {
    const { account } = sandbox();
    const launched = account.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.2.40' });
    expect(launched.lifecycleActionToken).toBeUndefined();
    expect(lifecycleState(account, 'reports-admin', launched.instanceId)).toBe('InService');
    expect(ec2Instance(account, launched.instanceId)?.tags['aws:autoscaling:groupName']).toBe('reports-admin');
    expect(launched.events.map((event) => event['detail-type'])).toEqual(['EC2 Instance Launch Successful']);
    expect(() => account.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.2.41', withLifecycleAction: true })).toThrow(InvalidSandboxRequest);
  });

  it('launches a replacement beside the instance it replaces without raising desired capacity or the maximum', () => {
    const { account } = sandbox();
    const scaledOut = sandbox().account;
    const replacement = account.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.2.30', replacement: true });
    scaledOut.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.2.30' });
    const size = (of: typeof account) => {
      const group = of.snapshot().autoScaling.groups.find((candidate) => candidate.name === 'weblogic-admin');
      return { desired: group?.desiredCapacity, max: group?.maxSize, members: group?.instances.length };
    };
    expect(size(account)).toEqual({ desired: 1, max: 1, members: 2 });
    expect(size(scaledOut)).toEqual({ desired: 2, max: 2, members: 2 });
    expect(lifecycleState(account, 'weblogic-admin', replacement.instanceId)).toBe('Pending:Wait');
    account.terminateInstance({ instanceId: weblogicInstance, withLifecycleAction: false });
    expect(size(account)).toEqual({ desired: 1, max: 1, members: 1 });
  });

  it('terminates without a lifecycle action when asked to', () => {
    const { account } = sandbox();
    account.terminateInstance({ instanceId: weblogicInstance, withLifecycleAction: false });
    expect(lifecycleState(account, 'weblogic-admin', weblogicInstance)).toBeUndefined();
    expect(ec2Instance(account, weblogicInstance)?.state).toBe('terminated');
    expect(account.snapshot().autoScaling.groups[0]?.desiredCapacity).toBe(0);
  });

  it('returns the lifecycle event AWS would send, and delivers it only with serviceEvents', () => {
    const quiet = sandbox();
    const heard: EventBridgeEvent[] = [];
    quiet.account.onEvent((event) => heard.push(event));
    const launched = quiet.account.launchInstance({ group: 'weblogic-admin', instanceId: newInstance, privateIpAddress: '10.20.2.30' });
    expect(launched.events).toHaveLength(1);
    expect(launched.events[0]).toMatchObject({
      source: 'aws.autoscaling',
      'detail-type': 'EC2 Instance-launch Lifecycle Action',
      account: '123456789012',
      region: 'eu-west-1',
      time: '2025-02-01T12:00:00Z',
      detail: {
        LifecycleActionToken: launched.lifecycleActionToken,
        AutoScalingGroupName: 'weblogic-admin',
        LifecycleHookName: 'opsflow-dns-launch',
        EC2InstanceId: newInstance,
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      },
    });
    expect(heard).toEqual([]);

    const loud = sandbox({ serviceEvents: true });
    loud.account.onEvent((event) => heard.push(event));
    loud.account.terminateInstance({ instanceId: weblogicInstance });
    expect(heard.map((event) => event['detail-type'])).toEqual(['EC2 Instance-terminate Lifecycle Action']);
  });

  it('refuses helper requests the account cannot honour, changing nothing', () => {
    const { account } = sandbox();
    const before = account.snapshot();
    expect(() => account.launchInstance({ group: 'nope', privateIpAddress: '10.20.2.30' })).toThrow(InvalidSandboxRequest);
    expect(() => account.launchInstance({ group: 'weblogic-admin', instanceId: weblogicInstance, privateIpAddress: '10.20.2.30' })).toThrow(/already exists/);
    expect(() => account.terminateInstance({ instanceId: 'i-0a3f5c2e9b7d41000' })).toThrow(/already terminated/);
    expect(account.snapshot()).toEqual(before);
    account.terminateInstance({ instanceId: weblogicInstance, withLifecycleAction: false });
    const emptied = account.snapshot();
    expect(() => account.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.2.30', replacement: true })).toThrow(/has no instance for a replacement to replace/);
    expect(account.snapshot()).toEqual(emptied);
  });
});
