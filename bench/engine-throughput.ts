import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine/engine.ts';
import type { CompiledWorkflow } from '../engine/executor.ts';
import { SandboxAccount } from '../engine/sandbox/index.ts';
import { sandboxTarget } from '../engine/target.ts';
import type { DnsPlan } from '../handlers/dns/plan-dns-change/task.ts';
import { devConfig, launchLifecycleEvent, recordValues, world } from '../test/workflows/harness.ts';
import { workflows } from '../workflows/index.ts';
import type { JsonValue } from '../workflows/types.ts';
import { bareRunner, type BareAnswer, type BareJob } from './bare-interpreter.ts';
import { profileShares, type ProfileCategory, type ProfileShare } from './cpu-profile.ts';
import { BenchMeasurementError, BenchSetupError } from './errors.ts';
import { code, kilobytes, milliseconds, table } from './markdown.ts';
import type { BenchContext, BenchSection, Goal, SectionReport } from './section.ts';
import { median, percentile } from './stats.ts';

const MIN_EXECUTIONS_PER_SECOND = 100;
/** The last runs may cost at most this much more than the first: what an execution costs must not grow with history. */
const MAX_TREND_RATIO = 1.2;
/** opsflow (real handlers, sandbox, records, clock) may take at most this many times the bare interpreter's time. */
const MAX_OVERHEAD_RATIO = 4;
const WORKFLOW = 'instance-dns';
const TIMED_RUNS = 500;
/**
 * Untimed runs first: the handlers load on their first invocation and the JIT warms up, which on
 * this path takes a few hundred runs; so the first timed runs are already warm and the trend
 * from the first to the last shows growth only.
 */
const WARM_UP_RUNS = 300;
/** Runs after the timed ones, under the CPU profiler, to show where opsflow's time goes. */
const PROFILED_RUNS = 200;
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

/**
 * The engine keeps its compiled workflows to itself; the bench reads instance-dns's so that both
 * sides run the same prepared definition (a TypeScript-private field, read here only).
 */
function compiledWorkflow(engine: Engine, name: string): CompiledWorkflow {
  const compiled = (engine as unknown as { compiled: ReadonlyMap<string, CompiledWorkflow> }).compiled.get(name);
  if (!compiled) throw new BenchSetupError(`the engine has no compiled workflow ${name}`);
  return compiled;
}

type TaskHandlers = Record<string, (input: JsonValue) => Promise<JsonValue>>;

/**
 * Runs `once` with every Task of the workflow recorded (its output, by state name), then puts the
 * engine's handlers back as they were.
 */
async function recordTaskOutputs(compiled: CompiledWorkflow, once: () => Promise<void>): Promise<Map<string, JsonValue>> {
  const handlers = compiled.overrides.taskResourceLocalHandlers as TaskHandlers | undefined;
  if (!handlers) throw new BenchSetupError(`${WORKFLOW} has no task handlers to record`);
  const originals = { ...handlers };
  const outputs = new Map<string, JsonValue>();
  for (const [state, handler] of Object.entries(originals)) {
    handlers[state] = async (input) => {
      const output = await handler(input);
      outputs.set(state, output);
      return output;
    };
  }
  try {
    await once();
  } finally {
    Object.assign(handlers, originals);
  }
  return outputs;
}

/**
 * The bare interpreter: aws-local-stepfunctions alone, running the very definition the engine
 * prepared for instance-dns (its Waits as Tasks, its timeouts taken out), with every Task stubbed
 * to answer at once what the real task answered in a recorded opsflow run, so that it walks the
 * same states. No handlers, SDK clients, sandbox, clock or records.
 */
function bareJob(compiled: CompiledWorkflow, input: JsonValue, outputs: ReadonlyMap<string, JsonValue>, expectedOutput: unknown): BareJob {
  return {
    definition: compiled.prepared.machine,
    input,
    outputs: Object.fromEntries(outputs),
    retryIntervalOverrides: compiled.overrides.retryIntervalOverrides ?? {},
    expectedOutput,
    warmUpRuns: WARM_UP_RUNS,
  };
}

/** The bare interpreter in a forked process of its own (bench/bare-interpreter.ts), run one execution at a time. */
interface BareProcess {
  /** The time of one execution there. */
  run(): Promise<number>;
  stop(): void;
}

async function startBareProcess(job: BareJob): Promise<BareProcess> {
  const child = fork(fileURLToPath(new URL('./bare-interpreter.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (): Promise<BareAnswer> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new BenchMeasurementError(`the bare interpreter's process exited (${String(code)})`));
      child.once('exit', onExit);
      child.once('message', (message: BareAnswer) => {
        child.off('exit', onExit);
        if ('failed' in message) reject(new BenchMeasurementError(`the bare interpreter's process failed: ${message.failed}`));
        else resolve(message);
      });
    });
  const ask = async (message: BareJob | { run: true }): Promise<BareAnswer> => {
    const answer = next();
    child.send(message);
    return answer;
  };
  try {
    await ask(job);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    async run() {
      const answer = await ask({ run: true });
      if (!('ms' in answer)) throw new BenchMeasurementError('the bare interpreter\'s process did not time the run');
      return answer.ms;
    },
    stop: () => child.kill(),
  };
}

/** What a profiled sample's innermost frame runs, first match wins. */
const profileCategories: readonly ProfileCategory[] = [
  { name: 'the interpreter (aws-local-stepfunctions, jsonpath-plus)', matches: /aws-local-stepfunctions|jsonpath-plus/ },
  { name: 'the sandbox (engine/sandbox)', matches: /\/engine\/sandbox\// },
  { name: 'AWS SDK v3 clients (@smithy, @aws-sdk)', matches: /@smithy|@aws-sdk/ },
  { name: 'Lambda handlers (handlers/, middy, zod, Powertools)', matches: /\/handlers\/|@middy|\/zod\/|@aws-lambda-powertools/ },
  { name: 'the engine (executor, clock, bridge, bus, router, records)', matches: /\/engine\// },
  { name: 'garbage collection', matches: /^\(garbage collector\)$/ },
  { name: 'async hooks (AsyncLocalStorage of the executor and handlers)', matches: /async_hooks/ },
  { name: 'Node.js internals (timers, promises, events)', matches: /^node:/ },
  { name: 'V8 itself (compiling, runtime calls: no JavaScript frame)', matches: /^\(program\)$/ },
  { name: 'built-ins (JSON, Map, Set, RegExp, structuredClone...)', matches: /^[^/]*$/ },
];

/** The set-up of each run (retiring and launching instances, reading the sample event, checking the record) is not what is measured. */
const isRunSetUp = ({ functionName, url }: { functionName: string; url: string }): boolean =>
  url.includes('/test/workflows/harness.ts') || (url.includes('/engine/sandbox/account.ts') && ['launchInstance', 'terminateInstance', 'record'].includes(functionName));

interface Throughput {
  readonly sendMs: readonly number[];
  /** The bare interpreter's time per execution, run for run beside opsflow's: in this process, and in one of its own. */
  readonly bareMs: readonly number[];
  readonly bareAloneMs: readonly number[];
  readonly loopMs: number;
  readonly cpuMs: number;
  /** Runs that did not succeed with a change pointing the record at the new instance. */
  readonly wrong: readonly string[];
  readonly machineBuilds: number;
  readonly transitions: number;
  /** States the recorded run entered, and Tasks the bare interpreter stubs. */
  readonly bareStates: number;
  readonly stubbedTasks: number;
  /** JSON size of the sandbox account when the timed runs start and end. */
  readonly stateBytes: { readonly before: number; readonly after: number };
  /** Where opsflow's time went in the profiled runs. */
  readonly profile: readonly ProfileShare[];
}

/**
 * One engine, then launch after launch: each run retires the previous instance (a plain
 * termination, no hook, so no execution), launches a new one waiting on the launch hook, and
 * sends its event, so every execution really plans and writes a change and completes the action.
 * After each timed run the bare interpreter runs once, so both see the same load on the machine.
 */
async function measureThroughput(progress: (line: string) => void): Promise<Throughput> {
  const { sandbox, engine } = await world({ seed: SEED });
  const compiled = compiledWorkflow(engine, WORKFLOW);
  let previous = sandbox.snapshot().autoScaling.groups.find((group) => group.name === GROUP)?.instances[0]?.instanceId;
  const wrong: string[] = [];
  const sendMs: number[] = [];
  const bareMs: number[] = [];
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
    return execution;
  };

  for (let run = 0; run < WARM_UP_RUNS - 1; run += 1) await launch(run, false);
  let recorded: Awaited<ReturnType<typeof launch>>;
  const outputs = await recordTaskOutputs(compiled, async () => {
    recorded = await launch(WARM_UP_RUNS - 1, false);
  });
  const job = bareJob(compiled, recorded?.input as JsonValue, outputs, recorded?.output);
  const bare = bareRunner(job);
  for (let run = 0; run < WARM_UP_RUNS; run += 1) await bare();
  const bareAlone = await startBareProcess(job);

  progress(`${TIMED_RUNS} timed launches, each followed by a run of the bare interpreter here and one in its own process`);
  const bareAloneMs: number[] = [];
  const stateBefore = stateBytes();
  let loopMs = 0;
  let loopCpuMicros = 0;
  try {
    for (let run = WARM_UP_RUNS; run < WARM_UP_RUNS + TIMED_RUNS; run += 1) {
      const loopStarted = performance.now();
      const cpuBefore = process.cpuUsage();
      await launch(run, true);
      const cpu = process.cpuUsage(cpuBefore);
      loopCpuMicros += cpu.user + cpu.system;
      loopMs += performance.now() - loopStarted;
      bareMs.push(await bare());
      bareAloneMs.push(await bareAlone.run());
    }
  } finally {
    bareAlone.stop();
  }
  const stateAfter = stateBytes();
  progress(`${PROFILED_RUNS} more launches under the CPU profiler`);
  const firstProfiled = WARM_UP_RUNS + TIMED_RUNS;
  const profile = await profileShares(
    async () => {
      for (let run = firstProfiled; run < firstProfiled + PROFILED_RUNS; run += 1) await launch(run, false);
    },
    profileCategories,
    isRunSetUp,
  );
  return {
    sendMs,
    bareMs,
    bareAloneMs,
    loopMs,
    cpuMs: loopCpuMicros / 1000,
    wrong,
    machineBuilds: engine.machineBuilds,
    transitions,
    bareStates: recorded?.states.length ?? 0,
    stubbedTasks: outputs.size,
    stateBytes: { before: stateBefore, after: stateAfter },
    profile,
  };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const spreadOf = (ms: readonly number[]): string => [median(ms), percentile(ms, 95), percentile(ms, 100)].map(milliseconds).join(' / ');
const trendOf = (ms: readonly number[]): string => [ms.slice(0, TREND_WINDOW), ms.slice(-TREND_WINDOW)].map((runs) => milliseconds(median(runs))).join(' / ');

export const engineThroughput: BenchSection = {
  title: 'Engine: instance-dns executions per second, against the bare interpreter, and start-up',
  async run(context: BenchContext): Promise<SectionReport> {
    context.progress('Engine.create start-up');
    const startUp = await measureStartUp();
    const throughput = await measureThroughput(context.progress);
    const { bareAloneMs } = throughput;
    const perSecond = TIMED_RUNS / (sum(throughput.sendMs) / 1000);
    const bareBesidePerSecond = TIMED_RUNS / (sum(throughput.bareMs) / 1000);
    const bareAlonePerSecond = TIMED_RUNS / (sum(bareAloneMs) / 1000);
    // Judged against the faster of the two bare figures: the stricter comparison.
    const barePerSecond = Math.max(bareBesidePerSecond, bareAlonePerSecond);
    const overhead = barePerSecond / perSecond;
    const perSecondWithSetup = TIMED_RUNS / (throughput.loopMs / 1000);
    const cores = throughput.cpuMs / throughput.loopMs;
    const first = median(throughput.sendMs.slice(0, TREND_WINDOW));
    const last = median(throughput.sendMs.slice(-TREND_WINDOW));
    const trend = last / first;
    const expectedBuilds = workflows.length;
    const builds = [...new Set([...startUp.machineBuilds, throughput.machineBuilds])];

    const goals: Goal[] = [
      { goal: `≥ ${MIN_EXECUTIONS_PER_SECOND} executions/s`, measured: `${perSecond.toFixed(0)} executions/s`, met: perSecond >= MIN_EXECUTIONS_PER_SECOND },
      {
        goal: `what an execution costs does not grow with history: median of the last ${TREND_WINDOW} runs ≤ ${MAX_TREND_RATIO} × the first ${TREND_WINDOW}'s`,
        measured: `${milliseconds(last)} / ${milliseconds(first)} ms = ${trend.toFixed(2)}×`,
        met: trend <= MAX_TREND_RATIO,
      },
      {
        goal: `within ${MAX_OVERHEAD_RATIO}× the bare interpreter on the same prepared definition (every task stubbed; the faster of its two runs)`,
        measured: `${barePerSecond.toFixed(0)} against ${perSecond.toFixed(0)} executions/s = ${overhead.toFixed(1)}×`,
        met: overhead <= MAX_OVERHEAD_RATIO,
      },
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
        `The sandbox keeps history as AWS does (terminated instances, every Route 53 change, every published event), and the ` +
        `engine every execution record: the first and last ${TREND_WINDOW} runs show whether an execution costs more as it grows.`,
      '',
      `Beside it, in the same loop: the bare interpreter, \`aws-local-stepfunctions\` alone (a \`StateMachine\` built from the ` +
        `definition the engine prepared for ${WORKFLOW}), whose ${throughput.stubbedTasks} Tasks answer at once what the real ones ` +
        `answered in the last warm-up run (recorded from the engine's own task handlers), so that it walks the same ` +
        `${throughput.bareStates} states and ends with the same output (checked every run). It runs once after every timed ` +
        `opsflow run, in this process and, after ${WARM_UP_RUNS} warm-up runs of its own, in a forked Node.js process that loads ` +
        `nothing of the engine (\`bench/bare-interpreter.ts\`, so none of what the engine does to a whole process, such as the ` +
        `async hooks of AsyncLocalStorage): the three take turns, so all see the same load. The goal is judged against the ` +
        `faster of the two bare figures. The gap is what opsflow adds ` +
        `around the interpreter: the real Lambda handlers (middy, zod, Powertools), the AWS SDK v3 clients and the sandbox ` +
        `behind them, the engine's clock, task dispatch and records.`,
      '',
      table(['measure', 'opsflow', 'bare, beside opsflow', 'bare, own process'], [
        ['executions/s (engine.send only)', perSecond.toFixed(0), bareBesidePerSecond.toFixed(0), bareAlonePerSecond.toFixed(0)],
        ['executions/s (with sandbox set-up per run)', perSecondWithSetup.toFixed(0), '', ''],
        ['per execution, median / p95 / max (ms)', ...[throughput.sendMs, throughput.bareMs, bareAloneMs].map(spreadOf)],
        [`median of the first / last ${TREND_WINDOW} runs (ms)`, ...[throughput.sendMs, throughput.bareMs, bareAloneMs].map(trendOf)],
        ['sandbox account size (JSON) at the first / last timed run (KB)', `${kilobytes(throughput.stateBytes.before)} / ${kilobytes(throughput.stateBytes.after)}`, '', ''],
        ['state transitions per execution (mean)', (throughput.transitions / TIMED_RUNS).toFixed(1), '', ''],
        ['CPU time / wall time', `${cores.toFixed(2)} cores`, '', ''],
        ['machineBuilds after all runs', throughput.machineBuilds, '', ''],
      ]),
      '',
      `Where opsflow's time goes: ${PROFILED_RUNS} more launches after the timed ones, under V8's sampling CPU profiler ` +
        `(\`node:inspector\`, as \`node --cpu-prof\` records it), each sample's self time put to the code its innermost frame ` +
        `runs. The set-up of each run (retiring and launching instances, reading the sample event, checking the record) and ` +
        `idle time are left out. The interpreter's share is what the bare interpreter pays as well.`,
      '',
      table(
        ['where', 'ms', 'share'],
        throughput.profile.map(({ category, ms, share }) => [category, ms.toFixed(0), `${(share * 100).toFixed(1)}%`]),
        ['ms', 'share'],
      ),
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
      `engine: ${perSecond.toFixed(0)} instance-dns executions/s (${TIMED_RUNS} runs, ${throughput.wrong.length} wrong), ` +
        `${overhead.toFixed(1)}× the bare interpreter's ${barePerSecond.toFixed(0)}; last/first ${TREND_WINDOW} runs ${trend.toFixed(2)}×; ` +
        `Engine.create median ${milliseconds(median(startUp.ms))} ms; machineBuilds ${throughput.machineBuilds}`,
    ];
    return { body, goals, summary };
  },
};
