import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { InvalidEmbeddedMetrics, LocalCloudWatch } from '../../../engine/metrics.ts';
import { emitMetrics, metricsServiceName } from '../../../handlers/shared/metrics.ts';
import { withRuntime } from '../../../handlers/shared/runtime.ts';
import { parseConfig } from '../../../handlers/shared/config.ts';
import type { AlarmSpec } from '../../../workflows/types.ts';

const config = parseConfig(JSON.parse(readFileSync(new URL('../../../config/dev.json', import.meta.url), 'utf8')) as unknown, 'config/dev.json');
const hour = 3600;
const start = Date.parse('2026-11-30T00:00:00Z');
const dimensions = { service: metricsServiceName, DomainName: 'orders-search' };

const rpoAlarm: AlarmSpec = {
  id: 'Rpo',
  alarmName: 'opsflow-dev-search-rpo',
  description: 'newest snapshot too old',
  namespace: 'Opsflow/Search',
  metricName: 'NewestSnapshotAgeSeconds',
  dimensions,
  statistic: 'Maximum',
  periodSeconds: hour,
  evaluationPeriods: 2,
  datapointsToAlarm: 2,
  threshold: hour,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'breaching',
};

/** Emits one age datapoint through the task-side helper, at `at`, into `cloudwatch` for eu-west-1. */
function emitAge(cloudwatch: LocalCloudWatch, at: number, ageSeconds: number): void {
  const runtime = { config, region: 'eu-west-1', sdkPlugins: [], now: () => new Date(at), metrics: cloudwatch.sinkFor('eu-west-1') };
  withRuntime(runtime, () => emitMetrics('Opsflow/Search', { DomainName: 'orders-search' }, [{ name: 'NewestSnapshotAgeSeconds', unit: MetricUnit.Seconds, value: ageSeconds }]));
}

describe('the local CloudWatch', () => {
  it('keeps what emitMetrics publishes, by Region, namespace, name and the whole dimension set', () => {
    const cloudwatch = new LocalCloudWatch();
    emitAge(cloudwatch, start + 60_000, 120);
    expect(cloudwatch.datapoints('eu-west-1', 'Opsflow/Search', 'NewestSnapshotAgeSeconds', dimensions)).toEqual([
      { region: 'eu-west-1', namespace: 'Opsflow/Search', metricName: 'NewestSnapshotAgeSeconds', dimensions, timestamp: start + 60_000, value: 120 },
    ]);
    expect(cloudwatch.datapoints('eu-central-1', 'Opsflow/Search', 'NewestSnapshotAgeSeconds', dimensions)).toEqual([]);
    expect(cloudwatch.datapoints('eu-west-1', 'Opsflow/Search', 'NewestSnapshotAgeSeconds', { DomainName: 'orders-search' })).toEqual([]);
  });

  it('is OK while every period has a young enough snapshot', () => {
    const cloudwatch = new LocalCloudWatch();
    for (let run = 0; run < 4; run += 1) emitAge(cloudwatch, start + run * hour * 1000 + 300_000, 300);
    expect(cloudwatch.evaluate(rpoAlarm, 'eu-west-1', new Date(start + 4 * hour * 1000)).state).toBe('OK');
  });

  it('alarms when the schedule stops: periods without data breach', () => {
    const cloudwatch = new LocalCloudWatch();
    emitAge(cloudwatch, start + 300_000, 300);
    expect(cloudwatch.evaluate(rpoAlarm, 'eu-west-1', new Date(start + 2 * hour * 1000)).state).toBe('OK');
    const stopped = cloudwatch.evaluate(rpoAlarm, 'eu-west-1', new Date(start + 3 * hour * 1000));
    expect(stopped).toEqual({ alarmName: rpoAlarm.alarmName, state: 'ALARM', reason: '2 of the last 2 periods of 3600 s breaching (2 without data, treated as breaching)' });
  });

  it('alarms when runs go on but the newest snapshot keeps ageing', () => {
    const cloudwatch = new LocalCloudWatch();
    emitAge(cloudwatch, start + 300_000, 2 * hour);
    emitAge(cloudwatch, start + (hour + 300) * 1000, 3 * hour);
    expect(cloudwatch.evaluate(rpoAlarm, 'eu-west-1', new Date(start + 2 * hour * 1000)).state).toBe('ALARM');
  });

  it('has insufficient data, not OK, when missing data is left missing and nothing came', () => {
    const cloudwatch = new LocalCloudWatch();
    expect(cloudwatch.evaluate({ ...rpoAlarm, treatMissingData: 'missing' }, 'eu-west-1', new Date(start)).state).toBe('INSUFFICIENT_DATA');
    expect(cloudwatch.evaluate({ ...rpoAlarm, treatMissingData: 'notBreaching' }, 'eu-west-1', new Date(start)).state).toBe('OK');
  });

  it('refuses a document that is not embedded metric format, naming the field', () => {
    const cloudwatch = new LocalCloudWatch();
    expect(() => cloudwatch.ingest('eu-west-1', { message: 'hello' })).toThrow(new InvalidEmbeddedMetrics('_aws: missing, not embedded metric format'));
    expect(() =>
      cloudwatch.ingest('eu-west-1', { _aws: { Timestamp: start, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [[]], Metrics: [{ Name: 'M' }] }] }, M: 'x' }),
    ).toThrow(InvalidEmbeddedMetrics);
  });
});
