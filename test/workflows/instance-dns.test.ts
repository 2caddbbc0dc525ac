import { describe, expect, it } from 'vitest';
import { sampleWith } from '../../events/samples.ts';
import {
  callNames,
  devConfig,
  instanceState,
  launchLifecycleEvent,
  launchSuccessfulEvent,
  lifecycleState,
  recordValues,
  REPORTS_RECORD,
  terminateLifecycleEvent,
  terminateSuccessfulEvent,
  world,
} from './harness.ts';

const OLD_WEBLOGIC = 'i-0a3f5c2e9b7d41001';
const TERMINATED_WEBLOGIC = 'i-0a3f5c2e9b7d41000';
const BASTION = 'i-0c9d8e7f6a5b43001';

async function launched(options: Parameters<typeof world>[0] = {}, address = '10.20.1.77') {
  const context = await world(options);
  const { instanceId, lifecycleActionToken } = context.sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: address, withLifecycleAction: true });
  return { ...context, instanceId, token: lifecycleActionToken ?? '', event: launchLifecycleEvent(instanceId, lifecycleActionToken ?? '') };
}

describe('instance-dns: launch with a lifecycle hook', () => {
  it('points the record at the new instance, then completes the lifecycle action', async () => {
    const { sandbox, engine, instanceId, event } = await launched();
    expect(lifecycleState(sandbox, instanceId)).toBe('Pending:Wait');

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
    expect(execution?.transitions).toBeLessThanOrEqual(12);
    expect(callNames(sandbox)).toEqual([
      'ec2.DescribeInstances',
      'autoscaling.DescribeAutoScalingInstances',
      'route53.ListResourceRecordSets',
      'route53.ChangeResourceRecordSets',
      'route53.GetChange',
      'autoscaling.CompleteLifecycleAction',
    ]);
  });

  it('completes the lifecycle action only after Route 53 reports INSYNC, polling every 5 s on the clock', async () => {
    const { sandbox, engine, instanceId, event } = await launched({ changeSeed: (seed) => ((seed.route53 as { insyncAfterSeconds: number }).insyncAfterSeconds = 12) });

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    const calls = callNames(sandbox);
    expect(calls.filter((call) => call === 'route53.GetChange')).toHaveLength(3);
    expect(calls.indexOf('autoscaling.CompleteLifecycleAction')).toBeGreaterThan(calls.lastIndexOf('route53.GetChange'));
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
    // Polled at 5 and 10 s (PENDING) and 15 s (INSYNC since 12 s).
    expect(execution?.simulatedSeconds).toBe(15);
  });

  it('changes nothing when the same event arrives again', async () => {
    const { sandbox, engine, event } = await launched();
    await engine.send(event);
    const writesBefore = sandbox.callCount('route53', 'ChangeResourceRecordSets');

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(writesBefore);
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
    expect(replay?.output).toMatchObject({ plan: { verdict: 'in-sync' }, lifecycleAction: { completed: false } });
  });

  it('ignores a late launch event of an older, terminated instance', async () => {
    const { sandbox, engine, event } = await launched();
    await engine.send(event);

    const [stale] = await engine.send(launchLifecycleEvent(TERMINATED_WEBLOGIC, 'old-token'));

    expect(stale?.status).toBe('SUCCEEDED');
    expect(stale?.output).toMatchObject({ plan: { verdict: 'skip' } });
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
  });

  it('ignores a late launch event of an instance Auto Scaling is terminating', async () => {
    const { sandbox, engine, event } = await launched();
    await engine.send(event);
    sandbox.terminateInstance({ instanceId: OLD_WEBLOGIC, withLifecycleAction: true });

    const [stale] = await engine.send(launchLifecycleEvent(OLD_WEBLOGIC, 'old-token'));

    expect(stale?.output).toMatchObject({ plan: { verdict: 'skip', reason: expect.stringContaining('Terminating:Wait') } });
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
  });

  it('ignores a late launch event of an older instance still in service', async () => {
    const { sandbox, engine, event } = await launched();
    await engine.send(event);

    const [late] = await engine.send(launchLifecycleEvent(OLD_WEBLOGIC, 'old-token'));

    expect(late?.output).toMatchObject({ plan: { verdict: 'skip', reason: expect.stringContaining('a late launch event') } });
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
  });

  it('ends in the same state when the old instance terminate arrives after the new launch', async () => {
    const { sandbox, engine, event } = await launched();
    await engine.send(event);
    const { lifecycleActionToken } = sandbox.terminateInstance({ instanceId: OLD_WEBLOGIC, withLifecycleAction: true });

    const [terminate] = await engine.send(terminateLifecycleEvent(OLD_WEBLOGIC, lifecycleActionToken ?? ''));

    expect(terminate?.status).toBe('SUCCEEDED');
    expect(terminate?.output).toMatchObject({ plan: { verdict: 'skip' } });
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
    expect(instanceState(sandbox, OLD_WEBLOGIC)).toBe('terminated');
  });
});

describe('instance-dns: guards', () => {
  it('refuses a public address, changes nothing, and releases the instance with CONTINUE', async () => {
    const { sandbox, engine, instanceId, event } = await launched({}, '54.239.28.85');

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'AddressNotAllowed' });
    expect(execution?.cause).toContain('54.239.28.85 is not a private IPv4 address');
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(0);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
  });

  it('refuses a private address outside the allowed CIDRs and abandons the launch when so configured', async () => {
    const config = devConfig((raw) => {
      const groups = (raw.instanceDns as { groups: Record<string, unknown>[] }).groups;
      if (groups[0]) groups[0].lifecycleResultOnFailure = 'ABANDON';
    });
    const { sandbox, engine, instanceId, event } = await launched({ config }, '10.99.0.5');

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'AddressNotAllowed' });
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(instanceState(sandbox, instanceId)).not.toBe('running');
  });

  it('refuses an instance that belongs to another group', async () => {
    const { sandbox, engine } = await world();

    const [execution] = await engine.send(launchSuccessfulEvent(BASTION, 'reports-admin'));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'InstanceNotInGroup' });
    expect(execution?.cause).toContain('not reports-admin');
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.2.25']);
  });

  it('names a truncated event and touches nothing', async () => {
    const { sandbox, engine } = await world();
    const event = sampleWith('autoscaling/instance-launch-successful.json', { AutoScalingGroupName: 'reports-admin' });
    delete event.detail.EC2InstanceId;

    const record = await engine.run('instance-dns', event);

    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(record.cause).toContain('detail.EC2InstanceId');
    expect(sandbox.calls).toHaveLength(0);
  });
});

describe('instance-dns: transient and conflicting writes', () => {
  it('retries Route 53 throttling and then succeeds', async () => {
    const { sandbox, engine, event } = await launched({
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'ThrottlingException', times: 2 }] },
    });

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.states.find((state) => state.name === 'ApplyChange')?.retries).toBe(2);
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
  });

  it('retries PriorRequestNotComplete on the write', async () => {
    const { sandbox, engine, event } = await launched({
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'PriorRequestNotComplete', times: 1 }] },
    });

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
  });

  it('fails with the throttling error named once the retry budget is spent, changing nothing', async () => {
    const { sandbox, engine, instanceId, event } = await launched({
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'ThrottlingException', times: 50 }] },
    });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Route53.ThrottlingException' });
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(6);
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
  });

  it('reads and decides again when the batch conflicts, then applies it', async () => {
    const { sandbox, engine, event } = await launched({
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'InvalidChangeBatch', nth: [1] }] },
    });

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.callCount('route53', 'ListResourceRecordSets')).toBe(2);
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
  });

  it('gives up after three conflicts in a row with a named error', async () => {
    const { sandbox, engine, event } = await launched({
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'InvalidChangeBatch', times: 10 }] },
    });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'RecordConflictPersisted' });
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
  });

  it('fails with DnsChangeNotInSync when the change stays PENDING past the poll budget', async () => {
    const { sandbox, engine, instanceId, event } = await launched({ changeSeed: (seed) => ((seed.route53 as { insyncAfterSeconds: number }).insyncAfterSeconds = 1000) });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'DnsChangeNotInSync' });
    expect(sandbox.callCount('route53', 'GetChange')).toBe(24);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
  });
});

describe('instance-dns: terminate', () => {
  it('removes the record while it still points at the terminating instance', async () => {
    const { sandbox, engine } = await world();
    const { lifecycleActionToken } = sandbox.terminateInstance({ instanceId: OLD_WEBLOGIC, withLifecycleAction: true });

    const [execution] = await engine.send(terminateLifecycleEvent(OLD_WEBLOGIC, lifecycleActionToken ?? ''));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox)).toBeUndefined();
    expect(instanceState(sandbox, OLD_WEBLOGIC)).toBe('terminated');
  });

  it('leaves the record of a group without hooks when the terminated instance has no address left', async () => {
    const { sandbox, engine } = await world();
    sandbox.terminateInstance({ instanceId: 'i-0b7e4d1c8a6f52001' });

    const [execution] = await engine.send(terminateSuccessfulEvent('i-0b7e4d1c8a6f52001'));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.output).toMatchObject({ plan: { verdict: 'skip' } });
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.2.25']);
  });

  it('points a group without hooks at its new instance on Launch Successful', async () => {
    const { sandbox, engine } = await world();
    const { instanceId } = sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4' });

    const [execution] = await engine.send(launchSuccessfulEvent(instanceId));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.4.4']);
    expect(sandbox.callCount('autoscaling', 'CompleteLifecycleAction')).toBe(0);
  });
});
