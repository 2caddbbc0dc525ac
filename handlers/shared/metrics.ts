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
 * Emits metrics in CloudWatch's embedded metric format (Powertools Metrics): to stdout on AWS
 * (CloudWatch Logs extracts them, timestamped now), to the runtime's sink locally, timestamped
 * with the runtime's clock. Powertools' setTimestamp is not used for that: it checks the time
 * against the system clock, which a simulated clock may be days ahead of. Every metric carries
 * `service: opsflow` besides `dimensions`.
 */
export function emitMetrics(namespace: string, dimensions: Readonly<Record<string, string>>, values: readonly MetricValue[]): void {
  const runtime = currentRuntime();
  const metrics = new Metrics({ namespace, serviceName: metricsServiceName });
  metrics.addDimensions({ ...dimensions });
  for (const { name, unit, value } of values) metrics.addMetric(name, unit, value);
  if (runtime.metrics) {
    const document = metrics.serializeMetrics();
    runtime.metrics.publish({ ...document, _aws: { ...document._aws, Timestamp: runtime.now().getTime() } });
    metrics.clearMetrics();
    return;
  }
  metrics.publishStoredMetrics();
}
