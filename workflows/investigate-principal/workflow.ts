import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import type { DeploymentEnvironment, IamStatement, WorkflowModule } from '../types.ts';

/** The graphs an investigation may be run in: the configured one, or any of the account's. */
export function graphArns(config: OpsflowConfig, env: DeploymentEnvironment): string {
  return config.findingEnrichment.graphArn ?? `arn:${env.partition}:detective:${env.region}:${env.accountId}:graph:*`;
}

/**
 * One principal's investigation, as a run of its own: finding-enrichment starts it under a name
 * derived from the principal (account, kind and name) and the hour of its findings, which is what
 * makes "one burst, one IAM lookup, one investigation" hold even for executions that start at the
 * same instant. No trigger of its own.
 */
export const investigatePrincipal: WorkflowModule = {
  name: 'investigate-principal',
  stateMachineName: 'InvestigatePrincipal',
  description: 'Reads one IAM principal\'s ARN from IAM, investigates it with Amazon Detective (reusing a covering investigation) and summarizes what it found.',
  type: 'STANDARD',
  functions: ['planInvestigation', 'summarizeIndicators', 'finishPrincipal'],
  triggers: () => [],

  substitutions(_config: OpsflowConfig, env: DeploymentEnvironment) {
    // IAM is read for principals of the account the workflow runs in, and only there.
    return { WorkflowAccountId: env.accountId };
  },

  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    return [
      {
        Sid: 'ReadPrincipalArns',
        Effect: 'Allow',
        Action: ['iam:GetUser', 'iam:GetRole'],
        Resource: [`arn:${env.partition}:iam::${env.accountId}:user/*`, `arn:${env.partition}:iam::${env.accountId}:role/*`],
      },
      {
        Sid: 'Investigate',
        Effect: 'Allow',
        Action: ['detective:ListInvestigations', 'detective:StartInvestigation', 'detective:GetInvestigation', 'detective:ListIndicators'],
        Resource: graphArns(config, env),
      },
    ];
  },
};
