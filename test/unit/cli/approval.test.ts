import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dryRunPlan, formatGateRequest, formatPlan, terminal } from '../../../cli/approval.ts';
import { main } from '../../../cli/main.ts';
import { Engine } from '../../../engine/engine.ts';

/**
 * `opsflow run` at an approval gate, with a test-only workflow (test/fixtures/cli/approval-gate)
 * added to the workflows and its two functions to the registry: requestTestApproval keeps the
 * token it is sent, applyTestChange counts the changes made after the gate.
 */

const gate = vi.hoisted(() => ({ tokens: [] as string[], changes: 0 }));

vi.mock('../../../workflows/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../workflows/index.ts')>();
  const approvalGate: import('../../../workflows/types.ts').WorkflowModule = {
    name: 'approval-gate',
    stateMachineName: 'ApprovalGate',
    description: 'test only: a plan, an approval gate, then a change',
    type: 'STANDARD',
    functions: ['requestTestApproval', 'applyTestChange'],
    triggers: () => [],
    iamStatements: () => [],
    approval: { state: 'AwaitApproval' },
  };
  return { ...original, workflows: [...original.workflows, approvalGate] };
});

vi.mock('../../../workflows/definition.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../workflows/definition.ts')>();
  const { readFile } = await import('node:fs/promises');
  return {
    ...original,
    loadDefinition: async (module: { name: string }) =>
      module.name === 'approval-gate'
        ? JSON.parse(await readFile(new URL('../../fixtures/cli/approval-gate/definition.asl.json', import.meta.url), 'utf8'))
        : original.loadDefinition(module),
  };
});

vi.mock('../../../handlers/registry.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../handlers/registry.ts')>();
  const fake = (handler: (event: Record<string, unknown>) => unknown) => ({
    handler: 'test/fixtures/engine/fake.handler',
    description: 'test only',
    timeoutSeconds: 30,
    memorySize: 128,
    load: async () => ({ handler: async (event: Record<string, unknown>) => handler(event) }),
  });
  return {
    ...original,
    functionRegistry: {
      ...original.functionRegistry,
      requestTestApproval: fake((event) => {
        gate.tokens.push(String(event.taskToken));
        return { requested: true };
      }),
      applyTestChange: fake(() => {
        gate.changes += 1;
        return { changed: true };
      }),
    },
  };
});

const plan = {
  runbook: 'failover',
  region: 'eu-central-1',
  domainName: 'catalog',
  endpoint: 'https://search-catalog.eu-central-1.es.amazonaws.com',
  engineVersion: 'OpenSearch_2.13',
  repository: { name: 'opsflow-dr', bucket: 'opsflow-search-dr-eu-central-1', basePath: 'catalog' },
  snapshot: 'opsflow-20261130t1100z',
  snapshotTakenAt: '2026-11-30T11:00:00.000Z',
  sourceRegion: 'eu-west-1',
  sourceDomain: 'catalog',
  indices: [
    { index: 'orders', restoreAs: 'orders', before: 1200, after: 1210 },
    { index: 'products', restoreAs: 'restored-products', before: 80, after: null },
  ],
  conflicts: ['products'],
  conflictOption: 'rename',
  renamePattern: '(.+)',
  renameReplacement: 'restored-$1',
  dns: { zoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.', from: 'search-catalog.eu-west-1.es.amazonaws.com', to: 'search-catalog.eu-central-1.es.amazonaws.com' },
  dryRun: false,
  reason: 'eu-west-1 is down',
  finalSnapshot: false,
};

let dir: string;

async function eventFile(input: unknown): Promise<string> {
  const path = join(dir, `request-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify(input));
  return path;
}

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The engine `run` creates, for a test to move its clock. */
function capturedEngine(): { current?: Engine } {
  const captured: { current?: Engine } = {};
  const create = Engine.create.bind(Engine);
  vi.spyOn(Engine, 'create').mockImplementation(async (options) => {
    captured.current = await create(options);
    return captured.current;
  });
  return captured;
}

/** A person at the terminal who answers `answer` (given the question and the prompt's signal), for each question in turn. */
function personAnswering(...answers: ((question: string, signal: AbortSignal) => Promise<string | undefined>)[]) {
  vi.spyOn(terminal, 'interactive').mockReturnValue(true);
  const asked: string[] = [];
  const closed = vi.fn();
  vi.spyOn(terminal, 'open').mockImplementation((signal) => ({
    ask: async (question) => {
      asked.push(question);
      const answer = answers[asked.length - 1];
      return answer ? answer(question, signal) : undefined;
    },
    close: closed,
  }));
  return { asked, closed };
}

const says = (text: string | undefined) => async () => text;

/** No output line holds a token the gate was sent. */
function expectNoToken(result: { out: string; err: string }): void {
  expect(gate.tokens.length).toBeGreaterThan(0);
  for (const token of gate.tokens) expect(`${result.out}\n${result.err}`).not.toContain(token);
}

beforeEach(async () => {
  gate.tokens.length = 0;
  gate.changes = 0;
  dir = await mkdtemp(join(tmpdir(), 'opsflow-approval-'));
  vi.spyOn(terminal, 'interactive').mockReturnValue(false);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('opsflow run at an approval gate', { timeout: 60_000 }, () => {
  it('--approve shows the plan, answers {approved, by, at} on the engine clock, and the change runs', async () => {
    const request = await eventFile({ plan });
    const result = await opsflow('run', 'approval-gate', '--event', request, '--approve');

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Plan: failover into eu-central-1, domain catalog (OpenSearch_2.13)');
    expect(result.out).toContain('  DNS            search.corp.internal. (zone Z0OPSFLOWINTERNAL01): search-catalog.eu-west-1.es.amazonaws.com → search-catalog.eu-central-1.es.amazonaws.com');
    expect(result.out).toMatch(new RegExp(`\nApproved by ${userInfo().username} at \\d{4}-\\d{2}-\\d{2}T`));
    expect(result.out).toContain('approval-gate SUCCEEDED');
    expect(gate.changes).toBe(1);
    expectNoToken(result);
  });

  it('--approve --json: the plan goes to stderr, stdout is the one JSON object, whose output holds the approval', async () => {
    const request = await eventFile({ plan });
    const result = await opsflow('run', 'approval-gate', '--event', request, '--approve', '--json');

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out) as { status: string; output: { approval: unknown }; states: { name: string; exitedAt?: string }[] };
    const answeredAt = summary.states.find((state) => state.name === 'AwaitApproval')?.exitedAt;
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.output.approval).toEqual({ approved: true, by: userInfo().username, at: answeredAt });
    expect(result.err).toContain('Plan: failover into eu-central-1');
    expectNoToken(result);
  });

  it('--reject <reason> fails the gate with RunbookRejected and the reason, and nothing changes', async () => {
    const request = await eventFile({ plan });
    const result = await opsflow('run', 'approval-gate', '--event', request, '--reject', 'not during the sale');

    expect(result.code).toBe(1);
    expect(result.out).toContain('Plan: failover');
    expect(result.out).toContain('approval-gate FAILED in');
    expect(result.out).toContain('RunbookRejected: not during the sale');
    expect(gate.changes).toBe(0);
    expectNoToken(result);
  });

  it('with no answer and no terminal, stops at the gate (ABORTED) in one line saying how to answer, exit 1, nothing changed and no time waited', async () => {
    const engine = capturedEngine();
    const request = await eventFile({ plan });
    const result = await opsflow('run', 'approval-gate', '--event', request);

    expect(result.code).toBe(1);
    expect(result.out).toContain('Plan: failover');
    expect(result.out).toContain('approval-gate ABORTED in 2 transitions');
    expect(result.err).toBe('opsflow: approval-gate waits for approval at AwaitApproval, and nothing has changed: run it again with --approve, or with --reject "<reason>"');
    expect(gate.changes).toBe(0);
    expect(engine.current?.executions[0]).toMatchObject({ status: 'ABORTED', simulatedSeconds: 0 });
    expect(engine.current?.pendingTaskTokens()).toEqual([]);
    expectNoToken(result);
  });

  it('asks a person at the terminal: y approves', async () => {
    const person = personAnswering(says('y'));
    const request = await eventFile({ plan });
    const result = await opsflow('run', 'approval-gate', '--event', request);

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(person.asked).toEqual(['Approve? [y/N] ']);
    expect(person.closed).toHaveBeenCalled();
    expect(gate.changes).toBe(1);
    expectNoToken(result);
  });

  it('asks a person at the terminal: anything else rejects, with the reason asked next', async () => {
    const person = personAnswering(says('n'), says('wait for the vendor'));
    const request = await eventFile({ plan });
    const result = await opsflow('run', 'approval-gate', '--event', request);

    expect(result.code).toBe(1);
    expect(person.asked).toHaveLength(2);
    expect(result.out).toContain('RunbookRejected: wait for the vendor');
    expect(gate.changes).toBe(0);
  });

  it('a terminal closed at the prompt answers nothing: the run stops at the gate', async () => {
    personAnswering(says(undefined));
    const result = await opsflow('run', 'approval-gate', '--event', await eventFile({ plan }));

    expect(result.code).toBe(1);
    expect(result.err).toContain('waits for approval at AwaitApproval, and nothing has changed');
    expect(gate.changes).toBe(0);
  });

  it('an approval that times out while the person is asked ends the prompt and is reported as a failed execution', async () => {
    const engine = capturedEngine();
    const person = personAnswering(async (_question, signal) => {
      await engine.current?.advanceTime(3600);
      return new Promise((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    });
    const result = await opsflow('run', 'approval-gate', '--event', await eventFile({ plan }));

    expect(result.code).toBe(1);
    expect(result.out).toContain('approval-gate FAILED in');
    expect(result.out).toContain('States.Timeout');
    expect(person.closed).toHaveBeenCalled();
    expect(gate.changes).toBe(0);
    expectNoToken(result);
  });

  it('an answer that comes after the approval timed out is not sent, and the execution is reported failed', async () => {
    const engine = capturedEngine();
    personAnswering(async () => {
      await engine.current?.advanceTime(3600);
      return 'y';
    });
    const result = await opsflow('run', 'approval-gate', '--event', await eventFile({ plan }));

    expect(result.code).toBe(1);
    expect(result.err).toContain('opsflow: the approval at AwaitApproval is no longer open');
    expect(result.out).toContain('States.Timeout');
    expect(gate.changes).toBe(0);
    expectNoToken(result);
  });

  it('an execution that ends before its gate (a dry run) is reported as it ended, without waiting or asking', async () => {
    vi.spyOn(terminal, 'interactive').mockReturnValue(true);
    const opened = vi.spyOn(terminal, 'open');
    const result = await opsflow('run', 'approval-gate', '--event', await eventFile({ plan, dryRun: true }));

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('approval-gate SUCCEEDED');
    expect(result.out).not.toContain('Plan:');
    expect(opened).not.toHaveBeenCalled();
  });

  it.each([
    ['--approve with --reject', ['--approve', '--reject', 'no'], 'approval-gate', 'opsflow: --approve and --reject exclude each other: give one'],
    ['--approve for a workflow without a gate', ['--approve'], 'instance-dns', 'opsflow: --approve: instance-dns has no approval gate to answer'],
    ['--reject for a workflow without a gate', ['--reject', 'no'], 'instance-dns', 'opsflow: --reject: instance-dns has no approval gate to answer'],
    ['--reject with a blank reason', ['--reject', '   '], 'approval-gate', 'opsflow: --reject needs a reason'],
    ['--reject with a reason SendTaskFailure refuses', ['--reject', 'x'.repeat(32_769)], 'approval-gate', 'opsflow: --reject: the reason is over 32,768 characters, the most SendTaskFailure takes'],
  ])('refuses %s in one line, exit 2, nothing run', async (_label, flags, workflow, message) => {
    const created = vi.spyOn(Engine, 'create');
    const result = await opsflow('run', workflow, '--event', await eventFile({ plan }), ...flags);

    expect(result).toMatchObject({ code: 2, out: '', err: message });
    expect(created).not.toHaveBeenCalled();
  });
});

describe('the plan as shown', () => {
  it('puts the key facts first: runbook, Region, domain, snapshot, indices with ranges, conflicts, DNS from → to', () => {
    expect(formatPlan(plan)).toEqual([
      'Plan: failover into eu-central-1, domain catalog (OpenSearch_2.13)',
      '  reason         eu-west-1 is down',
      '  snapshot       opsflow-20261130t1100z, taken 2026-11-30T11:00:00.000Z of catalog in eu-west-1',
      '  repository     opsflow-dr (s3://opsflow-search-dr-eu-central-1/catalog)',
      '  indices        orders                         documents 1,200 to 1,210',
      '                 products as restored-products  documents ≥ 80',
      '  conflicts      products',
      '  on conflict    rename: restored under new names ((.+) → restored-$1)',
      '  DNS            search.corp.internal. (zone Z0OPSFLOWINTERNAL01): search-catalog.eu-west-1.es.amazonaws.com → search-catalog.eu-central-1.es.amazonaws.com',
      '  endpoint       https://search-catalog.eu-central-1.es.amazonaws.com',
    ]);
  });

  it('shows a drill (no DNS), a dry run and a failback\'s final snapshot', () => {
    const lines = formatPlan({
      ...plan,
      runbook: 'failback',
      dns: null,
      dryRun: true,
      conflicts: [],
      conflictOption: 'refuse',
      finalSnapshot: true,
      finalSnapshotPlan: { domainName: 'catalog', region: 'eu-west-1', snapshotName: 'opsflow-final-20261130t1200z' },
    });
    expect(lines[0]).toBe('Plan: failback into eu-central-1, domain catalog (OpenSearch_2.13) (dry run: nothing will change)');
    expect(lines).toContain('  final snapshot opsflow-final-20261130t1200z taken first, of catalog in eu-west-1, and restored');
    expect(lines).toContain('  conflicts      none (option refuse)');
    expect(lines).toContain('  DNS            unchanged');
  });

  it('shows the plan a dry run ended with, and nothing for any other execution', () => {
    expect(dryRunPlan({ status: 'SUCCEEDED', output: { plan: { ...plan, dryRun: true } } })[0]).toBe(
      'Plan: failover into eu-central-1, domain catalog (OpenSearch_2.13) (dry run: nothing will change)',
    );
    expect(dryRunPlan({ status: 'SUCCEEDED', output: { plan } })).toEqual([]);
    expect(dryRunPlan({ status: 'FAILED', output: { plan: { ...plan, dryRun: true } } })).toEqual([]);
    expect(dryRunPlan({ status: 'SUCCEEDED', output: null })).toEqual([]);
  });

  it('names the system indices left out, and says nothing of them when there are none', () => {
    expect(formatPlan({ ...plan, excluded: ['.kibana_1', '.opendistro_security'] })).toContain('  left out       .kibana_1, .opendistro_security (system indices are never restored)');
    expect(formatPlan({ ...plan, excluded: [] }).join('\n')).not.toMatch(/left out|excluded/);
  });

  it('shows fields of another shape as key and value', () => {
    expect(formatPlan({ change: 'resize', nodes: 3, conflicts: 'unknown' })).toEqual([
      'Plan: runbook',
      '  conflicts      unknown',
      '  change         resize',
      '  nodes          3',
    ]);
  });

  it('shows a request without a plan by its payload\'s fields, never the token, and the deadline of a plan', () => {
    const token = 'AQCEAAAAKgAAAAMAAAAAAAAAAe';
    expect(formatGateRequest({ FunctionName: 'f', Payload: { change: 'resize', taskToken: token } }, token)).toEqual([
      'The approval request carries no plan; it sent:',
      '  change         resize',
    ]);
    expect(formatGateRequest({ Payload: { plan: { runbook: 'drill' }, taskToken: token, expiresAt: '2026-11-30T13:00:00.000Z' } }, token)).toEqual([
      'Plan: drill',
      '  answer by      2026-11-30T13:00:00.000Z',
    ]);
    // The runbooks' AwaitApproval sends when it was entered and its TimeoutSeconds.
    expect(formatGateRequest({ Payload: { plan: { runbook: 'failover' }, taskToken: token, requestedAt: '2026-11-30T12:00:00.000Z', timeoutSeconds: 5400 } }, token)).toEqual([
      'Plan: failover',
      '  answer by      2026-11-30T13:30:00.000Z',
    ]);
  });
});

describe('the fixture', () => {
  it('is a gate whose request carries the token, so the tests above can see it is never shown', () => {
    const definition = JSON.parse(readFileSync(new URL('../../fixtures/cli/approval-gate/definition.asl.json', import.meta.url), 'utf8')) as {
      States: { AwaitApproval: { Resource: string; Parameters: { Payload: Record<string, string> } } };
    };
    expect(definition.States.AwaitApproval.Resource).toMatch(/\.waitForTaskToken$/);
    expect(definition.States.AwaitApproval.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
  });
});
