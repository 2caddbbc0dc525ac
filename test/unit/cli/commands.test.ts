import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usageOf } from '../../../cli/command.ts';
import { commands } from '../../../cli/commands/index.ts';
import { main } from '../../../cli/main.ts';
import { Engine } from '../../../engine/engine.ts';
import { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../../engine/target.ts';
import { DEFAULT_SANDBOX, readConfig } from '../../../cli/files.ts';
import { listSamples, loadSample } from '../../../events/samples.ts';

async function opsflow(argv: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const readStdin = vi.fn(async () => stdin ?? '');
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line), readStdin });
  return { code, out: out.join('\n'), err: err.join('\n'), readStdin };
}

const event = 'test/fixtures/cli/reports-launch-successful.json';
const eventText = readFileSync(event, 'utf8');
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('opsflow help', () => {
  it.each(Object.keys(commands))("help %s, and --help after it, print that command's usage, every option and an example on stdout", async (name) => {
    const command = await commands[name as keyof typeof commands].load();
    const asked = await opsflow(['help', name]);
    const flag = await opsflow([name, '--help']);

    expect(asked).toMatchObject({ code: 0, err: '' });
    expect(flag).toMatchObject({ code: 0, err: '', out: asked.out });
    expect(asked.out.startsWith(`usage: opsflow ${name} `)).toBe(true);
    expect(asked.out).toContain(usageOf(command));
    for (const option of Object.keys(command.options)) expect(asked.out).toContain(`--${option}`);
    expect(asked.out).toMatch(/\nexamples?:\n {2}opsflow /);
    expect(asked.out).toContain('exit codes: 0 done');
  });

  it('lists every command in the overview, for help, --help and -h', async () => {
    for (const argv of [['help'], ['--help'], ['-h']]) {
      const result = await opsflow(argv);
      expect(result).toMatchObject({ code: 0, err: '' });
      for (const name of Object.keys(commands)) expect(result.out).toContain(`\n  ${name} `);
    }
  });

  it('prints the overview on stderr with exit 2 when no command is given', async () => {
    const result = await opsflow([]);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err.split('\n')[0]).toBe('opsflow: missing command');
    expect(result.err).toContain('usage: opsflow <command> [options]');
  });

  it('prints the version in package.json', async () => {
    expect(await opsflow(['--version'])).toMatchObject({ code: 0, out: version, err: '' });
  });

  it.each([
    [['help', 'frobnicate'], 'opsflow: unknown command frobnicate (try: opsflow help)'],
    [['help', 'run', 'send'], 'opsflow: unexpected argument send (opsflow help [command])'],
    [['help', '--json'], 'opsflow: help does not take --json (try: opsflow help help)'],
    [['--version', 'now'], 'opsflow: unexpected argument now (opsflow --version)'],
    [['--json', 'routes', event], 'opsflow: a command comes first, its options after it: opsflow <command> --json (try: opsflow help)'],
    [['routes', '-', '-'], 'opsflow: standard input (-) can be read only once'],
    [['send', event, '-', '-'], 'opsflow: standard input (-) can be read only once'],
    [['run', 'instance-dns', 'dns-reconcile', '--event', event], 'opsflow: unexpected argument dns-reconcile (opsflow run <workflow> (--event <file> | --schedule) [options])'],
    [['validate', '--write'], 'opsflow: validate does not take --write (try: opsflow help validate)'],
    [['run', 'instance-dns', '--event'], 'opsflow: --event needs a value (try: opsflow help run)'],
  ])('%j is refused in one line on stderr, exit 2, nothing run', async (argv, message) => {
    const created = vi.spyOn(Engine, 'create');
    const result = await opsflow(argv);
    expect(result).toMatchObject({ code: 2, out: '', err: message });
    expect(created).not.toHaveBeenCalled();
  });
});

describe('a file named - is standard input', () => {
  it('run --event - runs the event read from standard input', async () => {
    const result = await opsflow(['run', 'instance-dns', '--event', '-', '--json'], eventText);
    expect(result.code).toBe(0);
    expect(result.readStdin).toHaveBeenCalledTimes(1);
    expect(JSON.parse(result.out)).toMatchObject({ status: 'SUCCEEDED', output: { plan: { verdict: 'in-sync' } } });
  });

  it('routes - and send - take the event from standard input, named so in their answer', async () => {
    expect(await opsflow(['routes', '-'], eventText)).toMatchObject({ code: 0, out: 'standard input: instance-dns (LaunchSuccessful)' });
    const sent = await opsflow(['send', event, '-', '--json'], eventText);
    expect(sent.code).toBe(0);
    expect((JSON.parse(sent.out) as { executions: unknown[] }).executions).toHaveLength(2);
  });

  it('reads an event saved with a UTF-8 byte order mark, as some Windows editors save it', async () => {
    expect(await opsflow(['routes', '-'], `\uFEFF${eventText}`)).toMatchObject({ code: 0, out: 'standard input: instance-dns (LaunchSuccessful)' });
  });

  it('refuses standard input that is not an event, saying so', async () => {
    expect(await opsflow(['run', 'instance-dns', '--event', '-'], '{"source": ')).toMatchObject({ code: 2, out: '' });
    expect((await opsflow(['routes', '-'], '{"source": ')).err).toMatch(/^opsflow: event standard input: not valid JSON \(/);
    expect((await opsflow(['run', 'instance-dns', '--event', '-'], '[1]')).err).toMatch(/^opsflow: event standard input: holds an array, not a JSON object/);
  });
});

/** The engine send builds: on the default sandbox seed's account. */
async function sandboxEngine(config: Awaited<ReturnType<typeof readConfig>>): Promise<Engine> {
  const sandbox = SandboxAccount.fromSeed(JSON.parse(readFileSync(DEFAULT_SANDBOX, 'utf8')));
  return Engine.create({ config, target: sandboxTarget(sandbox, { region: config.region }) });
}

describe('opsflow routes without the engine', () => {
  it.each(['config/dev.json', 'test/fixtures/cli/documented-asg-config.json'])('answers for every AWS sample exactly as the engine send uses routes it (config %s)', async (configFile) => {
    const config = await readConfig(configFile);
    const engine = await sandboxEngine(config);
    const created = vi.spyOn(Engine, 'create');
    const samples = listSamples();
    const result = await opsflow(['routes', ...samples.map((sample) => `events/samples/${sample}`), '--config', configFile, '--json']);

    const expected = samples.map((sample) => ({ event: `events/samples/${sample}`, routes: engine.routes(loadSample(sample)) }));
    expect(JSON.parse(result.out)).toEqual(expected);
    expect(created).not.toHaveBeenCalled();
  });

  it('has samples that route under the fixture config, so the comparison above has matches to agree on', async () => {
    const config = await readConfig('test/fixtures/cli/documented-asg-config.json');
    const engine = await sandboxEngine(config);
    const routed = new Set(listSamples().flatMap((sample) => engine.routes(loadSample(sample)).map((route) => route.workflow)));
    expect([...routed]).toContain('instance-dns');
  });
});

describe('bin/opsflow.js, as a process', () => {
  const run = promisify(execFile);

  it('answers --version on stdout with exit 0', async () => {
    const { stdout, stderr } = await run(process.execPath, ['bin/opsflow.js', '--version']);
    expect({ stdout, stderr }).toEqual({ stdout: `${version}\n`, stderr: '' });
  });

  // The compiled command (after npm ci) or the sources through tsx (after an edit): both must run every command.
  it('validates a definition and runs a workflow on the sandbox', { timeout: 120_000 }, async () => {
    const validated = await run(process.execPath, ['bin/opsflow.js', 'validate', 'instance-dns']);
    expect(validated).toEqual({ stdout: '✓ instance-dns\n', stderr: '' });
    const ran = await run(process.execPath, ['bin/opsflow.js', 'run', 'instance-dns', '--event', event, '--json']);
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'SUCCEEDED', output: { plan: { verdict: 'in-sync' } } });
  });

  it('prints usage on stderr with exit 2 for a mistake', async () => {
    const failure = await run(process.execPath, ['bin/opsflow.js', 'routes']).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2, stdout: '', stderr: 'opsflow: missing event file (try: opsflow help routes)\n' });
  });
});
