import { describe, expect, it } from 'vitest';
import { groupsOf, qsName, quickSightOutcome, quickSightWrites, reconcileWorld } from './scenarios/identity-reconcile.ts';

const CHEN = qsName('chen.wei@example.com');
const ALICE = qsName('alice.martin@example.com');
const EVA = qsName('eva.lindqvist@example.com');
const FRANK = qsName('frank.moreau@example.com');

type Json = Record<string, unknown>;
const output = (run: { output?: unknown }) => run.output as { plan: Json & { counts: Json; first: Json; verdict: string }; report: Json & { applied: Json } | null };

/** A QuickSight user federated through the role whom the identity store no longer has, in a managed group. */
const leaverInQuickSight = (seed: Json): void => {
  const quickSight = seed.quickSight as { users: Json[]; groups: { groupName: string; members: string[] }[] };
  quickSight.users.push({ identityType: 'IAM', iamArn: 'arn:aws:iam::123456789012:role/QuickSightReader', sessionName: 'gone@example.com', email: 'gone@example.com', role: 'READER' });
  quickSight.groups.find((group) => group.groupName === 'Finance-Analyst')?.members.push('QuickSightReader/gone@example.com');
};

describe('identity-reconcile: plan, apply, converge', () => {
  it('a dry run reports the whole plan (counts and first items) and changes nothing', async () => {
    const { engine, sandbox } = await reconcileWorld();
    const before = quickSightOutcome(sandbox);

    const run = await engine.run('identity-reconcile', { dryRun: true });

    expect(run.status).toBe('SUCCEEDED');
    expect(quickSightWrites(sandbox)).toEqual([]);
    expect(quickSightOutcome(sandbox)).toEqual(before);
    expect(output(run).plan).toMatchObject({
      verdict: 'dry-run',
      batch: [],
      counts: { identityUsers: 6, quickSightUsers: 4, registerUsers: 3, addMemberships: 4, removeMemberships: 2, deleteUsers: 0, createGroups: 3, refused: 0 },
      first: {
        registerUsers: [qsName('bruno.costa@example.com'), qsName('dana.okafor@example.com'), EVA],
        removeMemberships: [`${CHEN} Sales-Manager`, `${FRANK} Sales-Analyst`],
        createGroups: ['Engineering-Developer', 'Finance-Manager', 'Sales-Director'],
      },
    });
  });

  it('the schedule applies the plan: registers, moves, deprovisions, creates managed groups; a second run plans nothing', async () => {
    const { engine, sandbox } = await reconcileWorld();

    const run = await engine.runSchedule('identity-reconcile');

    expect(run.status).toBe('SUCCEEDED');
    expect(output(run).report?.applied).toEqual({ RegisterUser: 3, CreateGroupMembership: 4, DeleteGroupMembership: 2, DeleteUser: 0, alreadyDone: 0, groupsCreated: 3, failed: 0 });
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);
    expect(groupsOf(sandbox, EVA)).toEqual(['Engineering-Developer']);
    expect(groupsOf(sandbox, FRANK)).toEqual([]);
    expect(sandbox.snapshot().quickSight.users.map((user) => user.userName)).toContain(FRANK);

    const writes = quickSightWrites(sandbox).length;
    const again = await engine.runSchedule('identity-reconcile');
    expect(again.status).toBe('SUCCEEDED');
    expect(output(again).plan.verdict).toBe('in-sync');
    expect(quickSightWrites(sandbox)).toHaveLength(writes);
  });

  it('never touches a group opsflow does not manage', async () => {
    const { engine, sandbox } = await reconcileWorld({ changeSeed: leaverInQuickSight });

    const run = await engine.run('identity-reconcile', { allowMassChange: true });

    expect(run.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, ALICE)).toEqual(['BI-Admins', 'Finance-Analyst']);
    expect(groupsOf(sandbox, 'qs-admin')).toEqual(['BI-Admins']);
    expect(groupsOf(sandbox, 'QuickSightReader/gone@example.com')).toEqual([]);
    expect(sandbox.calls.filter((call) => call.service === 'quicksight' && call.operation === 'ListGroupMemberships').map((call) => (call.input as Json).GroupName)).not.toContain('BI-Admins');
  });

  it('deletes users no longer enabled or no longer in the store only when configured, and only the role\'s users', async () => {
    const { engine, sandbox } = await reconcileWorld({ sync: (sync) => Object.assign(sync, { deprovision: { deleteUser: true } }), changeSeed: leaverInQuickSight });

    const run = await engine.run('identity-reconcile', { allowMassChange: true });

    expect(run.status).toBe('SUCCEEDED');
    const users = sandbox.snapshot().quickSight.users.map((user) => user.userName);
    expect(users).not.toContain(FRANK);
    expect(users).not.toContain('QuickSightReader/gone@example.com');
    expect(users).toContain('qs-admin');
    expect(output(run).report?.applied).toMatchObject({ DeleteUser: 2 });
  });
});

describe('identity-reconcile: requests and the guard', () => {
  it('refuses a misspelt request field in one line, changing nothing', async () => {
    const { engine, sandbox } = await reconcileWorld();

    const run = await engine.run('identity-reconcile', { dryrun: true });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('InvalidInput');
    expect(run.cause).toContain('dryrun');
    expect(quickSightWrites(sandbox)).toEqual([]);
  });

  it('stops a mass removal before changing anything, with the counts, then applies it when allowMassChange says so', async () => {
    const { engine, sandbox } = await reconcileWorld({ sync: (sync) => Object.assign(sync, { reconcile: { maxRemovalShare: 0.1 } }) });
    const before = quickSightOutcome(sandbox);

    const refused = await engine.runSchedule('identity-reconcile');

    expect(refused.status).toBe('FAILED');
    expect(refused.error).toBe('MassChangeRefused');
    expect(refused.cause).toContain('removes 2 of 3 managed memberships');
    expect(quickSightWrites(sandbox)).toEqual([]);
    expect(quickSightOutcome(sandbox)).toEqual(before);

    const dryRun = await engine.run('identity-reconcile', { dryRun: true });
    expect(dryRun.status).toBe('SUCCEEDED');
    expect(output(dryRun).plan).toMatchObject({ guard: { exceeded: true, membershipRemovals: 2, managedMemberships: 3 } });

    const allowed = await engine.run('identity-reconcile', { allowMassChange: true });
    expect(allowed.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);
  });

  it('refuses two users mapping to one QuickSight name, applies the rest, and fails UsersNotReconciled', async () => {
    const { engine, sandbox } = await reconcileWorld({
      changeSeed: (seed) => {
        const store = seed.identityStore as { users: Json[] };
        store.users.push({ UserName: 'chen.wei.2', DisplayName: 'Chen Wei (2)', Emails: [{ Value: 'chen.wei@example.com', Primary: true }], Title: 'Sales-Director' });
      },
    });

    const run = await engine.runSchedule('identity-reconcile');

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('UsersNotReconciled');
    expect(run.cause).toContain('UserNameCollision');
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Manager']);
    expect(groupsOf(sandbox, EVA)).toEqual(['Engineering-Developer']);
  });
});

describe('identity-reconcile: QuickSight throttling', () => {
  it('retries throttled changes and list pages with backoff, then succeeds', async () => {
    const { engine, sandbox } = await reconcileWorld();
    sandbox.injectFault({ service: 'quicksight', operation: 'CreateGroupMembership', error: 'ThrottlingException', nth: [1, 2, 3] });
    sandbox.injectFault({ service: 'quicksight', operation: 'ListGroups', error: 'ThrottlingException', nth: [1] });

    const run = await engine.runSchedule('identity-reconcile');

    expect(run.status).toBe('SUCCEEDED');
    expect(run.states.filter((state) => state.name === 'ApplyQuickSightChange').some((state) => state.retries > 0)).toBe(true);
    expect(run.states.find((state) => state.name === 'PlanIdentityReconcile')?.retries).toBeGreaterThan(0);
    expect(groupsOf(sandbox, EVA)).toEqual(['Engineering-Developer']);
    expect(output(run).report?.applied).toMatchObject({ CreateGroupMembership: 4, failed: 0 });
  });

  it('past the retries fails ChangesNotApplied after the other changes, naming what failed; a later run converges', async () => {
    const { engine, sandbox } = await reconcileWorld();
    sandbox.injectFault({ service: 'quicksight', operation: 'DeleteGroupMembership', error: 'ThrottlingException' });

    const run = await engine.runSchedule('identity-reconcile');

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('ChangesNotApplied');
    expect(run.cause).toContain(`DeleteGroupMembership ${CHEN} Sales-Manager (QuickSightThrottled)`);
    expect(groupsOf(sandbox, EVA)).toEqual(['Engineering-Developer']);
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst', 'Sales-Manager']);

    sandbox.clearFaults();
    const again = await engine.runSchedule('identity-reconcile');
    expect(again.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);
  });
});
