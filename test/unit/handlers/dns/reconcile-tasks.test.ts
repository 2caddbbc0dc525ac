import { describe, expect, it } from 'vitest';
import { chooseGroupInstance } from '../../../../handlers/dns/choose-group-instance/task.ts';
import { startDnsReconcile, startDnsReconcileInput } from '../../../../handlers/dns/start-dns-reconcile/task.ts';
import { describeIssue } from '../../../../handlers/shared/lambda.ts';
import { summarizeDnsReconcile } from '../../../../handlers/dns/summarize-dns-reconcile/task.ts';
import { parseConfig } from '../../../../handlers/shared/config.ts';

const config = parseConfig(
  {
    region: 'eu-west-1',
    instanceDns: {
      groups: [
        { autoScalingGroupName: 'a', hostedZoneId: 'Z1', recordName: 'a.corp.internal.', allowedCidrs: ['10.0.0.0/8'] },
        { autoScalingGroupName: 'b', hostedZoneId: 'Z1', recordName: 'b.corp.internal.', allowedCidrs: ['10.0.0.0/8'] },
      ],
      reconcile: { dryRun: true },
    },
  },
  'test',
).instanceDns;

describe('startDnsReconcile', () => {
  it('lists every configured group and takes dryRun from config by default', () => {
    expect(startDnsReconcile({}, config)).toEqual({ dryRun: true, groups: [{ autoScalingGroupName: 'a' }, { autoScalingGroupName: 'b' }] });
  });

  it('reconciles only the named groups, with the dryRun asked for', () => {
    expect(startDnsReconcile({ groups: ['b'], dryRun: false }, config)).toEqual({ dryRun: false, groups: [{ autoScalingGroupName: 'b' }] });
  });

  it('refuses a misspelt field instead of ignoring it', () => {
    const result = startDnsReconcileInput.safeParse({ dryrun: true });
    expect(result.success).toBe(false);
    expect(result.error && describeIssue(result.error)).toBe('(input): Unrecognized key: "dryrun"');
  });

  it('names a group that is not configured', () => {
    expect(() => startDnsReconcile({ groups: ['b', 'zz'] }, config)).toThrowError(
      expect.objectContaining({ name: 'InvalidInput', message: 'groups: zz not configured (configured: a, b)' }),
    );
  });
});

type Member = { InstanceId: string; LifecycleState: string };

const described = (...instances: Member[]) => inGroup(1, ...instances);

/** A DescribeAutoScalingGroups answer for group `a` with this MaxSize, as the state machine passes it. */
const inGroup = (maxSize: number, ...instances: Member[]) => ({
  group: { autoScalingGroupName: 'a' },
  described: { Groups: [{ AutoScalingGroupName: 'a', MaxSize: maxSize, Instances: instances }] },
});

/** The same, once DescribeCandidates has read EC2's launch times: `launches` maps instance id to LaunchTime (and state). */
const withLaunchTimes = (choice: ReturnType<typeof inGroup>, launches: Record<string, string | [string, string]>) => ({
  ...choice,
  described: {
    ...choice.described,
    instances: {
      Reservations: Object.entries(launches).map(([InstanceId, launch]) => {
        const [LaunchTime, state] = typeof launch === 'string' ? [launch, 'running'] : launch;
        return { Instances: [{ InstanceId, LaunchTime, State: { Name: state } }] };
      }),
    },
  },
});

const inService = (InstanceId: string): Member => ({ InstanceId, LifecycleState: 'InService' });
const launching = (InstanceId: string): Member => ({ InstanceId, LifecycleState: 'Pending:Wait' });

describe('chooseGroupInstance', () => {
  it('repairs towards the one InService instance', () => {
    expect(chooseGroupInstance(described(inService('i-1'), { InstanceId: 'i-0', LifecycleState: 'Terminating' }))).toEqual({
      verdict: 'repair',
      instanceId: 'i-1',
      reason: 'a is served by i-1',
      candidates: [],
    });
  });

  it('repairs towards no record when nothing is InService or launching', () => {
    expect(chooseGroupInstance(described())).toMatchObject({ verdict: 'repair', instanceId: null });
  });

  it('leaves a launching group to the launch workflow', () => {
    expect(chooseGroupInstance(described(launching('i-2')))).toMatchObject({ verdict: 'skip', instanceId: null });
  });

  it('refuses a group that does not exist', () => {
    expect(chooseGroupInstance({ group: { autoScalingGroupName: 'a' }, described: { Groups: [] } })).toMatchObject({ verdict: 'refused' });
  });

  describe('in a group whose MaxSize is 1 (a replacement under way)', () => {
    const replacing = inGroup(1, inService('i-old'), inService('i-new'));

    it('asks for the launch times of its live instances first', () => {
      expect(chooseGroupInstance(replacing)).toMatchObject({ verdict: 'compare', instanceId: null, candidates: ['i-old', 'i-new'] });
    });

    it('follows the newest instance by EC2 LaunchTime', () => {
      const choice = chooseGroupInstance(withLaunchTimes(replacing, { 'i-old': '2025-01-13T07:45:02.000Z', 'i-new': '2025-03-02T10:00:00.000Z' }));
      expect(choice).toEqual({
        verdict: 'repair',
        instanceId: 'i-new',
        reason: 'a is served by i-new, its newest instance (launched 2025-03-02T10:00:00.000Z), which replaces i-old',
        candidates: [],
      });
    });

    it('follows the newest whatever order Auto Scaling lists them in', () => {
      const choice = chooseGroupInstance(withLaunchTimes(inGroup(1, inService('i-new'), inService('i-old')), { 'i-new': '2025-03-02T10:00:00Z', 'i-old': '2025-01-13T07:45:02Z' }));
      expect(choice).toMatchObject({ verdict: 'repair', instanceId: 'i-new' });
    });

    it('leaves the record to the launch workflow while the newest is still launching', () => {
      const choice = chooseGroupInstance(withLaunchTimes(inGroup(1, inService('i-old'), launching('i-new')), { 'i-old': '2025-01-13T07:45:02Z', 'i-new': '2025-03-02T10:00:00Z' }));
      expect(choice).toMatchObject({ verdict: 'skip', instanceId: null, reason: 'a is launching i-new; the launch workflow sets the record' });
    });

    it('follows an older InService instance when the newer one is no longer running in EC2', () => {
      const choice = chooseGroupInstance(withLaunchTimes(replacing, { 'i-old': '2025-01-13T07:45:02Z', 'i-new': ['2025-03-02T10:00:00Z', 'shutting-down'] }));
      expect(choice).toMatchObject({ verdict: 'repair', instanceId: 'i-old' });
    });

    it('refuses to guess between instances launched at the same time', () => {
      const choice = chooseGroupInstance(withLaunchTimes(replacing, { 'i-old': '2025-03-02T10:00:00Z', 'i-new': '2025-03-02T10:00:00Z' }));
      expect(choice).toMatchObject({ verdict: 'refused', reason: 'a has 2 instances launched at the same time (i-old, i-new); expected one newest' });
    });

    it('refuses to guess when EC2 does not report a candidate', () => {
      const choice = chooseGroupInstance(withLaunchTimes(replacing, { 'i-old': '2025-01-13T07:45:02Z' }));
      expect(choice).toMatchObject({ verdict: 'refused', reason: 'a: EC2 does not report i-new, so which instance is newest is not known' });
    });
  });

  describe('in a group allowed more than one instance (a scale-out)', () => {
    it('refuses to guess between several InService instances', () => {
      const choice = chooseGroupInstance(inGroup(2, inService('i-1'), inService('i-2')));
      expect(choice).toEqual({ verdict: 'refused', instanceId: null, reason: 'a has 2 InService instances (i-1, i-2) and a MaxSize of 2; expected one', candidates: [] });
    });

    it('leaves the record to the launch workflow while an instance is launching', () => {
      expect(chooseGroupInstance(inGroup(2, inService('i-1'), launching('i-2')))).toMatchObject({ verdict: 'skip', reason: 'a is launching i-2; the launch workflow sets the record' });
    });
  });
});

describe('summarizeDnsReconcile', () => {
  const results = [
    { autoScalingGroupName: 'a', verdict: 'change' as const, reason: 'r1' },
    { autoScalingGroupName: 'b', verdict: 'in-sync' as const, reason: 'r2' },
    { autoScalingGroupName: 'c', verdict: 'failed' as const, reason: 'r3' },
  ];

  it('counts changes as made', () => {
    const report = summarizeDnsReconcile({ dryRun: false, results });
    expect(report.counts).toMatchObject({ changed: 1, 'in-sync': 1, failed: 1, 'would-change': 0 });
    expect(report.summary).toBe('3 group(s): 1 in-sync, 1 changed, 1 failed');
    expect(report.failed).toEqual([{ autoScalingGroupName: 'c', outcome: 'failed', reason: 'r3' }]);
  });

  it('lists no failed group when every group was checked', () => {
    expect(summarizeDnsReconcile({ dryRun: false, results: results.slice(0, 2) }).failed).toEqual([]);
  });

  it('counts changes as would-change in a dry run', () => {
    const report = summarizeDnsReconcile({ dryRun: true, results });
    expect(report.groups[0]).toEqual({ autoScalingGroupName: 'a', outcome: 'would-change', reason: 'r1' });
    expect(report.summary).toMatch(/^dry run: /);
  });
});
