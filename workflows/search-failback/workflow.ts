import { RUNBOOK_FUNCTIONS } from '../search-failover/workflow.ts';
import { finalSnapshotLambdaStatements, operatorRunbook } from '../search-runbooks.ts';
import type { WorkflowModule } from '../types.ts';

export const searchFailback: WorkflowModule = operatorRunbook('failback', {
  name: 'search-failback',
  stateMachineName: 'SearchFailback',
  description: "Started by an operator in the Region being returned to: optionally a final snapshot of the domain being left, then failover's path (approval, restore, verify, switch the search record back).",
  // The final snapshot runs search-snapshot's own tasks on the plan's finalSnapshotPlan.
  functions: [...RUNBOOK_FUNCTIONS, 'takeSnapshot', 'readSnapshot', 'writeSnapshotManifest'],
  lambdaStatements: finalSnapshotLambdaStatements,
});
