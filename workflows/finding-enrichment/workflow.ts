import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import { GUARDDUTY_SOURCE, GuardDutyDetailType, GuardDutyResourceType } from '../../events/guardduty.ts';
import { SECURITYHUB_SOURCE, SecurityHubDetailType } from '../../events/securityhub.ts';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../../handlers/findings/compose-finding-updates/task.ts';
import { INVESTIGATE_FIELD, InvestigateValue } from '../../handlers/findings/work.ts';
import type { DeploymentEnvironment, EventTrigger, IamStatement, JsonObject, WorkflowModule } from '../types.ts';
import { investigatePrincipal } from '../investigate-principal/workflow.ts';
import { childExecutionStatements, deployedName } from '../iam.ts';

/**
 * Loop protection lives in the triggers: opsflow's own BatchUpdateFindings produce "Findings -
 * Imported" events too, but they carry investigate=complete|skipped|failed, and the rule only
 * matches "true", the value the automation rule sets on findings that still need an investigation.
 */
function triggers(config: OpsflowConfig): EventTrigger[] {
  const { triggers: enabled, customActionId, minimumGuardDutySeverity } = config.findingEnrichment;
  const list: EventTrigger[] = [];
  if (enabled.securityHubImported) {
    list.push({
      kind: 'event',
      id: 'FlaggedFindingsImported',
      description: 'Security Hub imported findings the automation rule flagged for investigation',
      pattern: {
        source: [SECURITYHUB_SOURCE],
        'detail-type': [SecurityHubDetailType.FindingsImported],
        detail: { findings: { UserDefinedFields: { [INVESTIGATE_FIELD]: [InvestigateValue.Requested] } } },
      },
    });
  }
  if (enabled.customAction) {
    list.push({
      kind: 'event',
      id: 'InvestigateAction',
      description: `An analyst sent findings to the ${customActionId} custom action`,
      pattern: {
        source: [SECURITYHUB_SOURCE],
        'detail-type': [SecurityHubDetailType.FindingsCustomAction],
        resources: [{ suffix: `:action/custom/${customActionId}` }],
      },
    });
  }
  if (enabled.guardDuty) {
    list.push({
      kind: 'event',
      id: 'GuardDutyFinding',
      description: `GuardDuty findings about IAM access keys of severity ${minimumGuardDutySeverity} or more`,
      pattern: {
        source: [GUARDDUTY_SOURCE],
        'detail-type': [GuardDutyDetailType.Finding],
        detail: { severity: [{ numeric: ['>=', minimumGuardDutySeverity] }], resource: { resourceType: [GuardDutyResourceType.AccessKey] } },
      },
    });
  }
  return list;
}

export const findingEnrichment: WorkflowModule = {
  name: 'finding-enrichment',
  stateMachineName: 'FindingEnrichment',
  description: 'Investigates GuardDuty findings with Amazon Detective and writes the result back to Security Hub.',
  type: 'STANDARD',
  functions: ['normalizeFindings', 'shortenCause', 'composeFindingUpdates', 'checkWriteBack', 'reportEnrichment'],
  triggers,

  substitutions(config: OpsflowConfig, env: DeploymentEnvironment) {
    return {
      FindingConcurrency: config.findingEnrichment.concurrency,
      InvestigatePrincipalExecutionPrefix: `arn:${env.partition}:states:${env.region}:${env.accountId}:execution:${deployedName(env, investigatePrincipal.stateMachineName)}`,
    };
  },

  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    return [
      // ListGraphs supports no resource-level permissions.
      { Sid: 'FindGraph', Effect: 'Allow', Action: ['detective:ListGraphs'], Resource: '*' },
      ...childExecutionStatements(env, investigatePrincipal.stateMachineName, 'InvestigationRuns'),
      {
        Sid: 'WriteBackFindings',
        Effect: 'Allow',
        Action: ['securityhub:BatchUpdateFindings'],
        Resource: `arn:${env.partition}:securityhub:${env.region}:${env.accountId}:hub/default`,
      },
      {
        Sid: 'PublishEnriched',
        Effect: 'Allow',
        Action: ['events:PutEvents'],
        Resource: `arn:${env.partition}:events:${env.region}:${env.accountId}:event-bus/${config.findingEnrichment.eventBusName}`,
        Condition: { StringEquals: { 'events:source': [EVENT_SOURCE], 'events:detail-type': [EVENT_DETAIL_TYPE] } },
      },
    ];
  },

  resources(config: OpsflowConfig): JsonObject {
    const { customActionId, investigateSeverities, triggers: enabled } = config.findingEnrichment;
    const resources: JsonObject = {};
    if (enabled.customAction) {
      resources.InvestigateActionTarget = {
        Type: 'AWS::SecurityHub::ActionTarget',
        Properties: { Id: customActionId, Name: 'Investigate', Description: 'Investigate with Amazon Detective (opsflow)' },
      };
    }
    if (enabled.securityHubImported) {
      resources.FlagFindingsForInvestigationRule = {
        Type: 'AWS::SecurityHub::AutomationRule',
        Properties: {
          RuleName: 'opsflow: flag GuardDuty IAM findings for investigation',
          Description: 'Sets investigate=true on active GuardDuty findings about IAM principals that opsflow has not handled yet',
          RuleOrder: 100,
          RuleStatus: 'ENABLED',
          IsTerminal: false,
          Criteria: {
            ProductName: [{ Comparison: 'EQUALS', Value: 'GuardDuty' }],
            SeverityLabel: investigateSeverities.map((label) => ({ Comparison: 'EQUALS', Value: label })),
            ResourceType: [{ Comparison: 'PREFIX', Value: 'AwsIam' }],
            RecordState: [{ Comparison: 'EQUALS', Value: 'ACTIVE' }],
            UserDefinedFields: [InvestigateValue.Complete, InvestigateValue.Skipped, InvestigateValue.Failed].map((value) => ({
              Comparison: 'NOT_EQUALS',
              Key: INVESTIGATE_FIELD,
              Value: value,
            })),
          },
          Actions: [{ Type: 'FINDING_FIELDS_UPDATE', FindingFieldsUpdate: { UserDefinedFields: { [INVESTIGATE_FIELD]: InvestigateValue.Requested } } }],
        },
      };
    }
    return resources;
  },
};
