import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { SandboxAccount } from '../../engine/sandbox/index.ts';
import { loadStateFile, saveStateFile } from '../../engine/sandbox/state-file.ts';
import { instanceState, launchLifecycleEvent, lifecycleState, recordValues, terminateLifecycleEvent, WEBLOGIC_RECORD, ZONE } from './harness.ts';

const OLD_WEBLOGIC = 'i-0a3f5c2e9b7d41001';
const NEW_ADDRESS = '10.20.1.77';

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** What AWS does between two commands (Auto Scaling launching or terminating, a person editing a record), applied to the state file. */
async function meanwhile(file: string, change: (sandbox: SandboxAccount) => void): Promise<void> {
  const sandbox = await loadStateFile(file);
  expect(sandbox).toBeInstanceOf(SandboxAccount);
  change(sandbox as SandboxAccount);
  await saveStateFile(file, sandbox as SandboxAccount);
}

async function account(file: string): Promise<SandboxAccount> {
  return (await loadStateFile(file)) as SandboxAccount;
}

interface SavedFile {
  clock: string;
  account: { route53: { changes: { id: string }[] } };
}

const saved = (file: string): SavedFile => JSON.parse(readFileSync(file, 'utf8')) as SavedFile;

describe('instance-dns through --state, one command at a time', () => {
  it('launch, then terminate, then dns-reconcile: each command starts where the last one left the account', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsflow-story-'));
    const state = path.join(dir, 'state.json');
    const eventFile = (name: string, event: unknown): string => {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify(event));
      return file;
    };

    // Auto Scaling launches a replacement into Pending:Wait on the launch hook (the CLI's default seed).
    const seeded = SandboxAccount.fromSeed(JSON.parse(readFileSync('config/sandbox.json', 'utf8')) as unknown);
    const launched = seeded.launchInstance({ group: 'weblogic-admin', privateIpAddress: NEW_ADDRESS, withLifecycleAction: true, replacement: true });
    await saveStateFile(state, seeded);

    const first = await opsflow('send', eventFile('launch.json', launchLifecycleEvent(launched.instanceId, launched.lifecycleActionToken ?? '')), '--state', state);
    expect(first.code, first.err).toBe(0);
    let now = await account(state);
    expect(recordValues(now)).toEqual([NEW_ADDRESS]);
    expect(lifecycleState(now, launched.instanceId)).toBe('InService');
    const afterLaunch = saved(state);
    expect(afterLaunch.account.route53.changes).toHaveLength(1);

    // Auto Scaling terminates the old instance: Terminating:Wait on the terminate hook.
    let terminateToken = '';
    await meanwhile(state, (sandbox) => {
      terminateToken = sandbox.terminateInstance({ instanceId: OLD_WEBLOGIC }).lifecycleActionToken ?? '';
    });
    expect(terminateToken).toHaveLength(36);
    const second = await opsflow('send', eventFile('terminate.json', terminateLifecycleEvent(OLD_WEBLOGIC, terminateToken)), '--state', state);
    expect(second.code, second.err).toBe(0);
    now = await account(state);
    expect(instanceState(now, OLD_WEBLOGIC)).toBe('terminated');
    expect(recordValues(now)).toEqual([NEW_ADDRESS]);
    expect(Date.parse(saved(state).clock)).toBeGreaterThanOrEqual(Date.parse(afterLaunch.clock));

    // Someone points the record back at the old address by hand: the reconcile repairs it from what it reads now.
    await meanwhile(state, (sandbox) => sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: ['10.20.1.15'] }));
    const third = await opsflow('run', 'dns-reconcile', '--schedule', '--state', state, '--json');
    expect(third.code, third.err).toBe(0);
    now = await account(state);
    expect(recordValues(now)).toEqual([NEW_ADDRESS]);
    const changes = saved(state).account.route53.changes.map((change) => change.id);
    expect(changes.length).toBeGreaterThan(1);
    expect(new Set(changes).size).toBe(changes.length);
  });
});
