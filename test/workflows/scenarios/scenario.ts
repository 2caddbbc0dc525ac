import { Clock } from '../../../engine/clock.ts';
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

const HOUR_MS = 3_600_000;
/** Five minutes past the hour this test process loaded in: every scene starts at this one instant. */
const sceneStartMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 5 * 60_000;

/**
 * A simulated clock at five past the hour, the same instant for every scene of the process: what
 * depends on the hour (search-snapshot names a snapshot by its schedule period, Detective scopes
 * are whole hours) comes out the same in a baseline and in the faulted run compared with it, and a
 * scene started a minute before the hour does not straddle two periods.
 */
export function fivePastTheHour(): Clock {
  return Clock.simulated(sceneStartMs);
}
