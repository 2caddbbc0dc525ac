import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const launch = 'test/fixtures/cli/reports-launch-successful.json';
const unrouted = 'test/fixtures/cli/unrouted-launch.json';
const scratch = () => mkdtempSync(path.join(tmpdir(), 'opsflow-cli-'));

function fileWith(content: unknown): string {
  const file = path.join(scratch(), 'file.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('opsflow routes --explain', () => {
  it('for an event that matches nothing, says for each rule the first field that failed, and exits 2', async () => {
    const result = await opsflow('routes', unrouted, '--explain');
    expect(result.code).toBe(2);
    const lines = result.out.split('\n');
    expect(lines[0]).toBe(`${unrouted}: matches no workflow`);
    expect(lines).toContain('  finding-enrichment FlaggedFindingsImported: source: wanted one of ["aws.securityhub"], event has "aws.autoscaling"');
    expect(lines.filter((line) => line.startsWith('  instance-dns LaunchSuccessful: '))).toHaveLength(1);
    expect(lines.length).toBeGreaterThan(5);
  });

  it('for a match, names the rule', async () => {
    const result = await opsflow('routes', launch, '--explain');
    expect(result).toMatchObject({ code: 0, out: `${launch}: instance-dns (LaunchSuccessful)\n  instance-dns LaunchSuccessful: matches its pattern` });
  });

  it('gives the same as data with --json', async () => {
    const result = await opsflow('routes', unrouted, '--explain', '--json');
    const [first] = JSON.parse(result.out) as { explanation: { workflow: string; trigger: string; matched: boolean; pattern?: { branches: { mismatch?: { field: string; wanted: unknown[]; found: unknown[] } }[] } }[] }[];
    const rule = first?.explanation.find((candidate) => candidate.trigger === 'FlaggedFindingsImported');
    expect(rule?.matched).toBe(false);
    expect(rule?.pattern?.branches[0]?.mismatch).toMatchObject({ field: 'source', wanted: ['aws.securityhub'], found: ['aws.autoscaling'] });
  });

  it('is refused by commands other than routes', async () => {
    expect(await opsflow('run', 'instance-dns', '--event', launch, '--explain')).toMatchObject({ code: 2, err: 'opsflow: run does not take --explain (try: opsflow help run)' });
  });
});

describe('opsflow --faults', () => {
  it('run: rehearses Route 53 throttling; the run retries and succeeds', async () => {
    const faults = fileWith({ faults: [{ service: 'route53', operation: 'ListResourceRecordSets', error: 'Throttling', times: 2 }] });
    const result = await opsflow('run', 'instance-dns', '--event', launch, '--faults', faults);
    expect(result.code).toBe(0);
    expect(result.out.split('\n').filter((line) => line.includes('↻ ReadRecord retried after Route53.Route53Exception'))).toHaveLength(2);
  });

  it('send: an outage fails the execution (exit 1) with the error the alarm reports', async () => {
    const result = await opsflow('send', launch, '--faults', 'examples/faults/route53-outage.json', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { status: string; executions: { error?: string }[] };
    expect(report.status).toBe('FAILED');
    expect(report.executions[0]?.error).toMatch(/^Route53\./);
  });

  it('demo: the rules apply to each story, whose steps then come out otherwise (exit 1)', async () => {
    const faults = fileWith({ faults: [{ service: 'route53', error: 'ServiceUnavailable' }] });
    expect((await opsflow('demo', '--faults', faults)).code).toBe(1);
  });

  it.each([
    [{ faults: [{ service: 'route53', error: 'Throttling', nth: [0] }] }, 'faults.0.nth.0: Too small'],
    [{ faults: [{ service: 'route53', operation: 'DeleteEverything', error: 'Throttling' }] }, 'faults.0.operation: route53 has no simulated operation DeleteEverything'],
    [{ faults: [{ service: 'route53', workflow: 'instance-dns', state: 'Nope', error: 'Throttling' }] }, 'faults.0.state: no Task state named Nope in instance-dns'],
    ['{"faults": [', 'not valid JSON'],
  ])('refuses a bad file %j with one line naming the file and the field, exit 2, nothing run', async (content, message) => {
    const faults = fileWith(content);
    const state = path.join(scratch(), 'state.json');
    const result = await opsflow('send', launch, '--faults', faults, '--state', state);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(new RegExp(`^opsflow: faults ${faults.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(result.err).toContain(message);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(existsSync(state)).toBe(false);
  });

  it('refuses a missing file for demo too', async () => {
    expect(await opsflow('demo', '--faults', 'no/such.json')).toMatchObject({ code: 2, err: 'opsflow: faults no/such.json: no such file' });
  });
});

describe('opsflow --state', () => {
  it('starts from the seed when the file does not exist, and saves the account after the run', async () => {
    const state = path.join(scratch(), 'state.json');
    const result = await opsflow('run', 'instance-dns', '--event', launch, '--state', state, '--json');
    expect(result.code).toBe(0);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { format: string; version: number; account: unknown };
    expect(saved).toMatchObject({ format: 'opsflow-sandbox-state', version: 1 });
    expect(saved.account).toEqual((JSON.parse(result.out) as { account: unknown }).account);
  });

  it('loads the account from the file when it exists, and ignores the seed then', async () => {
    const state = path.join(scratch(), 'state.json');
    await opsflow('run', 'instance-dns', '--event', launch, '--state', state);
    const before = JSON.parse(readFileSync(state, 'utf8')) as { clock: string; account: { route53: { changes: unknown[] } } };
    const result = await opsflow('run', 'dns-reconcile', '--schedule', '--state', state, '--sandbox', 'no/such/seed.json', '--json');
    expect(result.code).toBe(0);
    const after = JSON.parse(readFileSync(state, 'utf8')) as { clock: string; account: { route53: { changes: unknown[] } } };
    expect(after.account.route53.changes.length).toBeGreaterThanOrEqual(before.account.route53.changes.length);
    expect(Date.parse(after.clock)).toBeGreaterThanOrEqual(Date.parse(before.clock));
  });

  it('refuses a file that is not a state file, or of another version, with one line (exit 2), and leaves it as it was', async () => {
    const seed = fileWith(readFileSync('config/sandbox.json', 'utf8'));
    expect(await opsflow('send', launch, '--state', seed)).toMatchObject({
      code: 2,
      err: `opsflow: state ${seed}: not an opsflow sandbox state file (its "format" must be "opsflow-sandbox-state")`,
    });
    expect(readFileSync(seed, 'utf8')).toBe(readFileSync('config/sandbox.json', 'utf8'));
    const future = fileWith({ format: 'opsflow-sandbox-state', version: 2 });
    expect(await opsflow('run', 'dns-reconcile', '--schedule', '--state', future)).toMatchObject({
      code: 2,
      err: `opsflow: state ${future}: version 2 is not supported; this opsflow reads version 1`,
    });
  });

  it('does not go with --aws; routes only reads it (the account schedule rules name), writing nothing', async () => {
    expect(await opsflow('send', launch, '--aws', '--state', 's.json')).toMatchObject({ code: 2, err: 'opsflow: --state keeps a sandbox account; it does not go with --aws' });
    const state = path.join(scratch(), 's.json');
    expect((await opsflow('routes', launch, '--state', state)).code).toBe(0);
    expect(existsSync(state)).toBe(false);
  });
});
