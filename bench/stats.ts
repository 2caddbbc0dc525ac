import { BenchMeasurementError } from './errors.ts';

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new BenchMeasurementError('no samples to summarise');
  return [...values].sort((a, b) => a - b);
}

/** The nearest-rank percentile (p in 0..100) of the samples. */
export function percentile(values: readonly number[], p: number): number {
  const ordered = sorted(values);
  const rank = Math.min(ordered.length, Math.max(1, Math.ceil((p / 100) * ordered.length)));
  return ordered[rank - 1] ?? Number.NaN;
}

/** The middle sample, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const ordered = sorted(values);
  const middle = Math.floor(ordered.length / 2);
  const upper = ordered[middle] ?? Number.NaN;
  return ordered.length % 2 === 1 ? upper : ((ordered[middle - 1] ?? Number.NaN) + upper) / 2;
}

export function range(values: readonly number[]): { min: number; max: number } {
  const ordered = sorted(values);
  return { min: ordered[0] ?? Number.NaN, max: ordered[ordered.length - 1] ?? Number.NaN };
}
