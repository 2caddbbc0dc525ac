import type { IdentitySyncConfig } from '../../shared/config.ts';
import { QuickSightIdentityType } from '../../shared/config.ts';
import { ChangeAction, desiredUser, planUserChanges, type DesiredUser, type QuickSightChange } from './plan.ts';
import { roleName, type IdentityUser } from './names.ts';

/**
 * The whole difference between the identity store and QuickSight, for identity-reconcile: the
 * per-user plan of identity-sync (plan.ts) run for every user, plus the QuickSight users no
 * Identity Center user maps to any more (deprovisioned by the same policy). Pure: the lists are
 * read by the caller.
 */

/** A QuickSight user as ListUsers answers it (the fields the diff reads). */
export interface QuickSightListedUser {
  readonly userName: string;
  readonly email?: string | undefined;
  readonly identityType?: string | undefined;
}

export interface QuickSightSide {
  readonly users: readonly QuickSightListedUser[];
  /** Every group of the namespace, by name (ListGroups). */
  readonly groups: readonly string[];
  /** The members of each managed group that exists (ListGroupMemberships), by group name. */
  readonly members: Readonly<Record<string, readonly string[]>>;
}

/** A user the diff could not reconcile: no QuickSight name, or a name another user or person already has. */
export interface RefusedUser {
  readonly userId: string;
  readonly error: string;
  readonly reason: string;
}

export interface ReconcileDiff {
  /** Every change, users registered first, then memberships added, then removals (the order they apply in). */
  readonly changes: QuickSightChange[];
  /** Managed groups a membership goes into that QuickSight does not have yet (CreateGroupMembership creates them). */
  readonly groupsToCreate: string[];
  readonly refused: RefusedUser[];
  /** What exists now, the denominators of the guard. */
  readonly managedMemberships: number;
  /** QuickSight users opsflow registers (the configured role's federated users, or every QUICKSIGHT user the store maps to). */
  readonly ownUsers: number;
}

const order: Readonly<Record<QuickSightChange['action'], number>> = {
  [ChangeAction.RegisterUser]: 0,
  [ChangeAction.CreateGroupMembership]: 1,
  [ChangeAction.DeleteGroupMembership]: 2,
  [ChangeAction.DeleteUser]: 3,
};

/**
 * Whether a QuickSight user is one opsflow registers and may delete: with IAM registration, a
 * federated user of the configured role (`<role name>/<session>`). A QuickSight-managed user is
 * never deleted for being unknown to the store (an administrator such as `qs-admin` is one).
 */
function isOwnUser(user: QuickSightListedUser, config: Pick<IdentitySyncConfig, 'registration'>): boolean {
  const { identityType, iamRoleArn } = config.registration;
  return identityType === QuickSightIdentityType.Iam && iamRoleArn !== undefined && user.userName.startsWith(`${roleName(iamRoleArn)}/`);
}

/**
 * Computes the whole difference. Active users are registered and put in their managed group; a
 * disabled user, and a QuickSight user no Identity Center user maps to, leaves its managed groups
 * (or is deleted when `deprovision.deleteUser` says so, and only if opsflow registers such users).
 * Groups opsflow does not manage never appear. Two users mapping to one name, or a user with no
 * name, are refused (listed), never merged; the rest is planned.
 */
export function reconcileDiff(identityUsers: readonly IdentityUser[], quickSight: QuickSightSide, config: Pick<IdentitySyncConfig, 'registration' | 'groups' | 'deprovision'>): ReconcileDiff {
  const groupsOf = new Map<string, string[]>();
  let managedMemberships = 0;
  for (const [groupName, members] of Object.entries(quickSight.members)) {
    for (const member of members) {
      groupsOf.set(member, [...(groupsOf.get(member) ?? []), groupName]);
      managedMemberships += 1;
    }
  }
  const quickSightUsers = new Map(quickSight.users.map((user) => [user.userName, user]));

  const refused: RefusedUser[] = [];
  const desiredByName = new Map<string, { desired: DesiredUser; userId: string }>();
  const collided = new Set<string>();
  for (const user of identityUsers) {
    let desired: DesiredUser;
    try {
      desired = desiredUser(user, config);
    } catch (error) {
      refused.push({ userId: user.UserId, error: (error as Error).name, reason: (error as Error).message });
      continue;
    }
    const other = desiredByName.get(desired.userName);
    if (other) {
      if (!collided.has(desired.userName)) refused.push({ userId: other.userId, error: 'UserNameCollision', reason: `another user maps to QuickSight user ${desired.userName} too` });
      collided.add(desired.userName);
      refused.push({ userId: user.UserId, error: 'UserNameCollision', reason: `users ${other.userId} and ${user.UserId} both map to QuickSight user ${desired.userName}` });
      continue;
    }
    desiredByName.set(desired.userName, { desired, userId: user.UserId });
  }

  const changes: QuickSightChange[] = [];
  for (const [userName, { desired, userId }] of desiredByName) {
    if (collided.has(userName)) continue;
    const listed = quickSightUsers.get(userName);
    const current = { userName, user: listed ? { Email: listed.email } : null, groups: groupsOf.get(userName) ?? [] };
    try {
      changes.push(...planUserChanges(desired, current, config));
    } catch (error) {
      refused.push({ userId, error: (error as Error).name, reason: (error as Error).message });
    }
  }
  for (const user of quickSight.users) {
    if (desiredByName.has(user.userName)) continue;
    const gone: DesiredUser = { userName: user.userName, email: user.email ?? '', sessionName: null, active: false, group: null, unmanagedGroup: null };
    const deleteUser = config.deprovision.deleteUser && isOwnUser(user, config);
    changes.push(...planUserChanges(gone, { userName: user.userName, user: { Email: user.email }, groups: groupsOf.get(user.userName) ?? [] }, { ...config, deprovision: { deleteUser } }));
  }
  changes.sort((a, b) => order[a.action] - order[b.action] || a.userName.localeCompare(b.userName));

  const existing = new Set(quickSight.groups);
  const groupsToCreate = [...new Set(changes.flatMap((change) => (change.action === ChangeAction.CreateGroupMembership && !existing.has(change.groupName) ? [change.groupName] : [])))].sort();
  const ownUsers = quickSight.users.filter((user) => isOwnUser(user, config) || desiredByName.has(user.userName)).length;
  return { changes, groupsToCreate, refused, managedMemberships, ownUsers };
}

/** The guard's verdict: the shares of managed memberships and of opsflow's users the diff would remove. */
export interface MassChangeCheck {
  readonly membershipRemovals: number;
  readonly managedMemberships: number;
  readonly userDeletions: number;
  readonly ownUsers: number;
  readonly maxRemovalShare: number;
  readonly exceeded: boolean;
}

/** Whether the diff removes more than `maxRemovalShare` of the managed memberships, or of opsflow's users. */
export function massChangeCheck(diff: ReconcileDiff, maxRemovalShare: number): MassChangeCheck {
  const membershipRemovals = diff.changes.filter((change) => change.action === ChangeAction.DeleteGroupMembership).length;
  const userDeletions = diff.changes.filter((change) => change.action === ChangeAction.DeleteUser).length;
  const over = (removed: number, total: number) => removed > 0 && removed > maxRemovalShare * total;
  return {
    membershipRemovals,
    managedMemberships: diff.managedMemberships,
    userDeletions,
    ownUsers: diff.ownUsers,
    maxRemovalShare,
    exceeded: over(membershipRemovals, diff.managedMemberships) || over(userDeletions, diff.ownUsers),
  };
}
