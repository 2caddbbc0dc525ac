/**
 * A meter of state payloads for size tests: engine/limits.ts with its checks wrapped so that
 * every state's input and output, and every task's result, is measured as the engine checks it
 * (the checks themselves still run). A test file installs it with
 * `vi.mock('../../engine/limits.ts', async (importOriginal) => (await import('./payload-meter.ts')).meteredLimits(await importOriginal()))`
 * and reads `largest` after a run (bytes of JSON, and the state it was measured at).
 */
import type * as Limits from '../../engine/limits.ts';

/** The largest payload measured since the last `resetLargest()`. */
export const largest = { bytes: 0, where: '' };

export function resetLargest(): void {
  Object.assign(largest, { bytes: 0, where: '' });
}

/** `limits` with its payload checks measured; `ignore` names measurements that are not the run's (`<state> input`). */
export function meteredLimits(limits: typeof Limits, ignore: readonly string[] = []): typeof Limits {
  const measure = (where: string, value: unknown): void => {
    if (ignore.includes(where)) return;
    const measured = limits.measureJson(value, Number.POSITIVE_INFINITY);
    if (measured.kind === 'json' && measured.bytes > largest.bytes) Object.assign(largest, { bytes: measured.bytes, where });
  };
  return {
    ...limits,
    checkStatePayload: (stateName: string, value: unknown, direction: 'input' | 'output') => {
      measure(`${stateName} ${direction}`, value);
      limits.checkStatePayload(stateName, value, direction);
    },
    checkTaskResult: (stateName: string, resource: string, result: unknown) => {
      measure(`${stateName} result`, result);
      limits.checkTaskResult(stateName, resource, result);
    },
  };
}
