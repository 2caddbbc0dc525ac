import type { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { devConfig, world } from '../harness.ts';
import { executionsOf, type Scenario } from './scenario.ts';

/** The sandbox's identity store and QuickSight account (engine/sandbox/README.md, "Identity store and QuickSight"). */
export const IDENTITY_SEED = 'test/fixtures/sandbox/identity.json';
export const ROLE = 'QuickSightReader';
export const qsName = (email: string): string => `${ROLE}/${email}`;

type Json = Record<string, unknown>;

/**
 * The identitySync section for the identity fixture: its store, QuickSight in eu-west-1, users
 * federated through QuickSightReader, managed groups by list (BI-Admins is an administrator's).
 */
export function reconcileConfig(change: (sync: Json) => void = () => {}) {
  return devConfig((raw) => {
    const sync: Json = {
      identityStoreId: 'd-93677a1b2c',
      quickSight: { accountId: '123456789012', identityRegion: 'eu-west-1', namespace: 'default' },
      registration: { identityType: 'IAM', iamRoleArn: `arn:aws:iam::123456789012:role/${ROLE}`, defaultRole: 'READER' },
      groups: {
        attributes: ['title'],
        separator: '-',
        prefix: '',
        managedGroups: ['Finance-Analyst', 'Finance-Manager', 'Sales-Analyst', 'Sales-Manager', 'Sales-Director', 'Engineering-Developer'],
      },
      deprovision: { deleteUser: false },
      reconcile: { schedule: 'rate(1 day)', enabled: true, maxRemovalShare: 0.7 },
    };
    change(sync);
    raw.identitySync = sync;
  });
}

export function reconcileWorld(options: { sync?: (sync: Json) => void; changeSeed?: (seed: Json) => void; randomSeed?: number } = {}) {
  return world({
    seed: IDENTITY_SEED,
    config: reconcileConfig(options.sync),
    ...(options.changeSeed ? { changeSeed: options.changeSeed } : {}),
    ...(options.randomSeed === undefined ? {} : { randomSeed: options.randomSeed }),
  });
}

/** The QuickSight groups of a member, sorted. */
export function groupsOf(sandbox: SandboxAccount, memberName: string): string[] {
  return sandbox.snapshot().quickSight.memberships.filter((membership) => membership.memberName === memberName).map((membership) => membership.groupName).sort();
}

/** What people see in QuickSight: its users (name, e-mail, role), groups and every membership. */
export function quickSightOutcome(sandbox: SandboxAccount): unknown {
  const { users, groups, memberships } = sandbox.snapshot().quickSight;
  return {
    users: users.map((user) => ({ userName: user.userName, email: user.email, role: user.role })),
    groups: groups.map((group) => group.groupName),
    memberships: memberships.map((membership) => `${membership.groupName} ${membership.memberName}`),
  };
}

/** Every QuickSight write the sandbox recorded. */
export function quickSightWrites(sandbox: SandboxAccount): string[] {
  return sandbox.calls.filter((call) => call.service === 'quicksight' && /^(RegisterUser|CreateGroup|CreateGroupMembership|DeleteGroupMembership|DeleteUser)$/.test(call.operation)).map((call) => call.operation);
}

export const identityReconcileScenarios: readonly Scenario[] = [
  {
    name: 'identity-reconcile: a scheduled run registers a new hire, moves a user, deprovisions a disabled one, creates a managed group',
    async setup(randomSeed = 1) {
      const { engine, sandbox } = await reconcileWorld({ randomSeed });
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.runSchedule('identity-reconcile')) };
    },
    outcome: quickSightOutcome,
  },
];

/** The managed-group prefix of the large world. */
export const LARGE_PREFIX = 'qs-';

/**
 * A large identity store and the QuickSight account that mirrors it, with drift: `users` users in
 * `groups` managed groups (`qs-Team<g>-Analyst`, from each user's Title), every user registered and
 * in its group, except `drift` of them (every users/drift-th one): half never registered (new hires),
 * half in the next team's group (moved). Built as seed JSON, like the fixture.
 */
export function largeIdentityWorld(options: { users: number; groups: number; drift: number; randomSeed?: number }) {
  const { users, groups, drift } = options;
  const step = Math.floor(users / drift);
  const email = (index: number) => `user${String(index).padStart(5, '0')}@example.com`;
  const team = (index: number) => index % groups;
  const groupName = (g: number) => `${LARGE_PREFIX}Team${String(g).padStart(3, '0')}-Analyst`;
  const identityUsers = Array.from({ length: users }, (_, index) => ({
    UserName: email(index),
    DisplayName: `User ${index}`,
    Emails: [{ Value: email(index), Type: 'work', Primary: true }],
    Title: `Team${String(team(index)).padStart(3, '0')}-Analyst`,
  }));
  const drifted = (index: number) => index % step === 0 && index / step < drift;
  const newHire = (index: number) => drifted(index) && (index / step) % 2 === 0;
  const members: string[][] = Array.from({ length: groups }, () => []);
  const quickSightUsers: Json[] = [];
  for (let index = 0; index < users; index += 1) {
    if (newHire(index)) continue;
    quickSightUsers.push({ identityType: 'IAM', iamArn: `arn:aws:iam::123456789012:role/${ROLE}`, sessionName: email(index), email: email(index), role: 'READER' });
    members[drifted(index) ? (team(index) + 1) % groups : team(index)]?.push(qsName(email(index)));
  }
  return world({
    seed: IDENTITY_SEED,
    config: reconcileConfig((sync) => {
      sync.groups = { attributes: ['title'], separator: '-', prefix: LARGE_PREFIX, managedGroups: [] };
      sync.reconcile = { maxRemovalShare: 0.1 };
    }),
    changeSeed: (seed) => {
      (seed.identityStore as Json).users = identityUsers;
      (seed.identityStore as Json).groups = [];
      const quickSight = seed.quickSight as Json;
      quickSight.users = quickSightUsers;
      quickSight.groups = members.map((groupMembers, g) => ({ groupName: groupName(g), description: 'managed by opsflow', members: groupMembers }));
    },
    ...(options.randomSeed === undefined ? {} : { randomSeed: options.randomSeed }),
  });
}
