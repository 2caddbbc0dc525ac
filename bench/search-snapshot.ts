import { performance } from 'node:perf_hooks';
import { Engine, type ExecutionRecord } from '../engine/engine.ts';
import type { SandboxAccount } from '../engine/sandbox/index.ts';
import { sandboxTarget } from '../engine/target.ts';
import { functionRegistry, type FunctionSpec } from '../handlers/registry.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import type { LambdaHandler } from '../handlers/shared/lambda.ts';
import { world } from '../test/workflows/harness.ts';
import { fivePastTheHour, SEARCH_SEED, searchConfig } from '../test/workflows/scenarios/search.ts';
import { code, table } from './markdown.ts';
import type { BenchSection, Goal, SectionReport } from './section.ts';

/**
 * search-snapshot per snapshot, in the active and the standby Region, and its monthly cost at the
 * default schedule, `rate(1 hour)`, in both Regions. Transitions and states are what the engine
 * recorded, API calls what the sandbox recorded (SDK integrations and the REST requests to the
 * domains), Lambda time is measured around each handler in this process.
 */

/** The search fixture's snapshot duration (test/fixtures/sandbox/search.json `snapshotSeconds`) and dev's poll interval. */
const SNAPSHOT_SECONDS = 120;
const POLL_SECONDS = 30;
/** `rate(1 hour)` runs in a 730-hour month (AWS's pricing examples count a month as 730 hours). */
const RUNS_PER_MONTH = 730;

/**
 * Published list prices, read on 2026-11-30 through the `search` tool. Every price below is the
 * same in eu-west-1 (Europe (Ireland)) and eu-central-1 (Europe (Frankfurt)) as far as found.
 *
 * - Step Functions Standard: $0.0250 per 1,000 state transitions in both Europe (Ireland) and
 *   Europe (Frankfurt), retries counted (https://aws.amazon.com/step-functions/pricing/, its
 *   "State transitions pricing table").
 * - Lambda: $0.20 per million requests and $0.0000133334 per GB-second on Arm (serverless.yml:
 *   `architecture: arm64`), first tier (https://aws.amazon.com/lambda/pricing/). The stored copy of
 *   that page renders Regional rates client-side, so only its US East examples were readable: the
 *   eu-west-1 and eu-central-1 rates are ASSUMED equal to them (artillery's Lambda price table,
 *   lib/platform/aws-lambda/prices.js, lists per-Region exceptions and neither Region is one).
 * - CloudWatch: $0.30 per custom metric per month (first 10,000) and $0.10 per standard-resolution
 *   alarm metric per month. AWS's page (https://aws.amazon.com/cloudwatch/pricing/) says prices vary
 *   by Region and renders them client-side; these are the US East rates as third-party summaries
 *   quote them, ASSUMED for both Regions.
 * - EventBridge schedule: $0. A scheduled rule's events are not custom (PutEvents) events, which are
 *   the ones EventBridge bills (https://aws.amazon.com/eventbridge/pricing/; CloudWatch's page: "All
 *   events except custom events are included").
 *
 * Free tiers (4,000 transitions, 1M Lambda requests and 400,000 GB-s, 10 metrics and 10 alarms a
 * month) are per account and shared with everything else in it, so the costs are before them.
 */
const PRICE = {
  transition: 0.025 / 1000,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecondArm: 0.0000133334,
  customMetricMonth: 0.3,
  standardAlarmMonth: 0.1,
  scheduledRuleEvent: 0,
} as const;

/**
 * The ASSUMED billed duration of one invocation: each task is a handful of signed HTTPS requests to
 * a domain in its own Region (TakeSnapshot the most: `_cat/indices`, a `_count` per index twice, the
 * PUT), warm. Cold starts (an hourly schedule meets them often) add their init; the lambda-bundles
 * section measures cold imports. The table also gives the cost at 1 s an invocation.
 */
const ASSUMED_BILLED_SECONDS = 0.2;
const PESSIMISTIC_BILLED_SECONDS = 1;

/**
 * The states a run needs on its happy path, from workflows/search-snapshot/definition.asl.json: the
 * active Region reads, plans, registers, checks, takes, and reads the snapshot once; each poll is
 * WaitForSnapshot, CountSnapshotPoll, ReadSnapshot, IsSnapshotDone; then the manifest written beside
 * the snapshot, one PruneSnapshots pass with nothing due, the report and the end. The standby reads, plans, registers, reports and ends.
 */
const ACTIVE_BEFORE_POLLS = ['ReadRecord', 'DescribeDomain', 'PlanSearchSnapshot', 'RegisterSnapshotRepository', 'IsActive', 'InitPolls', 'CheckRunningSnapshots', 'IsDomainBusy', 'TakeSnapshot', 'ReadSnapshot', 'IsSnapshotDone'];
const ACTIVE_PER_POLL = ['WaitForSnapshot', 'CountSnapshotPoll', 'ReadSnapshot', 'IsSnapshotDone'];
const ACTIVE_AFTER_POLLS = ['WriteSnapshotManifest', 'PruneSnapshots', 'AnyMoreToPrune', 'ReportSnapshotAge', 'HowDidItEnd', 'Snapshotted'];
const STANDBY_PATH = ['ReadRecord', 'DescribeDomain', 'PlanSearchSnapshot', 'RegisterSnapshotRepository', 'IsActive', 'ReportSnapshotAge', 'HowDidItEnd', 'Standby'];
const POLLS = Math.ceil(SNAPSHOT_SECONDS / POLL_SECONDS);
const ACTIVE_PATH = [...ACTIVE_BEFORE_POLLS, ...Array.from({ length: POLLS }, () => ACTIVE_PER_POLL).flat(), ...ACTIVE_AFTER_POLLS];

export interface Invocation {
  readonly functionKey: string;
  readonly milliseconds: number;
}

/** The registry with each handler timed in-process (from the call to its settled result; the import is not counted). */
export function timedRegistry(invocations: Invocation[]): Record<string, FunctionSpec> {
  return Object.fromEntries(
    Object.entries(functionRegistry).map(([functionKey, spec]): [string, FunctionSpec] => [
      functionKey,
      {
        ...spec,
        load: async () => {
          const { handler } = await spec.load();
          const timed: LambdaHandler = async (event, context) => {
            const started = performance.now();
            try {
              return await handler(event, context);
            } finally {
              invocations.push({ functionKey, milliseconds: performance.now() - started });
            }
          };
          return { handler: timed };
        },
      },
    ]),
  );
}

interface Measured {
  readonly region: string;
  readonly record: ExecutionRecord;
  readonly calls: ReadonlyMap<string, number>;
  readonly apiCalls: number;
  readonly invocations: readonly Invocation[];
}

const lambdaMilliseconds = (invocations: readonly Invocation[]) => invocations.reduce((sum, invocation) => sum + invocation.milliseconds, 0);

async function regionEngine(sandbox: SandboxAccount, region: string, config: OpsflowConfig, invocations: Invocation[]): Promise<Engine> {
  return Engine.create({ config, target: sandboxTarget(sandbox, { region }), functions: timedRegistry(invocations) });
}

/** One scheduled run of `engine`'s search-snapshot, with the calls and invocations it made. */
async function measure(engine: Engine, sandbox: SandboxAccount, region: string, invocations: Invocation[]): Promise<Measured> {
  const callsBefore = sandbox.calls.length;
  const invocationsBefore = invocations.length;
  const record = await engine.runSchedule('search-snapshot');
  const made = sandbox.calls.slice(callsBefore);
  const calls = new Map<string, number>();
  for (const call of made) calls.set(`${call.service} ${call.operation}`, (calls.get(`${call.service} ${call.operation}`) ?? 0) + 1);
  return { region, record, calls, apiCalls: made.length, invocations: invocations.slice(invocationsBefore) };
}

interface Runs {
  readonly first: Measured;
  readonly steady: Measured;
}

/**
 * Both Regions over one sandbox, as deployed: each Region's first run (which registers the
 * repository), then, one schedule period later, each Region's next run: the steady state the
 * month is made of.
 */
async function runBothRegions(): Promise<{ active: Runs; standby: Runs }> {
  const made = await world({ seed: SEARCH_SEED, sandbox: { clock: fivePastTheHour() } });
  await made.engine.close();
  const { sandbox } = made;
  const config = searchConfig(sandbox);
  const invocations: Invocation[] = [];
  const west = await regionEngine(sandbox, 'eu-west-1', config, invocations);
  const central = await regionEngine(sandbox, 'eu-central-1', config, invocations);
  try {
    const activeFirst = await measure(west, sandbox, 'eu-west-1', invocations);
    const standbyFirst = await measure(central, sandbox, 'eu-central-1', invocations);
    await west.clock.advance(3600);
    const activeSteady = await measure(west, sandbox, 'eu-west-1', invocations);
    const standbySteady = await measure(central, sandbox, 'eu-central-1', invocations);
    return { active: { first: activeFirst, steady: activeSteady }, standby: { first: standbyFirst, steady: standbySteady } };
  } finally {
    await west.close();
    await central.close();
  }
}

interface MonthlyCost {
  readonly transitions: number;
  readonly stepFunctions: number;
  readonly lambdaRequests: number;
  readonly lambdaRequestDollars: number;
  readonly gbSeconds: number;
  readonly lambdaDurationDollars: number;
  readonly gbSecondsPessimistic: number;
  readonly lambdaDurationPessimisticDollars: number;
  readonly cloudWatch: number;
  readonly schedule: number;
  readonly total: number;
  readonly totalPessimistic: number;
}

/** 730 runs like `run`, with one RPO metric and one alarm in the Region (workflow.ts `alarms`, report-snapshot-age's RPO_METRIC). */
function monthlyCost(run: Measured): MonthlyCost {
  const transitions = run.record.transitions * RUNS_PER_MONTH;
  const lambdaRequests = run.invocations.length * RUNS_PER_MONTH;
  const memoryGb = (invocation: Invocation) => (functionRegistry[invocation.functionKey as keyof typeof functionRegistry]?.memorySize ?? 0) / 1024;
  const gbPerRun = run.invocations.reduce((sum, invocation) => sum + memoryGb(invocation), 0);
  const gbSeconds = gbPerRun * ASSUMED_BILLED_SECONDS * RUNS_PER_MONTH;
  const gbSecondsPessimistic = gbPerRun * PESSIMISTIC_BILLED_SECONDS * RUNS_PER_MONTH;
  const stepFunctions = transitions * PRICE.transition;
  const lambdaRequestDollars = lambdaRequests * PRICE.lambdaRequest;
  const lambdaDurationDollars = gbSeconds * PRICE.lambdaGbSecondArm;
  const lambdaDurationPessimisticDollars = gbSecondsPessimistic * PRICE.lambdaGbSecondArm;
  const cloudWatch = PRICE.customMetricMonth + PRICE.standardAlarmMonth;
  const schedule = RUNS_PER_MONTH * PRICE.scheduledRuleEvent;
  const fixed = stepFunctions + lambdaRequestDollars + cloudWatch + schedule;
  return {
    transitions,
    stepFunctions,
    lambdaRequests,
    lambdaRequestDollars,
    gbSeconds,
    lambdaDurationDollars,
    gbSecondsPessimistic,
    lambdaDurationPessimisticDollars,
    cloudWatch,
    schedule,
    total: fixed + lambdaDurationDollars,
    totalPessimistic: fixed + lambdaDurationPessimisticDollars,
  };
}

const dollars = (value: number) => `$${value.toFixed(4)}`;
const count = (value: number) => value.toLocaleString('en');
const ms = (value: number) => `${value.toFixed(1)} ms`;

function perRunRow(label: string, run: Measured): (string | number)[] {
  const longest = Math.max(0, ...run.invocations.map((invocation) => invocation.milliseconds));
  return [label, run.record.status, run.record.transitions, run.apiCalls, run.invocations.length, ms(lambdaMilliseconds(run.invocations)), ms(longest), `${run.record.simulatedSeconds} s`];
}

function callsTable(runs: readonly (readonly [string, Measured])[]): string {
  const keys = [...new Set(runs.flatMap(([, run]) => [...run.calls.keys()]))].sort();
  const rows = keys.map((key) => {
    const [service = '', operation = ''] = key.split(' ');
    return [service === 'es' ? 'es (REST)' : service, operation, ...runs.map(([, run]) => run.calls.get(key) ?? 0)];
  });
  return table(['service', 'operation', ...runs.map(([label]) => label)], rows, runs.map(([label]) => label));
}

function lambdaTable(runs: readonly (readonly [string, Measured])[]): string {
  const keys = [...new Set(runs.flatMap(([, run]) => run.invocations.map((invocation) => invocation.functionKey)))];
  const cell = (run: Measured, key: string) => {
    const mine = run.invocations.filter((invocation) => invocation.functionKey === key);
    return mine.length === 0 ? '—' : `${mine.length} × ${ms(lambdaMilliseconds(mine) / mine.length)}`;
  };
  return table(['function (memorySize)', ...runs.map(([label]) => label)], keys.map((key) => [`${code(key)} (${functionRegistry[key as keyof typeof functionRegistry]?.memorySize ?? '?'} MB)`, ...runs.map(([, run]) => cell(run, key))]));
}

const entered = (run: Measured) => run.record.states.map((state) => state.name);
const ended = (run: Measured) => (run.record.status === 'SUCCEEDED' ? entered(run).at(-1) : `${run.record.status} ${run.record.error ?? ''}`);
const samePath = (run: Measured, path: readonly string[]) => JSON.stringify(entered(run)) === JSON.stringify(path);

export const searchSnapshotBench: BenchSection = {
  title: 'search-snapshot: transitions, API calls and Lambda time per snapshot, and the monthly cost at rate(1 hour)',
  async run(context): Promise<SectionReport> {
    context.progress('search-snapshot: both Regions, two schedule periods');
    const { active, standby } = await runBothRegions();
    const runs = [
      ['active, first run', active.first],
      ['active, next hour', active.steady],
      ['standby, first run', standby.first],
      ['standby, next hour', standby.steady],
    ] as const;
    const activeMonth = monthlyCost(active.steady);
    const standbyMonth = monthlyCost(standby.steady);
    const bothTotal = activeMonth.total + standbyMonth.total;
    const bothPessimistic = activeMonth.totalPessimistic + standbyMonth.totalPessimistic;
    const snapshotsTaken = (run: Measured) => (run.record.output as { taken?: { created?: boolean } } | undefined)?.taken?.created === true;

    const body = [
      `The search fixture (${code(SEARCH_SEED)}: the catalog domain active in eu-west-1 behind the record, the standby in eu-central-1, three indices) with dev's ` +
        `search config (${code('rate(1 hour)')}, polls every ${POLL_SECONDS} s) and snapshots that take ${SNAPSHOT_SECONDS} s on the engine's clock. One engine per ` +
        "Region's stack over one sandbox account, as deployed: each Region's scheduled run, then the clock moves one hour and each runs again. The first run " +
        'registers the repository (a GET answered 404, then the PUT); the next hour is the steady state a month is made of, and the monthly cost uses it. ' +
        'Transitions are what the engine recorded (retries included), API calls what the sandbox recorded (SDK integrations, and the signed REST requests to ' +
        `each domain as ${code('es')}), Lambda invocations and their time what a wrapper around each handler measured in this process.`,
      '',
      '**Lambda time here is local in-process time on this machine** (handler call to result; the module import is not counted, lazy set-up on a ' +
        "handler's first call is, so the first run pays it; the sandbox answers in the same process over 127.0.0.1), **not Lambda billed duration**: " +
        'on AWS each REST request crosses the network and a cold start adds its init.',
      '',
      table(
        ['run', 'status', 'state transitions', 'AWS API calls', 'Lambda invocations', 'Lambda time (local)', 'longest invocation (local)', 'simulated duration'],
        runs.map(([label, run]) => perRunRow(label, run)),
        ['state transitions', 'AWS API calls', 'Lambda invocations'],
      ),
      '',
      'API calls by service and operation:',
      '',
      callsTable(runs),
      '',
      'Lambda invocations (count × mean local time):',
      '',
      lambdaTable(runs),
      '',
      `### Monthly cost at ${code('rate(1 hour)')}, ${RUNS_PER_MONTH} runs in each Region`,
      '',
      `From the steady-state runs above. Prices are list prices read on 2026-11-30 (sources in ${code('bench/search-snapshot.ts')}): Step Functions Standard ` +
        '$0.025 per 1,000 transitions (published for Europe (Ireland) and Europe (Frankfurt)); Lambda Arm $0.20 per million requests and $0.0000133334 per GB-s; ' +
        'CloudWatch $0.30 per custom metric-month and $0.10 per standard alarm metric-month. Lambda and CloudWatch Regional rates could not be read (the pages ' +
        "render them client-side): US East's are assumed for both Regions. The EventBridge schedule is a scheduled rule, whose events are not billed (only " +
        `custom events are). GB-s use each function's ${code('memorySize')} from ${code('handlers/registry.ts')} and an **assumed billed duration of ` +
        `${ASSUMED_BILLED_SECONDS * 1000} ms per invocation** (a few signed requests in-Region, warm); the last row bills every invocation ${PESSIMISTIC_BILLED_SECONDS} s instead. ` +
        "Costs are before the free tiers, which are per account and shared. Not counted: S3 storage of the snapshots (it depends on the domain's data), " +
        "CloudWatch Logs ingestion of the tasks' logs and the embedded-metric line, and data transfer.",
      '',
      table(
        ['', 'eu-west-1 (active)', 'eu-central-1 (standby)', 'both'],
        [
          ['state transitions', count(activeMonth.transitions), count(standbyMonth.transitions), count(activeMonth.transitions + standbyMonth.transitions)],
          ['Step Functions Standard', dollars(activeMonth.stepFunctions), dollars(standbyMonth.stepFunctions), dollars(activeMonth.stepFunctions + standbyMonth.stepFunctions)],
          ['Lambda requests', count(activeMonth.lambdaRequests), count(standbyMonth.lambdaRequests), count(activeMonth.lambdaRequests + standbyMonth.lambdaRequests)],
          ['Lambda requests $', dollars(activeMonth.lambdaRequestDollars), dollars(standbyMonth.lambdaRequestDollars), dollars(activeMonth.lambdaRequestDollars + standbyMonth.lambdaRequestDollars)],
          [`Lambda GB-s (${ASSUMED_BILLED_SECONDS * 1000} ms each)`, activeMonth.gbSeconds.toFixed(1), standbyMonth.gbSeconds.toFixed(1), (activeMonth.gbSeconds + standbyMonth.gbSeconds).toFixed(1)],
          ['Lambda duration $', dollars(activeMonth.lambdaDurationDollars), dollars(standbyMonth.lambdaDurationDollars), dollars(activeMonth.lambdaDurationDollars + standbyMonth.lambdaDurationDollars)],
          ['CloudWatch: the RPO metric and its alarm', dollars(activeMonth.cloudWatch), dollars(standbyMonth.cloudWatch), dollars(activeMonth.cloudWatch + standbyMonth.cloudWatch)],
          ['EventBridge schedule', dollars(activeMonth.schedule), dollars(standbyMonth.schedule), dollars(activeMonth.schedule + standbyMonth.schedule)],
          ['**total a month**', `**${dollars(activeMonth.total)}**`, `**${dollars(standbyMonth.total)}**`, `**${dollars(bothTotal)}**`],
          [`total if every invocation bills ${PESSIMISTIC_BILLED_SECONDS} s`, dollars(activeMonth.totalPessimistic), dollars(standbyMonth.totalPessimistic), dollars(bothPessimistic)],
        ],
        ['eu-west-1 (active)', 'eu-central-1 (standby)', 'both'],
      ),
      '',
      `Goals: the happy path's states come from the definition (${ACTIVE_BEFORE_POLLS.length} before polling, ${ACTIVE_PER_POLL.length} a poll for ` +
        `⌈${SNAPSHOT_SECONDS} / ${POLL_SECONDS}⌉ = ${POLLS} polls, ${ACTIVE_AFTER_POLLS.length} after: ${ACTIVE_PATH.length}; the standby ${STANDBY_PATH.length}), so more ` +
        'transitions would mean a retry, a loop or a state the run did not need. The waiting is Wait states (DESIGN.md: no Lambda that sleeps, as the public ' +
        "baseline's does), so no invocation may come near the snapshot's duration.",
    ].join('\n');

    const longestLocal = Math.max(0, ...runs.flatMap(([, run]) => run.invocations.map((invocation) => invocation.milliseconds)));
    const goals: Goal[] = [
      {
        goal: 'each active run ends Snapshotted with a new snapshot (one per schedule period)',
        measured: `${ended(active.first)}, ${ended(active.steady)}; new snapshot: ${snapshotsTaken(active.first)}, ${snapshotsTaken(active.steady)}`,
        met: ended(active.first) === 'Snapshotted' && ended(active.steady) === 'Snapshotted' && snapshotsTaken(active.first) && snapshotsTaken(active.steady),
      },
      {
        goal: `active: ≤ ${ACTIVE_PATH.length} transitions per successful snapshot (the definition's happy path, ${POLLS} polls)`,
        measured: `${active.first.record.transitions}, ${active.steady.record.transitions}${samePath(active.steady, ACTIVE_PATH) ? ' (the happy path)' : `: ${entered(active.steady).join(' → ')}`}`,
        met: active.first.record.transitions <= ACTIVE_PATH.length && active.steady.record.transitions <= ACTIVE_PATH.length,
      },
      {
        goal: `standby: ends Standby in ≤ ${STANDBY_PATH.length} transitions, no snapshot taken`,
        measured: `${standby.first.record.transitions}, ${standby.steady.record.transitions}; ${standby.steady.calls.get('es snapshot.create') ?? 0} snapshot.create`,
        met:
          ended(standby.first) === 'Standby' &&
          ended(standby.steady) === 'Standby' &&
          standby.first.record.transitions <= STANDBY_PATH.length &&
          standby.steady.record.transitions <= STANDBY_PATH.length &&
          !standby.first.calls.has('es snapshot.create') &&
          !standby.steady.calls.has('es snapshot.create'),
      },
      {
        goal: `no Lambda waits for the snapshot: every invocation is under 1% of its ${SNAPSHOT_SECONDS} s (local time)`,
        measured: `longest ${ms(longestLocal)}; the run took ${active.steady.record.simulatedSeconds} s on the engine's clock`,
        met: longestLocal < SNAPSHOT_SECONDS * 10 && active.steady.record.simulatedSeconds >= SNAPSHOT_SECONDS,
      },
    ];
    return {
      body,
      goals,
      summary: [
        `search-snapshot active: ${active.steady.record.transitions} transitions, ${active.steady.apiCalls} API calls, ${active.steady.invocations.length} Lambda invocations (${ms(lambdaMilliseconds(active.steady.invocations))} local), ${active.steady.record.simulatedSeconds} s simulated`,
        `search-snapshot standby: ${standby.steady.record.transitions} transitions, ${standby.steady.apiCalls} API calls, ${standby.steady.invocations.length} Lambda invocations`,
        `search-snapshot monthly at rate(1 hour), both Regions: ${dollars(bothTotal)} (${dollars(bothPessimistic)} if every invocation bills ${PESSIMISTIC_BILLED_SECONDS} s)`,
      ],
    };
  },
};
