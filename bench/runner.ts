import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineTable } from './machine.ts';
import { table } from './markdown.ts';
import type { BenchContext, BenchSection, Goal, SectionReport } from './section.ts';
import { sections } from './sections.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const RESULTS = path.join(BENCH_DIR, 'results.md');
const COMMAND = 'npm run bench (tsx bench/run.ts)';

interface Outcome {
  readonly section: BenchSection;
  readonly report: SectionReport;
}

const verdict = (met: boolean): string => (met ? '✅ met' : '❌ not met');

/** A section that throws still gets its place in the results, as an unmet goal saying why. */
async function runSection(section: BenchSection, context: BenchContext): Promise<SectionReport> {
  try {
    return await section.run(context);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      body: `The section failed before it could measure:\n\n\`\`\`\n${message}\n\`\`\``,
      goals: [{ goal: 'the section runs', measured: message, met: false }],
      summary: [`${section.title}: FAILED (${message})`],
    };
  }
}

function render(outcomes: readonly Outcome[], startedAt: Date, elapsedSeconds: number): string {
  const machine = describeMachine();
  const goalRows = (goals: readonly Goal[]) => goals.map((goal) => [goal.goal, goal.measured, verdict(goal.met)]);
  const parts = [
    '# opsflow benchmarks',
    '',
    `Written by \`${COMMAND}\` on ${startedAt.toISOString()} in ${elapsedSeconds.toFixed(1)} s; every run overwrites this file. ` +
      'Timings depend on the machine and on whatever else runs on it (see the load average).',
    '',
    '## Machine',
    '',
    machineTable(machine),
    '',
    '## Goals',
    '',
    table(
      ['section', 'goal', 'measured', 'verdict'],
      outcomes.flatMap(({ report }, index) => report.goals.map((goal) => [index + 1, goal.goal, goal.measured, verdict(goal.met)])),
    ),
  ];
  outcomes.forEach(({ section, report }, index) => {
    parts.push('', `## ${index + 1}. ${section.title}`, '', report.body, '', table(['goal', 'measured', 'verdict'], goalRows(report.goals)));
  });
  return `${parts.join('\n')}\n`;
}

/** Runs every section, writes bench/results.md, prints a summary; returns the exit code (1 if a goal is not met). */
export async function runBench(): Promise<number> {
  // The workflow harness and the sections read repository files by relative path.
  process.chdir(ROOT);
  const startedAt = new Date();
  const started = performance.now();
  const context: BenchContext = {
    root: ROOT,
    outDir: path.join(BENCH_DIR, '.out'),
    progress: (line) => process.stderr.write(`  … ${line}\n`),
  };
  await mkdir(context.outDir, { recursive: true });
  const outcomes: Outcome[] = [];
  for (const [index, section] of sections.entries()) {
    process.stderr.write(`${index + 1}. ${section.title}\n`);
    outcomes.push({ section, report: await runSection(section, context) });
  }
  await writeFile(RESULTS, render(outcomes, startedAt, (performance.now() - started) / 1000));

  const goals = outcomes.flatMap(({ report }) => report.goals);
  const unmet = goals.filter((goal) => !goal.met);
  for (const { report } of outcomes) for (const line of report.summary) console.log(line);
  for (const goal of unmet) console.log(`not met: ${goal.goal} (${goal.measured})`);
  console.log(`${goals.length - unmet.length} of ${goals.length} goals met; written to ${path.relative(process.cwd(), RESULTS)}`);
  return unmet.length === 0 ? 0 : 1;
}
