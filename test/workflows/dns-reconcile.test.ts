import { describe, expect, it } from 'vitest';
import { callNames, launchLifecycleEvent, lifecycleState, recordValues, REPORTS_RECORD, WEBLOGIC_RECORD, world, ZONE } from './harness.ts';

type Report = { report: { dryRun: boolean; counts: Record<string, number>; groups: { autoScalingGroupName: string; outcome: string; reason: string }[]; summary: string } };

describe('dns-reconcile', () => {
  it('repairs a record that drifted, through an instance-dns child execution', async () => {
    const { sandbox, engine } = await world();
    sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: ['10.20.9.99'] });

    const execution = await engine.runSchedule('dns-reconcile');

    expect(execution.status).toBe('SUCCEEDED');
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    const { report } = execution.output as Report;
    expect(report.groups).toEqual([
      expect.objectContaining({ autoScalingGroupName: 'weblogic-admin', outcome: 'changed' }),
      expect.objectContaining({ autoScalingGroupName: 'reports-admin', outcome: 'in-sync' }),
    ]);
    const children = engine.executions.filter((child) => child.parentExecutionArn === execution.executionArn);
    expect(children.map((child) => [child.workflow, child.status])).toEqual([
      ['instance-dns', 'SUCCEEDED'],
      ['instance-dns', 'SUCCEEDED'],
    ]);
  });

  it('reports what it would change in a dry run and changes nothing', async () => {
    const { sandbox, engine } = await world();
    sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: ['10.20.9.99'] });

    const execution = await engine.run('dns-reconcile', { dryRun: true });

    const { report } = execution.output as Report;
    expect(report.counts).toMatchObject({ 'would-change': 1, 'in-sync': 1, changed: 0 });
    expect(report.summary).toBe('dry run: 2 group(s): 1 in-sync, 1 would-change');
    expect(recordValues(sandbox)).toEqual(['10.20.9.99']);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(0);
  });

  it('removes the record of a group left with no instance, and refuses to guess between two InService instances of a group scaled out to two', async () => {
    const { sandbox, engine } = await world({
      changeSeed: (seed) => {
        const groups = (seed.autoScaling as { groups: { name: string; instances: unknown[] }[] }).groups;
        const reports = groups.find((group) => group.name === 'reports-admin');
        if (reports) reports.instances = [];
      },
    });
    sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.88', withLifecycleAction: false });

    const execution = await engine.run('dns-reconcile', { dryRun: false });

    const { report } = execution.output as Report;
    expect(report.groups).toEqual([
      expect.objectContaining({ autoScalingGroupName: 'weblogic-admin', outcome: 'refused', reason: expect.stringContaining('2 InService instances') }),
      expect.objectContaining({ autoScalingGroupName: 'reports-admin', outcome: 'changed' }),
    ]);
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(recordValues(sandbox, REPORTS_RECORD)).toBeUndefined();
  });

  it('follows the newest instance of a group whose MaxSize is 1 (a replacement under way), as a replayed launch would', async () => {
    const { sandbox, engine } = await world();
    const { instanceId } = sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.88', withLifecycleAction: false, replacement: true });
    const callsBefore = sandbox.calls.length;

    const execution = await engine.run('dns-reconcile', { groups: ['weblogic-admin'] });

    expect(execution.status).toBe('SUCCEEDED');
    expect((execution.output as Report).report.groups).toEqual([
      { autoScalingGroupName: 'weblogic-admin', outcome: 'changed', reason: expect.stringContaining(`set it to 10.20.1.88 (TTL 60) for ${instanceId}`) as unknown as string },
    ]);
    expect(callNames(sandbox).slice(callsBefore, callsBefore + 2)).toEqual(['autoscaling.DescribeAutoScalingGroups', 'ec2.DescribeInstances']);
    expect(recordValues(sandbox)).toEqual(['10.20.1.88']);
  });

  it('repairs the record a failed launch left behind, converging where a replay of the launch would', async () => {
    const { sandbox, engine } = await world();
    const { instanceId, lifecycleActionToken } = sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.88', withLifecycleAction: true, replacement: true });
    engine.injectFault({ service: 'ec2', workflow: 'instance-dns', state: 'DescribeInstance', error: 'RequestLimitExceeded' });
    const [launch] = await engine.send(launchLifecycleEvent(instanceId, lifecycleActionToken ?? ''));
    engine.clearFaults();

    const execution = await engine.run('dns-reconcile', { groups: ['weblogic-admin'] });

    expect(launch).toMatchObject({ status: 'FAILED', error: 'Ec2.Ec2Exception' });
    expect(lifecycleState(sandbox, instanceId)).toBe('InService');
    expect(execution.status).toBe('SUCCEEDED');
    expect((execution.output as Report).report.counts).toMatchObject({ changed: 1, refused: 0 });
    expect(recordValues(sandbox)).toEqual(['10.20.1.88']);
  });

  it('leaves a replacement still waiting on its launch hook to the launch workflow, even once it holds the record', async () => {
    const { sandbox, engine } = await world();
    sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.88', withLifecycleAction: true, replacement: true });
    // The launch workflow wrote the record and has not yet completed the lifecycle action.
    sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: ['10.20.1.88'] });

    const execution = await engine.run('dns-reconcile', { groups: ['weblogic-admin'] });

    expect((execution.output as Report).report.groups).toEqual([
      { autoScalingGroupName: 'weblogic-admin', outcome: 'skipped', reason: expect.stringContaining('the launch workflow sets the record') as unknown as string },
    ]);
    expect(recordValues(sandbox)).toEqual(['10.20.1.88']);
    expect(sandbox.callCount('route53', 'ChangeResourceRecordSets')).toBe(0);
  });

  it('retries a throttled read of the launch times, and fails the group named past the budget', async () => {
    const { sandbox, engine } = await world();
    sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.88', withLifecycleAction: false, replacement: true });
    engine.injectFault({ service: 'ec2', workflow: 'dns-reconcile', state: 'DescribeCandidates', error: 'RequestLimitExceeded' });

    const failed = await engine.run('dns-reconcile', { groups: ['weblogic-admin'] });
    engine.clearFaults();
    engine.injectFault({ service: 'ec2', workflow: 'dns-reconcile', state: 'DescribeCandidates', error: 'RequestLimitExceeded', nth: [1] });
    const repaired = await engine.run('dns-reconcile', { groups: ['weblogic-admin'] });

    expect(failed).toMatchObject({ status: 'FAILED', error: 'GroupsNotReconciled' });
    expect(failed.cause).toMatch(/^1 group\(s\): 1 failed; failed: \[\{"autoScalingGroupName":"weblogic-admin","outcome":"failed","reason":"Ec2\.Ec2Exception: Request limit exceeded\./);
    expect(failed.states.find((state) => state.name === 'DescribeCandidates')?.retries).toBe(4);
    expect(repaired.status).toBe('SUCCEEDED');
    expect(repaired.states.find((state) => state.name === 'DescribeCandidates')?.retries).toBe(1);
    expect(recordValues(sandbox)).toEqual(['10.20.1.88']);
  });

  it('repairs the other groups, then fails named, saying what it changed and which group a guard refused', async () => {
    const { sandbox, engine } = await world({
      changeSeed: (seed) => {
        const groups = (seed.autoScaling as { groups: { name: string; instances: unknown[] }[] }).groups;
        const weblogic = groups.find((group) => group.name === 'weblogic-admin');
        if (weblogic) weblogic.instances = [];
      },
    });
    sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.99.0.1', withLifecycleAction: false });
    sandbox.setRecord(ZONE, { name: REPORTS_RECORD, type: 'A', ttl: 60, values: ['10.30.7.7'] });

    const execution = await engine.run('dns-reconcile', { groups: ['weblogic-admin', 'reports-admin'] });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'GroupsNotReconciled' });
    const [summary, failed] = (execution.cause ?? '').split('; failed: ');
    expect(summary).toBe('2 group(s): 1 changed, 1 failed');
    expect(JSON.parse(failed ?? '[]')).toEqual([
      { autoScalingGroupName: 'weblogic-admin', outcome: 'failed', reason: expect.stringContaining('AddressNotAllowed') as unknown as string },
    ]);
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
    expect(recordValues(sandbox, REPORTS_RECORD)).toEqual(['10.30.2.25']);
  });

  it('retries Auto Scaling throttling on DescribeGroup and still repairs the group', async () => {
    const { sandbox, engine } = await world({
      sandbox: { faults: [{ service: 'autoscaling', operation: 'DescribeAutoScalingGroups', error: 'Throttling', nth: [1] }] },
    });
    sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: ['10.20.9.99'] });

    const execution = await engine.run('dns-reconcile', { groups: ['weblogic-admin'] });

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.find((state) => state.name === 'DescribeGroup')?.retries).toBe(1);
    expect((execution.output as Report).report.counts).toMatchObject({ changed: 1, failed: 0 });
    expect(recordValues(sandbox)).toEqual(['10.20.1.15']);
  });

  it('fails named when a group cannot be read past the retry budget (the alarm fires), with the error in the cause', async () => {
    const { sandbox, engine } = await world({ sandbox: { faults: [{ service: 'autoscaling', operation: 'DescribeAutoScalingGroups', error: 'Throttling' }] } });
    sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: ['10.20.9.99'] });

    const execution = await engine.run('dns-reconcile', { groups: ['weblogic-admin'] });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'GroupsNotReconciled' });
    expect(execution.cause).toMatch(/^1 group\(s\): 1 failed; failed: \[\{"autoScalingGroupName":"weblogic-admin","outcome":"failed","reason":"AutoScaling\.AutoScalingException: Rate exceeded/);
    expect(sandbox.callCount('autoscaling', 'DescribeAutoScalingGroups')).toBe(5);
    expect(recordValues(sandbox)).toEqual(['10.20.9.99']);
  });

  it('refuses a misspelt field instead of running without it, and changes nothing', async () => {
    const { sandbox, engine } = await world();

    const execution = await engine.run('dns-reconcile', { dryrun: true });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect((JSON.parse(execution.cause ?? '{}') as { errorMessage: string }).errorMessage).toBe('(input): Unrecognized key: "dryrun"');
    expect(sandbox.calls).toHaveLength(0);
  });

  it('names an unknown group in its input and changes nothing', async () => {
    const { sandbox, engine } = await world();

    const execution = await engine.run('dns-reconcile', { groups: ['nope'] });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(execution.cause).toContain('groups: nope not configured');
    expect(sandbox.calls).toHaveLength(0);
  });
});
