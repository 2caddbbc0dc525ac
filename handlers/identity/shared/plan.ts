import type { IdentitySyncConfig } from '../../shared/config.ts';
import { UserNameCollision } from '../errors.ts';
import { isManagedGroup, mappedGroupName, quickSightIdentity, type IdentityUser } from './names.ts';

/**
 * The pure diff between what an Identity Store user should be in QuickSight and what QuickSight
 * holds, shared by identity-sync (one user) and identity-reconcile (every user). Only managed groups
 * (names.ts, isManagedGroup) are ever added or removed; any other group of the user is left alone.
 */

export const ChangeAction = {
  RegisterUser: 'RegisterUser',
  CreateGroupMembership: 'CreateGroupMembership',
  DeleteGroupMembership: 'DeleteGroupMembership',
  DeleteUser: 'DeleteUser',
} as const;

/** One QuickSight write. CreateGroupMembership creates the group first when QuickSight does not have it. */
export type QuickSightChange =
  | { readonly action: typeof ChangeAction.RegisterUser; readonly userName: string; readonly email: string; readonly sessionName: string | null; readonly role: string }
  | { readonly action: typeof ChangeAction.CreateGroupMembership; readonly userName: string; readonly groupName: string }
  | { readonly action: typeof ChangeAction.DeleteGroupMembership; readonly userName: string; readonly groupName: string }
  | { readonly action: typeof ChangeAction.DeleteUser; readonly userName: string };

/** QuickSight's side of one user: DescribeUser (null when it has no such user) and ListUserGroups, every page. */
export interface QuickSightUserState {
  readonly userName: string;
  readonly user: { readonly Email?: string | undefined; readonly Role?: string | undefined } | null;
  readonly groups: readonly string[];
}

export interface DesiredUser {
  readonly userName: string;
  readonly email: string;
  readonly sessionName: string | null;
  /** False for a disabled user: deprovisioned. */
  readonly active: boolean;
  /** The managed group the user belongs in, or null (no attribute value, or the name is not managed). */
  readonly group: string | null;
  /** Why `group` is null although the attributes name one: the mapped name is not a managed group. */
  readonly unmanagedGroup: string | null;
}

export function desiredUser(user: IdentityUser, config: Pick<IdentitySyncConfig, 'registration' | 'groups'>): DesiredUser {
  const identity = quickSightIdentity(user, config);
  const mapped = mappedGroupName(user, config);
  const managed = mapped !== undefined && isManagedGroup(mapped, config);
  return {
    ...identity,
    active: user.UserStatus !== 'DISABLED',
    group: managed ? mapped : null,
    unmanagedGroup: mapped !== undefined && !managed ? mapped : null,
  };
}

/**
 * The changes that bring QuickSight to the desired user, in order. An active user is registered when
 * missing (with the default role; a registered user's role is never changed) and put in its managed
 * group and taken out of every other managed group. A disabled user leaves every managed group, or is
 * deleted when `deprovision.deleteUser` says so. Raises UserNameCollision when QuickSight's user of
 * that name has another e-mail address.
 */
export function planUserChanges(desired: DesiredUser, current: QuickSightUserState, config: Pick<IdentitySyncConfig, 'registration' | 'groups' | 'deprovision'>): QuickSightChange[] {
  const { userName } = desired;
  const existingEmail = current.user?.Email;
  if (current.user && existingEmail && existingEmail.toLowerCase() !== desired.email.toLowerCase()) {
    throw new UserNameCollision(`QuickSight user ${userName} belongs to ${existingEmail}, not ${desired.email}: two users map to one name`);
  }
  const managedNow = current.groups.filter((group) => isManagedGroup(group, config));
  if (!desired.active) {
    if (!current.user) return [];
    if (config.deprovision.deleteUser) return [{ action: ChangeAction.DeleteUser, userName }];
    return managedNow.map((groupName) => ({ action: ChangeAction.DeleteGroupMembership, userName, groupName }));
  }
  const changes: QuickSightChange[] = [];
  if (!current.user) {
    changes.push({ action: ChangeAction.RegisterUser, userName, email: desired.email, sessionName: desired.sessionName, role: config.registration.defaultRole });
  }
  if (desired.group !== null && !current.groups.includes(desired.group)) {
    changes.push({ action: ChangeAction.CreateGroupMembership, userName, groupName: desired.group });
  }
  for (const groupName of managedNow) {
    if (groupName !== desired.group) changes.push({ action: ChangeAction.DeleteGroupMembership, userName, groupName });
  }
  return changes;
}
