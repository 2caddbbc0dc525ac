import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Engine } from '../engine/engine.ts';
import { SandboxAccount } from '../engine/sandbox/index.ts';
import { sandboxTarget } from '../engine/target.ts';
import type { DnsPlan } from '../handlers/dns/plan-dns-change/task.ts';
import { devConfig, launchLifecycleEvent, recordValues, world } from '../test/workflows/harness.ts';
import { workflows } from '../workflows/index.ts';
import { code, kilobytes, milliseconds, table } from './markdown.ts';
import type { BenchContext, BenchSection, Goal, SectionReport } from './section.ts';
import { median, percentile } from './stats.ts';

const MIN_EXECUTIONS_PER_SECOND = 100;
const TIMED_RUNS = 500;
/** Untimed runs first: the handlers load on their first invocation and the JIT warms up. */
const WARM_UP_RUNS = 20;
const START_UP_RUNS = 5;
const TREND_WINDOW = 100;
const SEED = 'test/fixtures/sandbox/instance-dns.json';
const GROUP = 'weblogic-admin';

/** A distinct address inside weblogic-admin's allowed 10.20.0.0/16 for each run, clear of the seeded ones. */
const addressOf = (run: number): string => `10.20.${2 + Math.floor(run / 250)}.${(run % 250) + 1}`;

interface StartUp {
  readonly ms: readonly number[];
  readonly machineBuilds: readonly number[];
}

async function measureStartUp(): Promise<StartUp> {
  const seed: unknown = JSON.parse(await readFile(SEED, 'utf8'));
  const config = devConfig();
  const create = async () => {
    const sandbox = SandboxAccount.fromSeed(seed);
    const started = performance.now();
    const engine = await Engine.create({ config, target: sandboxTarget(sandbox) });
    return { ms: performance.now() - started, machineBuilds: engine.machineBuilds };
  };
  await create();
  const runs = [];
  for (let run = 0; run < START_UP_RUNS; run += 1) runs.push(await create());
  return { ms: runs.map((run) => run.ms), machineBuilds: runs.map((run) => run.machineBuilds) };
}

interface Throughput {
  readonly sendMs: readonly number[];
  readonly loopMs: number;
  readonly cpuMs: number;
  /** Runs that did not succeed with a change pointing the record at the new instance. */
  readonly wrong: readonly string[];
  readonly machineBuilds: number;
  readonly transitions: number;
  /** JSON size of the sandbox account when the timed runs start and end. */
  readonly stateBytes: { readonly before: number; readonly after: number };
}

/**
 * One engine, then launch after launch: each run retires the previous instance (a plain
 * termination, no hook, so no execution), launches a new one waiting on the launch hook, and
 * sends its event, so every execution really plans and writes a change and completes the action.
 */
async function measureThroughput(progress: (line: string) => void): Promise<Throughput> {
  const { sandbox, engine } = await world({ seed: SEED });
  let previous = sandbox.snapshot().autoScaling.groups.find((group) => group.name === GROUP)?.instances[0]?.instanceId;
  const wrong: string[] = [];
  const sendMs: number[] = [];
  let transitions = 0;
  const stateBytes = () => JSON.stringify(sandbox.snapshot()).length;

  const launch = async (run: number, timed: boolean) => {
    if (previous) sandbox.terminateInstance({ instanceId: previous, withLifecycleAction: false });
    const address = addressOf(run);
    const { instanceId, lifecycleActionToken } = sandbox.launchInstance({ group: GROUP, privateIpAddress: address, withLifecycleAction: true });
    previous = instanceId;
    const event = launchLifecycleEvent(instanceId, lifecycleActionToken ?? '');
    const started = performance.now();
    const executions = await engine.send(event);
    if (timed) sendMs.push(performance.now() - started);
    const [execution] = executions;
    transitions += timed ? (execution?.transitions ?? 0) : 0;
    const verdict = (execution?.output as { plan?: DnsPlan } | undefined)?.plan?.verdict;
    const record = recordValues(sandbox)?.join(',');
    if (executions.length !== 1 || execution?.status !== 'SUCCEEDED' || verdict !== 'change' || record !== address) {
      wrong.push(`run ${run}: ${executions.length} execution(s), ${execution?.status} ${execution?.error ?? ''} verdict ${verdict}, record ${record}, expected ${address}`);
    }
  };

  for (let run = 0; run < WARM_UP_RUNS; run += 1) await launch(run, false);
  progress(`${TIMED_RUNS} timed launches`);
  const stateBefore = stateBytes();
  const cpuBefore = process.cpuUsage();
  const loopStarted = performance.now();
  for (let run = WARM_UP_RUNS; run < WARM_UP_RUNS + TIMED_RUNS; run += 1) await launch(run, true);
  const loopMs = performance.now() - loopStarted;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    sendMs,
    loopMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wrong,
    machineBuilds: engine.machineBuilds,
    transitions,
    stateBytes: { before: stateBefore, after: stateBytes() },
  };
}

export const engineThroughput: BenchSection = {
  title: 'Engine: instance-dns executions per second and start-up',
  async run(context: BenchContext): Promise<SectionReport> {
    context.progress('Engine.create start-up');
    const startUp = await measureStartUp();
    const throughput = await measureThroughput(context.progress);
    const sendSeconds = throughput.sendMs.reduce((sum, ms) => sum + ms, 0) / 1000;
    const perSecond = TIMED_RUNS / sendSeconds;
    const perSecondWithSetup = TIMED_RUNS / (throughput.loopMs / 1000);
    const cores = throughput.cpuMs / throughput.loopMs;
    const expectedBuilds = workflows.length;
    const builds = [...new Set([...startUp.machineBuilds, throughput.machineBuilds])];

    const goals: Goal[] = [
      { goal: `≥ ${MIN_EXECUTIONS_PER_SECOND} executions/s`, measured: `${perSecond.toFixed(0)} executions/s`, met: perSecond >= MIN_EXECUTIONS_PER_SECOND },
      {
        goal: `every run (warm-up and timed) SUCCEEDED and pointed the record at its instance`,
        measured: throughput.wrong.length === 0 ? `${TIMED_RUNS + WARM_UP_RUNS} of ${TIMED_RUNS + WARM_UP_RUNS}` : `${throughput.wrong.length} wrong; first: ${throughput.wrong[0]}`,
        met: throughput.wrong.length === 0,
      },
      {
        goal: `one machine build per workflow (${expectedBuilds}), whatever the number of executions`,
        measured: `machineBuilds ${builds.join(', ')}`,
        met: builds.length === 1 && builds[0] === expectedBuilds,
      },
    ];
    const body = [
      `Throughput: \`Engine.create\` once over ${code(SEED)} and config/dev.json, ${WARM_UP_RUNS} untimed warm-up launches, ` +
        `then ${TIMED_RUNS} sequential launches on one Node.js thread. Each run terminates the previous instance (plain, no hook), ` +
        `launches a new one with its own address waiting on the launch hook, and awaits \`engine.send\` of its lifecycle event, ` +
        `so every execution plans a change, writes Route 53, polls GetChange and completes the lifecycle action; each run is checked. ` +
        `executions/s = ${TIMED_RUNS} / the summed time of the \`engine.send\` calls (sandbox set-up excluded); ` +
        `the figure with set-up included is given too. CPU time / wall time shows how many cores the loop kept busy. ` +
        `The sandbox keeps history as AWS does (terminated instances, every Route 53 change) and each SDK call works on a copy ` +
        `of the services it touches (so a failed call changes nothing): when the last runs are slower than the first, that growth is ` +
        `why, and executions/s depends on the number of runs.`,
      '',
      table(['measure', 'value'], [
        ['executions/s (engine.send only)', perSecond.toFixed(0)],
        ['executions/s (with sandbox set-up per run)', perSecondWithSetup.toFixed(0)],
        ['per execution, median / p95 / max (ms)', [median(throughput.sendMs), percentile(throughput.sendMs, 95), percentile(throughput.sendMs, 100)].map(milliseconds).join(' / ')],
        [`median of the first / last ${TREND_WINDOW} runs (ms)`, [throughput.sendMs.slice(0, TREND_WINDOW), throughput.sendMs.slice(-TREND_WINDOW)].map((runs) => milliseconds(median(runs))).join(' / ')],
        ['sandbox account size (JSON) at the first / last timed run (KB)', `${kilobytes(throughput.stateBytes.before)} / ${kilobytes(throughput.stateBytes.after)}`],
        ['state transitions per execution (mean)', (throughput.transitions / TIMED_RUNS).toFixed(1)],
        ['CPU time / wall time', `${cores.toFixed(2)} cores`],
        ['machineBuilds after all runs', throughput.machineBuilds],
      ]),
      '',
      `Start-up: \`Engine.create\` with all ${expectedBuilds} workflows (${workflows.map((workflow) => workflow.name).join(', ')}), ` +
        `in-process after one warm-up create (so module loading is excluded), each over a fresh sandbox; median of ${START_UP_RUNS}.`,
      '',
      table(['measure', 'value'], [
        ['Engine.create, median (ms)', milliseconds(median(startUp.ms))],
        ['Engine.create, all runs (ms)', startUp.ms.map(milliseconds).join(', ')],
        ['machineBuilds per engine', startUp.machineBuilds.join(', ')],
      ]),
    ].join('\n');
    const summary = [
      `engine: ${perSecond.toFixed(0)} instance-dns executions/s (${TIMED_RUNS} runs, ${throughput.wrong.length} wrong); ` +
        `Engine.create median ${milliseconds(median(startUp.ms))} ms; machineBuilds ${throughput.machineBuilds}`,
    ];
    return { body, goals, summary };
  },
};
