import '../engine/polyfills.ts';
import { performance } from 'node:perf_hooks';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { JsonValue } from '../workflows/types.ts';
import { BenchMeasurementError } from './errors.ts';

/**
 * The bare interpreter in a Node.js process of its own, started with `fork` by the engine bench:
 * it loads aws-local-stepfunctions and nothing of the engine (so none of what the engine does to
 * a whole process, such as the async hooks of AsyncLocalStorage), and runs one execution each time
 * it is asked, so that the bench can take its turns with opsflow's runs under the same load.
 *
 * Messages: the bench sends a `BareJob`; the process warms up and answers `{ ready: true }`; then
 * each `{ run: true }` is answered `{ ms }`, the time of that one execution.
 */
export interface BareJob {
  /** The prepared definition, as the engine hands it to the library. */
  readonly definition: unknown;
  readonly input: JsonValue;
  /** What each Task answers at once, by state name. */
  readonly outputs: Readonly<Record<string, JsonValue>>;
  readonly retryIntervalOverrides: NonNullable<NonNullable<RunOptions['overrides']>['retryIntervalOverrides']>;
  /** Every run must end with this output. */
  readonly expectedOutput: unknown;
  readonly warmUpRuns: number;
}

export type BareAnswer = { readonly ready: true } | { readonly ms: number } | { readonly failed: string };

/** One execution of the job's machine, timed; BenchMeasurementError when it does not end with the expected output. */
export function bareRunner(job: BareJob): () => Promise<number> {
  const machine = new StateMachine(job.definition as StateMachineDefinition, { validationOptions: { checkArn: false } });
  const taskResourceLocalHandlers = Object.fromEntries(Object.entries(job.outputs).map(([state, output]) => [state, async () => output]));
  const options: RunOptions = { overrides: { taskResourceLocalHandlers, retryIntervalOverrides: { ...job.retryIntervalOverrides } } };
  const expected = JSON.stringify(job.expectedOutput);
  return async () => {
    const started = performance.now();
    const output: unknown = await machine.run(job.input, options).result;
    const ms = performance.now() - started;
    if (JSON.stringify(output) !== expected) throw new BenchMeasurementError('the bare interpreter did not end with the output of the recorded opsflow run');
    return ms;
  };
}

function serve(): void {
  let run: (() => Promise<number>) | undefined;
  const answer = (message: BareAnswer): void => {
    process.send?.(message);
  };
  process.on('message', (message: BareJob | { run: true }) => {
    const work = async (): Promise<BareAnswer> => {
      if ('definition' in message) {
        run = bareRunner(message);
        for (let warm = 0; warm < message.warmUpRuns; warm += 1) await run();
        return { ready: true };
      }
      if (!run) throw new BenchMeasurementError('asked to run before it was given a job');
      return { ms: await run() };
    };
    work().then(answer, (error: unknown) => answer({ failed: error instanceof Error ? error.message : String(error) }));
  });
}

if (process.send) serve();
