import { Engine, type ExecutionRecord } from '../engine/engine.ts';
import type { SandboxAccount } from '../engine/sandbox/index.ts';
import { sandboxTarget } from '../engine/target.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import { world } from '../test/workflows/harness.ts';
import { fivePastTheHour, SEARCH_SEED, searchConfig } from '../test/workflows/scenarios/search.ts';
import { code, table } from './markdown.ts';
import { timedRegistry, type Invocation } from './search-snapshot.ts';
import type { BenchSection, Goal, SectionReport } from './section.ts';

/**
 * search-failover against the manual procedure it replaces: what the operator does, what the
 * engine does for them (states, transitions, API calls, Lambda invocations), and the RTO on the
 * engine's simulated clock. The run is approved as soon as it asks, so the RTO below is the
 * machine's part; a person's time to read the plan comes on top, in both procedures.
 */

const ACTIVE = 'eu-west-1';
const STANDBY = 'eu-central-1';

/**
 * The manual failover, one line per command an operator types, for a snapshot of `indices`
 * indices. From the Amazon OpenSearch Service developer guide, "Restoring snapshots"
 * (managedomains-snapshot-restore: list the repositories and snapshots, delete or rename the
 * indices that conflict, restore without the `.kibana`/`.opendistro_security` indices and with
 * `include_global_state` false), the OpenSearch API reference ("Restore snapshot", "Recovery",
 * "Cluster health", "Count", "Delete index") and the Route 53 API reference
 * (ChangeResourceRecordSets, GetChange until INSYNC). Recovery and INSYNC are polled at least once.
 */
function manualProcedure(indices: number): { step: string; commands: number }[] {
  return [
    { step: 'read the record to see which domain is active (list-resource-record-sets)', commands: 1 },
    { step: 'check the standby domain is active and not processing a change (describe-domain)', commands: 1 },
    { step: 'list the repositories registered on it (GET _snapshot)', commands: 1 },
    { step: "list the repository's snapshots and pick the newest successful one (GET _snapshot/<repo>/_all)", commands: 1 },
    { step: 'list the open indices to find conflicts (GET _cat/indices)', commands: 1 },
    { step: 'delete each conflicting index (DELETE /<index>)', commands: indices },
    { step: 'restore, excluding system indices, include_global_state false (POST _snapshot/<repo>/<snapshot>/_restore)', commands: 1 },
    { step: 'poll recovery until every shard is DONE (GET _recovery)', commands: 1 },
    { step: 'check cluster health (GET _cluster/health)', commands: 1 },
    { step: 'count each restored index (GET /<index>/_count); nothing to compare it with but memory', commands: indices },
    { step: 'write the change batch (DELETE the old CNAME, CREATE the new one) and send it (change-resource-record-sets)', commands: 1 },
    { step: 'poll the change until INSYNC (get-change)', commands: 1 },
    { step: 'tell everyone it is done', commands: 1 },
  ];
}

interface Measured {
  readonly record: ExecutionRecord;
  readonly apiCalls: number;
  readonly calls: ReadonlyMap<string, number>;
  readonly invocations: readonly Invocation[];
}

interface FailoverOutput {
  plan?: { indices: unknown[] };
  verification?: { indices: unknown[] };
  report?: { steps: { step: string; seconds: number }[]; totalSeconds: number; rtoSeconds: number; rpoSeconds: number | null };
}

async function regionEngine(sandbox: SandboxAccount, region: string, config: OpsflowConfig, invocations: Invocation[]): Promise<Engine> {
  return Engine.create({ config, target: sandboxTarget(sandbox, { region }), functions: timedRegistry(invocations) });
}

/** The active Region's snapshot, the standby's read-only registration, then a failover into the standby, approved at once. */
async function failover(): Promise<{ measured: Measured; sandbox: SandboxAccount; config: OpsflowConfig }> {
  const made = await world({ seed: SEARCH_SEED, sandbox: { clock: fivePastTheHour() } });
  await made.engine.close();
  const { sandbox } = made;
  const config = searchConfig(sandbox);
  const invocations: Invocation[] = [];
  const west = await regionEngine(sandbox, ACTIVE, config, invocations);
  const central = await regionEngine(sandbox, STANDBY, config, invocations);
  try {
    await west.runSchedule('search-snapshot');
    await central.runSchedule('search-snapshot');
    const callsBefore = sandbox.calls.length;
    const invocationsBefore = invocations.length;
    const started = central.start('search-failover', { reason: 'bench: eu-west-1 lost' });
    const gate = await central.waitingTask((task) => task.executionArn === started.executionArn && task.stateName === 'AwaitApproval');
    central.sendTaskSuccess(gate.token, { approved: true, by: 'bench', at: central.clock.now().toISOString() });
    const record = await started.done;
    await central.idle();
    const made = sandbox.calls.slice(callsBefore);
    const calls = new Map<string, number>();
    for (const call of made) calls.set(`${call.service} ${call.operation}`, (calls.get(`${call.service} ${call.operation}`) ?? 0) + 1);
    return { measured: { record, apiCalls: made.length, calls, invocations: invocations.slice(invocationsBefore) }, sandbox, config };
  } finally {
    await west.close();
    await central.close();
  }
}

export const searchFailoverBench: BenchSection = {
  title: 'search-failover: the operator\'s steps, the engine\'s work and the simulated RTO, against the manual procedure',
  async run(context): Promise<SectionReport> {
    context.progress('search-failover: a snapshot in eu-west-1, then a failover into eu-central-1');
    const { measured, sandbox, config } = await failover();
    const { record } = measured;
    const output = (record.output ?? {}) as FailoverOutput;
    const indices = output.plan?.indices.length ?? 0;
    const manual = manualProcedure(indices);
    const manualCommands = manual.reduce((sum, step) => sum + step.commands, 0);
    const operatorActions = 2;
    const search = config.searchDr;
    const standbyEndpoint = search?.regions.find((entry) => entry.region === STANDBY)?.domain.endpoint;
    const recordTarget = search && sandbox.record(search.record.hostedZoneId, search.record.name, 'CNAME')?.values[0]?.replace(/\.$/, '');
    const report = output.report;
    const restorePoll = search?.restoreWait.pollSeconds ?? 0;
    const states = new Set(record.states.map((state) => state.name)).size;
    const lambdaMs = measured.invocations.reduce((sum, invocation) => sum + invocation.milliseconds, 0);
    const callRows = [...measured.calls.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => {
        const [service = '', operation = ''] = key.split(' ');
        return [service === 'es' ? 'es (REST)' : service, operation, count];
      });

    const body = [
      `The search fixture (${code(SEARCH_SEED)}) with dev's search config: eu-west-1's scheduled snapshot, eu-central-1's read-only registration, then ` +
        `${code('search-failover')} in eu-central-1, approved as soon as it asks. Restored indices recover for the sandbox's default 60 s; Route 53 ` +
        'reports INSYNC 60 s after a change. Times are on the engine\'s simulated clock: Waits and the sandbox\'s recovery and propagation, ' +
        'not the local Lambda time (measured separately, in-process).',
      '',
      table(
        ['', 'manual procedure', 'opsflow'],
        [
          ['operator commands', manualCommands, `${operatorActions} (start; approve)`],
          ['states the run passed through', '—', states],
          ['state transitions', '—', record.transitions],
          ['AWS API calls (SDK integrations and domain REST requests)', `≥ ${manualCommands - 1}`, measured.apiCalls],
          ['Lambda invocations', '—', `${measured.invocations.length} (${lambdaMs.toFixed(1)} ms local)`],
          ["restored indices verified against the snapshot's manifest", 'none (no record of the counts)', output.verification?.indices.length ?? 0],
          ['RTO on the simulated clock, without the approval wait', '—', `${report?.rtoSeconds ?? '-'} s`],
        ],
        ['manual procedure', 'opsflow'],
      ),
      '',
      `The manual procedure for ${indices} indices (its sources in ${code('bench/search-failover.ts')}):`,
      '',
      table(['step', 'commands'], manual.map((step) => [step.step, step.commands]), ['commands']),
      '',
      'The run\'s timeline (ReportSearchRunbook):',
      '',
      table(['step', 'seconds'], (report?.steps ?? []).map((step) => [step.step, step.seconds]), ['seconds']),
      '',
      'API calls by service and operation:',
      '',
      table(['service', 'operation', 'calls'], callRows, ['calls']),
    ].join('\n');

    const rtoBound = 60 + restorePoll + 60 + 10;
    const goals: Goal[] = [
      {
        goal: 'the failover ends Done, every index verified, the record on the standby',
        measured: `${record.status}${record.error ? ` ${record.error}` : ''}; ${output.verification?.indices.length ?? 0} of ${indices} verified; record → ${recordTarget === standbyEndpoint ? STANDBY : recordTarget}`,
        met: record.status === 'SUCCEEDED' && (output.verification?.indices.length ?? -1) === indices && recordTarget === standbyEndpoint,
      },
      {
        goal: `RTO without the approval wait ≤ ${rtoBound} s: recovery (60 s) and one restore poll (${restorePoll} s), propagation (60 s) and one DNS poll (10 s)`,
        measured: `${report?.rtoSeconds ?? '-'} s`,
        met: report !== undefined && report.rtoSeconds <= rtoBound,
      },
    ];
    return {
      body,
      goals,
      summary: [
        `search-failover: ${operatorActions} operator commands (manual: ${manualCommands}), ${record.transitions} transitions, ${measured.apiCalls} API calls, ${measured.invocations.length} Lambda invocations, RTO ${report?.rtoSeconds ?? '-'} s simulated`,
      ],
    };
  },
};
