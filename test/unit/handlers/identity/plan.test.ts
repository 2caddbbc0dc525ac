import { describe, expect, it } from 'vitest';
import type { IdentitySyncConfig } from '../../../../handlers/shared/config.ts';
import { SyncNotConverged, UserNameCollision } from '../../../../handlers/identity/errors.ts';
import { planIdentitySync, type PlanIdentitySyncInput } from '../../../../handlers/identity/plan-identity-sync/task.ts';
import { ChangeAction, desiredUser, planUserChanges } from '../../../../handlers/identity/shared/plan.ts';
import { identityConfig } from './events.ts';

const sync = identityConfig().identitySync as IdentitySyncConfig;
const NAME = 'QuickSightReader/jane@example.com';
const jane = { UserId: 'u-1', Title: 'Sales-Manager', Emails: [{ Value: 'jane@example.com', Primary: true }] };
const registered = (groups: string[]) => ({ userName: NAME, user: { Email: 'jane@example.com', Role: 'READER' }, groups });

describe('planUserChanges', () => {
  it('registers a new hire and puts it in its managed group', () => {
    expect(planUserChanges(desiredUser(jane, sync), { userName: NAME, user: null, groups: [] }, sync)).toEqual([
      { action: ChangeAction.RegisterUser, userName: NAME, email: 'jane@example.com', sessionName: 'jane@example.com', role: 'READER' },
      { action: ChangeAction.CreateGroupMembership, userName: NAME, groupName: 'qs-Sales-Manager' },
    ]);
  });

  it('moves a user between managed groups and leaves groups it does not manage alone', () => {
    const changes = planUserChanges(desiredUser(jane, sync), registered(['qs-Support-Engineer', 'Admins', 'qs-Old']), sync);
    expect(changes).toEqual([
      { action: ChangeAction.CreateGroupMembership, userName: NAME, groupName: 'qs-Sales-Manager' },
      { action: ChangeAction.DeleteGroupMembership, userName: NAME, groupName: 'qs-Support-Engineer' },
      { action: ChangeAction.DeleteGroupMembership, userName: NAME, groupName: 'qs-Old' },
    ]);
  });

  it('changes nothing when QuickSight already matches', () => {
    expect(planUserChanges(desiredUser(jane, sync), registered(['qs-Sales-Manager', 'Admins']), sync)).toEqual([]);
  });

  it('deprovisions a disabled user: managed memberships only, or the user where configured', () => {
    const disabled = desiredUser({ ...jane, UserStatus: 'DISABLED' }, sync);
    expect(planUserChanges(disabled, registered(['qs-Sales-Manager', 'Admins']), sync)).toEqual([
      { action: ChangeAction.DeleteGroupMembership, userName: NAME, groupName: 'qs-Sales-Manager' },
    ]);
    expect(planUserChanges(disabled, registered(['qs-Sales-Manager']), { ...sync, deprovision: { deleteUser: true } })).toEqual([
      { action: ChangeAction.DeleteUser, userName: NAME },
    ]);
    expect(planUserChanges(disabled, { userName: NAME, user: null, groups: [] }, sync)).toEqual([]);
  });

  it('refuses two users mapping to one QuickSight name', () => {
    const other = { userName: NAME, user: { Email: 'jane.other@example.com' }, groups: [] };
    expect(() => planUserChanges(desiredUser(jane, sync), other, sync)).toThrow(UserNameCollision);
  });

  it('joins no group when the attributes name one that is not managed', () => {
    const config = { ...sync, groups: { ...sync.groups, prefix: '', managedGroups: ['Finance'] } };
    const desired = desiredUser(jane, config);
    expect(desired).toMatchObject({ group: null, unmanagedGroup: 'Sales-Manager' });
    expect(planUserChanges(desired, registered(['Finance']), config)).toEqual([{ action: ChangeAction.DeleteGroupMembership, userName: NAME, groupName: 'Finance' }]);
  });
});

describe('planIdentitySync', () => {
  const input = (round: number, groups: string[], applied: PlanIdentitySyncInput['plan']['applied'] = []): PlanIdentitySyncInput => ({
    target: { maxRounds: 2 },
    identityUser: jane,
    quickSight: registered(groups),
    plan: { round, report: [], applied },
  });

  it('counts rounds and carries what was applied into the report', () => {
    const applied = [{ action: 'CreateGroupMembership', userName: NAME, groupName: 'qs-Sales-Manager', outcome: 'done' as const }];
    const plan = planIdentitySync(input(1, ['qs-Sales-Manager'], applied), sync);
    expect(plan).toMatchObject({ verdict: 'in-sync', round: 2, report: applied, changes: [] });
  });

  it('fails SyncNotConverged when changes remain after maxRounds', () => {
    expect(planIdentitySync(input(1, []), sync)).toMatchObject({ verdict: 'change', round: 2 });
    expect(() => planIdentitySync(input(2, []), sync)).toThrow(SyncNotConverged);
  });
});
