import type { DeploymentEnvironment, IamStatement } from './types.ts';

/** A state machine's name on AWS: the stage's prefix and the module's stateMachineName. */
export function deployedName(env: Pick<DeploymentEnvironment, 'stage'>, stateMachineName: string): string {
  return `opsflow-${env.stage}-${stateMachineName}`;
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
