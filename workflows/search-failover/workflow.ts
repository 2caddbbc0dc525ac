import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import { dnsSwitchStatements, runbookInputCheck, runbookStatements, runbookSubstitutions, searchRegions, sharedRunbookLambdaStatements } from '../search-runbooks.ts';
import type { DeploymentEnvironment, IamStatement, JsonValue, Trigger, WorkflowModule } from '../types.ts';

/** The tasks search-failover and search-failback share, in the order they run. */
export const RUNBOOK_FUNCTIONS = [
  'preflightSearchRunbook',
  'requestSearchApproval',
  'deleteSearchIndices',
  'restoreSearchSnapshot',
  'checkSearchRestore',
  'verifySearchRestore',
  'reportSearchRunbook',
] as const;

export const searchFailover: WorkflowModule = {
  name: 'search-failover',
  stateMachineName: 'SearchFailover',
  description: "Started by an operator in the Region it restores into: preflight, plan, approval, restore from a snapshot, verify, switch the search record to this Region's domain.",
  type: 'STANDARD',
  functions: [...RUNBOOK_FUNCTIONS],
  regions: searchRegions,
  /** The CLI shows the plan this gate's request carries and answers it (opsflow run --approve / --reject). */
  approval: { state: 'AwaitApproval' },
  checkInput: runbookInputCheck('failover'),

  /** No trigger: an operator starts it (StartExecution, or `opsflow run search-failover`). */
  triggers(): Trigger[] {
    return [];
  },

  substitutions(config: OpsflowConfig): Record<string, JsonValue> {
    return runbookSubstitutions(config);
  },

  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    return [...runbookStatements(config, env), ...dnsSwitchStatements(config, env)];
  },

  lambdaStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    return sharedRunbookLambdaStatements(config, env);
  },
};
