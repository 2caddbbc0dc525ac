import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnwritableFile } from '../../../cli/errors.ts';
import { keepState } from '../../../cli/executions.ts';
import { readConfig, SEED_DEFAULT_ACCOUNT } from '../../../cli/files.ts';
import { commands } from '../../../cli/commands/index.ts';
import { main } from '../../../cli/main.ts';
import { Engine } from '../../../engine/engine.ts';
import { partitionOf, scheduleRuleArn } from '../../../engine/naming.ts';
import { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { loadSample } from '../../../events/samples.ts';
import { workflows } from '../../../workflows/index.ts';

async function opsflow(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const readStdin = vi.fn(async () => stdin);
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line), readStdin });
  return { code, out: out.join('\n'), err: err.join('\n'), readStdin };
}

const event = 'test/fixtures/cli/reports-launch-successful.json';
const scratch = () => mkdtempSync(path.join(tmpdir(), 'opsflow-cli-line-'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('routes and send agree on Scheduled Events', () => {
  const seed = JSON.parse(readFileSync('config/sandbox.json', 'utf8')) as { accountId: string; region: string };

  /** The Scheduled Event EventBridge sends for a workflow's schedule rule, in the given account. */
  function scheduledEvent(workflow: string, trigger: string, accountId: string): string {
    const env = { partition: partitionOf(seed.region), region: seed.region, accountId, stage: 'local' };
    const file = path.join(scratch(), `${workflow}-${accountId}.json`);
    const sample = loadSample('schedule/scheduled-event.json') as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...sample, account: accountId, region: seed.region, resources: [scheduleRuleArn(env, workflow, trigger)] }));
    return file;
  }

  it('takes the seed default account a seed without one gets', () => {
    const account = SandboxAccount.fromSeed({});
    expect({ accountId: account.accountId, region: account.region }).toEqual(SEED_DEFAULT_ACCOUNT);
  });

  it('for every schedule rule, in the sandbox account and in account unknown, routes matches exactly when send runs', { timeout: 240_000 }, async () => {
    const config = await readConfig();
    const schedules = workflows.flatMap((module) => module.triggers(config).filter((trigger) => trigger.kind === 'schedule').map((trigger) => ({ workflow: module.name, trigger: trigger.id })));
    expect(schedules.length).toBeGreaterThan(0);
    let routedInSandbox = 0;
    for (const { workflow, trigger } of schedules) {
      for (const accountId of [seed.accountId, 'unknown']) {
        const file = scheduledEvent(workflow, trigger, accountId);
        const routed = await opsflow(['routes', file, '--json']);
        const sent = await opsflow(['send', file, '--json']);
        const workflowsRouted = routed.code === 0 ? (JSON.parse(routed.out) as { routes: { workflow: string }[] }[])[0]?.routes.map((route) => route.workflow) : [];
        expect({ workflow, accountId, routes: routed.code === 0, runs: sent.code !== 2 }).toEqual({ workflow, accountId, routes: sent.code !== 2, runs: routed.code === 0 });
        if (accountId === 'unknown') expect(routed.code).toBe(2);
        else if (routed.code === 0) {
          routedInSandbox += 1;
          expect(workflowsRouted).toContain(workflow);
        }
      }
    }
    expect(routedInSandbox).toBeGreaterThan(0);
  });

  it('routes reads the account from --sandbox and from an existing --state file, as run and send do', async () => {
    const dir = scratch();
    const other = path.join(dir, 'seed.json');
    // Another account's seed: the Detective graph's ARN names the account too.
    writeFileSync(other, readFileSync('config/sandbox.json', 'utf8').replaceAll(seed.accountId, '210987654321'));
    const config = await readConfig();
    const trigger = workflows.find((module) => module.name === 'dns-reconcile')?.triggers(config).find((candidate) => candidate.kind === 'schedule')?.id ?? '';
    const scheduled = scheduledEvent('dns-reconcile', trigger, '210987654321');
    expect((await opsflow(['routes', scheduled])).code).toBe(2);
    expect(await opsflow(['routes', scheduled, '--sandbox', other])).toMatchObject({ code: 0, out: `${scheduled}: dns-reconcile (${trigger})` });
    expect((await opsflow(['send', scheduled, '--sandbox', other, '--json'])).code).toBe(0);
    const state = path.join(dir, 'state.json');
    expect((await opsflow(['run', 'dns-reconcile', '--schedule', '--sandbox', other, '--state', state, '--json'])).code).toBe(0);
    expect((await opsflow(['routes', scheduled, '--state', state])).code).toBe(0);
    expect((await opsflow(['routes', scheduled, '--state', path.join(dir, 'not-yet.json')])).code).toBe(2);
  });
});

describe('--state names a file the user can write', () => {
  it.each([
    ['a directory that does not exist', (dir: string) => path.join(dir, 'no', 'such', 'state.json'), 'its directory'],
    ['an existing directory', (dir: string) => dir, 'is a directory, not a file'],
  ])('refuses %s before anything runs, naming the path given (exit 2)', async (_case, pathIn, reason) => {
    const dir = scratch();
    const state = pathIn(dir);
    const created = vi.spyOn(Engine, 'create');
    const result = await opsflow(['run', 'dns-reconcile', '--schedule', '--state', state]);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe(`opsflow: --state ${state}: ${reason === 'its directory' ? `its directory ${path.dirname(state)} does not exist` : reason}`);
    expect(created).not.toHaveBeenCalled();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a write that fails after the run names the path given, not the temporary file', async () => {
    const dir = path.join(scratch(), 'gone');
    const state = path.join(dir, 'state.json');
    const sandbox = SandboxAccount.fromSeed(JSON.parse(readFileSync('config/sandbox.json', 'utf8')));
    await expect(keepState({ state }, sandbox)).rejects.toThrow(new UnwritableFile(`state ${state}: cannot be written (no such file)`));
    expect((await opsflow(['run', 'dns-reconcile', '--schedule', '--state', state])).err).toBe(`opsflow: --state ${state}: its directory ${dir} does not exist`);
  });
});

describe('standard input and repeated options', () => {
  it.each([
    [['run', 'instance-dns', '--event', '-', '--state', 'story.json', '--state', 'other.json'], 'opsflow: --state is given more than once; give it once (try: opsflow help run)'],
    [['run', 'instance-dns', '--event', '-', '--state', '-'], 'opsflow: --state cannot be standard input (-): the file is written back after the command; name a file'],
    [['run', 'instance-dns', '--event', '-', '--event', '-'], 'opsflow: --event is given more than once; give it once (try: opsflow help run)'],
    [['run', 'instance-dns', '--event', 'a.json', '--event', 'b.json'], 'opsflow: --event is given more than once; give it once (try: opsflow help run)'],
    [['routes', event, '--config', 'a.json', '--config', 'b.json'], 'opsflow: --config is given more than once; give it once (try: opsflow help routes)'],
    [['routes', event, '--json', '--json'], 'opsflow: --json is given more than once; give it once (try: opsflow help routes)'],
    [['run', 'instance-dns', '--event', '-', '--config', '-'], 'opsflow: standard input (-) can be read only once'],
    [['send', '-', '--faults', '-'], 'opsflow: standard input (-) can be read only once'],
    [['send', event, '--sandbox', '-', '--faults', '-'], 'opsflow: standard input (-) can be read only once'],
    [['routes', '-', '--config', '-'], 'opsflow: standard input (-) can be read only once'],
    [['run', 'instance-dns', '-e', event], 'opsflow: run does not take -e (try: opsflow help run)'],
    [['run', 'instance-dns', '--event'], 'opsflow: --event needs a value (try: opsflow help run)'],
    [['routes', event, '--config'], 'opsflow: --config needs a value (try: opsflow help routes)'],
    [['run', 'instance-dns', '--event='], 'opsflow: --event needs a value (try: opsflow help run)'],
    [['reject', 'search-failover/x', '--reason', '-- not now'], 'opsflow: --reason needs a value; one that starts with - is written --reason=-… (try: opsflow help reject)'],
    [['run', 'dns-reconcile', '--schedule=yes'], 'opsflow: --schedule takes no value (try: opsflow help run)'],
  ])('%j is refused in one line, exit 2, stdin unread and nothing run', async (argv, message) => {
    const created = vi.spyOn(Engine, 'create');
    const result = await opsflow(argv, readFileSync(event, 'utf8'));
    expect(result).toMatchObject({ code: 2, out: '', err: message });
    expect(result.readStdin).not.toHaveBeenCalled();
    expect(created).not.toHaveBeenCalled();
  });

  it('reads --faults, --config and --sandbox from standard input', async () => {
    const faults = readFileSync('examples/faults/route53-throttling.json', 'utf8');
    const withFaults = await opsflow(['run', 'instance-dns', '--event', event, '--faults', '-', '--json'], faults);
    expect(withFaults.readStdin).toHaveBeenCalledTimes(1);
    expect(withFaults.code).not.toBe(2);
    const bad = await opsflow(['send', event, '--faults', '-'], '{"faults": [{}]}');
    expect(bad.err).toMatch(/^opsflow: faults standard input: faults\.0/);
    expect((await opsflow(['routes', event, '--config', '-'], readFileSync('config/dev.json', 'utf8'))).code).toBe(0);
    expect((await opsflow(['run', 'instance-dns', '--event', event, '--sandbox', '-', '--json'], readFileSync('config/sandbox.json', 'utf8'))).code).toBe(0);
  });
});

describe('help examples work on a fresh clone', () => {
  /** An example line as argv and standard input: `opsflow …`, `opsflow … < file` or `cat file | opsflow …`; story.json goes to a scratch directory. */
  function exampleCall(example: string): { argv: string[]; stdin: string } {
    const piped = /^cat (\S+) \| (.*)$/.exec(example);
    const [line, redirected] = (piped ? piped[2] ?? '' : example).split(' < ');
    const input = piped?.[1] ?? redirected;
    const story = path.join(scratch(), 'story.json');
    const argv = (line ?? '').trim().split(/\s+/).slice(1).map((arg) => (arg === 'story.json' ? story : arg));
    return { argv, stdin: input === undefined ? '' : readFileSync(input, 'utf8') };
  }

  it.each(['routes', 'send', 'run'] as const)('every example of help %s exits 0', { timeout: 120_000 }, async (name) => {
    const command = await commands[name].load();
    for (const example of command.examples) {
      const { argv, stdin } = exampleCall(example);
      const result = await opsflow(argv, stdin);
      expect({ example, code: result.code, err: result.err }).toEqual({ example, code: 0, err: '' });
    }
  });

  it('help routes says --json prints an array, as it does', async () => {
    expect((await opsflow(['help', 'routes'])).out).toContain('--json');
    expect((await opsflow(['help', 'routes'])).out).toContain('a JSON array');
    expect(Array.isArray(JSON.parse((await opsflow(['routes', event, '--json'])).out))).toBe(true);
  });

  it("the README's --state walk names files that exist and routes them", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const walk = [...readme.matchAll(/npx opsflow send (\S+) --state/g)].map((match) => match[1] ?? '');
    expect(walk.length).toBeGreaterThan(1);
    expect((await opsflow(['routes', ...walk])).code).toBe(0);
  });
});

describe('smaller refusals read as one clear line', () => {
  it('send names the file of an event over the 256 KiB execution input limit, as run does', async () => {
    const big = path.join(scratch(), 'big.json');
    const launch = JSON.parse(readFileSync(event, 'utf8')) as { detail: Record<string, unknown> };
    writeFileSync(big, JSON.stringify({ ...launch, detail: { ...launch.detail, padding: 'x'.repeat(270_000) } }));
    const sent = await opsflow(['send', big]);
    const ran = await opsflow(['run', 'instance-dns', '--event', big]);
    expect(sent).toMatchObject({ code: 2, out: '' });
    expect(sent.err).toMatch(new RegExp(`^opsflow: ${big}: .*262144`));
    expect(sent.err).toBe(ran.err);
  });

  it.each([
    ['not json\n', String.raw`not valid JSON (Unexpected token 'o', "not json\n" is not valid JSON)`],
    ['{"a":\n', 'not valid JSON ('],
  ])('a JSON error keeps its quote whole on one line (%j)', async (text, message) => {
    const result = await opsflow(['routes', '-'], text);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`opsflow: event standard input: ${message}`);
    expect(result.err.split('\n')).toHaveLength(1);
  });

  it.each([
    [[''], 'opsflow: unknown command "" (try: opsflow help)'],
    [['demo', 'extra'], 'opsflow: unexpected argument extra (opsflow demo)'],
    [['routes', '--help', 'extra'], 'opsflow: unexpected argument extra with --help (opsflow routes --help)'],
    [['run', '-h', 'instance-dns'], 'opsflow: unexpected argument instance-dns with --help (opsflow run --help)'],
  ])('%j is refused in one line, exit 2', async (argv, message) => {
    expect(await opsflow(argv)).toMatchObject({ code: 2, out: '', err: message });
  });

  it('graph --write says unchanged when the diagrams are current', async () => {
    const result = await opsflow(['graph', 'instance-dns', '--write']);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/workflows\/instance-dns\/README\.md unchanged, README\.md unchanged$/);
  });
});

describe("README's --faults section", () => {
  it('names every service a fault rule can take, the sandbox\'s and the engine\'s', async () => {
    const { serviceKeys } = await import('../../../engine/sandbox/services/index.ts');
    const { engineAnswered } = await import('../../../engine/faults.ts');
    const row = /^\| `faults\[\]\.service` \|.*$/m.exec(readFileSync('README.md', 'utf8'))?.[0] ?? '';
    for (const service of [...serviceKeys, ...Object.keys(engineAnswered)]) expect(row).toContain(`\`${service}\``);
  });

  it('a workflow rule still needs its service, as the README says', async () => {
    const faults = JSON.stringify({ faults: [{ workflow: 'instance-dns', error: 'Throttling' }] });
    const result = await opsflow(['run', 'instance-dns', '--event', event, '--faults', '-'], faults);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^opsflow: faults standard input: faults\.0\.service: /);
    expect(readFileSync('README.md', 'utf8')).toContain('| `faults[].service` | always required');
  });
});
