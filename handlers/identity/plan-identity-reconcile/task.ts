import { ListUsersCommand as ListIdentityUsersCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand, type QuickSightClient } from '@aws-sdk/client-quicksight';
import * as z from 'zod/mini';
import type { IdentitySyncConfig } from '../../shared/config.ts';
import { IdentityStoreRequestFailed, IdentityStoreThrottled, MassChangeRefused } from '../errors.ts';
import { extensionsFor, isManagedGroup, type IdentityUser } from '../shared/names.ts';
import { ChangeAction, type QuickSightChange } from '../shared/plan.ts';
import { namedQuickSightError } from '../shared/quicksight.ts';
import { massChangeCheck, reconcileDiff, type MassChangeCheck, type QuickSightSide, type RefusedUser } from '../shared/reconcile.ts';

/**
 * The request identity-reconcile runs with: the schedule's input, or `opsflow run identity-reconcile
 * --event request.json`. Strict: a misspelt field is refused (InvalidInput), never ignored.
 * `dryRun` shows the plan and changes nothing; `allowMassChange` lets a run past the guard.
 */
export const reconcileRequestSchema = z.strictObject({
  dryRun: z._default(z.boolean(), false),
  allowMassChange: z._default(z.boolean(), false),
});

export const planIdentityReconcileInput = z.strictObject({
  request: reconcileRequestSchema,
  /** The previous plan's round and bound, when a run re-plans after applying a batch. */
  progress: z.optional(z.nullable(z.strictObject({ round: z.int().check(z.gte(1)), maxRounds: z.int().check(z.gte(1)) }))),
});
export type PlanIdentityReconcileInput = z.infer<typeof planIdentityReconcileInput>;

/**
 * Changes applied per Map run: at about 130 bytes a change and 150 a result, a batch and its results
 * stay near 75 KB, far within Step Functions' 256 KiB per state at any number of users.
 */
export const BATCH_SIZE = 250;
/** How many items of each kind a plan shows. */
export const FIRST_ITEMS = 5;
/** Every list call asks for its largest page: 100 for ListUsers of both services, ListGroups and ListGroupMemberships. */
const PAGE_SIZE = 100;

export const ReconcileVerdict = { InSync: 'in-sync', Change: 'change', DryRun: 'dry-run' } as const;

export interface ReconcilePlan {
  readonly verdict: (typeof ReconcileVerdict)[keyof typeof ReconcileVerdict];
  readonly round: number;
  readonly maxRounds: number;
  readonly counts: {
    readonly identityUsers: number;
    readonly quickSightUsers: number;
    readonly managedGroups: number;
    readonly managedMemberships: number;
    readonly registerUsers: number;
    readonly addMemberships: number;
    readonly removeMemberships: number;
    readonly deleteUsers: number;
    readonly createGroups: number;
    readonly refused: number;
  };
  /** The first FIRST_ITEMS of each kind. */
  readonly first: {
    readonly registerUsers: string[];
    readonly addMemberships: string[];
    readonly removeMemberships: string[];
    readonly deleteUsers: string[];
    readonly createGroups: string[];
    readonly refused: RefusedUser[];
  };
  readonly guard: MassChangeCheck;
  /** The changes to apply now, by user (at most BATCH_SIZE changes, whole users); empty in a dry run. */
  readonly batch: UserChanges[];
  /** Changes planned but left for the next round. */
  readonly remaining: number;
  /** One line about the refused users, for the run's cause; empty when none. */
  readonly refusedCause: string;
}

/** One user's changes, applied in order (registered before joining a group). */
export interface UserChanges {
  readonly userName: string;
  readonly changes: QuickSightChange[];
}

/**
 * The first changes of the diff, grouped by user, whole users only, up to `size` changes (at least
 * one user): a user's changes run one after another, users in parallel.
 */
export function nextBatch(changes: readonly QuickSightChange[], size: number): UserChanges[] {
  const byUser = new Map<string, QuickSightChange[]>();
  for (const change of changes) byUser.set(change.userName, [...(byUser.get(change.userName) ?? []), change]);
  const batch: UserChanges[] = [];
  let count = 0;
  for (const [userName, userChanges] of byUser) {
    if (batch.length > 0 && count + userChanges.length > size) break;
    batch.push({ userName, changes: userChanges });
    count += userChanges.length;
  }
  return batch;
}

export interface ReconcileClients {
  readonly identityStore: IdentitystoreClient;
  readonly quickSight: QuickSightClient;
}

/** Reads every page of a list; `page` returns its items and the next token. */
async function everyPage<T>(page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await page(nextToken);
    items.push(...answer.items);
    nextToken = answer.nextToken;
  } while (nextToken);
  return items;
}

/**
 * The identity store's errors by name: ThrottlingException and InternalServerException (the error
 * schemas of @aws-sdk/client-identitystore) and any 5xx are transient; anything else is terminal.
 */
function namedIdentityStoreError(error: unknown): Error {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  const detail = `ListUsers: ${name}: ${message}`;
  if (name === 'ThrottlingException' || name === 'InternalServerException' || status >= 500 || status === 0) return new IdentityStoreThrottled(detail, { cause: error });
  return new IdentityStoreRequestFailed(detail, { cause: error });
}

/** Every user of the identity store (ListUsers, with the enterprise extension when the mapping reads it). */
async function identityStoreUsers(config: IdentitySyncConfig, client: IdentitystoreClient): Promise<IdentityUser[]> {
  const extensions = extensionsFor(config);
  return everyPage(async (nextToken) => {
    try {
      const page = await client.send(new ListIdentityUsersCommand({
        IdentityStoreId: config.identityStoreId, MaxResults: PAGE_SIZE, NextToken: nextToken, ...(extensions.length > 0 ? { Extensions: extensions } : {}),
      }));
      return { items: (page.Users ?? []) as IdentityUser[], nextToken: page.NextToken };
    } catch (error) {
      throw namedIdentityStoreError(error);
    }
  });
}

/** QuickSight's users, groups and the members of each managed group, every page, in its identity Region. */
async function quickSightSide(config: IdentitySyncConfig, client: QuickSightClient): Promise<QuickSightSide> {
  const where = { AwsAccountId: config.quickSight.accountId, Namespace: config.quickSight.namespace };
  const read = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw namedQuickSightError(error, operation);
    }
  };
  const users = await everyPage(async (nextToken) => {
    const page = await read('ListUsers', () => client.send(new ListUsersCommand({ ...where, MaxResults: PAGE_SIZE, NextToken: nextToken })));
    return { items: (page.UserList ?? []).flatMap((user) => (user.UserName ? [{ userName: user.UserName, email: user.Email, identityType: user.IdentityType }] : [])), nextToken: page.NextToken };
  });
  const groups = await everyPage(async (nextToken) => {
    const page = await read('ListGroups', () => client.send(new ListGroupsCommand({ ...where, MaxResults: PAGE_SIZE, NextToken: nextToken })));
    return { items: (page.GroupList ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : [])), nextToken: page.NextToken };
  });
  const members: Record<string, string[]> = {};
  for (const groupName of groups.filter((group) => isManagedGroup(group, config))) {
    members[groupName] = await everyPage(async (nextToken) => {
      const page = await read('ListGroupMemberships', () => client.send(new ListGroupMembershipsCommand({ ...where, GroupName: groupName, MaxResults: PAGE_SIZE, NextToken: nextToken })));
      return { items: (page.GroupMemberList ?? []).flatMap((member) => (member.MemberName ? [member.MemberName] : [])), nextToken: page.NextToken };
    });
  }
  return { users, groups, members };
}

const itemName = (change: QuickSightChange): string => ('groupName' in change ? `${change.userName} ${change.groupName}` : change.userName);

/**
 * Reads both sides whole, computes the difference and returns the plan: counts, the first items of
 * each kind, the guard's check and the next batch of changes. The diff lives only in this
 * invocation; the state carries the batch, so every state stays small at any number of users.
 * A dry run returns the plan with an empty batch. The guard is checked on the first round only
 * (later rounds continue what it let through). Raises MassChangeRefused (the counts in the
 * message) before anything is changed; IdentityStoreThrottled, IdentityStoreRequestFailed and the
 * names of namedQuickSightError.
 */
export async function planIdentityReconcile(input: PlanIdentityReconcileInput, config: IdentitySyncConfig, clients: ReconcileClients): Promise<ReconcilePlan> {
  const identityUsers = await identityStoreUsers(config, clients.identityStore);
  const quickSight = await quickSightSide(config, clients.quickSight);
  const diff = reconcileDiff(identityUsers, quickSight, config);
  const guard = massChangeCheck(diff, config.reconcile.maxRemovalShare);
  const round = (input.progress?.round ?? 0) + 1;
  const { dryRun, allowMassChange } = input.request;
  if (round === 1 && guard.exceeded && !dryRun && !allowMassChange) {
    throw new MassChangeRefused(
      `the plan removes ${guard.membershipRemovals} of ${guard.managedMemberships} managed memberships and deletes ${guard.userDeletions} of ${guard.ownUsers} users, over the ${guard.maxRemovalShare} share allowed; nothing was changed (run with allowMassChange to apply)`,
    );
  }
  const of = (action: QuickSightChange['action']) => diff.changes.filter((change) => change.action === action);
  const first = (changes: QuickSightChange[]) => changes.slice(0, FIRST_ITEMS).map(itemName);
  const batch = dryRun ? [] : nextBatch(diff.changes, BATCH_SIZE);
  const batched = batch.reduce((sum, user) => sum + user.changes.length, 0);
  const verdict = diff.changes.length === 0 ? ReconcileVerdict.InSync : dryRun ? ReconcileVerdict.DryRun : ReconcileVerdict.Change;
  return {
    verdict,
    round,
    // Each round applies a full batch or ends, so the first round's count bounds the run; one more round absorbs retried failures.
    maxRounds: input.progress?.maxRounds ?? Math.ceil(diff.changes.length / BATCH_SIZE) + 1,
    counts: {
      identityUsers: identityUsers.length,
      quickSightUsers: quickSight.users.length,
      managedGroups: Object.keys(quickSight.members).length,
      managedMemberships: diff.managedMemberships,
      registerUsers: of(ChangeAction.RegisterUser).length,
      addMemberships: of(ChangeAction.CreateGroupMembership).length,
      removeMemberships: of(ChangeAction.DeleteGroupMembership).length,
      deleteUsers: of(ChangeAction.DeleteUser).length,
      createGroups: diff.groupsToCreate.length,
      refused: diff.refused.length,
    },
    first: {
      registerUsers: first(of(ChangeAction.RegisterUser)),
      addMemberships: first(of(ChangeAction.CreateGroupMembership)),
      removeMemberships: first(of(ChangeAction.DeleteGroupMembership)),
      deleteUsers: first(of(ChangeAction.DeleteUser)),
      createGroups: diff.groupsToCreate.slice(0, FIRST_ITEMS),
      refused: diff.refused.slice(0, FIRST_ITEMS),
    },
    guard,
    batch,
    remaining: diff.changes.length - batched,
    refusedCause: diff.refused.length === 0 ? '' : `${diff.refused.length} user(s) not reconciled; first: ${diff.refused.slice(0, 3).map((user) => `${user.userId} (${user.error}: ${user.reason})`).join('; ')}`,
  };
}
