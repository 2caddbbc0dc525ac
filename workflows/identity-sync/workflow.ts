import type { IdentitySyncConfig, OpsflowConfig } from '../../handlers/shared/config.ts';
import { CLOUDTRAIL_API_CALL, IdentityEventSource, MembershipEventNames, UserEventNames } from '../../events/identity.ts';
import type { DeploymentEnvironment, EventTrigger, IamStatement, JsonObject, WorkflowModule } from '../types.ts';

/**
 * One rule per CloudTrail event source: the user and membership operations of that source, calls
 * that succeeded only (`errorCode` absent), and only for the configured store where the event names
 * it: an Identity Store API call by its IdentityStoreId (id or ARN, under either spelling CloudTrail
 * may use, events/identity.ts), a SCIM call by its tenant when `scimTenantId` is set. The rules match
 * `detail.eventSource`, not `source` (EventBridge documents `source` for aws.identitystore only).
 */
function sourceTrigger(id: string, description: string, eventSource: IdentityEventSource, sync: IdentitySyncConfig): EventTrigger {
  const detail: JsonObject = {
    eventSource: [eventSource],
    eventName: [...UserEventNames[eventSource], ...MembershipEventNames[eventSource]],
    errorCode: [{ exists: false }],
  };
  if (eventSource === IdentityEventSource.IdentityStore) {
    const store = [sync.identityStoreId, { suffix: `:identitystore/${sync.identityStoreId}` }];
    detail.$or = [{ requestParameters: { IdentityStoreId: store } }, { requestParameters: { identityStoreId: store } }];
  }
  if (eventSource === IdentityEventSource.Scim && sync.scimTenantId !== undefined) {
    detail.requestParameters = { tenantId: [sync.scimTenantId] };
  }
  return { kind: 'event', id, description, pattern: { 'detail-type': [CLOUDTRAIL_API_CALL], detail } };
}

export function quickSightArn(env: DeploymentEnvironment, sync: IdentitySyncConfig, resource: string): string {
  return `arn:${env.partition}:quicksight:${sync.quickSight.identityRegion}:${sync.quickSight.accountId}:${resource}`;
}

/** The managed groups as IAM resources: the prefix as a wildcard, and each listed group. */
export function managedGroupArns(env: DeploymentEnvironment, sync: IdentitySyncConfig): string[] {
  const namespace = sync.quickSight.namespace;
  return [
    ...(sync.groups.prefix !== '' ? [quickSightArn(env, sync, `group/${namespace}/${sync.groups.prefix}*`)] : []),
    ...sync.groups.managedGroups.map((group) => quickSightArn(env, sync, `group/${namespace}/${group}`)),
  ];
}

/**
 * What identity-sync's Lambda tasks call in QuickSight, limited to the account's identity Region and
 * namespace, and, for group writes, to the managed groups (QuickSight authorizes CreateGroup,
 * CreateGroupMembership and DeleteGroupMembership on the group; the Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonquicksight.html).
 * DeleteUser only when deprovisioning deletes users. Shared with identity-reconcile.
 */
export function quickSightStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
  const sync = config.identitySync;
  if (!sync) return [];
  const users = quickSightArn(env, sync, `user/${sync.quickSight.namespace}/*`);
  return [
    { Sid: 'IdentitySyncReadQuickSightUsers', Effect: 'Allow', Action: ['quicksight:DescribeUser', 'quicksight:ListUserGroups'], Resource: users },
    {
      Sid: 'IdentitySyncWriteQuickSightUsers',
      Effect: 'Allow',
      Action: ['quicksight:RegisterUser', ...(sync.deprovision.deleteUser ? ['quicksight:DeleteUser'] : [])],
      Resource: users,
    },
    {
      Sid: 'IdentitySyncManagedGroups',
      Effect: 'Allow',
      Action: ['quicksight:CreateGroup', 'quicksight:CreateGroupMembership', 'quicksight:DeleteGroupMembership'],
      Resource: managedGroupArns(env, sync),
    },
  ];
}

export const identitySync: WorkflowModule = {
  name: 'identity-sync',
  stateMachineName: 'IdentitySync',
  description: "Keeps one IAM Identity Center user's QuickSight user and managed group memberships in line with its attributes.",
  type: 'STANDARD',
  functions: ['parseIdentityEvent', 'readQuickSightUser', 'planIdentitySync', 'applyQuickSightChange'],

  triggers(config: OpsflowConfig) {
    const sync = config.identitySync;
    if (!sync) return [];
    return [
      sourceTrigger('ScimChange', 'A user or membership provisioned over SCIM from the IdP', IdentityEventSource.Scim, sync),
      sourceTrigger('IdentityStoreChange', 'A user or membership changed through the Identity Store API', IdentityEventSource.IdentityStore, sync),
      sourceTrigger('ConsoleChange', 'A user or membership changed in the IAM Identity Center console', IdentityEventSource.SsoDirectory, sync),
    ];
  },

  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    const sync = config.identitySync;
    if (!sync) return [];
    // identitystore:DescribeUser authorizes on the identity store and the user, ListUsers on the store
    // (Service Authorization Reference, AWS Identity Store).
    const store = `arn:${env.partition}:identitystore::${env.accountId}:identitystore/${sync.identityStoreId}`;
    return [
      { Sid: 'ReadIdentityStoreUsers', Effect: 'Allow', Action: ['identitystore:DescribeUser'], Resource: [store, `arn:${env.partition}:identitystore:::user/*`] },
      { Sid: 'ConfirmIdentityStore', Effect: 'Allow', Action: ['identitystore:ListUsers'], Resource: store },
    ];
  },

  lambdaStatements: quickSightStatements,
};
