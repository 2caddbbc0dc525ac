import type { Engine, ExecutionRecord } from '../../../engine/engine.ts';
import type { SandboxAccount } from '../../../engine/sandbox/index.ts';

/**
 * A story the fault matrix (test/workflows/fault-matrix.test.ts) replays under faults: a world
 * set up for it, what starts it (run again as the replay), and the AWS state that must come out
 * the same whatever faults were survived.
 */
export interface Scenario {
  readonly name: string;
  /** `randomSeed` (default 1) seeds the world's ids and `fraction` fault decisions. */
  setup(randomSeed?: number): Promise<{ engine: Engine; sandbox: SandboxAccount; act: () => Promise<ExecutionRecord[]> }>;
  outcome(sandbox: SandboxAccount): unknown;
}

/** Runs `start` and returns every execution it caused, in the order they were started. */
export async function executionsOf(engine: Engine, start: () => Promise<unknown>): Promise<ExecutionRecord[]> {
  const before = engine.executions.length;
  await start();
  await engine.idle();
  return engine.executions.slice(before);
}
