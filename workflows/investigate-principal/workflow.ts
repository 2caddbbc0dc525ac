import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import type { DeploymentEnvironment, IamStatement, WorkflowModule } from '../types.ts';

/** The graphs an investigation may be run in: the configured one, or any of the account's. */
export function graphArns(config: OpsflowConfig, env: DeploymentEnvironment): string {
  return config.findingEnrichment.graphArn ?? `arn:${env.partition}:detective:${env.region}:${env.accountId}:graph:*`;
}

/**
 * One principal's investigation, as a run of its own: finding-enrichment starts it under a name
 * derived from the principal and the hour of its findings, which is what makes "one burst, one
 * investigation" hold even for executions that start at the same instant. No trigger of its own.
 */
export const investigatePrincipal: WorkflowModule = {
  name: 'investigate-principal',
  stateMachineName: 'InvestigatePrincipal',
  description: 'Investigates one IAM principal with Amazon Detective (reusing a covering investigation) and summarizes what it found.',
  type: 'STANDARD',
  functions: ['planInvestigation', 'summarizeIndicators', 'finishPrincipal'],
  triggers: () => [],

  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    return [
      {
        Sid: 'Investigate',
        Effect: 'Allow',
        Action: ['detective:ListInvestigations', 'detective:StartInvestigation', 'detective:GetInvestigation', 'detective:ListIndicators'],
        Resource: graphArns(config, env),
      },
    ];
  },
};
