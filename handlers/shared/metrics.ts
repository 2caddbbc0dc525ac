import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import { currentRuntime } from './runtime.ts';

/** The service dimension Powertools adds to every metric opsflow emits; alarms name it too. */
export const metricsServiceName = 'opsflow';

export interface MetricValue {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
}

/**
 * Emits metrics in CloudWatch's embedded metric format (Powertools Metrics), timestamped with the
 * runtime's clock: to stdout on AWS (CloudWatch Logs extracts them), to the runtime's sink locally.
 * Every metric carries `service: opsflow` besides `dimensions`.
 */
export function emitMetrics(namespace: string, dimensions: Readonly<Record<string, string>>, values: readonly MetricValue[]): void {
  const runtime = currentRuntime();
  const metrics = new Metrics({ namespace, serviceName: metricsServiceName });
  metrics.setTimestamp(runtime.now());
  metrics.addDimensions({ ...dimensions });
  for (const { name, unit, value } of values) metrics.addMetric(name, unit, value);
  if (runtime.metrics) {
    runtime.metrics.publish(metrics.serializeMetrics());
    metrics.clearMetrics();
    return;
  }
  metrics.publishStoredMetrics();
}
