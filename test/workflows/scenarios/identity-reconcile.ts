import { expect } from 'vitest';
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
      expect(sandbox.snapshot().quickSight.users.length).toBeGreaterThan(0);
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.runSchedule('identity-reconcile')) };
    },
    outcome: quickSightOutcome,
  },
];
