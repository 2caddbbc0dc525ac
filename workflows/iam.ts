import type { DeploymentEnvironment, IamStatement } from './types.ts';

/** A state machine's name on AWS: the stage's prefix and the module's stateMachineName. */
export function deployedName(env: Pick<DeploymentEnvironment, 'stage'>, stateMachineName: string): string {
  return `opsflow-${env.stage}-${stateMachineName}`;
}

/** The logical id serverless-step-functions gives a state machine in the stack (its `id`, workflows/deployment.ts). */
export function stateMachineLogicalId(stateMachineName: string): string {
  return `${stateMachineName}StateMachine`;
}

/**
 * What a state machine needs to run another as `states:startExecution.sync`: start it, follow and
 * stop its executions, and the rule Step Functions manages in the account to learn they ended.
 */
export function childExecutionStatements(env: DeploymentEnvironment, stateMachineName: string, sidPrefix: string): IamStatement[] {
  const machine = deployedName(env, stateMachineName);
  const states = `arn:${env.partition}:states:${env.region}:${env.accountId}`;
  return [
    { Sid: `Start${sidPrefix}`, Effect: 'Allow', Action: ['states:StartExecution'], Resource: `${states}:stateMachine:${machine}` },
    { Sid: `Follow${sidPrefix}`, Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: `${states}:execution:${machine}:*` },
    {
      Sid: `${sidPrefix}SyncRule`,
      Effect: 'Allow',
      Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      Resource: `arn:${env.partition}:events:${env.region}:${env.accountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`,
    },
  ];
}

/**
 * What a state machine's role needs to deliver its execution logs to CloudWatch Logs: the policy of
 * the Step Functions Developer Guide's "Logging using CloudWatch Logs" (IAM policies for logging to
 * CloudWatch Logs). Resource `*` as that policy has it: the `*LogDelivery` actions act on a log
 * delivery Step Functions creates, not on a resource the role could name (no resource-level
 * permissions), and the resource-policy actions must not be narrowed to one log group (CloudWatch
 * Logs User Guide, "Logs sent to CloudWatch Logs"). Which log group receives the logs is the state
 * machine's LoggingConfiguration.
 */
export function executionLogStatements(): IamStatement[] {
  return [
    {
      Sid: 'DeliverExecutionLogs',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      Resource: '*',
    },
  ];
}

/**
 * What a state machine's role needs to send X-Ray traces, as the Step Functions Developer Guide's
 * "IAM policies for using AWS X-Ray in Step Functions" lists it; X-Ray's trace and sampling APIs take
 * no resource-level permissions, so Resource is `*` as that policy has it.
 */
export function tracingStatements(): IamStatement[] {
  return [
    {
      Sid: 'SendTraces',
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      Resource: '*',
    },
  ];
}
