import type { EmbeddedMetricSink } from '../handlers/shared/runtime.ts';
import type { AlarmSpec } from '../workflows/types.ts';

/** One stored datapoint: a metric's value at a time, with the Region and dimensions it was emitted with. */
export interface Datapoint {
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch, from the document's `_aws.Timestamp`. */
  readonly timestamp: number;
  readonly value: number;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmEvaluation {
  readonly alarmName: string;
  readonly state: AlarmState;
  /** One line, as CloudWatch's StateReason reads: how many of the periods breached and why. */
  readonly reason: string;
}

/** Raised for a document that is not CloudWatch embedded metric format. */
export class InvalidEmbeddedMetrics extends Error {
  override readonly name = 'InvalidEmbeddedMetrics';
}

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string }[];
}

function directivesOf(document: Record<string, unknown>): { timestamp: number; directives: readonly EmfDirective[] } {
  const aws = document._aws;
  if (typeof aws !== 'object' || aws === null) throw new InvalidEmbeddedMetrics('_aws: missing, not embedded metric format');
  const { Timestamp: timestamp, CloudWatchMetrics: directives } = aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown };
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw new InvalidEmbeddedMetrics('_aws.Timestamp: must be milliseconds since the epoch');
  if (!Array.isArray(directives)) throw new InvalidEmbeddedMetrics('_aws.CloudWatchMetrics: must be an array');
  return { timestamp, directives: directives as EmfDirective[] };
}

/**
 * The local engine's CloudWatch: metrics that tasks emit in embedded metric format (the format
 * CloudWatch Logs extracts on AWS), kept per Region, and alarms evaluated over them on the
 * engine's clock. One instance serves every Region's engine over one account.
 * Source for the format: CloudWatch User Guide, "Specification: Embedded metric format".
 */
export class LocalCloudWatch {
  readonly #datapoints: Datapoint[] = [];

  /** The sink a Region's tasks publish to (handlers/shared/runtime.ts `metrics`). */
  sinkFor(region: string): EmbeddedMetricSink {
    return { publish: (document) => this.ingest(region, document) };
  }

  /** Stores every metric of one EMF document. Raises InvalidEmbeddedMetrics for anything else. */
  ingest(region: string, document: object): void {
    const fields = document as Record<string, unknown>;
    const { timestamp, directives } = directivesOf(fields);
    for (const directive of directives) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionSet.map((key) => [key, String(fields[key])]));
        for (const { Name } of directive.Metrics) {
          const raw = fields[Name];
          for (const value of Array.isArray(raw) ? raw : [raw]) {
            if (typeof value !== 'number') throw new InvalidEmbeddedMetrics(`${Name}: the value must be a number, got ${JSON.stringify(value)}`);
            this.#datapoints.push({ region, namespace: directive.Namespace, metricName: Name, dimensions, timestamp, value });
          }
        }
      }
    }
  }

  datapoints(region: string, namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): Datapoint[] {
    const wanted = JSON.stringify(sortedEntries(dimensions));
    return this.#datapoints.filter(
      (point) => point.region === region && point.namespace === namespace && point.metricName === metricName && JSON.stringify(sortedEntries(point.dimensions)) === wanted,
    );
  }

  /**
   * The alarm's state at `now` in `region`: the last `evaluationPeriods` whole periods before `now`
   * (periods aligned to the epoch, as CloudWatch aligns them), each breaching, not breaching or missing.
   */
  evaluate(alarm: AlarmSpec, region: string, now: Date): AlarmEvaluation {
    const periodMs = alarm.periodSeconds * 1000;
    const lastEnd = Math.floor(now.getTime() / periodMs) * periodMs;
    const points = this.datapoints(region, alarm.namespace, alarm.metricName, alarm.dimensions);
    let breaching = 0;
    let present = 0;
    for (let index = 0; index < alarm.evaluationPeriods; index += 1) {
      const end = lastEnd - index * periodMs;
      const values = points.filter((point) => point.timestamp >= end - periodMs && point.timestamp < end).map((point) => point.value);
      if (values.length === 0) {
        if (alarm.treatMissingData === 'breaching') breaching += 1;
        continue;
      }
      present += 1;
      if (compare(alarm.comparisonOperator, statistic(alarm.statistic, values), alarm.threshold)) breaching += 1;
    }
    const missing = alarm.evaluationPeriods - present;
    const counted = `${breaching} of the last ${alarm.evaluationPeriods} periods of ${alarm.periodSeconds} s breaching (${missing} without data, treated as ${alarm.treatMissingData})`;
    if (present === 0 && (alarm.treatMissingData === 'missing' || alarm.treatMissingData === 'ignore')) {
      return { alarmName: alarm.alarmName, state: 'INSUFFICIENT_DATA', reason: counted };
    }
    return { alarmName: alarm.alarmName, state: breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK', reason: counted };
  }
}

function sortedEntries(dimensions: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b));
}

function statistic(kind: AlarmSpec['statistic'], values: readonly number[]): number {
  switch (kind) {
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'SampleCount':
      return values.length;
  }
}

function compare(operator: AlarmSpec['comparisonOperator'], value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}
