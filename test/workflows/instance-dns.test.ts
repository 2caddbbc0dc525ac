import type { InitializeMiddleware, Pluggable } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { Engine, type ExecutionRecord } from '../../engine/engine.ts';
import { SandboxAccount } from '../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../engine/target.ts';
import { loadSample, sampleWith } from '../../events/samples.ts';
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
  WEBLOGIC_RECORD,
  world,
  ZONE,
} from './harness.ts';

const OLD_WEBLOGIC = 'i-0a3f5c2e9b7d41001';
const TERMINATED_WEBLOGIC = 'i-0a3f5c2e9b7d41000';
const BASTION = 'i-0c9d8e7f6a5b43001';
const REPORTS = 'i-0b7e4d1c8a6f52001';

const NEW_ADDRESS = '10.20.1.77';

/**
 * weblogic-admin (MaxSize 1) replacing its InService instance: the replacement waits in Pending:Wait
 * on the launch hook beside the old one, as Auto Scaling launches before terminating.
 */
async function launched(options: Parameters<typeof world>[0] = {}, address = NEW_ADDRESS) {
  const context = await world(options);
  const { instanceId, lifecycleActionToken } = context.sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: address, withLifecycleAction: true, replacement: true });
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
    const { sandbox, engine, instanceId, event } = await launched();
    await engine.send(event);

    const [late] = await engine.send(launchLifecycleEvent(OLD_WEBLOGIC, 'old-token'));

    expect(late?.status).toBe('SUCCEEDED');
    expect(late?.output).toMatchObject({
      choice: { verdict: 'repair', instanceId },
      plan: { verdict: 'skip', reason: expect.stringContaining(`instance ${OLD_WEBLOGIC} is not the instance the record follows`) },
    });
    expect((late?.output as { plan: { reason: string } }).plan.reason).toContain('a late launch event');
    expect(recordValues(sandbox)).toEqual(['10.20.1.77']);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(1);
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

/** What a state's fault rule raises, and how many retries its Retry allows. */
const beforeTheWrite = [
  { state: 'DescribeInstance', service: 'ec2', error: 'RequestLimitExceeded', name: 'Ec2.Ec2Exception', retries: 3 },
  { state: 'DescribeMembership', service: 'autoscaling', error: 'Throttling', name: 'AutoScaling.AutoScalingException', retries: 3 },
  { state: 'ReadRecord', service: 'route53', error: 'Throttling', name: 'Route53.Route53Exception', retries: 5 },
  { state: 'PlanDnsChange', service: 'lambda', error: 'TooManyRequestsException', name: 'Lambda.TooManyRequestsException', retries: 3 },
] as const;

/** The Tasks only a replay runs before its write: the group decides whether an InService instance's launch event is late. */
const groupReads = [
  { state: 'DescribeGroup', service: 'autoscaling', error: 'Throttling', name: 'AutoScaling.AutoScalingException', retries: 3 },
  { state: 'ChooseGroupInstance', service: 'lambda', error: 'ServiceException', name: 'Lambda.ServiceException', retries: 3 },
  { state: 'DescribeCandidates', service: 'ec2', error: 'RequestLimitExceeded', name: 'Ec2.Ec2Exception', retries: 3 },
] as const;

/**
 * A replacement's launch that failed before the record was written: the run released the lifecycle
 * action with CONTINUE, so the replacement is InService beside the old instance, which the record
 * still points at.
 */
async function failedLaunch(fault: (typeof beforeTheWrite)[number] = beforeTheWrite[0], options: Parameters<typeof world>[0] = {}) {
  const context = await launched(options);
  context.engine.injectFault({ service: fault.service, workflow: 'instance-dns', state: fault.state, error: fault.error });
  const [failed] = await context.engine.send(context.event);
  context.engine.clearFaults();
  return { ...context, failed };
}

describe('instance-dns: a replayed launch converges', () => {
  it.each(beforeTheWrite)('after $state failed past its budget ($name), releasing the replacement with the old instance still InService', async (fault) => {
    const { sandbox, engine, instanceId, event, failed } = await failedLaunch(fault);

    expect(failed).toMatchObject({ status: 'FAILED', error: fault.name });
    expect(failed?.cause).toContain(fault.service === 'lambda' ? '(Service: AWSLambda; Status Code:' : '(Service: ');
    expect(stateOf(failed, fault.state)?.retries).toBe(fault.retries);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(0);
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
    expect(lifecycleState(sandbox, OLD_WEBLOGIC)).toBe('InService');

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(replay?.output).toMatchObject({
      choice: { verdict: 'repair', instanceId, reason: expect.stringContaining(`its newest instance`) },
      plan: { verdict: 'change', reason: expect.stringContaining(`set it to ${NEW_ADDRESS}`) },
      lifecycleAction: { completed: false },
    });
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
  });

  it('reads the group only on the replay, and a second replay is in sync', async () => {
    const { sandbox, engine, event } = await failedLaunch();
    const callsBefore = sandbox.calls.length;

    const [replay] = await engine.send(event);
    const replayCalls = callNames(sandbox).slice(callsBefore);
    const [again] = await engine.send(event);

    expect(replayCalls.slice(0, 6)).toEqual([
      'ec2.DescribeInstances',
      'autoscaling.DescribeAutoScalingInstances',
      'route53.ListResourceRecordSets',
      'autoscaling.DescribeAutoScalingGroups',
      'ec2.DescribeInstances',
      'route53.ChangeResourceRecordSets',
    ]);
    expect(replay?.output).toMatchObject({ plan: { verdict: 'change' } });
    expect(again?.output).toMatchObject({ plan: { verdict: 'in-sync' } });
    expect(again?.states.map((state) => state.name)).not.toContain('DescribeGroup');
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
  });

  it.each(groupReads)('fails named when the replay\'s $state fails past its budget ($name), changes nothing, and the next replay converges', async (fault) => {
    const { sandbox, engine, event } = await failedLaunch();
    engine.injectFault({ service: fault.service, workflow: 'instance-dns', state: fault.state, error: fault.error });

    const [failed] = await engine.send(event);

    expect(failed).toMatchObject({ status: 'FAILED', error: fault.name });
    expect(stateOf(failed, fault.state)?.retries).toBe(fault.retries);
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(0);

    engine.clearFaults();
    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(replay?.output).toMatchObject({ plan: { verdict: 'change' } });
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
  });

  it('retries one throttled read of the launch times and converges', async () => {
    const { sandbox, engine, event } = await failedLaunch();
    engine.injectFault({ service: 'ec2', workflow: 'instance-dns', state: 'DescribeCandidates', error: 'RequestLimitExceeded', nth: [1] });

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(stateOf(replay, 'DescribeCandidates')?.retries).toBe(1);
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
  });

  it('skips the replay when a newer replacement has come since, leaving the record to it', async () => {
    const { sandbox, engine, event } = await failedLaunch(beforeTheWrite[0]);
    const newer = sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.88', withLifecycleAction: false, replacement: true });

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(replay?.output).toMatchObject({
      choice: { verdict: 'repair', instanceId: newer.instanceId },
      plan: { verdict: 'skip', reason: expect.stringContaining('a late launch event') },
    });
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
  });

  it('replays a plain Launch Successful the same way, and skips the late one of the instance it replaced', async () => {
    const { sandbox, engine } = await world();
    const { instanceId } = sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4', replacement: true });
    engine.injectFault({ service: 'ec2', workflow: 'instance-dns', state: 'DescribeInstance', error: 'RequestLimitExceeded' });

    const [failed] = await engine.send(launchSuccessfulEvent(instanceId));
    engine.clearFaults();
    const [replay] = await engine.send(launchSuccessfulEvent(instanceId));
    const [late] = await engine.send(launchSuccessfulEvent(REPORTS));

    expect(failed).toMatchObject({ status: 'FAILED', error: 'Ec2.Ec2Exception' });
    expect(replay?.output).toMatchObject({ plan: { verdict: 'change' } });
    expect(late?.output).toMatchObject({ plan: { verdict: 'skip', reason: expect.stringContaining('a late launch event') } });
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.4.4']);
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

/** dev config with the weblogic group's lifecycleResultOnFailure set to ABANDON. */
const abandonOnFailure = () =>
  devConfig((raw) => {
    const groups = (raw.instanceDns as { groups: Record<string, unknown>[] }).groups;
    if (groups[0]) groups[0].lifecycleResultOnFailure = 'ABANDON';
  });

const stateOf = (execution: ExecutionRecord | undefined, name: string) => execution?.states.find((state) => state.name === name);

/** A sandbox clock a second further on at each reading, so instances launched one after the other never share a LaunchTime. */
/**
 * A sandbox whose record someone else changes just before the workflow's Route 53 writes: `edit`
 * runs before each ChangeResourceRecordSets call reaches the sandbox (its argument counts them).
 */
async function racedWorld(edit: (sandbox: SandboxAccount, write: number) => void) {
  const sandbox = await SandboxAccount.fromSeedFile('test/fixtures/sandbox/instance-dns.json');
  let writes = 0;
  const editBeforeWrites: InitializeMiddleware<object, object> = (next, context) => async (args) => {
    if (context.commandName === 'ChangeResourceRecordSetsCommand') edit(sandbox, ++writes);
    return next(args);
  };
  const concurrentEditor: Pluggable<object, object> = {
    applyToStack: (stack) => stack.addRelativeTo(editBeforeWrites, { relation: 'before', toMiddleware: 'opsflowSandbox', name: 'concurrentEditor' }),
  };
  const target = { ...sandboxTarget(sandbox), sdkPlugins: [concurrentEditor, sandbox.plugin()] };
  const engine = await Engine.create({ config: devConfig(), target });
  const { instanceId, lifecycleActionToken } = sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: NEW_ADDRESS, withLifecycleAction: true, replacement: true });
  return { sandbox, engine, instanceId, event: launchLifecycleEvent(instanceId, lifecycleActionToken ?? '') };
}

const otherWriter = (sandbox: SandboxAccount, write: number) =>
  sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: [`10.20.1.${100 + write}`] });

describe('instance-dns: Route 53 throttling', () => {
  const tasks = [
    ['ReadRecord', 'ListResourceRecordSets'],
    ['ApplyChange', 'ChangeResourceRecordSets'],
    ['GetChange', 'GetChange'],
  ] as const;

  it.each(tasks)('retries one Throttling on %s (%s) and the record ends right', async (state, operation) => {
    const { sandbox, engine, instanceId, event } = await launched({ sandbox: { faults: [{ service: 'route53', operation, error: 'Throttling', nth: [1] }] } });

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(stateOf(execution, state)?.retries).toBe(1);
    expect(sandbox.calls.find((call) => call.operation === operation)?.error).toBe('Throttling');
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
  });

  it('retries PriorRequestNotComplete on the write', async () => {
    const { sandbox, engine, event } = await launched({
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'PriorRequestNotComplete', times: 1 }] },
    });

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
  });

  it.each([
    ['ReadRecord', 'ListResourceRecordSets'],
    ['ApplyChange', 'ChangeResourceRecordSets'],
  ] as const)('fails named when %s is throttled past its budget, changes nothing, and a replay converges', async (state, operation) => {
    const { sandbox, engine } = await world({ sandbox: { faults: [{ service: 'route53', operation, error: 'Throttling', times: 6 }] } });
    const { instanceId } = sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4', replacement: true });
    const event = launchSuccessfulEvent(instanceId);

    const [failed] = await engine.send(event);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'Route53.Route53Exception' });
    expect(failed?.cause).toContain('Rate exceeded');
    expect(stateOf(failed, state)?.retries).toBe(5);
    expect(sandbox.callCount('route53', operation)).toBe(6);
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.2.25']);

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.4.4']);
  });

  it('releases the instance with its configured result when nothing was applied', async () => {
    const { sandbox, engine, instanceId, event } = await launched({
      config: abandonOnFailure(),
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'Throttling', times: 6 }] },
    });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Route53.Route53Exception' });
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(instanceState(sandbox, instanceId)).toBe('terminated');
  });

  it('fails with DnsChangeNotInSync, saying what was applied, when GetChange is throttled past its budget; a replay converges', async () => {
    const { sandbox, engine, instanceId, event } = await launched({
      config: abandonOnFailure(),
      sandbox: { faults: [{ service: 'route53', operation: 'GetChange', error: 'Throttling', times: 6 }] },
    });

    const [failed] = await engine.send(event);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'DnsChangeNotInSync' });
    expect(failed?.cause).toMatch(/^change \/change\/C\w+ was applied \(admin\.weblogic\.corp\.internal\. holds 10\.20\.1\.77 \(TTL 60\)\), but its status could not be read: Route53\.Route53Exception: Rate exceeded/);
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(replay?.output).toMatchObject({ plan: { verdict: 'in-sync' }, lifecycleAction: { completed: false } });
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
  });
});

describe('instance-dns: a change applied but not yet in sync', () => {
  it('is its own outcome, and never abandons the instance the record now points at', async () => {
    const { sandbox, engine, instanceId, event } = await launched({
      config: abandonOnFailure(),
      changeSeed: (seed) => ((seed.route53 as { insyncAfterSeconds: number }).insyncAfterSeconds = 1000),
    });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'DnsChangeNotInSync' });
    expect(execution?.cause).toMatch(/^change \/change\/C\w+ was applied \(admin\.weblogic\.corp\.internal\. holds 10\.20\.1\.77 \(TTL 60\)\), but Route 53 still reported it PENDING after 24 polls$/);
    expect(sandbox.callCount('route53', 'GetChange')).toBe(24);
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
    expect(sandbox.calls.find((call) => call.operation === 'CompleteLifecycleAction')?.input).toMatchObject({ LifecycleActionResult: 'CONTINUE' });
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
    expect(instanceState(sandbox, instanceId)).toBe('running');
  });
});

describe('instance-dns: the lifecycle action', () => {
  it('fails named when CompleteLifecycleAction is throttled past its budget, leaving the instance waiting; a replay completes it', async () => {
    const { sandbox, engine, instanceId, event } = await launched({
      sandbox: { faults: [{ service: 'autoscaling', operation: 'CompleteLifecycleAction', error: 'Throttling', times: 4 }] },
    });

    const [failed] = await engine.send(event);

    expect(failed).toMatchObject({ status: 'FAILED', error: 'LifecycleActionNotCompleted' });
    expect(failed?.cause).toContain(`instance ${instanceId} is still Pending:Wait: CompleteLifecycleAction failed (AutoScaling.AutoScalingException: Rate exceeded`);
    expect(failed?.cause).toContain('set it to 10.20.1.77');
    expect(stateOf(failed, 'CompleteLifecycleAction')?.retries).toBe(3);
    expect(lifecycleState(sandbox, instanceId)).toBe('Pending:Wait');
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(replay?.output).toMatchObject({ plan: { verdict: 'in-sync' }, lifecycleAction: { completed: true } });
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
  });

  it('fails named on a wrong token, with Auto Scaling\'s message, and does not pretend the action is done', async () => {
    const { sandbox, engine, instanceId } = await launched();
    const wrongToken = '0b8f7c62-8f1e-4a52-9d43-1f2e3d4c5b6a';

    const [execution] = await engine.send(launchLifecycleEvent(instanceId, wrongToken));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'LifecycleActionNotCompleted' });
    expect(execution?.cause).toContain(`AutoScaling.AutoScalingException: No active Lifecycle Action found with token ${wrongToken}`);
    expect(lifecycleState(sandbox, instanceId)).toBe('Pending:Wait');
  });

  it('fails named when neither completing the action nor reading the instance works', async () => {
    const { sandbox, engine, instanceId, event } = await launched({
      sandbox: {
        faults: [
          { service: 'autoscaling', operation: 'CompleteLifecycleAction', error: 'Throttling' },
          // Call 1 is DescribeMembership; the re-read after CompleteLifecycleAction comes next.
          { service: 'autoscaling', operation: 'DescribeAutoScalingInstances', error: 'Throttling', nth: [2, 3, 4, 5] },
        ],
      },
    });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'LifecycleActionNotCompleted' });
    expect(execution?.cause).toContain(`CompleteLifecycleAction for instance ${instanceId} failed (AutoScaling.AutoScalingException: Rate exceeded`);
    expect(execution?.cause).toContain('its lifecycle state could not be read (AutoScaling.AutoScalingException: Rate exceeded');
    expect(lifecycleState(sandbox, instanceId)).toBe('Pending:Wait');
  });

  it('says a failed run left the instance waiting when releasing it fails too', async () => {
    const { sandbox, engine, instanceId, event } = await launched(
      { sandbox: { faults: [{ service: 'autoscaling', operation: 'CompleteLifecycleAction', error: 'Throttling' }] } },
      '54.239.28.85',
    );

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'LifecycleActionNotCompleted' });
    expect(execution?.cause).toContain(`instance ${instanceId} is still Pending:Wait: CompleteLifecycleAction failed (AutoScaling.AutoScalingException: Rate exceeded`);
    expect(execution?.cause).toContain('after the run failed with AddressNotAllowed');
    expect(execution?.cause).toContain('54.239.28.85 is not a private IPv4 address');
    expect(lifecycleState(sandbox, instanceId)).toBe('Pending:Wait');
  });
});

describe('instance-dns: rejected change batches', () => {
  it('reads and decides again when the record moved since it was read, then applies the new batch', async () => {
    const { sandbox, engine, instanceId, event } = await racedWorld((account, write) => write === 1 && otherWriter(account, write));

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.calls.filter((call) => call.operation === 'ChangeResourceRecordSets').map((call) => call.error)).toEqual(['InvalidChangeBatch', undefined]);
    expect(sandbox.callCount('route53', 'ListResourceRecordSets')).toBe(2);
    expect(execution?.output).toMatchObject({ plan: { current: { values: ['10.20.1.101'] } } });
    expect(recordValues(sandbox)).toEqual([NEW_ADDRESS]);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
  });

  it('gives up with RecordConflictPersisted when the record moves before each of three writes', async () => {
    const { sandbox, engine, event } = await racedWorld(otherWriter);

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'RecordConflictPersisted' });
    expect(execution?.cause).toContain('admin.weblogic.corp.internal. changed under each of 3 attempts; left as it is');
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(3);
    expect(recordValues(sandbox)).toEqual(['10.20.1.103']);
  });

  it('fails at once with Route 53\'s reason when the record name is outside the zone', async () => {
    const config = devConfig((raw) => {
      const groups = (raw.instanceDns as { groups: Record<string, unknown>[] }).groups;
      if (groups[0]) groups[0].recordName = 'admin.weblogic.corp.example.';
    });
    const { sandbox, engine, instanceId, event } = await launched({ config });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'ChangeBatchRejected' });
    expect(execution?.cause).toContain('which had not changed since it was read; nothing was changed: [RRSet with DNS name admin.weblogic.corp.example. is not permitted in zone corp.internal.]');
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(1);
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
  });

  it('fails at once with Route 53\'s reason when a CNAME holds the name', async () => {
    const { sandbox, engine, event } = await launched({
      changeSeed: (seed) => {
        const zone = (seed.route53 as { hostedZones: { records: { name: string; type: string; values: string[] }[] }[] }).hostedZones[0];
        const record = zone?.records.find((candidate) => candidate.name === WEBLOGIC_RECORD);
        if (record) Object.assign(record, { type: 'CNAME', values: ['weblogic-legacy.corp.internal.'] });
      },
    });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'ChangeBatchRejected' });
    expect(execution?.cause).toContain(
      '[RRSet of type A with DNS name admin.weblogic.corp.internal. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone corp.internal.]',
    );
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(1);
    expect(sandbox.record(ZONE, WEBLOGIC_RECORD, 'CNAME')?.values).toEqual(['weblogic-legacy.corp.internal.']);
  });

  it.each([
    "[Tried to delete resource record set [name='admin.weblogic.corp.internal.', type='A'] but the values provided do not match the current values]",
    "[Tried to delete resource record set [name='admin.weblogic.corp.internal.', type='A'] but it was not found]",
  ])('fails at once with Route 53\'s reason when the batch is refused and the record did not move: %s', async (message) => {
    const { sandbox, engine, event } = await launched({
      sandbox: { faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'InvalidChangeBatch', message, nth: [1] }] },
    });

    const [execution] = await engine.send(event);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'ChangeBatchRejected' });
    expect(execution?.cause).toContain(message);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(1);
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
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

  it.each([
    ['instance-terminate-lifecycle-action.json'],
    ['instance-terminate-lifecycle-action-to-warm-pool.json'],
  ])('leaves the record of an instance still in service alone when a late or replayed %s names it', async (sample) => {
    const { sandbox, engine } = await world();
    const event = sampleWith(`autoscaling/${sample}`, {
      AutoScalingGroupName: 'weblogic-admin',
      LifecycleHookName: 'opsflow-dns-terminate',
      EC2InstanceId: OLD_WEBLOGIC,
    });

    const [execution] = await engine.send(event);

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.output).toMatchObject({ plan: { verdict: 'skip', reason: expect.stringContaining(`instance ${OLD_WEBLOGIC} is InService, not leaving`) } });
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(0);
    expect(lifecycleState(sandbox, OLD_WEBLOGIC)).toBe('InService');
  });

  it('removes the record of a group without hooks that has no instance left', async () => {
    const { sandbox, engine } = await world();
    sandbox.terminateInstance({ instanceId: REPORTS });

    const [execution] = await engine.send(terminateSuccessfulEvent(REPORTS));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.output).toMatchObject({ plan: { verdict: 'change', reason: expect.stringContaining('no InService instance in reports-admin') } });
    expect(recordValues(sandbox, REPORTS_RECORD)).toBeUndefined();
  });

  it('points the record of a group without hooks at its remaining InService instance', async () => {
    const { sandbox, engine } = await world();
    const { instanceId } = sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4' });
    sandbox.terminateInstance({ instanceId: REPORTS });

    const [execution] = await engine.send(terminateSuccessfulEvent(REPORTS));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.output).toMatchObject({ choice: { verdict: 'repair', instanceId }, plan: { verdict: 'change' } });
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.4.4']);
  });

  it('applies the same guards to the instance it follows', async () => {
    const { sandbox, engine } = await world();
    sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.99.0.5' });
    sandbox.terminateInstance({ instanceId: REPORTS });

    const [execution] = await engine.send(terminateSuccessfulEvent(REPORTS));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'AddressNotAllowed' });
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.2.25']);
  });

  it('leaves the record alone when the group has several InService instances, and says why', async () => {
    const { sandbox, engine } = await world();
    sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4' });
    sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.5' });
    sandbox.terminateInstance({ instanceId: REPORTS });

    const [execution] = await engine.send(terminateSuccessfulEvent(REPORTS));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.output).toMatchObject({ plan: { verdict: 'skip', reason: expect.stringContaining('2 InService instances') } });
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.2.25']);
    expect(sandbox.callCount('route53')).toBe(0);
  });

  it('points the record of a group without hooks at its newest instance while a replacement is under way', async () => {
    const { sandbox, engine } = await world();
    const { instanceId: first } = sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4', replacement: true });
    sandbox.terminateInstance({ instanceId: REPORTS });
    await engine.advanceTime(60);
    const { instanceId: newest } = sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.5', replacement: true });

    const [execution] = await engine.send(terminateSuccessfulEvent(REPORTS));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.output).toMatchObject({ choice: { verdict: 'repair', instanceId: newest, reason: expect.stringContaining(`which replaces ${first}`) }, plan: { verdict: 'change' } });
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.4.5']);
  });

  it('points a group without hooks at its new instance on Launch Successful', async () => {
    const { sandbox, engine } = await world();
    const { instanceId } = sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4', replacement: true });

    const [execution] = await engine.send(launchSuccessfulEvent(instanceId));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.4.4']);
    expect(sandbox.callCount('autoscaling', 'CompleteLifecycleAction')).toBe(0);
  });
});

describe('instance-dns: input', () => {
  it('names the detail-type it does not handle, and touches nothing', async () => {
    const { sandbox, engine } = await world();

    const record = await engine.run('instance-dns', loadSample('autoscaling/instance-launch-unsuccessful.json'));

    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(record.cause).toContain('detail-type: EC2 Instance Launch Unsuccessful is not an event instance-dns handles');
    expect(sandbox.calls).toHaveLength(0);
  });

  it('refuses a reconcile request with a misspelt field', async () => {
    const { sandbox, engine } = await world();

    const record = await engine.run('instance-dns', { reconcile: { autoScalingGroupName: 'reports-admin', instanceId: null, dryRun: true, dryrun: false } });

    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect((JSON.parse(record.cause ?? '{}') as { errorMessage: string }).errorMessage).toBe('reconcile: Unrecognized key: "dryrun"');
    expect(sandbox.calls).toHaveLength(0);
  });
});
