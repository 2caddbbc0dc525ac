import { IdentitystoreClient, UpdateUserCommand } from '@aws-sdk/client-identitystore';
import { expect } from 'vitest';
import type { SandboxAccount, SandboxOptions } from '../../../engine/sandbox/index.ts';
import { scimCreateUser, scimUserCall, USER_ID } from '../../unit/handlers/identity/events.ts';
import { devConfig, world } from '../harness.ts';
import { executionsOf, type Scenario } from './scenario.ts';

/** The sandbox's identity store and QuickSight account (engine/sandbox/README.md, "Identity store and QuickSight"). */
export const IDENTITY_SEED = 'test/fixtures/sandbox/identity.json';

type Json = Record<string, unknown>;

export function identityWorld(options: { config?: (raw: Json) => void; changeSeed?: (seed: Json) => void; faults?: SandboxOptions['faults']; randomSeed?: number } = {}) {
  return world({
    seed: IDENTITY_SEED,
    config: devConfig(options.config),
    ...(options.changeSeed ? { changeSeed: options.changeSeed } : {}),
    ...(options.faults ? { sandbox: { faults: options.faults } } : {}),
    ...(options.randomSeed === undefined ? {} : { randomSeed: options.randomSeed }),
  });
}

/** The identity store id of a seeded user, by UserName. */
export function userIdOf(sandbox: SandboxAccount, userName: string): string {
  const user = sandbox.snapshot().identityStore.users.find((candidate) => candidate.UserName === userName);
  expect(user, `identity store user ${userName} in the seed`).toBeDefined();
  return user?.UserId ?? '';
}

/**
 * Changes a user as the IdP or an administrator would, through the Identity Store API of the sandbox
 * (UpdateUser, by AttributePath: `title`, `emails`...). The call is recorded like any other.
 */
export async function updateIdentityUser(sandbox: SandboxAccount, userId: string, attributes: Readonly<Record<string, unknown>>): Promise<void> {
  const client = new IdentitystoreClient({ region: sandbox.region, maxAttempts: 1 });
  client.middlewareStack.use(sandbox.plugin());
  const Operations = Object.entries(attributes).map(([AttributePath, AttributeValue]) => ({ AttributePath, AttributeValue: AttributeValue as never }));
  await client.send(new UpdateUserCommand({ IdentityStoreId: sandbox.snapshot().identityStore.identityStoreId, UserId: userId, Operations }));
}

/** The QuickSight groups of a member, sorted. */
export function groupsOf(sandbox: SandboxAccount, memberName: string): string[] {
  return sandbox.snapshot().quickSight.memberships.filter((membership) => membership.memberName === memberName).map((membership) => membership.groupName).sort();
}

/** What people see in QuickSight: its users (name, e-mail, role) and every membership. */
export function quickSightOutcome(sandbox: SandboxAccount): unknown {
  const { users, memberships } = sandbox.snapshot().quickSight;
  return {
    users: users.map((user) => ({ userName: user.userName, email: user.email, role: user.role })),
    memberships: memberships.map((membership) => `${membership.groupName} ${membership.memberName}`),
  };
}

/** Managed groups as the department alone, from the enterprise extension (DescribeUser asks for it). */
export const byDepartment = (raw: Json): void => {
  (raw.identitySync as Json).groups = { attributes: ['enterprise.department'], managedGroups: ['Finance', 'Sales', 'Engineering'] };
};

export const identityScenarios: readonly Scenario[] = [
  {
    name: 'identity-sync: a masked SCIM PatchUser moves Chen from his old managed group to Sales-Analyst',
    async setup(randomSeed = 1) {
      const { engine, sandbox } = await identityWorld({ randomSeed });
      const chen = userIdOf(sandbox, 'chen.wei@example.com');
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(scimUserCall('PatchUser', chen))) };
    },
    outcome: quickSightOutcome,
  },
  {
    name: 'identity-sync: a new hire over SCIM is registered and put in its department, a group created for it',
    async setup(randomSeed = 1) {
      const { engine, sandbox } = await identityWorld({ config: byDepartment, randomSeed });
      const eva = userIdOf(sandbox, 'eva.lindqvist@example.com');
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(scimCreateUser(eva))) };
    },
    outcome: quickSightOutcome,
  },
  {
    name: 'identity-sync: a SCIM DeleteUser of a user the store no longer holds ends user-gone',
    async setup(randomSeed = 1) {
      const { engine, sandbox } = await identityWorld({ randomSeed });
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(scimUserCall('DeleteUser', USER_ID))) };
    },
    outcome: quickSightOutcome,
  },
];
