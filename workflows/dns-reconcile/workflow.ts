import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import type { DeploymentEnvironment, IamStatement, Trigger, WorkflowModule } from '../types.ts';
import { instanceDns } from '../instance-dns/workflow.ts';

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
    const machine = `opsflow-${env.stage}-${instanceDns.stateMachineName}`;
    return [
      // DescribeAutoScalingGroups supports no resource-level permissions.
      { Sid: 'ReadGroups', Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups'], Resource: '*' },
      {
        Sid: 'StartRepair',
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: `arn:${env.partition}:states:${env.region}:${env.accountId}:stateMachine:${machine}`,
      },
      {
        Sid: 'FollowRepair',
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: `arn:${env.partition}:states:${env.region}:${env.accountId}:execution:${machine}:*`,
      },
      {
        // startExecution.sync waits through a rule Step Functions manages in the account.
        Sid: 'SyncRule',
        Effect: 'Allow',
        Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        Resource: `arn:${env.partition}:events:${env.region}:${env.accountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`,
      },
    ];
  },
};
