import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../../handlers/dns/parse-dns-event/handler.ts';
import { parseDnsEvent } from '../../../../handlers/dns/parse-dns-event/task.ts';
import { parseConfig } from '../../../../handlers/shared/config.ts';
import { withRuntime } from '../../../../handlers/shared/runtime.ts';
import { sampleWith } from '../../../../events/samples.ts';

const config = parseConfig(
  {
    region: 'eu-west-1',
    instanceDns: {
      groups: [
        {
          autoScalingGroupName: 'weblogic-admin',
          hostedZoneId: 'Z0OPSFLOWINTERNAL01',
          recordName: 'admin.weblogic.corp.internal.',
          allowedCidrs: ['10.20.0.0/16'],
          launchHookName: 'opsflow-dns-launch',
          terminateHookName: 'opsflow-dns-terminate',
          lifecycleResultOnFailure: 'ABANDON',
        },
        { autoScalingGroupName: 'reports-admin', hostedZoneId: 'Z0OPSFLOWINTERNAL01', recordName: 'admin.reports.corp.internal.', allowedCidrs: ['10.30.0.0/16'] },
      ],
    },
  },
  'test',
);

const launchHook = (overrides: Record<string, unknown> = {}) =>
  sampleWith('autoscaling/instance-launch-lifecycle-action.json', {
    AutoScalingGroupName: 'weblogic-admin',
    LifecycleHookName: 'opsflow-dns-launch',
    EC2InstanceId: 'i-0new',
    LifecycleActionToken: 'token-1',
    ...overrides,
  });

describe('parseDnsEvent', () => {
  it('turns a launch lifecycle action into an upsert that completes the action', () => {
    const target = parseDnsEvent(launchHook(), config.instanceDns);
    expect(target).toMatchObject({
      trigger: 'launch-lifecycle',
      action: 'upsert',
      instanceId: 'i-0new',
      recordName: 'admin.weblogic.corp.internal.',
      ttl: 60,
      lifecycle: { autoScalingGroupName: 'weblogic-admin', hookName: 'opsflow-dns-launch', token: 'token-1', instanceId: 'i-0new', resultOnFailure: 'ABANDON' },
      retries: { conflicts: 0, polls: 1 },
    });
  });

  it('ignores a launch into the warm pool', () => {
    const event = sampleWith('autoscaling/instance-launch-lifecycle-action-into-warm-pool.json', {
      AutoScalingGroupName: 'weblogic-admin',
      LifecycleHookName: 'opsflow-dns-launch',
    });
    expect(parseDnsEvent(event, config.instanceDns).action).toBe('ignore');
  });

  it('turns a terminate of a group without hooks into following the group, with no instance yet and no lifecycle action', () => {
    const event = sampleWith('autoscaling/instance-terminate-successful.json', { AutoScalingGroupName: 'reports-admin', EC2InstanceId: 'i-0old' });
    expect(parseDnsEvent(event, config.instanceDns)).toMatchObject({ trigger: 'terminate', action: 'follow-group', instanceId: null, lifecycle: null, ttl: 60 });
  });

  it('names the detail-type it does not handle', () => {
    const event = sampleWith('autoscaling/instance-launch-unsuccessful.json', { AutoScalingGroupName: 'reports-admin' });
    expect(() => parseDnsEvent(event, config.instanceDns)).toThrowError(
      expect.objectContaining({
        name: 'InvalidInput',
        message:
          'detail-type: EC2 Instance Launch Unsuccessful is not an event instance-dns handles (EC2 Instance-launch Lifecycle Action, EC2 Instance Launch Successful, EC2 Instance-terminate Lifecycle Action, EC2 Instance Terminate Successful)',
      }),
    );
    expect(() => parseDnsEvent({ ...event, 'detail-type': 42 }, config.instanceDns)).toThrowError(expect.objectContaining({ message: expect.stringMatching(/^detail-type: 42 is not/) }));
  });

  it('refuses a reconcile request with a misspelt or missing field', () => {
    const misspelt = { reconcile: { autoScalingGroupName: 'reports-admin', instanceId: null, dryrun: true } };
    expect(() => parseDnsEvent(misspelt, config.instanceDns)).toThrowError(expect.objectContaining({ name: 'InvalidInput', message: 'reconcile: Unrecognized key: "dryrun"' }));
    const extra = { reconcile: { autoScalingGroupName: 'reports-admin', instanceId: null, dryRun: true }, dryRun: false };
    expect(() => parseDnsEvent(extra, config.instanceDns)).toThrowError(expect.objectContaining({ name: 'InvalidInput', message: '(input): Unrecognized key: "dryRun"' }));
    const missing = { reconcile: { autoScalingGroupName: 'reports-admin', instanceId: null } };
    expect(() => parseDnsEvent(missing, config.instanceDns)).toThrowError(
      expect.objectContaining({ name: 'InvalidInput', message: 'reconcile.dryRun: Invalid input: expected boolean, received undefined' }),
    );
  });

  it('accepts the parent execution id dns-reconcile passes along', () => {
    const request = { reconcile: { autoScalingGroupName: 'reports-admin', instanceId: 'i-0new', dryRun: false }, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'arn:aws:states:eu-west-1:123456789012:execution:DnsReconcile:run' };
    expect(parseDnsEvent(request, config.instanceDns)).toMatchObject({ trigger: 'reconcile', action: 'upsert', instanceId: 'i-0new' });
  });

  it('turns a reconcile request with no instance into a remove', () => {
    const target = parseDnsEvent({ reconcile: { autoScalingGroupName: 'reports-admin', instanceId: null, dryRun: true } }, config.instanceDns);
    expect(target).toMatchObject({ trigger: 'reconcile', action: 'remove', instanceId: null, dryRun: true });
  });

  it('names a group that is not configured', () => {
    expect(() => parseDnsEvent(launchHook({ AutoScalingGroupName: 'other' }), config.instanceDns)).toThrowError(
      expect.objectContaining({ name: 'GroupNotConfigured', message: 'Auto Scaling group other is not configured for instance-dns' }),
    );
  });

  it('names a lifecycle hook that is not the configured one', () => {
    expect(() => parseDnsEvent(launchHook({ LifecycleHookName: 'someone-elses-hook' }), config.instanceDns)).toThrowError(
      expect.objectContaining({ name: 'LifecycleHookNotConfigured' }),
    );
  });
});

describe('parse-dns-event handler', () => {
  const invoke = (event: unknown) => withRuntime({ config, region: 'eu-west-1', sdkPlugins: [], now: () => new Date() }, () => handler(event, {} as Context));

  it('parses a real sample through middy', async () => {
    await expect(invoke(launchHook())).resolves.toMatchObject({ action: 'upsert', instanceId: 'i-0new' });
  });

  it('rejects a truncated event with InvalidInput naming the missing field', async () => {
    const event = launchHook();
    delete event.detail.EC2InstanceId;
    await expect(invoke(event)).rejects.toMatchObject({ name: 'InvalidInput', message: 'detail.EC2InstanceId: Invalid input: expected string, received undefined' });
  });

  it('rejects something that is no event at all', async () => {
    await expect(invoke({ hello: 'world' })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: '(input): neither an Auto Scaling event (no detail-type) nor a reconcile request (no reconcile)',
    });
    await expect(invoke(['not', 'an', 'object'])).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
