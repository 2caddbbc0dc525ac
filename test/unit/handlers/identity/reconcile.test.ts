import 'aws-sdk-client-mock-vitest/extend';
import { IdentitystoreClient, ListUsersCommand as ListIdentityUsersCommand, ThrottlingException as IdentityStoreThrottling } from '@aws-sdk/client-identitystore';
import { ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand, QuickSightClient, ThrottlingException } from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentitySyncConfig } from '../../../../handlers/shared/config.ts';
import { BATCH_SIZE, nextBatch, planIdentityReconcile } from '../../../../handlers/identity/plan-identity-reconcile/task.ts';
import { massChangeCheck, reconcileDiff } from '../../../../handlers/identity/shared/reconcile.ts';
import { summarizeIdentityReconcile } from '../../../../handlers/identity/summarize-identity-reconcile/task.ts';
import { ChangeAction, type QuickSightChange } from '../../../../handlers/identity/shared/plan.ts';
import { reconcileConfig } from '../../../workflows/scenarios/identity-reconcile.ts';

const sync = reconcileConfig((raw) => {
  raw.groups = { attributes: ['title'], separator: '-', prefix: 'qs-', managedGroups: [] };
}).identitySync as IdentitySyncConfig;
const user = (id: string, email: string, title: string, status: 'ENABLED' | 'DISABLED' = 'ENABLED') => ({ IdentityStoreId: 'd-93677a1b2c', UserId: id, Title: title, UserStatus: status, Emails: [{ Value: email, Primary: true }] });
const qs = (email: string) => `QuickSightReader/${email}`;
const meta = { $metadata: { httpStatusCode: 400 } };

describe('reconcileDiff', () => {
  const quickSight = {
    users: [
      { userName: qs('a@x.com'), email: 'a@x.com' },
      { userName: qs('gone@x.com'), email: 'gone@x.com' },
      { userName: 'admin', email: 'admin@x.com', identityType: 'QUICKSIGHT' },
    ],
    groups: ['qs-Sales-Analyst', 'qs-Old', 'Manual'],
    members: { 'qs-Sales-Analyst': [], 'qs-Old': [qs('a@x.com'), qs('gone@x.com'), 'admin'] },
  };

  it('registers, moves, and takes users no longer in the store out of managed groups only', () => {
    const diff = reconcileDiff([user('1', 'a@x.com', 'Sales-Analyst'), user('2', 'b@x.com', 'Sales-Manager')], quickSight, sync);
    expect(diff.changes).toEqual([
      { action: ChangeAction.RegisterUser, userName: qs('b@x.com'), email: 'b@x.com', sessionName: 'b@x.com', role: 'READER' },
      { action: ChangeAction.CreateGroupMembership, userName: qs('a@x.com'), groupName: 'qs-Sales-Analyst' },
      { action: ChangeAction.CreateGroupMembership, userName: qs('b@x.com'), groupName: 'qs-Sales-Manager' },
      { action: ChangeAction.DeleteGroupMembership, userName: 'admin', groupName: 'qs-Old' },
      { action: ChangeAction.DeleteGroupMembership, userName: qs('a@x.com'), groupName: 'qs-Old' },
      { action: ChangeAction.DeleteGroupMembership, userName: qs('gone@x.com'), groupName: 'qs-Old' },
    ]);
    expect(diff.groupsToCreate).toEqual(['qs-Sales-Manager']);
    expect(diff.managedMemberships).toBe(3);
  });

  it('deletes only the federated users of the configured role when deprovisioning deletes users', () => {
    const diff = reconcileDiff([user('1', 'a@x.com', 'Sales-Analyst', 'DISABLED')], quickSight, { ...sync, deprovision: { deleteUser: true } });
    expect(diff.changes.filter((change) => change.action === ChangeAction.DeleteUser).map((change) => change.userName)).toEqual([qs('a@x.com'), qs('gone@x.com')]);
    expect(diff.changes).toContainEqual({ action: ChangeAction.DeleteGroupMembership, userName: 'admin', groupName: 'qs-Old' });
  });

  it('refuses both users of a collision and a user with no e-mail, planning nothing for them', () => {
    const diff = reconcileDiff([user('1', 'c@x.com', 'Sales-Analyst'), user('2', 'c@x.com', 'Sales-Manager'), { UserId: '3', Title: 'Sales-Analyst' }], { users: [], groups: [], members: {} }, sync);
    expect(diff.refused.map((refused) => [refused.userId, refused.error])).toEqual([['1', 'UserNameCollision'], ['2', 'UserNameCollision'], ['3', 'UserNotMappable']]);
    expect(diff.changes).toEqual([]);
  });
});

describe('massChangeCheck', () => {
  const removal = (userName: string): QuickSightChange => ({ action: ChangeAction.DeleteGroupMembership, userName, groupName: 'qs-A' });
  it('is exceeded only past the share, of memberships or of users', () => {
    const base = { groupsToCreate: [], refused: [], managedMemberships: 10, ownUsers: 10 };
    expect(massChangeCheck({ ...base, changes: [removal('a')] }, 0.1).exceeded).toBe(false);
    expect(massChangeCheck({ ...base, changes: [removal('a'), removal('b')] }, 0.1)).toMatchObject({ exceeded: true, membershipRemovals: 2, managedMemberships: 10 });
    expect(massChangeCheck({ ...base, changes: [{ action: ChangeAction.DeleteUser, userName: 'a' }, { action: ChangeAction.DeleteUser, userName: 'b' }] }, 0.1)).toMatchObject({ exceeded: true, userDeletions: 2 });
    expect(massChangeCheck({ ...base, managedMemberships: 0, changes: [] }, 0).exceeded).toBe(false);
  });
});

describe('nextBatch', () => {
  it('keeps each user whole and stops at the batch size', () => {
    const changes = Array.from({ length: 3 }, (_, index): QuickSightChange[] => [
      { action: ChangeAction.RegisterUser, userName: `u${index}`, email: `u${index}@x.com`, sessionName: null, role: 'READER' },
      { action: ChangeAction.CreateGroupMembership, userName: `u${index}`, groupName: 'qs-A' },
    ]).flat();
    expect(nextBatch(changes, 3).map((batch) => [batch.userName, batch.changes.length])).toEqual([['u0', 2]]);
    expect(nextBatch(changes, 1).map((batch) => batch.userName)).toEqual(['u0']);
    expect(nextBatch(changes, BATCH_SIZE)).toHaveLength(3);
  });
});

describe('planIdentityReconcile', () => {
  const identityStore = mockClient(IdentitystoreClient);
  const quickSight = mockClient(QuickSightClient);
  const clients = { identityStore: new IdentitystoreClient({ region: 'eu-west-1' }), quickSight: new QuickSightClient({ region: 'eu-west-1' }) };
  afterEach(() => {
    identityStore.reset();
    quickSight.reset();
  });

  function world() {
    identityStore.on(ListIdentityUsersCommand).resolvesOnce({ Users: [user('1', 'a@x.com', 'Sales-Analyst')], NextToken: 't' }).resolvesOnce({ Users: [user('2', 'b@x.com', 'Sales-Analyst')] });
    quickSight.on(ListUsersCommand).resolves({ UserList: [{ UserName: qs('a@x.com'), Email: 'a@x.com' }] });
    quickSight.on(ListGroupsCommand).resolves({ GroupList: [{ GroupName: 'qs-Sales-Analyst' }, { GroupName: 'Manual' }] });
    quickSight.on(ListGroupMembershipsCommand).resolves({ GroupMemberList: [{ MemberName: qs('a@x.com') }] });
  }

  it('pages every list, reads members of managed groups only, and returns counts and the batch', async () => {
    world();
    const plan = await planIdentityReconcile({ request: { dryRun: false, allowMassChange: false } }, sync, clients);
    expect(identityStore).toHaveReceivedCommandTimes(ListIdentityUsersCommand, 2);
    expect(identityStore).toHaveReceivedNthCommandWith(ListIdentityUsersCommand, 2, { IdentityStoreId: sync.identityStoreId, MaxResults: 100, NextToken: 't' });
    expect(quickSight).toHaveReceivedCommandTimes(ListGroupMembershipsCommand, 1);
    expect(quickSight).toHaveReceivedCommandWith(ListGroupMembershipsCommand, { GroupName: 'qs-Sales-Analyst' });
    expect(plan).toMatchObject({ verdict: 'change', round: 1, maxRounds: 2, remaining: 0, counts: { identityUsers: 2, registerUsers: 1, addMemberships: 1 } });
    expect(plan.batch).toEqual([{ userName: qs('b@x.com'), changes: [expect.objectContaining({ action: 'RegisterUser' }), expect.objectContaining({ action: 'CreateGroupMembership' })] }]);
  });

  it('a dry run returns the plan with an empty batch', async () => {
    world();
    const plan = await planIdentityReconcile({ request: { dryRun: true, allowMassChange: false } }, sync, clients);
    expect(plan).toMatchObject({ verdict: 'dry-run', batch: [], remaining: 2 });
  });

  it('refuses a mass removal on the first round only, unless allowed', async () => {
    identityStore.on(ListIdentityUsersCommand).resolves({ Users: [] });
    quickSight.on(ListUsersCommand).resolves({ UserList: [{ UserName: qs('a@x.com'), Email: 'a@x.com' }] });
    quickSight.on(ListGroupsCommand).resolves({ GroupList: [{ GroupName: 'qs-Sales-Analyst' }] });
    quickSight.on(ListGroupMembershipsCommand).resolves({ GroupMemberList: [{ MemberName: qs('a@x.com') }] });
    const request = { dryRun: false, allowMassChange: false };
    await expect(planIdentityReconcile({ request }, sync, clients)).rejects.toMatchObject({ name: 'MassChangeRefused', message: expect.stringContaining('removes 1 of 1 managed memberships') });
    await expect(planIdentityReconcile({ request: { ...request, allowMassChange: true } }, sync, clients)).resolves.toMatchObject({ verdict: 'change' });
    await expect(planIdentityReconcile({ request, progress: { round: 1, maxRounds: 3 } }, sync, clients)).resolves.toMatchObject({ round: 2, maxRounds: 3 });
  });

  it('names throttling of either side by the names the state machine retries', async () => {
    identityStore.on(ListIdentityUsersCommand).rejects(new IdentityStoreThrottling({ message: 'Rate exceeded', ...meta }));
    await expect(planIdentityReconcile({ request: { dryRun: true, allowMassChange: false } }, sync, clients)).rejects.toMatchObject({ name: 'IdentityStoreThrottled' });
    identityStore.reset();
    identityStore.on(ListIdentityUsersCommand).resolves({ Users: [] });
    quickSight.on(ListUsersCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta }));
    await expect(planIdentityReconcile({ request: { dryRun: true, allowMassChange: false } }, sync, clients)).rejects.toMatchObject({ name: 'QuickSightThrottled' });
  });
});

describe('summarizeIdentityReconcile', () => {
  const applied = { action: 'CreateGroupMembership', userName: 'u', groupName: 'qs-A', outcome: 'done' as const, groupCreated: true };
  const failed = { failed: true as const, change: { action: 'DeleteGroupMembership', userName: 'v', groupName: 'qs-B' }, error: 'QuickSightThrottled' };

  it('counts each action and asks for another round while changes remain', () => {
    const report = summarizeIdentityReconcile({ plan: { round: 1, maxRounds: 3, remaining: 5 }, results: [[applied], [failed]], report: null });
    expect(report).toMatchObject({ applied: { CreateGroupMembership: 1, groupsCreated: 1, failed: 1 }, more: true, failed: 0, firstFailed: ['DeleteGroupMembership v qs-B (QuickSightThrottled)'] });
  });

  it('fails the run with the last round\'s failures and the changes left after the last round', () => {
    const report = summarizeIdentityReconcile({ plan: { round: 3, maxRounds: 3, remaining: 4 }, results: [[failed]], report: null });
    expect(report).toMatchObject({ more: false, failed: 5 });
    expect(report.failureCause).toBe('1 change(s) failed past their retries; first: DeleteGroupMembership v qs-B (QuickSightThrottled); 4 change(s) left unapplied after 3 rounds');
  });
});
