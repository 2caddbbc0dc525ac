import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

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

  it('says when an event matches nothing, with a non-zero exit', async () => {
    const result = await opsflow('routes', 'test/fixtures/cli/unrouted-launch.json', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toEqual([{ event: 'test/fixtures/cli/unrouted-launch.json', routes: [] }]);
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
    expect(result.out).toContain('instance-dns SUCCEEDED in');
  });

  it('runs a workflow with its schedule input', async () => {
    const result = await opsflow('run', 'dns-reconcile', '--schedule', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).output.report.summary).toBe('2 group(s): 2 in-sync');
  });

  it('exits non-zero when the execution fails', async () => {
    const result = await opsflow('run', 'instance-dns', '--event', 'test/fixtures/cli/unrouted-launch.json');
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED');
    expect(result.out).toContain('GroupNotConfigured: Auto Scaling group not-configured is not configured for instance-dns');
  });
});

describe('opsflow send', () => {
  it('refuses an event that matches no workflow before running anything', async () => {
    const result = await opsflow('send', 'test/fixtures/cli/unrouted-launch.json');
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe('opsflow: test/fixtures/cli/unrouted-launch.json: matches no workflow (see: opsflow routes test/fixtures/cli/unrouted-launch.json)');
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

describe('opsflow bad input: one line, non-zero exit, never a stack trace', () => {
  it.each([
    [['frobnicate'], 'opsflow: unknown command frobnicate (try: opsflow help)'],
    [['run', 'no-such-workflow', '--event', event], 'opsflow: unknown workflow no-such-workflow (known: instance-dns, dns-reconcile'],
    [['run', 'instance-dns'], 'opsflow: run needs exactly one of --event <file> or --schedule'],
    [['run', 'instance-dns', '--event', 'missing.json'], 'opsflow: event missing.json: no such file'],
    [['run', 'instance-dns', '--event', 'test/fixtures/cli/not-json.json'], 'opsflow: event test/fixtures/cli/not-json.json: not valid JSON'],
    [['run', 'instance-dns', '--event', event, '--config', 'test/fixtures/cli/reports-launch-successful.json'], 'opsflow: test/fixtures/cli/reports-launch-successful.json: instanceDns: Invalid input: expected object'],
    [['run', 'instance-dns', '--event', event, '--sandbox', event], 'opsflow: test/fixtures/cli/reports-launch-successful.json: (root): Unrecognized keys'],
    [['routes', event, '--bogus'], "opsflow: Unknown option '--bogus'"],
  ])('%j', async (argv, message) => {
    const result = await opsflow(...argv);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(result.err.startsWith(message)).toBe(true);
  });
});
