import { readFileSync } from 'node:fs';
import type { Engine, ExecutionRecord } from '../engine/engine.ts';
import type { SandboxAccount } from '../engine/sandbox/index.ts';
import { sampleWith } from '../events/samples.ts';
import { FINDINGS_PER_BATCH } from '../handlers/findings/work.ts';
import { functionRegistry } from '../handlers/registry.ts';
import { devConfig, world } from '../test/workflows/harness.ts';
import { code, table } from './markdown.ts';
import type { BenchSection, Goal, SectionReport } from './section.ts';

/**
 * The cost of enriching a burst of findings, from what the engine recorded (transitions, Lambda
 * tasks) and what the sandbox counted (investigations started), against the design of AWS's
 * public example: one 128 MB Lambda per finding that polls Detective every 30 s until done.
 */

const SEED = 'test/fixtures/sandbox/findings.json';
const FINDINGS = 100;
const PRINCIPALS = 5;
const INVESTIGATION_SECONDS = 6 * 60;
const LAMBDA_LIMIT_SECONDS = 15 * 60;

/** List prices, us-east-1, as published when this was written. */
const PRICE = {
  transition: 0.025 / 1000,
  lambdaGbSecondArm: 0.0000133334,
  lambdaGbSecondX86: 0.0000166667,
  lambdaRequest: 0.2 / 1_000_000,
} as const;

/** A warm invocation of one of our tasks is assumed to bill 50 ms (they are pure functions of their input). */
const TASK_BILLED_SECONDS = 0.05;
const EXAMPLE_MEMORY_GB = 128 / 1024;

type Finding = Record<string, unknown> & { Id: string; Resources: Record<string, unknown>[] };

interface Scenario {
  name: string;
  description: string;
  run(engine: Engine, findings: Finding[]): Promise<ExecutionRecord[]>;
}

const flagged = (findings: Finding[]) =>
  sampleWith('securityhub/findings-imported-guardduty-ssh-brute-force.json', {
    findings: findings.map((finding) => ({ ...finding, UserDefinedFields: { investigate: 'true' } })),
  });

const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, index * size + size));

const scenarios: Scenario[] = [
  {
    name: 'one event',
    description: `the ${FINDINGS} findings in one Security Hub "Findings - Imported" event, the most one event carries (AWS documents one finding per Imported event today, and up to 20 per custom action); they are written back ${FINDINGS_PER_BATCH} at a time, so no state holds more than one batch's updates`,
    run: async (engine, findings) => engine.send(flagged(findings)),
  },
  {
    name: 'ten events, one after another',
    description: 'ten events of ten findings (each with every principal), each sent when the previous execution has finished, so later ones reuse the finished investigate-principal runs: no IAM lookup, no investigation',
    run: async (engine, findings) => {
      const records: ExecutionRecord[] = [];
      for (const batch of chunks(findings, 10)) records.push(...(await engine.send(flagged(batch))));
      return records;
    },
  },
  {
    name: 'ten events at the same instant',
    description:
      'the same ten events started together: each execution reaches its principals before any investigation exists; for each principal one starts the run, and the other nine send the same name and input, which StartExecution answers with that running run, so they wait for it as for their own',
    run: async (engine, findings) => {
      const started = chunks(findings, 10).map((batch) => engine.start('finding-enrichment', flagged(batch)));
      return Promise.all(started.map((execution) => execution.done));
    },
  },
];

/**
 * The seed's findings, made into a burst about PRINCIPALS users of the account (in its IAM, so their
 * ARNs are read from IAM), whose investigations all finish SUCCESSFUL after 6 minutes of polling.
 */
function burstWorld(): Promise<{ sandbox: SandboxAccount; engine: Engine; findings: Finding[] }> {
  const seed = JSON.parse(readFileSync(SEED, 'utf8')) as { securityHub: { findings: Finding[] } };
  const template = seed.securityHub.findings[0] as Finding;
  const findings = Array.from({ length: FINDINGS }, (_, index): Finding => {
    const user = `bench-user-${(index % PRINCIPALS) + 1}`;
    const finding = structuredClone(template);
    finding.Id = `${template.Id}-burst-${index}`;
    finding.Resources = [{ ...template.Resources[0], Id: `arn:aws:iam::123456789012:user/${user}`, Details: { AwsIamUser: { UserName: user } } }];
    return finding;
  });
  return world({
    seed: SEED,
    config: devConfig(),
    changeSeed: (raw) => {
      // Polls at 60 and 180 s see RUNNING; the third, at 420 s, the first after 6 minutes, sees SUCCESSFUL.
      const detective = raw.detective as { investigationSeconds: number; outcomes: unknown[]; defaultOutcome?: unknown };
      detective.investigationSeconds = INVESTIGATION_SECONDS;
      detective.outcomes = [];
      detective.defaultOutcome = { status: 'SUCCESSFUL', severity: 'MEDIUM', indicators: [] };
      (raw.securityHub as { findings: Finding[] }).findings = findings;
      const users = Array.from({ length: PRINCIPALS }, (_, index) => ({ userName: `bench-user-${index + 1}`, path: '/', createDate: '2024-03-11T09:20:41Z' }));
      (raw.iam as { users: unknown[] }).users.push(...users);
    },
  }).then(({ sandbox, engine }) => ({ sandbox, engine, findings }));
}

interface Cost {
  executions: number;
  investigations: number;
  transitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  dollars: number;
  longestWaitSeconds: number;
}

function ourCost(records: readonly ExecutionRecord[], investigations: number): Cost {
  const lambdaStates = new Set(Object.keys(functionRegistry).map((key) => key.charAt(0).toUpperCase() + key.slice(1)));
  const invocations = records.flatMap((record) => record.states).filter((state) => lambdaStates.has(state.name)).length;
  const memoryGb = 256 / 1024;
  const gbSeconds = invocations * memoryGb * TASK_BILLED_SECONDS;
  const transitions = records.reduce((sum, record) => sum + record.transitions, 0);
  return {
    executions: records.length,
    investigations,
    transitions,
    lambdaInvocations: invocations,
    lambdaGbSeconds: gbSeconds,
    dollars: transitions * PRICE.transition + gbSeconds * PRICE.lambdaGbSecondArm + invocations * PRICE.lambdaRequest,
    longestWaitSeconds: Math.max(...records.map((record) => record.simulatedSeconds)),
  };
}

/** AWS's example: a 128 MB Lambda per finding, alive for the whole investigation, first principal only. */
function exampleCost(): Cost {
  const gbSeconds = FINDINGS * INVESTIGATION_SECONDS * EXAMPLE_MEMORY_GB;
  return {
    executions: FINDINGS,
    investigations: FINDINGS,
    transitions: 0,
    lambdaInvocations: FINDINGS,
    lambdaGbSeconds: gbSeconds,
    dollars: gbSeconds * PRICE.lambdaGbSecondX86 + FINDINGS * PRICE.lambdaRequest,
    longestWaitSeconds: INVESTIGATION_SECONDS,
  };
}

const dollars = (value: number) => `$${value.toFixed(6)}`;
const enrichments = (records: readonly ExecutionRecord[]) => records.filter((record) => record.workflow === 'finding-enrichment');

export const findingEnrichmentCost: BenchSection = {
  title: 'finding-enrichment: cost of a burst against the AWS example',
  async run(context): Promise<SectionReport> {
    const example = exampleCost();
    const rows: (string | number)[][] = [];
    const goals: Goal[] = [];
    const summary: string[] = [];
    const executionCosts: string[] = [];
    for (const scenario of scenarios) {
      context.progress(`finding-enrichment: ${scenario.name}`);
      const { sandbox, engine, findings } = await burstWorld();
      const records = await scenario.run(engine, findings);
      await engine.idle();
      const all = engine.executions;
      const cost = ourCost(all, sandbox.investigations().length);
      const enriched = findings.filter((finding) => (sandbox.finding(finding.Id) as { UserDefinedFields?: Record<string, string> } | undefined)?.UserDefinedFields?.investigate === 'complete').length;
      const perFinding = cost.dollars / FINDINGS;
      const perExecution = enrichments(records).map((record) => record.transitions);
      const ratio = example.dollars / cost.dollars;
      rows.push([
        scenario.name,
        `${enrichments(records).filter((record) => record.status === 'SUCCEEDED').length}/${enrichments(records).length}`,
        `${enriched}/${FINDINGS}`,
        cost.investigations,
        cost.transitions,
        cost.lambdaInvocations,
        cost.lambdaGbSeconds.toFixed(2),
        dollars(perFinding),
        `${ratio.toFixed(1)}×`,
      ]);
      const fewer = example.investigations / Math.max(cost.investigations, 1);
      goals.push(
        { goal: `${scenario.name}: every finding enriched`, measured: `${enriched}/${FINDINGS}`, met: enriched === FINDINGS },
        { goal: `${scenario.name}: ≥ 10× fewer investigations than the example (${example.investigations})`, measured: `${cost.investigations} (${fewer.toFixed(0)}×)`, met: fewer >= 10 },
      );
      goals.push({ goal: `${scenario.name}: ≥ 5× lower cost per finding`, measured: `${dollars(perFinding)} vs ${dollars(example.dollars / FINDINGS)} (${ratio.toFixed(1)}×)`, met: ratio >= 5 });
      summary.push(`${scenario.name}: ${cost.investigations} investigations, ${cost.transitions} transitions, ${dollars(perFinding)}/finding (${ratio.toFixed(1)}× cheaper)`);
      executionCosts.push(`- **${scenario.name}**: ${perExecution.join(', ')} transitions per finding-enrichment execution, and ${cost.transitions - perExecution.reduce((total, count) => total + count, 0)} for the investigate-principal runs.`);
      goals.push({
        goal: `${scenario.name}: no Lambda waits (Detective polled by Wait states, ${INVESTIGATION_SECONDS} s investigation)`,
        measured: `Lambda tasks are pure functions; the waiting is Wait states: the longest execution took ${cost.longestWaitSeconds} s on the simulated clock`,
        met: cost.longestWaitSeconds >= INVESTIGATION_SECONDS && cost.longestWaitSeconds < 24 * 3600,
      });
    }
    const body = [
      `${FINDINGS} GuardDuty findings about ${PRINCIPALS} IAM users of the account (copies of the first finding of ${code(SEED)}; the users are in its IAM), flagged ` +
        `\`investigate=true\`, through the real ASL on the local engine against the sandbox. Each investigation runs ` +
        `${INVESTIGATION_SECONDS / 60} minutes on the engine's clock: with waits of 60, 120 and 240 s, the third poll, at 420 s, is the first ` +
        `to see it SUCCESSFUL. Transitions, Lambda tasks and investigations are what the engine and the sandbox recorded.`,
      '',
      'Prices (us-east-1 list): Step Functions Standard $0.025 per 1,000 transitions; Lambda $0.0000133334 per GB-s (arm64, ours) and ' +
        `$0.0000166667 (x86, the example), $0.20 per million requests. Our tasks: 256 MB, billed ${TASK_BILLED_SECONDS * 1000} ms each (assumed). ` +
        `The example: one 128 MB Lambda per finding, polling every 30 s for the ${INVESTIGATION_SECONDS / 60}-minute investigation ` +
        `(${INVESTIGATION_SECONDS} s × 0.125 GB = 45 GB-s a finding), one investigation per finding (first principal only), ` +
        `and a hard stop at Lambda's ${LAMBDA_LIMIT_SECONDS / 60} minutes. Detective itself is billed by data ingested, not per investigation.`,
      '',
      table(
        ['scenario', 'finding-enrichment executions succeeded', 'findings enriched', 'investigations', 'transitions', 'Lambda tasks', 'Lambda GB-s', '$ per finding', 'cheaper than the example'],
        [...rows, ['AWS example', '—', '—', example.investigations, '—', example.lambdaInvocations, example.lambdaGbSeconds.toFixed(2), dollars(example.dollars / FINDINGS), '1×']],
        ['investigations', 'transitions', 'Lambda tasks', 'Lambda GB-s'],
      ),
      '',
      ...scenarios.map((scenario) => `- **${scenario.name}**: ${scenario.description}.`),
      '',
      'Executions and transitions count the finding-enrichment executions and the investigate-principal runs they start. ' +
        'Every execution keeps time on one clock. In the last scenario the executions that join a running run end when it ends, ' +
        'at 420 s, and pay no transition for the waiting: no DescribeExecution poll, no Wait loop. Each run reads its principal\'s ARN ' +
        'from IAM, so an execution that reuses a finished run (the second scenario) reads nothing from IAM: it pays six transitions a ' +
        'principal (StartExecution refused, DescribeExecution, and the states that read, judge and take its output).',
      '',
      ...executionCosts,
    ].join('\n');
    return { body, goals, summary };
  },
};
