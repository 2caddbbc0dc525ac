import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import type { DeploymentEnvironment, IamStatement, Trigger, WorkflowModule } from '../types.ts';
import { managedGroupArns, quickSightArn } from '../identity-sync/workflow.ts';

/**
 * The full reconcile of Identity Center against QuickSight. Its tasks are Lambda functions (QuickSight
 * answers only in its identity Region), so the state machine itself calls nothing but Lambda, which the
 * plugin grants; the functions' statements are below.
 */
export const identityReconcile: WorkflowModule = {
  name: 'identity-reconcile',
  stateMachineName: 'IdentityReconcile',
  description: 'On a schedule or on demand, computes the whole difference between IAM Identity Center and QuickSight and shows it as a plan or applies it, behind a mass-change guard.',
  type: 'STANDARD',
  functions: ['planIdentityReconcile', 'applyQuickSightChange', 'summarizeIdentityReconcile'],

  triggers(config: OpsflowConfig): Trigger[] {
    const sync = config.identitySync;
    if (!sync) return [];
    return [
      {
        kind: 'schedule',
        id: 'Schedule',
        description: 'Reconcile QuickSight with IAM Identity Center (applies; the guard still holds)',
        schedule: sync.reconcile.schedule,
        input: { dryRun: false },
        enabled: sync.reconcile.enabled,
      },
    ];
  },

  iamStatements(): IamStatement[] {
    return [];
  },

  /**
   * The reads of PlanIdentityReconcile: identitystore:ListUsers on the store (the Service
   * Authorization Reference, AWS Identity Store: the identity store and user resources), and
   * QuickSight's ListUsers (user), ListGroups (group) and ListGroupMemberships (group, the managed
   * ones only), in the identity Region and namespace
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonquicksight.html).
   * The writes are identity-sync's statements (quickSightStatements), which apply to the same function.
   */
  lambdaStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    const sync = config.identitySync;
    if (!sync) return [];
    const namespace = sync.quickSight.namespace;
    return [
      {
        Sid: 'IdentityReconcileListIdentityStoreUsers',
        Effect: 'Allow',
        Action: ['identitystore:ListUsers'],
        Resource: [`arn:${env.partition}:identitystore::${env.accountId}:identitystore/${sync.identityStoreId}`, `arn:${env.partition}:identitystore:::user/*`],
      },
      { Sid: 'IdentityReconcileListQuickSightUsers', Effect: 'Allow', Action: ['quicksight:ListUsers'], Resource: quickSightArn(env, sync, `user/${namespace}/*`) },
      { Sid: 'IdentityReconcileListQuickSightGroups', Effect: 'Allow', Action: ['quicksight:ListGroups'], Resource: quickSightArn(env, sync, `group/${namespace}/*`) },
      { Sid: 'IdentityReconcileListManagedGroupMembers', Effect: 'Allow', Action: ['quicksight:ListGroupMemberships'], Resource: managedGroupArns(env, sync) },
    ];
  },
};
