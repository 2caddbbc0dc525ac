import { operatorRunbook, sharedRunbookLambdaStatements } from '../search-runbooks.ts';
import type { WorkflowModule } from '../types.ts';

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

export const searchFailover: WorkflowModule = operatorRunbook('failover', {
  name: 'search-failover',
  stateMachineName: 'SearchFailover',
  description: "Started by an operator in the Region it restores into: preflight, plan, approval, restore from a snapshot, verify, switch the search record to this Region's domain.",
  functions: [...RUNBOOK_FUNCTIONS],
  lambdaStatements: sharedRunbookLambdaStatements,
});
