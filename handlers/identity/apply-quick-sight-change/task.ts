import {
  CreateGroupCommand, CreateGroupMembershipCommand, DeleteGroupMembershipCommand, DeleteUserCommand, RegisterUserCommand,
  type QuickSightClient,
} from '@aws-sdk/client-quicksight';
import * as z from 'zod/mini';
import { QuickSightIdentityType, QuickSightUserRole, type IdentitySyncConfig } from '../../shared/config.ts';
import type { AppliedChange } from '../plan-identity-sync/task.ts';
import { ChangeAction } from '../shared/plan.ts';
import { namedQuickSightError, quickSightCode } from '../shared/quicksight.ts';

const name = z.string().check(z.minLength(1));

export const applyQuickSightChangeInput = z.looseObject({
  change: z.discriminatedUnion('action', [
    z.strictObject({ action: z.literal(ChangeAction.RegisterUser), userName: name, email: name, sessionName: z.nullable(name), role: z.enum(Object.values(QuickSightUserRole)) }),
    z.strictObject({ action: z.literal(ChangeAction.CreateGroupMembership), userName: name, groupName: name }),
    z.strictObject({ action: z.literal(ChangeAction.DeleteGroupMembership), userName: name, groupName: name }),
    z.strictObject({ action: z.literal(ChangeAction.DeleteUser), userName: name }),
  ]),
});
export type ApplyQuickSightChangeInput = z.infer<typeof applyQuickSightChangeInput>;

const MANAGED_GROUP_DESCRIPTION = 'Managed by opsflow identity-sync: memberships follow IAM Identity Center attributes.';

/** Sends one command; `benign` is the code that means the change is already done. */
async function idempotent(operation: string, send: () => Promise<unknown>, benign: string): Promise<'done' | 'already-done'> {
  try {
    await send();
    return 'done';
  } catch (error) {
    if (quickSightCode(error) === benign) return 'already-done';
    throw namedQuickSightError(error, operation);
  }
}

/**
 * Applies one planned change in QuickSight's identity Region. Idempotent: ResourceExistsException on
 * RegisterUser, CreateGroup or CreateGroupMembership and ResourceNotFoundException on
 * DeleteGroupMembership or DeleteUser mean "already done". CreateGroupMembership answered
 * ResourceNotFoundException creates the (managed) group, then adds the member again. Raises the
 * names of namedQuickSightError.
 */
export async function applyQuickSightChange(input: ApplyQuickSightChangeInput, config: IdentitySyncConfig, client: QuickSightClient): Promise<AppliedChange> {
  const where = { AwsAccountId: config.quickSight.accountId, Namespace: config.quickSight.namespace };
  const { change } = input;
  switch (change.action) {
    case ChangeAction.RegisterUser: {
      const iam = config.registration.identityType === QuickSightIdentityType.Iam;
      const outcome = await idempotent('RegisterUser', () => client.send(new RegisterUserCommand({
        ...where,
        IdentityType: config.registration.identityType,
        Email: change.email,
        UserRole: change.role,
        ...(iam ? { IamArn: config.registration.iamRoleArn, SessionName: change.sessionName ?? undefined } : { UserName: change.userName }),
      })), 'ResourceExistsException');
      return { action: change.action, userName: change.userName, outcome };
    }
    case ChangeAction.CreateGroupMembership: {
      const add = () => client.send(new CreateGroupMembershipCommand({ ...where, GroupName: change.groupName, MemberName: change.userName }));
      try {
        const outcome = await idempotent('CreateGroupMembership', add, 'ResourceExistsException');
        return { action: change.action, userName: change.userName, groupName: change.groupName, outcome };
      } catch (error) {
        if (quickSightCode((error as Error).cause) !== 'ResourceNotFoundException') throw error;
      }
      const created = await idempotent('CreateGroup', () => client.send(new CreateGroupCommand({ ...where, GroupName: change.groupName, Description: MANAGED_GROUP_DESCRIPTION })), 'ResourceExistsException');
      const outcome = await idempotent('CreateGroupMembership', add, 'ResourceExistsException');
      return { action: change.action, userName: change.userName, groupName: change.groupName, outcome, groupCreated: created === 'done' };
    }
    case ChangeAction.DeleteGroupMembership: {
      const outcome = await idempotent('DeleteGroupMembership', () => client.send(new DeleteGroupMembershipCommand({ ...where, GroupName: change.groupName, MemberName: change.userName })), 'ResourceNotFoundException');
      return { action: change.action, userName: change.userName, groupName: change.groupName, outcome };
    }
    case ChangeAction.DeleteUser: {
      const outcome = await idempotent('DeleteUser', () => client.send(new DeleteUserCommand({ ...where, UserName: change.userName })), 'ResourceNotFoundException');
      return { action: change.action, userName: change.userName, outcome };
    }
  }
}
