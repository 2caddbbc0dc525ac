import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../../engine/clock.ts';
import { Engine } from '../../../../engine/engine.ts';
import { SandboxAccount } from '../../../../engine/sandbox/index.ts';
import { loadStateFile, saveStateFile, sandboxFromStateFile, stateFileOf } from '../../../../engine/sandbox/state-file.ts';
import { sandboxTarget } from '../../../../engine/target.ts';
import { devConfig, launchLifecycleEvent, recordValues, terminateLifecycleEvent, world } from '../../../workflows/harness.ts';

const OLD_WEBLOGIC = 'i-0a3f5c2e9b7d41001';

async function directory(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'opsflow-state-'));
}

/** A replacement launched and routed: the record moves to it, the old instance still InService. */
async function launch(sandbox: SandboxAccount, engine: Engine): Promise<void> {
  const { instanceId, lifecycleActionToken } = sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.77', withLifecycleAction: true, replacement: true });
  const [execution] = await engine.send(launchLifecycleEvent(instanceId, lifecycleActionToken ?? ''));
  expect(execution?.status).toBe('SUCCEEDED');
}

/** Auto Scaling terminates the old instance; instance-dns completes its terminate hook. */
async function terminate(sandbox: SandboxAccount, engine: Engine): Promise<void> {
  const { lifecycleActionToken } = sandbox.terminateInstance({ instanceId: OLD_WEBLOGIC });
  const [execution] = await engine.send(terminateLifecycleEvent(OLD_WEBLOGIC, lifecycleActionToken ?? ''));
  expect(execution?.status).toBe('SUCCEEDED');
}

describe('sandbox state file', () => {
  it('a state saved after a launch, loaded, then a terminate, ends where one engine doing both would', async () => {
    const start = '2026-03-02T10:00:00Z';
    const one = await world({ sandbox: { clock: Clock.simulated(start) } });
    await launch(one.sandbox, one.engine);
    await terminate(one.sandbox, one.engine);

    const first = await world({ sandbox: { clock: Clock.simulated(start) } });
    await launch(first.sandbox, first.engine);
    const file = path.join(await directory(), 'state.json');
    await saveStateFile(file, first.sandbox);
    const maybeLoaded = await loadStateFile(file);
    expect(maybeLoaded).toBeInstanceOf(SandboxAccount);
    const loaded = maybeLoaded as SandboxAccount;
    expect(loaded.clock.now()).toEqual(first.sandbox.clock.now());
    const second = await Engine.create({ config: devConfig(), target: sandboxTarget(loaded) });
    await terminate(loaded, second);

    expect(loaded.snapshot()).toEqual(one.sandbox.snapshot());
    expect(loaded.clock.now()).toEqual(one.sandbox.clock.now());
    expect(recordValues(loaded)).toEqual(['10.20.1.77']);
    expect(second.executions).toHaveLength(1);
  });

  it('keeps every seed fixture whole through a save and a load: every service is in the file', async () => {
    const seeds = ['config/sandbox.json', ...(await readdir('test/fixtures/sandbox')).filter((name) => name.endsWith('.json')).map((name) => `test/fixtures/sandbox/${name}`)];
    for (const seed of seeds) {
      const sandbox = await SandboxAccount.fromSeedFile(seed);
      const restored = sandboxFromStateFile(JSON.parse(JSON.stringify(stateFileOf(sandbox))) as unknown, `state ${seed}`);
      expect(restored.snapshot(), seed).toEqual(sandbox.snapshot());
    }
  });

  it('keeps the clock of the engine, so a pending Route 53 change turns INSYNC in a later command', async () => {
    const { sandbox } = await world();
    const start = sandbox.clock.now().getTime();
    await sandbox.clock.advance(90);
    const restored = sandboxFromStateFile(JSON.parse(JSON.stringify(stateFileOf(sandbox))) as unknown, 'state s.json');
    expect(restored.clock.now().getTime()).toBe(start + 90_000);
    expect(restored.clock.realTime).toBe(false);
  });

  it('is a versioned JSON document', async () => {
    const { sandbox } = await world();
    const file = path.join(await directory(), 'state.json');
    await saveStateFile(file, sandbox);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ format: 'opsflow-sandbox-state', version: 1, clock: sandbox.clock.now().toISOString(), account: sandbox.snapshot() });
    expect(Number.isInteger(saved.idPosition)).toBe(true);
  });

  it('answers undefined for a file that does not exist yet (the command starts from its seed)', async () => {
    expect(await loadStateFile(path.join(await directory(), 'none.json'))).toBeUndefined();
  });

  it('saves atomically: the new state replaces the old and no temporary file is left', async () => {
    const dir = await directory();
    const file = path.join(dir, 'state.json');
    await writeFile(file, 'old');
    const { sandbox } = await world();
    await saveStateFile(file, sandbox);
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 'opsflow-sandbox-state' });
  });

  it('leaves the previous state whole when the new one cannot be written', async () => {
    const dir = await directory();
    const file = path.join(dir, 'missing-dir', 'state.json');
    const { sandbox } = await world();
    await expect(saveStateFile(file, sandbox)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  async function refusal(raw: unknown): Promise<string> {
    let refused: Error | undefined;
    try {
      sandboxFromStateFile(raw, 'state s.json');
    } catch (error) {
      refused = error as Error;
    }
    expect(refused?.name).toBe('InvalidStateFile');
    return refused?.message ?? '';
  }

  it('refuses what is not a state file, or of another version, in one line', async () => {
    const seed = JSON.parse(await readFile('config/sandbox.json', 'utf8')) as unknown;
    expect(await refusal(seed)).toBe('state s.json: not an opsflow sandbox state file (its "format" must be "opsflow-sandbox-state")');
    expect(await refusal([1, 2])).toContain('not an opsflow sandbox state file');
    const { sandbox } = await world();
    const good = stateFileOf(sandbox);
    expect(await refusal({ ...good, version: 2 })).toBe('state s.json: version 2 is not supported; this opsflow reads version 1');
    expect(await refusal({ ...good, version: undefined })).toBe('state s.json: version undefined is not supported; this opsflow reads version 1');
  });

  it('refuses a wrong field of the account, naming it', async () => {
    const { sandbox } = await world();
    const good = JSON.parse(JSON.stringify(stateFileOf(sandbox))) as { account: { route53: { hostedZones: { id?: string }[] }; ec2: { instances: object[] } }; clock: string };
    const noZoneId = structuredClone(good);
    delete noZoneId.account.route53.hostedZones[0]?.id;
    expect(await refusal(noZoneId)).toMatch(/^state s\.json: account\.route53\.hostedZones\.0\.id: /);
    expect(await refusal({ ...good, clock: 'yesterday' })).toMatch(/^state s\.json: clock: must be an ISO-8601 time/);
    expect(await refusal({ ...good, extra: true })).toBe('state s.json: top level: Unrecognized key: "extra"');
    const twice = structuredClone(good);
    twice.account.ec2.instances.push(twice.account.ec2.instances[0] ?? {});
    expect(await refusal(twice)).toMatch(/^state s\.json: account\.ec2\.instances\.\d+: i-[0-9a-f]+ appears twice$/);
  });

  type Saved = {
    account: {
      identityStore: { identityStoreId: string; users: Record<string, unknown>[]; groups: Record<string, unknown>[]; memberships: Record<string, unknown>[] };
      quickSight: { identityRegion: string; namespaces: Record<string, unknown>[]; users: Record<string, unknown>[]; groups: Record<string, unknown>[]; memberships: Record<string, unknown>[] };
      iam: { users: Record<string, unknown>[] };
    };
  };

  /** A state file of the identity fixture after `change`: its refusal, or '' when it loads. */
  async function identityRefusal(change: (saved: Saved) => void): Promise<string> {
    const { sandbox } = await world({ seed: 'test/fixtures/sandbox/identity.json' });
    const saved = JSON.parse(JSON.stringify(stateFileOf(sandbox))) as Saved;
    change(saved);
    try {
      sandboxFromStateFile(saved, 'state s.json');
      return '';
    } catch (error) {
      expect((error as Error).name).toBe('InvalidStateFile');
      return (error as Error).message;
    }
  }

  it('checks the identity store as a seed is checked: its id, each user and group, names and ids unique, memberships of known users and groups', async () => {
    expect(await identityRefusal(() => undefined)).toBe('');
    expect(await identityRefusal((saved) => { saved.account.identityStore.identityStoreId = 'nonsense'; })).toBe(
      'state s.json: account.identityStore.identityStoreId: must be an identity store id such as d-1234567890',
    );
    expect(await identityRefusal((saved) => { saved.account.identityStore.users[0]!.UserStatus = 'ENABLD'; })).toMatch(
      /^state s\.json: account\.identityStore\.users\.0\.UserStatus: .*"ENABLED"\|"DISABLED"/,
    );
    expect(await identityRefusal((saved) => { saved.account.identityStore.users[1]!.UserId = 'alice'; })).toMatch(/^state s\.json: account\.identityStore\.users\.1\.UserId: must be an identity store user id/);
    expect(await identityRefusal((saved) => { saved.account.identityStore.users[0]!.Titel = 'Finance-Analyst'; })).toMatch(/^state s\.json: account\.identityStore\.users\.0: Unrecognized key: "Titel"/);
    expect(await identityRefusal((saved) => { saved.account.identityStore.users[0]!.UserName = 'alice martin'; })).toMatch(/^state s\.json: account\.identityStore\.users\.0\.UserName: must be 1 to 128 letters/);
    expect(await identityRefusal((saved) => { delete saved.account.identityStore.users[0]!.CreatedAt; })).toMatch(/^state s\.json: account\.identityStore\.users\.0\.CreatedAt: /);

    const duplicatedUser = await identityRefusal((saved) => {
      const { users: stored } = saved.account.identityStore;
      stored.push({ ...stored[0]!, UserName: 'someone.else@example.com' });
    });
    expect(duplicatedUser).toMatch(/^state s\.json: account\.identityStore\.users\.\d+\.UserId: [0-9a-f-]+ appears twice$/);
    expect(await identityRefusal((saved) => { const { users: stored } = saved.account.identityStore; stored.push({ ...stored[0]!, UserId: '93677a1b2c-00000000-0000-4000-8000-000000000000' }); })).toMatch(
      /^state s\.json: account\.identityStore\.users\.\d+\.UserName: \S+@example\.com appears twice$/,
    );
    expect(await identityRefusal((saved) => { const { groups } = saved.account.identityStore; groups.push({ ...groups[0]! }); })).toMatch(/^state s\.json: account\.identityStore\.groups\.\d+\.DisplayName: .* appears twice$/);
    expect(await identityRefusal((saved) => { saved.account.identityStore.memberships[0]!.GroupId = '93677a1b2c-00000000-0000-4000-8000-000000000000'; })).toBe(
      'state s.json: account.identityStore.memberships.0.GroupId: 93677a1b2c-00000000-0000-4000-8000-000000000000 is not a GroupId of identityStore.groups',
    );
    expect(await identityRefusal((saved) => { saved.account.identityStore.memberships[0]!.UserId = '93677a1b2c-00000000-0000-4000-8000-000000000000'; })).toMatch(
      /^state s\.json: account\.identityStore\.memberships\.0\.UserId: .* is not a UserId of identityStore\.users$/,
    );
    expect(await identityRefusal((saved) => { const { memberships } = saved.account.identityStore; memberships.push({ ...memberships[0]!, MembershipId: '93677a1b2c-00000000-0000-4000-8000-000000000000' }); })).toMatch(
      /^state s\.json: account\.identityStore\.memberships\.\d+: this user is already a member of this group$/,
    );
  });

  it('checks QuickSight as a seed is checked: roles, identity types, namespaces, unique names, memberships of known users and groups', async () => {
    expect(await identityRefusal((saved) => { saved.account.quickSight.users[0]!.role = 'READR'; })).toMatch(/^state s\.json: account\.quickSight\.users\.0\.role: .*"READER"/);
    expect(await identityRefusal((saved) => { saved.account.quickSight.users[0]!.identityType = 'SAML'; })).toMatch(/^state s\.json: account\.quickSight\.users\.0\.identityType: /);
    expect(await identityRefusal((saved) => { saved.account.quickSight.users[0]!.namespace = 'marketing'; })).toMatch(/^state s\.json: account\.quickSight\.users\.0\.namespace: marketing is not in quickSight\.namespaces$/);
    expect(await identityRefusal((saved) => { saved.account.quickSight.identityRegion = 'everywhere'; })).toMatch(/^state s\.json: account\.quickSight\.identityRegion: must be an AWS Region/);
    expect(await identityRefusal((saved) => { const { users } = saved.account.quickSight; users.push({ ...users[0]! }); })).toMatch(/^state s\.json: account\.quickSight\.users\.\d+\.userName: user default\/.* appears twice$/);
    expect(await identityRefusal((saved) => { const { groups } = saved.account.quickSight; groups.push({ ...groups[0]! }); })).toMatch(/^state s\.json: account\.quickSight\.groups\.\d+\.groupName: group default\/.* appears twice$/);
    expect(await identityRefusal((saved) => { saved.account.quickSight.memberships[0]!.memberName = 'nobody'; })).toBe(
      'state s.json: account.quickSight.memberships.0.memberName: nobody is not a user of namespace default in quickSight.users',
    );
    expect(await identityRefusal((saved) => { saved.account.quickSight.memberships[0]!.groupName = 'Nowhere'; })).toBe(
      'state s.json: account.quickSight.memberships.0.groupName: Nowhere is not a group of namespace default in quickSight.groups',
    );
    const iamUser = await identityRefusal((saved) => {
      const user = saved.account.quickSight.users.find((candidate) => candidate.identityType === 'IAM');
      expect(user).toBeDefined();
      if (user) user.userName = 'SomeoneElse';
    });
    expect(iamUser).toMatch(/^state s\.json: account\.quickSight\.users\.\d+\.userName: must be .*, the name QuickSight gives this IAM identity$/);
  });

  it('reports a missing key at its field, never as an error of the store', async () => {
    const noName = await identityRefusal((saved) => { saved.account.iam.users.push({ arn: 'arn:aws:iam::123456789012:user/alice' }); });
    expect(noName).toMatch(/^state s\.json: account\.iam\.users\.\d+\.userName: /);
  });

  it('refuses a file that is not JSON, naming it', async () => {
    const file = path.join(await directory(), 'state.json');
    await writeFile(file, '{"format":');
    await expect(loadStateFile(file)).rejects.toMatchObject({ name: 'InvalidStateFile', message: expect.stringMatching(/^state .*state\.json: not valid JSON/) });
  });
});
