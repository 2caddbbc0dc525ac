import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import { RUNBOOK_FUNCTIONS } from '../search-failover/workflow.ts';
import { dnsSwitchStatements, finalSnapshotLambdaStatements, runbookInputCheck, runbookStatements, runbookSubstitutions, searchRegions } from '../search-runbooks.ts';
import type { DeploymentEnvironment, IamStatement, JsonValue, Trigger, WorkflowModule } from '../types.ts';

export const searchFailback: WorkflowModule = {
  name: 'search-failback',
  stateMachineName: 'SearchFailback',
  description: "Started by an operator in the Region being returned to: optionally a final snapshot of the domain being left, then failover's path (approval, restore, verify, switch the search record back).",
  type: 'STANDARD',
  // The final snapshot runs search-snapshot's own tasks on the plan's finalSnapshotPlan.
  functions: [...RUNBOOK_FUNCTIONS, 'takeSnapshot', 'readSnapshot', 'writeSnapshotManifest'],
  regions: searchRegions,
  /** The CLI shows the plan this gate's request carries and answers it (opsflow run --approve / --reject). */
  approval: { state: 'AwaitApproval' },
  checkInput: runbookInputCheck('failback'),

  /** No trigger: an operator starts it (StartExecution, or `opsflow run search-failback`). */
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
    return finalSnapshotLambdaStatements(config, env);
  },
};
