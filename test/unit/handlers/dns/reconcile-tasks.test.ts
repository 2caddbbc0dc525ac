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

const described = (...instances: { InstanceId: string; LifecycleState: string }[]) => ({
  group: { autoScalingGroupName: 'a' },
  described: { Groups: [{ AutoScalingGroupName: 'a', Instances: instances }] },
});

describe('chooseGroupInstance', () => {
  it('repairs towards the one InService instance', () => {
    expect(chooseGroupInstance(described({ InstanceId: 'i-1', LifecycleState: 'InService' }, { InstanceId: 'i-0', LifecycleState: 'Terminating' }))).toEqual({
      verdict: 'repair',
      instanceId: 'i-1',
      reason: 'a is served by i-1',
    });
  });

  it('repairs towards no record when nothing is InService or launching', () => {
    expect(chooseGroupInstance(described())).toMatchObject({ verdict: 'repair', instanceId: null });
  });

  it('leaves a launching group to the launch workflow', () => {
    expect(chooseGroupInstance(described({ InstanceId: 'i-2', LifecycleState: 'Pending:Wait' }))).toMatchObject({ verdict: 'skip', instanceId: null });
  });

  it('refuses to guess between several InService instances', () => {
    const choice = chooseGroupInstance(described({ InstanceId: 'i-1', LifecycleState: 'InService' }, { InstanceId: 'i-2', LifecycleState: 'InService' }));
    expect(choice).toEqual({ verdict: 'refused', instanceId: null, reason: 'a has 2 InService instances (i-1, i-2); expected one' });
  });

  it('refuses a group that does not exist', () => {
    expect(chooseGroupInstance({ group: { autoScalingGroupName: 'a' }, described: { Groups: [] } })).toMatchObject({ verdict: 'refused' });
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
