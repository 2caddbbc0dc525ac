import { describe, expect, it } from 'vitest';
import { Engine } from '../../../../engine/engine.ts';
import { SandboxAccount, type SandboxSeed } from '../../../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../../../engine/target.ts';
import { listSamples, loadSample, type SampleEvent } from '../../../../events/samples.ts';
import { parseConfig } from '../../../../handlers/shared/config.ts';
import { fixtureSeed } from './sandbox-clients.ts';

const ZONE = 'Z0OPSFLOWEXAMPLE01';
const RECORD = 'admin.example.internal.';
const ADDRESS = '10.0.1.25';

interface LifecycleDetail {
  AutoScalingGroupName: string;
  LifecycleHookName: string;
  EC2InstanceId: string;
  LifecycleActionToken: string;
  LifecycleTransition: string;
  Destination?: string;
}

const lifecycleSamples = listSamples().filter((path) => path.startsWith('autoscaling/') && path.includes('lifecycle-action'));

/**
 * The account a documented lifecycle event describes: its instance waiting on its hook in its
 * group, with the event's own token, and the record instance-dns keeps (already pointing at the
 * instance when it terminates).
 */
function seedFor(event: SampleEvent): SandboxSeed {
  const detail = event.detail as unknown as LifecycleDetail;
  const launching = detail.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING';
  return {
    accountId: event['account'] as string,
    region: event['region'] as string,
    ec2: { instances: [{ instanceId: detail.EC2InstanceId, privateIpAddress: ADDRESS }] },
    autoScaling: {
      groups: [
        {
          name: detail.AutoScalingGroupName,
          instances: [{ instanceId: detail.EC2InstanceId, lifecycleState: launching ? 'Pending:Wait' : 'Terminating:Wait' }],
          lifecycleHooks: [{ name: detail.LifecycleHookName, transition: detail.LifecycleTransition as 'autoscaling:EC2_INSTANCE_LAUNCHING' }],
        },
      ],
      pendingLifecycleActions: [
        { group: detail.AutoScalingGroupName, hook: detail.LifecycleHookName, instanceId: detail.EC2InstanceId, token: detail.LifecycleActionToken },
      ],
    },
    route53: {
      hostedZones: [{ id: ZONE, name: 'example.internal.', records: launching ? [] : [{ name: RECORD, type: 'A', ttl: 60, values: [ADDRESS] }] }],
    },
  };
}

function configFor(event: SampleEvent) {
  const detail = event.detail as unknown as LifecycleDetail;
  const hook = detail.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING' ? { launchHookName: detail.LifecycleHookName } : { terminateHookName: detail.LifecycleHookName };
  const group = { autoScalingGroupName: detail.AutoScalingGroupName, hostedZoneId: ZONE, recordName: RECORD, allowedCidrs: ['10.0.0.0/16'], ...hook };
  return parseConfig({ region: event['region'], instanceDns: { groups: [group] } }, 'documented-sample config');
}

describe('sandbox seed: lifecycle action tokens', () => {
  it('finds the lifecycle action samples to run', () => {
    expect(lifecycleSamples).toHaveLength(6);
  });

  it.each(lifecycleSamples)('runs the documented event %s verbatim against a seed holding its instance and token', async (path) => {
    const event = loadSample(path) as SampleEvent;
    const detail = event.detail as unknown as LifecycleDetail;
    const sandbox = SandboxAccount.fromSeed(seedFor(event), { source: path });
    const engine = await Engine.create({ config: configFor(event), target: sandboxTarget(sandbox) });

    const [record, ...others] = await engine.send(event);

    expect(others).toEqual([]);
    expect(record?.status).toBe('SUCCEEDED');
    const completions = sandbox.calls.filter((call) => call.operation === 'CompleteLifecycleAction');
    expect(completions).toEqual([expect.objectContaining({ input: expect.objectContaining({ LifecycleActionToken: detail.LifecycleActionToken }) })]);
    expect(completions[0]).not.toHaveProperty('error');
    expect(sandbox.snapshot().autoScaling.lifecycleActions).toEqual([]);
    const expectedRecord = detail.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING' && detail.Destination !== 'WarmPool' ? [ADDRESS] : undefined;
    expect(sandbox.record(ZONE, RECORD, 'A')?.values).toEqual(expectedRecord);
  });

  it('refuses a token that is not 36 characters, naming the field, as Auto Scaling would never send it', () => {
    const seed = fixtureSeed();
    seed.autoScaling!.pendingLifecycleActions = [{ group: 'weblogic-admin', hook: 'opsflow-dns-launch', instanceId: 'i-0a3f5c2e9b7d41001', token: '87654321-4321-4321-4321-21098EXAMPL' }];
    expect(() => SandboxAccount.fromSeed(seed)).toThrow(
      "seed: autoScaling.pendingLifecycleActions.0.token: must be 36 characters, as Auto Scaling lifecycle action tokens are (e.g. 87654321-4321-4321-4321-210987654321)",
    );
  });

  it('refuses one token for two lifecycle actions', () => {
    const seed = fixtureSeed();
    const token = '87654321-4321-4321-4321-210987654321';
    const [weblogic, reports] = seed.autoScaling!.groups!;
    weblogic!.instances![0]!.lifecycleState = 'Pending:Wait';
    reports!.instances![0]!.lifecycleState = 'Pending:Wait';
    reports!.lifecycleHooks = [{ name: 'reports-launch', transition: 'autoscaling:EC2_INSTANCE_LAUNCHING' }];
    seed.autoScaling!.pendingLifecycleActions = [
      { group: 'weblogic-admin', hook: 'opsflow-dns-launch', instanceId: weblogic!.instances![0]!.instanceId, token },
      { group: 'reports-admin', hook: 'reports-launch', instanceId: reports!.instances![0]!.instanceId, token },
    ];
    expect(() => SandboxAccount.fromSeed(seed)).toThrow(`seed: autoScaling.pendingLifecycleActions.1.token: ${token} appears twice`);
  });
});
