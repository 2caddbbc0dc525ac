import { describe, expect, it } from 'vitest';
import { Clock } from '../../../../engine/clock.ts';
import { InvalidSandboxSeed, SandboxAccount } from '../../../../engine/sandbox/index.ts';
import { identitySeed } from './identity-clients.ts';
import { now } from './sandbox-clients.ts';

function refusal(seed: unknown): string {
  try {
    SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now) });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSandboxSeed);
    return (error as Error).message;
  }
  return expect.unreachable('the seed was accepted');
}

describe('identity seed', () => {
  it('reads the fixture: users with fixed ids derived from the store and UserName, memberships, QuickSight users named role/session', () => {
    const { identityStore, quickSight } = SandboxAccount.fromSeed(identitySeed(), { clock: Clock.simulated(now) }).snapshot();
    expect(identityStore.identityStoreId).toBe('d-93677a1b2c');
    expect(identityStore.users).toHaveLength(6);
    const alice = identityStore.users.find((user) => user.UserName === 'alice.martin@example.com');
    expect(alice).toMatchObject({
      UserId: '93677a1b2c-362a0cdb-6f49-443e-ad02-74c6672582d1',
      UserStatus: 'ENABLED',
      Title: 'Finance-Analyst',
      Extensions: { 'aws:identitystore:enterprise': { department: 'Finance' } },
      CreatedAt: '2024-09-02T08:00:00.000Z',
    });
    expect(identityStore.users.find((user) => user.UserName === 'frank.moreau@example.com')?.UserStatus).toBe('DISABLED');
    expect(identityStore.groups.map((group) => group.DisplayName).sort()).toEqual(['Engineering', 'Finance', 'Sales']);
    expect(identityStore.memberships).toHaveLength(6);
    expect(quickSight.identityRegion).toBe('eu-west-1');
    expect(quickSight.namespaces.map((namespace) => namespace.name)).toEqual(['default']);
    expect(quickSight.users.find((user) => user.userName === 'QuickSightReader/alice.martin@example.com')).toMatchObject({
      arn: 'arn:aws:quicksight:eu-west-1:123456789012:user/default/QuickSightReader/alice.martin@example.com',
      identityType: 'IAM',
      role: 'READER',
      active: true,
      iamArn: 'arn:aws:iam::123456789012:role/QuickSightReader',
      principalId: expect.stringMatching(/^federated\/iam\/AROA[A-Z2-7]{17}:alice\.martin@example\.com$/) as unknown,
    });
    expect(quickSight.memberships).toContainEqual({ namespace: 'default', groupName: 'BI-Admins', memberName: 'qs-admin' });
  });

  it('gives an account without the sections an empty store of the documented example id and the default namespace', () => {
    const { identityStore, quickSight } = SandboxAccount.fromSeed({}, { clock: Clock.simulated(now) }).snapshot();
    expect(identityStore).toEqual({ identityStoreId: 'd-1234567890', users: [], groups: [], memberships: [] });
    expect(quickSight).toMatchObject({ identityRegion: 'eu-west-1', users: [], groups: [], memberships: [] });
    expect(quickSight.namespaces).toEqual([{ name: 'default', arn: 'arn:aws:quicksight:eu-west-1:123456789012:namespace/default', capacityRegion: 'eu-west-1', creationStatus: 'CREATED', identityStore: 'QUICKSIGHT' }]);
  });

  it.each([
    ['a misspelt attribute', (seed: ReturnType<typeof identitySeed>) => { seed.identityStore.users[0] = { ...seed.identityStore.users[0], Tittle: 'x' }; }, 'seed: identityStore.users.0: Unrecognized key: "Tittle"'],
    ['an unknown extension', (seed: ReturnType<typeof identitySeed>) => { seed.identityStore.users[0] = { ...seed.identityStore.users[0], Extensions: { 'aws:identitystore:custom': {} } }; }, 'seed: identityStore.users.0.Extensions: Unrecognized key: "aws:identitystore:custom"'],
    ['a user name with a space', (seed: ReturnType<typeof identitySeed>) => { seed.identityStore.users[0] = { ...seed.identityStore.users[0], UserName: 'alice martin' }; }, 'seed: identityStore.users.0.UserName: must be 1 to 128 letters, digits, symbols or punctuation, without spaces'],
    ['a duplicate UserName', (seed: ReturnType<typeof identitySeed>) => { seed.identityStore.users[1] = { ...seed.identityStore.users[1], UserName: 'alice.martin@example.com' }; }, 'seed: identityStore.users.1.UserName: alice.martin@example.com appears twice'],
    ['a member who is no user', (seed: ReturnType<typeof identitySeed>) => { seed.identityStore.groups[0] = { ...seed.identityStore.groups[0], members: ['nobody@example.com'] }; }, 'seed: identityStore.groups.0.members.0: nobody@example.com is not a UserName or UserId of identityStore.users'],
    ['a bad store id', (seed: ReturnType<typeof identitySeed>) => { seed.identityStore = { ...seed.identityStore, identityStoreId: 'd-123' }; }, 'seed: identityStore.identityStoreId: must be an identity store id such as d-1234567890'],
    ['a role without a session name', (seed: ReturnType<typeof identitySeed>) => { seed.quickSight.users[0] = { ...seed.quickSight.users[0], sessionName: undefined }; }, 'seed: quickSight.users.0.sessionName: required with a role ARN: the user is <role name>/<session name>'],
    ['a user name that disagrees with the role session', (seed: ReturnType<typeof identitySeed>) => { seed.quickSight.users[0] = { ...seed.quickSight.users[0], userName: 'alice' }; }, 'seed: quickSight.users.0.userName: must be QuickSightReader/alice.martin@example.com, the name QuickSight gives this IAM identity'],
    ['an unknown role', (seed: ReturnType<typeof identitySeed>) => { seed.quickSight.users[0] = { ...seed.quickSight.users[0], role: 'VIEWER' }; }, 'seed: quickSight.users.0.role: Invalid option'],
    ['a group member of no namespace user', (seed: ReturnType<typeof identitySeed>) => { seed.quickSight.groups[0] = { ...seed.quickSight.groups[0], members: ['QuickSightReader/bruno.costa@example.com'] }; }, 'seed: quickSight.groups.0.members.0: QuickSightReader/bruno.costa@example.com is not a user of namespace default in quickSight.users'],
    ['an unknown namespace', (seed: ReturnType<typeof identitySeed>) => { seed.quickSight.groups[0] = { ...seed.quickSight.groups[0], namespace: 'partners' }; }, 'seed: quickSight.groups.0.namespace: partners is not default or in quickSight.namespaces'],
  ])('refuses %s with one line naming the field', (_case, change, message) => {
    const seed = identitySeed();
    change(seed);
    expect(refusal(seed)).toContain(message);
  });
});
