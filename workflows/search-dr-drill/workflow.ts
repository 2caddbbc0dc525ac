import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import { runbookInputCheck, runbookStatements, runbookSubstitutions, searchRegions } from '../search-runbooks.ts';
import type { DeploymentEnvironment, IamStatement, JsonValue, Trigger, WorkflowModule } from '../types.ts';

export const searchDrDrill: WorkflowModule = {
  name: 'search-dr-drill',
  stateMachineName: 'SearchDrDrill',
  description: 'On schedule (off by default) in the standby Region: restores the newest snapshot under the drill prefix, verifies it, reports RTO and RPO, deletes the drill indices; never touches DNS.',
  type: 'STANDARD',
  functions: ['preflightSearchRunbook', 'restoreSearchSnapshot', 'checkSearchRestore', 'verifySearchRestore', 'deleteSearchIndices', 'reportSearchRunbook'],
  regions: searchRegions,
  checkInput: runbookInputCheck('drill'),

  /**
   * searchDr.drill.schedule in both Regions, enabled by searchDr.drill.enabled: in the Region whose
   * domain is active, preflight's AlreadyActive ends the run NotTheStandby (a clean skip, so the
   * failed-executions alarm stays quiet), and only the standby drills.
   */
  triggers(config: OpsflowConfig): Trigger[] {
    const search = config.searchDr;
    if (!search) return [];
    return [{ kind: 'schedule', id: 'Schedule', description: 'Restore the newest snapshot into the standby search domain under the drill prefix, verify, report, clean up', schedule: search.drill.schedule, input: {}, enabled: search.drill.enabled }];
  },

  substitutions(config: OpsflowConfig): Record<string, JsonValue> {
    return runbookSubstitutions(config);
  },

  /** No Route 53 change: the drill never touches DNS. */
  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    return runbookStatements(config, env);
  },
};
