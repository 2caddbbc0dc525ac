import type { DnsTarget } from '../../../../handlers/dns/target.ts';

export const target = (overrides: Partial<DnsTarget> = {}): DnsTarget => ({
  trigger: 'launch-lifecycle',
  action: 'upsert',
  autoScalingGroupName: 'weblogic-admin',
  instanceId: 'i-0new',
  hostedZoneId: 'Z0OPSFLOWINTERNAL01',
  recordName: 'admin.weblogic.corp.internal.',
  ttl: 60,
  allowedCidrs: ['10.20.0.0/16'],
  dryRun: false,
  lifecycle: null,
  sync: { pollSeconds: 5, maxPolls: 24 },
  retries: { conflicts: 0, polls: 1 },
  ...overrides,
});

export const instance = (overrides: { id?: string; state?: string; ip?: string; group?: string } = {}) => ({
  Reservations: [
    {
      Instances: [
        {
          InstanceId: overrides.id ?? 'i-0new',
          State: { Name: overrides.state ?? 'running' },
          ...(overrides.ip === '' ? {} : { PrivateIpAddress: overrides.ip ?? '10.20.1.7' }),
          Tags: [{ Key: 'aws:autoscaling:groupName', Value: overrides.group ?? 'weblogic-admin' }],
        },
      ],
    },
  ],
});

export const record = (value: string, ttl = 60, name = 'admin.weblogic.corp.internal.') => ({
  Name: name,
  Type: 'A',
  TTL: ttl,
  ResourceRecords: [{ Value: value }],
});

export const membership = (lifecycleState = 'Pending:Wait', group = 'weblogic-admin', id = 'i-0new') => ({
  Instances: [{ InstanceId: id, AutoScalingGroupName: group, LifecycleState: lifecycleState }],
});
