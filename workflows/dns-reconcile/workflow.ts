import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import type { DeploymentEnvironment, IamStatement, Trigger, WorkflowModule } from '../types.ts';
import { instanceDns } from '../instance-dns/workflow.ts';
import { childExecutionStatements } from '../iam.ts';

/** Each drifted group is repaired by an instance-dns child execution: one guarded path for both. */
export const dnsReconcile: WorkflowModule = {
  name: 'dns-reconcile',
  stateMachineName: 'DnsReconcile',
  description: 'On a schedule, compares every configured record with its group and repairs drift through instance-dns.',
  type: 'STANDARD',
  functions: ['startDnsReconcile', 'chooseGroupInstance', 'summarizeDnsReconcile'],

  triggers(config: OpsflowConfig): Trigger[] {
    const { reconcile } = config.instanceDns;
    return [
      {
        kind: 'schedule',
        id: 'Schedule',
        description: 'Repair drift between records and groups',
        schedule: reconcile.schedule,
        input: { dryRun: reconcile.dryRun },
        enabled: reconcile.enabled,
      },
    ];
  },

  iamStatements(_config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    return [
      // DescribeAutoScalingGroups and DescribeInstances support no resource-level permissions.
      { Sid: 'ReadGroups', Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances'], Resource: '*' },
      ...childExecutionStatements(env, instanceDns.stateMachineName, 'Repair'),
    ];
  },
};
