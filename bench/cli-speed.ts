import { spawnSync } from 'node:child_process';
import path from 'node:path';
// @ts-expect-error -- plain JavaScript without types: bin/ runs before anything can load TypeScript.
import { freshBuild } from '../bin/compiled.js';
import { BenchMeasurementError } from './errors.ts';
import { code, milliseconds, table } from './markdown.ts';
import type { BenchContext, BenchSection, Goal, SectionReport } from './section.ts';
import { median, range } from './stats.ts';

const ROUNDS = 7;
const EVENT = 'workflows/instance-dns/example-input.json';

interface Measured {
  readonly label: string;
  readonly args: readonly string[];
  /** The goal: at most this many times bare `node -e 0`'s median; none for the baseline. */
  readonly withinTimesNode?: number;
}

const baseline: Measured = { label: 'node -e 0', args: ['-e', '0'] };
const commands: readonly Measured[] = [
  baseline,
  { label: 'opsflow --help', args: ['bin/opsflow.js', '--help'], withinTimesNode: 4 },
  { label: 'opsflow --version', args: ['bin/opsflow.js', '--version'], withinTimesNode: 4 },
  { label: `opsflow routes ${EVENT}`, args: ['bin/opsflow.js', 'routes', EVENT], withinTimesNode: 10 },
  { label: `opsflow run instance-dns --event ${EVENT}`, args: ['bin/opsflow.js', 'run', 'instance-dns', '--event', EVENT], withinTimesNode: 12 },
];

/** One run's wall time in milliseconds, from spawning the process to its exit; it must exit 0. */
function wallTime(command: Measured, root: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, command.args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new BenchMeasurementError(`${command.label} exited ${result.status ?? result.signal}: ${result.stderr.split('\n')[0] ?? ''}`);
  return elapsed;
}

/**
 * The opsflow command as a person runs it (`node bin/opsflow.js`, what `npx opsflow` starts), its
 * wall time against bare Node measured in the same rounds, so that the machine's load weighs on
 * both alike.
 */
export const cliSpeed: BenchSection = {
  title: 'the opsflow command: wall time against bare node',
  async run({ root, progress }: BenchContext): Promise<SectionReport> {
    let built = 'the install-time build was fresh';
    if (!freshBuild(root)) {
      progress('compiling the opsflow command (npm run build): its build is missing or older than its sources');
      const build = spawnSync(process.execPath, [path.join('bin', 'build.js')], { cwd: root, encoding: 'utf8' });
      if (build.status !== 0 || !freshBuild(root)) throw new BenchMeasurementError(`npm run build failed: ${build.stderr.split('\n')[0] ?? ''}`);
      built = 'the install-time build was missing or stale, so the section ran `npm run build` first';
    }
    // One round unmeasured: the file cache, and run's record of the definitions it validated once.
    for (const command of commands) wallTime(command, root);
    const samples = new Map<Measured, number[]>(commands.map((command) => [command, []]));
    for (let round = 1; round <= ROUNDS; round += 1) {
      progress(`round ${round} of ${ROUNDS}`);
      for (const command of commands) samples.get(command)?.push(wallTime(command, root));
    }
    const node = median(samples.get(baseline) ?? []);
    const rows = commands.map((command) => {
      const times = samples.get(command) ?? [];
      const { min, max } = range(times);
      const ratio = median(times) / node;
      return { command, median: median(times), min, max, ratio };
    });
    const goals: Goal[] = rows.flatMap(({ command, median: typical, ratio }) =>
      command.withinTimesNode === undefined
        ? []
        : [{ goal: `${code(command.label)} within ${command.withinTimesNode}× bare node`, measured: `${ratio.toFixed(1)}× (${milliseconds(typical)} ms against ${milliseconds(node)} ms)`, met: ratio <= command.withinTimesNode }],
    );
    const body = [
      `Each command spawned with ${code(process.execPath)} from the repository root, stdout discarded, exit code 0 required; ` +
        `${ROUNDS} rounds after one unmeasured, each round running every command once in turn, so bare node shares each round's load. ` +
        `Wall time from spawn to exit; the ratio is the command's median over bare node's median. ${built[0]?.toUpperCase()}${built.slice(1)}.`,
      '',
      table(
        ['command', 'median ms', 'min ms', 'max ms', '× node'],
        rows.map(({ command, median: typical, min, max, ratio }) => [code(command.label), milliseconds(typical), milliseconds(min), milliseconds(max), ratio.toFixed(1)]),
        ['median ms', 'min ms', 'max ms', '× node'],
      ),
    ].join('\n');
    const summary = [`opsflow command: ${rows.filter((row) => row.command !== baseline).map((row) => `${row.command.label.split(' ').slice(0, 2).join(' ')} ${row.ratio.toFixed(1)}×`).join(', ')} bare node (${milliseconds(node)} ms)`];
    return { body, goals, summary };
  },
};
