import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/main.ts';
import { Engine } from '../../../engine/engine.ts';

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const event = 'test/fixtures/cli/reports-launch-successful.json';

describe('opsflow routes', () => {
  it('names the workflow and trigger an event starts', async () => {
    const result = await opsflow('routes', event);
    expect(result).toMatchObject({ code: 0, out: `${event}: instance-dns (LaunchSuccessful)` });
  });

  it('exits 2 when an event matches nothing, still printing what it found, with one line on stderr', async () => {
    const result = await opsflow('routes', 'test/fixtures/cli/unrouted-launch.json', '--json');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.out)).toEqual([{ event: 'test/fixtures/cli/unrouted-launch.json', routes: [] }]);
    expect(result.err).toBe('opsflow: test/fixtures/cli/unrouted-launch.json: matches no workflow');
  });

  it('exits 2 when one of several events matches nothing, naming only that one', async () => {
    const result = await opsflow('routes', event, 'test/fixtures/cli/unrouted-launch.json');
    expect(result.code).toBe(2);
    expect(result.out.split('\n')).toEqual([`${event}: instance-dns (LaunchSuccessful)`, 'test/fixtures/cli/unrouted-launch.json: matches no workflow']);
    expect(result.err).toBe('opsflow: test/fixtures/cli/unrouted-launch.json: matches no workflow');
  });
});

describe('opsflow run', () => {
  it('runs a workflow on the sandbox and prints one JSON object with the account after the run', async () => {
    const result = await opsflow('run', 'instance-dns', '--event', event, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as { status: string; transitions: number; output: { plan: { verdict: string } }; account: { route53: unknown } };
    expect(report.status).toBe('SUCCEEDED');
    expect(report.output.plan.verdict).toBe('in-sync');
    expect(report.transitions).toBeGreaterThan(5);
    expect(JSON.stringify(report.account.route53)).toContain('10.30.2.25');
  });

  it('shows each state as it runs', async () => {
    const result = await opsflow('run', 'instance-dns', '--event', event);
    expect(result.out).toContain('instance-dns → ParseDnsEvent');
    expect(result.out).toMatch(/\ninstance-dns SUCCEEDED (at \w+ )?in \d+ transitions/);
  });

  it('names the Succeed state a successful execution ended in, which says what it did', async () => {
    const drill = await opsflow('run', 'search-dr-drill', '--schedule');
    const reconcile = await opsflow('run', 'dns-reconcile', '--schedule');

    expect(drill.code).toBe(0);
    expect(drill.out).toMatch(/\nsearch-dr-drill SUCCEEDED at NotTheStandby in \d+ transitions/);
    expect(reconcile.out).toMatch(/\ndns-reconcile SUCCEEDED at Reconciled in \d+ transitions/);
  });

  it('runs a workflow with its schedule input', async () => {
    const result = await opsflow('run', 'dns-reconcile', '--schedule', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).output.report.summary).toBe('2 group(s): 2 in-sync');
  });

  it('exits non-zero when the execution fails', async () => {
    const result = await opsflow('run', 'instance-dns', '--event', 'test/fixtures/cli/unrouted-launch.json');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/\ninstance-dns FAILED in \d+ transitions/);
    expect(result.out).toContain('GroupNotConfigured: Auto Scaling group not-configured is not configured for instance-dns');
  });
});

describe('opsflow send', () => {
  it('refuses an event that matches no workflow before running anything', async () => {
    const result = await opsflow('send', 'test/fixtures/cli/unrouted-launch.json');
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe('opsflow: test/fixtures/cli/unrouted-launch.json: matches no workflow (see: opsflow routes test/fixtures/cli/unrouted-launch.json)');
  });

  it("runs AWS's documented lifecycle event verbatim against a seed that holds its instance and token", async () => {
    const sample = 'events/samples/autoscaling/instance-launch-lifecycle-action-new-instance.json';
    const result = await opsflow('send', sample, '--config', 'test/fixtures/cli/documented-asg-config.json', '--sandbox', 'test/fixtures/cli/documented-asg-launch-seed.json', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as {
      status: string;
      executions: { output: { plan: { verdict: string } } }[];
      account: { autoScaling: { groups: { instances: { lifecycleState: string }[] }[]; lifecycleActions: unknown[] }; route53: { hostedZones: { records: { name: string; type: string; values: string[] }[] }[] } };
    };
    expect(report.status).toBe('SUCCEEDED');
    expect(report.executions.map((execution) => execution.output.plan.verdict)).toEqual(['change']);
    expect(report.account.autoScaling.groups[0]?.instances[0]?.lifecycleState).toBe('InService');
    expect(report.account.autoScaling.lifecycleActions).toEqual([]);
    expect(report.account.route53.hostedZones[0]?.records).toContainEqual({ name: 'admin.my-asg.example.internal.', type: 'A', ttl: 60, values: ['10.0.1.25'] });
  });
});

describe('opsflow graph and validate', () => {
  it('prints a Mermaid diagram generated from the ASL', async () => {
    const result = await opsflow('graph', 'instance-dns');
    expect(result.code).toBe(0);
    expect(result.out).toContain('flowchart TD');
    expect(result.out).toContain('route53:changeResourceRecordSets');
  });

  it('validates every definition', async () => {
    const result = await opsflow('validate');
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain('✓ instance-dns');
  });
});

describe('opsflow bad input: one line, exit 2, nothing run, never a stack trace', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'opsflow-cli-'));
  const jsonFile = (name: string, text: string): string => {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const notAnEvent = {
    array: jsonFile('array.json', '[{"source": "aws.autoscaling"}]'),
    string: jsonFile('string.json', '"EC2 Instance Launch Successful"'),
    number: jsonFile('number.json', '42'),
    boolean: jsonFile('boolean.json', 'true'),
    null: jsonFile('null.json', 'null'),
  };
  const deep = jsonFile('deep.json', `${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`);
  const huge = jsonFile('huge.json', JSON.stringify({ source: 'aws.autoscaling', 'detail-type': 'EC2 Instance Launch Successful', detail: { padding: 'x'.repeat(300_000) } }));
  const overBus = jsonFile('over-bus.json', JSON.stringify({ source: 'aws.autoscaling', 'detail-type': 'EC2 Instance Launch Successful', detail: { padding: 'x'.repeat(1_100_000) } }));

  it.each([
    [['frobnicate'], 'opsflow: unknown command frobnicate (try: opsflow help)'],
    [['run', 'no-such-workflow', '--event', event], 'opsflow: unknown workflow no-such-workflow (known: instance-dns, dns-reconcile'],
    [['run', 'instance-dns'], 'opsflow: run needs exactly one of --event <file> or --schedule'],
    [['run', 'instance-dns', '--schedule'], 'opsflow: instance-dns has no schedule; run it with --event <file>'],
    [['run', 'instance-dns', '--event', event, 'extra'], 'opsflow: unexpected argument extra'],
    [['run', 'instance-dns', '--event', 'missing.json'], 'opsflow: event missing.json: no such file'],
    [['run', 'instance-dns', '--event', 'test/fixtures/cli'], 'opsflow: event test/fixtures/cli: is a directory, not a file'],
    [['run', 'instance-dns', '--event', 'test/fixtures/cli/not-json.json'], 'opsflow: event test/fixtures/cli/not-json.json: not valid JSON'],
    [['run', 'instance-dns', '--event', notAnEvent.array], `opsflow: event ${notAnEvent.array}: holds an array, not a JSON object`],
    [['run', 'instance-dns', '--event', notAnEvent.string], `opsflow: event ${notAnEvent.string}: holds a string, not a JSON object`],
    [['run', 'dns-reconcile', '--event', notAnEvent.number], `opsflow: event ${notAnEvent.number}: holds a number, not a JSON object`],
    [['run', 'instance-dns', '--event', notAnEvent.boolean], `opsflow: event ${notAnEvent.boolean}: holds a boolean, not a JSON object`],
    [['run', 'instance-dns', '--event', notAnEvent.null], `opsflow: event ${notAnEvent.null}: holds null, not a JSON object`],
    [['send', event, notAnEvent.array], `opsflow: event ${notAnEvent.array}: holds an array, not a JSON object`],
    [['routes', notAnEvent.null], `opsflow: event ${notAnEvent.null}: holds null, not a JSON object`],
    [['routes', deep], `opsflow: ${deep}: `],
    [['send', deep], `opsflow: ${deep}: `],
    [['run', 'instance-dns', '--event', deep], `opsflow: ${deep}: `],
    [['routes', overBus], `opsflow: ${overBus}: `],
    [['send', overBus], `opsflow: ${overBus}: `],
    [['run', 'instance-dns', '--event', huge], `opsflow: ${huge}: 1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144`],
    [['run', 'instance-dns', '--event', event, '--config', 'test/fixtures/cli/reports-launch-successful.json'], 'opsflow: config test/fixtures/cli/reports-launch-successful.json: instanceDns: Invalid input: expected object'],
    [['run', 'instance-dns', '--event', event, '--config', notAnEvent.array], `opsflow: config ${notAnEvent.array}: (root): Invalid input: expected object, received array`],
    [['run', 'instance-dns', '--event', event, '--sandbox', event], 'opsflow: sandbox seed test/fixtures/cli/reports-launch-successful.json: (root): Unrecognized keys'],
    [['run', 'instance-dns', '--event', event, '--config', ''], 'opsflow: --config needs a value'],
    [['run', 'instance-dns', '--event', event, '--write'], 'opsflow: run does not take --write (try: opsflow help run)'],
    [['routes', event, '--bogus'], 'opsflow: routes does not take --bogus (try: opsflow help routes)'],
    [['routes', event, '--aws'], 'opsflow: routes does not take --aws (try: opsflow help routes)'],
    [['routes'], 'opsflow: missing event file (try: opsflow help routes)'],
    [['send', event, '--schedule'], 'opsflow: send does not take --schedule (try: opsflow help send)'],
    [['graph', 'instance-dns', 'dns-reconcile'], 'opsflow: unexpected argument dns-reconcile'],
    [['graph', 'instance-dns', '--json'], 'opsflow: graph does not take --json (try: opsflow help graph)'],
    [['validate', 'no-such-workflow'], 'opsflow: unknown workflow no-such-workflow (known: instance-dns'],
    [['demo', 'now'], 'opsflow: unexpected argument now'],
    [['demo', '--aws'], 'opsflow: demo does not take --aws (try: opsflow help demo)'],
  ])('%j', async (argv, message) => {
    const created = vi.spyOn(Engine, 'create');
    const result = await opsflow(...argv);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(result.err.startsWith(message)).toBe(true);
    expect(result.out).toBe('');
    expect(created).not.toHaveBeenCalled();
  });
});

describe('opsflow exit codes for help and for its own failures', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints the usage, with the exit codes, and exits 0 when asked for help', async () => {
    for (const argv of [['help'], ['--help'], ['run', '-h']]) {
      const result = await opsflow(...argv);
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toContain('exit codes: 0 done');
    }
  });

  it('exits 3 with one line naming the error when opsflow itself fails', async () => {
    vi.spyOn(Engine, 'create').mockRejectedValue(new TypeError('cannot read properties of undefined\n    at somewhere'));
    const result = await opsflow('run', 'instance-dns', '--event', event);
    expect(result).toMatchObject({ code: 3, out: '', err: 'opsflow: internal error: TypeError: cannot read properties of undefined' });
  });
});
