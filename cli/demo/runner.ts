import type { Engine } from '../../engine/engine.ts';
import type { SandboxAccount } from '../../engine/sandbox/index.ts';
import type { OpsflowConfig } from '../../handlers/shared/config.ts';

/**
 * What every story of `npm start` shares: a story is a list of steps, each acting on a fresh
 * sandbox and engine and saying what must come out; the runner prints each step and counts those
 * that came out otherwise. The stories are the other files of cli/demo/, run by index.ts.
 */

export interface Output {
  out(line: string): void;
}

export interface World {
  /** The stage config every engine of the story runs with (the CLI's default, config/dev.json). */
  config: OpsflowConfig;
  sandbox: SandboxAccount;
  /** The engine of the account's own Region. */
  engine: Engine;
  /** One engine per Region the story names (`Story.regions`), each running that Region's stack over the one account and clock. */
  regions: ReadonlyMap<string, Engine>;
}

/** What one step did: the lines it shows, and each way it came out otherwise than expected (none when as expected). */
export interface StepResult {
  shown: string[];
  unexpected: string[];
}

export interface Step {
  title: string;
  run(): Promise<StepResult>;
}

export interface Story {
  /** The headline: `opsflow demo: <title> on the local engine against the sandbox account`. */
  title: string;
  /** The workflows the story runs (EngineOptions.build); the workflows they start are built too. */
  workflows: readonly string[];
  /** Other Regions whose stacks the story runs besides the account's own (world.regions). */
  regions?: readonly string[];
  /** The steps, against a fresh world; a step may rely on the ones before it. */
  steps(world: World, output: Output): Step[];
  /** After the count of steps as expected: what the story cost (executions, calls...). */
  summary(world: World): string;
}

/**
 * One way an outcome differs from what was expected (`<what> <actual>, expected <expected>`), or
 * nothing when they are equal (compared as JSON, so arrays and objects compare by content).
 */
export function differs(what: string, actual: unknown, expected: unknown): string[] {
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${what} ${JSON.stringify(actual) ?? 'undefined'}, expected ${JSON.stringify(expected)}`];
}

/** Runs the story's steps in order, printing each; returns how many came out otherwise than expected (a step that throws is one). */
export async function runStory(story: Story, world: World, output: Output): Promise<number> {
  const steps = story.steps(world, output);
  let failures = 0;
  output.out(`opsflow demo: ${story.title} on the local engine against the sandbox account\n`);
  for (const [index, step] of steps.entries()) {
    output.out(`${index + 1}. ${step.title}`);
    let result: StepResult;
    try {
      result = await step.run();
    } catch (error) {
      result = { shown: [], unexpected: [`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`] };
    }
    for (const line of result.shown) output.out(`   ${line}`);
    if (result.unexpected.length > 0) {
      failures += 1;
      output.out(`   ✗ unexpected: ${result.unexpected.join('; ')}`);
    }
    output.out('');
  }
  output.out(`${steps.length - failures} of ${steps.length} steps as expected; ${story.summary(world)}`);
  for (const engine of new Set([world.engine, ...world.regions.values()])) {
    for (const warning of engine.warnings) output.out(`warning: ${warning.message}`);
  }
  output.out('');
  return failures;
}
