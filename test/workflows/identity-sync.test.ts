import { describe, expect, it } from 'vitest';
import { apiCall, scimCreateUser, scimFailedPatchUser, scimPatchGroup, scimUserCall, USER_ID } from '../unit/handlers/identity/events.ts';
import { callNames } from './harness.ts';
import { byDepartment, groupsOf, identityWorld, quickSightOutcome, updateIdentityUser, userIdOf } from './scenarios/identity.ts';

const ROLE = 'QuickSightReader';
const qsName = (email: string) => `${ROLE}/${email}`;
const CHEN = qsName('chen.wei@example.com');
const ALICE = qsName('alice.martin@example.com');
const EVA = qsName('eva.lindqvist@example.com');
const FRANK = qsName('frank.moreau@example.com');

const quickSightWrites = (calls: string[]) => calls.filter((call) => /^quicksight\.(RegisterUser|CreateGroup|CreateGroupMembership|DeleteGroupMembership|DeleteUser)$/.test(call));

describe('identity-sync: each trigger re-reads the user and converges', () => {
  it('moves a user named by a masked SCIM PatchUser to the group of its Title, and reports each change', async () => {
    const { engine, sandbox } = await identityWorld();
    const [run] = await engine.send(scimUserCall('PatchUser', userIdOf(sandbox, 'chen.wei@example.com')));

    expect(run?.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);
    expect(run?.output).toMatchObject({
      plan: {
        verdict: 'in-sync',
        report: [
          { action: 'CreateGroupMembership', userName: CHEN, groupName: 'Sales-Analyst', outcome: 'done' },
          { action: 'DeleteGroupMembership', userName: CHEN, groupName: 'Sales-Manager', outcome: 'done' },
        ],
      },
    });
    expect(callNames(sandbox).filter((call) => call.startsWith('identitystore.'))).toEqual(['identitystore.DescribeUser', 'identitystore.DescribeUser']);
  });

  it('registers a new hire from the masked SCIM CreateUser AWS publishes, creating its managed group', async () => {
    const { engine, sandbox } = await identityWorld();
    const [run] = await engine.send(scimCreateUser(userIdOf(sandbox, 'eva.lindqvist@example.com')));

    expect(run?.status).toBe('SUCCEEDED');
    expect(sandbox.snapshot().quickSight.users.find((user) => user.userName === EVA)).toMatchObject({ email: 'eva.lindqvist@example.com', role: 'READER', identityType: 'IAM' });
    expect(groupsOf(sandbox, EVA)).toEqual(['Engineering-Developer']);
    expect(run?.output).toMatchObject({ plan: { report: [{ action: 'RegisterUser', outcome: 'done' }, { action: 'CreateGroupMembership', groupCreated: true }] } });
  });

  it('reads the enterprise extension when the mapping uses the department', async () => {
    const { engine, sandbox } = await identityWorld({ config: byDepartment });
    const [run] = await engine.send(scimUserCall('PutUser', userIdOf(sandbox, 'eva.lindqvist@example.com')));

    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.states.map((state) => state.name)).toContain('DescribeIdentityUserWithExtensions');
    expect(groupsOf(sandbox, EVA)).toEqual(['Engineering']);
  });

  it('follows Identity Store API and console changes of the configured store', async () => {
    const { engine, sandbox } = await identityWorld();
    const chen = userIdOf(sandbox, 'chen.wei@example.com');
    const [api] = await engine.send(apiCall('identitystore.amazonaws.com', 'UpdateUser', { IdentityStoreId: 'd-93677a1b2c', UserId: chen }));
    expect(api?.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);

    await updateIdentityUser(sandbox, chen, { title: 'Sales-Director' });
    const [console] = await engine.send(apiCall('sso-directory.amazonaws.com', 'UpdateUser', { UserId: chen }));
    expect(console?.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Director']);
  });

  it('leaves a group an administrator assigned by hand alone', async () => {
    const { engine, sandbox } = await identityWorld();
    const alice = userIdOf(sandbox, 'alice.martin@example.com');
    await updateIdentityUser(sandbox, alice, { title: 'Finance-Manager' });

    const [run] = await engine.send(scimUserCall('PatchUser', alice));

    expect(run?.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, ALICE)).toEqual(['BI-Admins', 'Finance-Manager']);
  });
});

describe('identity-sync: duplicate, reordered and concurrent events end in the newest state', () => {
  it('changes nothing when the same event arrives again', async () => {
    const { engine, sandbox } = await identityWorld();
    const event = scimUserCall('PatchUser', userIdOf(sandbox, 'chen.wei@example.com'));
    await engine.send(event);
    const writes = quickSightWrites(callNames(sandbox)).length;

    const [replay] = await engine.send(event);

    expect(replay?.status).toBe('SUCCEEDED');
    expect(quickSightWrites(callNames(sandbox))).toHaveLength(writes);
    expect(replay?.output).toMatchObject({ plan: { verdict: 'in-sync', round: 1, report: [] } });
  });

  it('ends in the newest title whichever event arrives last, and when both run at once', async () => {
    const { engine, sandbox } = await identityWorld();
    const chen = userIdOf(sandbox, 'chen.wei@example.com');
    const older = scimUserCall('PatchUser', chen);
    await updateIdentityUser(sandbox, chen, { title: 'Sales-Director' });
    const newer = scimUserCall('PutUser', chen);

    await engine.send(newer);
    await engine.send(older);
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Director']);

    await updateIdentityUser(sandbox, chen, { title: 'Sales-Analyst' });
    const runs = (await Promise.all([engine.send(older), engine.send(newer)])).flat();
    expect(runs.map((run) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);
  });
});

describe('identity-sync: deprovisioning', () => {
  it('takes a disabled user out of its managed groups and keeps its QuickSight user', async () => {
    const { engine, sandbox } = await identityWorld();
    const [run] = await engine.send(apiCall('sso-directory.amazonaws.com', 'DisableUser', { UserId: userIdOf(sandbox, 'frank.moreau@example.com') }));

    expect(run?.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, FRANK)).toEqual([]);
    expect(sandbox.snapshot().quickSight.users.map((user) => user.userName)).toContain(FRANK);
  });

  it('deletes the disabled user where configured', async () => {
    const { engine, sandbox } = await identityWorld({ config: (raw) => ((raw.identitySync as Record<string, unknown>).deprovision = { deleteUser: true }) });
    const [run] = await engine.send(scimUserCall('PatchUser', userIdOf(sandbox, 'frank.moreau@example.com')));

    expect(run?.status).toBe('SUCCEEDED');
    expect(sandbox.snapshot().quickSight.users.map((user) => user.userName)).not.toContain(FRANK);
  });

  it('ends user-gone, changing nothing, for a user that no longer exists', async () => {
    const { engine, sandbox } = await identityWorld();
    const before = quickSightOutcome(sandbox);
    const [run] = await engine.send(scimUserCall('DeleteUser', USER_ID));

    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.output).toMatchObject({ gone: { outcome: 'user-gone', userId: USER_ID } });
    expect(callNames(sandbox).filter((call) => call.startsWith('quicksight.'))).toEqual([]);
    expect(quickSightOutcome(sandbox)).toEqual(before);
  });

  it('fails named, not user-gone, when the identity store itself is missing', async () => {
    const { engine, sandbox } = await identityWorld({ config: (raw) => ((raw.identitySync as Record<string, unknown>).identityStoreId = 'd-0000000000') });
    const [run] = await engine.send(scimUserCall('PatchUser', userIdOf(sandbox, 'chen.wei@example.com')));

    expect(run).toMatchObject({ status: 'FAILED', error: 'Identitystore.ResourceNotFoundException' });
    expect(run?.cause).toContain('IDENTITY_STORE');
  });
});

describe('identity-sync: events with nothing to converge', () => {
  it('ends with the reason for a group whose members SCIM masks, and for a failed call, reading nothing', async () => {
    const { engine, sandbox } = await identityWorld();
    const group = await engine.run('identity-sync', scimPatchGroup());
    const failed = await engine.run('identity-sync', scimFailedPatchUser());

    expect(group.output).toMatchObject({ target: { verdict: 'group-only' } });
    expect(failed.output).toMatchObject({ target: { verdict: 'ignore' } });
    expect(sandbox.calls).toEqual([]);
  });
});

describe('identity-sync: names QuickSight refuses', () => {
  it('registers a user under its mapped session name', async () => {
    const { engine, sandbox } = await identityWorld();
    const eva = userIdOf(sandbox, 'eva.lindqvist@example.com');
    await updateIdentityUser(sandbox, eva, { emails: [{ Value: "éva.o'neil@example.com", Primary: true }] });

    const [run] = await engine.send(scimUserCall('PatchUser', eva));

    expect(run?.status).toBe('SUCCEEDED');
    expect(sandbox.snapshot().quickSight.users.find((user) => user.userName === qsName('eva.o-neil@example.com'))?.email).toBe("éva.o'neil@example.com");
  });

  it('fails UserNameCollision, merging nothing, when two users map to one name', async () => {
    const { engine, sandbox } = await identityWorld();
    const eva = userIdOf(sandbox, 'eva.lindqvist@example.com');
    await updateIdentityUser(sandbox, eva, { emails: [{ Value: 'chén.wei@example.com', Primary: true }] });
    const before = quickSightOutcome(sandbox);

    const [run] = await engine.send(scimUserCall('PatchUser', eva));

    expect(run).toMatchObject({ status: 'FAILED', error: 'UserNameCollision' });
    expect(quickSightOutcome(sandbox)).toEqual(before);
  });
});

describe('identity-sync: QuickSight failures', () => {
  it('retries throttling with backoff, then succeeds', async () => {
    const { engine, sandbox } = await identityWorld({ faults: [{ service: 'quicksight', operation: 'CreateGroupMembership', error: 'ThrottlingException', times: 2 }] });
    const [run] = await engine.send(scimUserCall('PatchUser', userIdOf(sandbox, 'chen.wei@example.com')));

    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.states.filter((state) => state.name === 'ApplyQuickSightChange').some((state) => state.retries > 0)).toBe(true);
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);
  });

  it('fails QuickSightThrottled past its retries, before any change', async () => {
    const { engine, sandbox } = await identityWorld({ faults: [{ service: 'quicksight', operation: 'DescribeUser', error: 'ThrottlingException', times: 20 }] });
    const before = quickSightOutcome(sandbox);
    const [run] = await engine.send(scimUserCall('PatchUser', userIdOf(sandbox, 'chen.wei@example.com')));

    expect(run).toMatchObject({ status: 'FAILED', error: 'QuickSightThrottled' });
    expect(run?.cause).toContain('ThrottlingException');
    expect(quickSightOutcome(sandbox)).toEqual(before);
  });

  it('calls QuickSight in its identity Region when it is not the stack\'s', async () => {
    const { engine, sandbox } = await identityWorld({
      changeSeed: (seed) => ((seed.quickSight as Record<string, unknown>).identityRegion = 'us-east-1'),
      config: (raw) => (((raw.identitySync as Record<string, Record<string, unknown>>).quickSight as Record<string, unknown>).identityRegion = 'us-east-1'),
    });
    const [run] = await engine.send(scimUserCall('PatchUser', userIdOf(sandbox, 'chen.wei@example.com')));

    expect(run?.status).toBe('SUCCEEDED');
    expect(groupsOf(sandbox, CHEN)).toEqual(['Sales-Analyst']);
  });

  it('fails IdentityRegionRefused when config names the wrong identity Region, changing nothing', async () => {
    const { engine, sandbox } = await identityWorld({ changeSeed: (seed) => ((seed.quickSight as Record<string, unknown>).identityRegion = 'us-east-1') });
    const before = quickSightOutcome(sandbox);
    const [run] = await engine.send(scimUserCall('PatchUser', userIdOf(sandbox, 'chen.wei@example.com')));

    expect(run).toMatchObject({ status: 'FAILED', error: 'IdentityRegionRefused' });
    expect(run?.cause).toContain('identity region is us-east-1');
    expect(quickSightOutcome(sandbox)).toEqual(before);
  });
});
