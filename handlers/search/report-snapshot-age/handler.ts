import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { reportSnapshotAge, reportSnapshotAgeInput, RPO_METRIC, type PublishAge } from './task.ts';

const metrics = new Metrics({ namespace: RPO_METRIC.namespace, serviceName: RPO_METRIC.serviceName });

/** One embedded-metric-format record on stdout, which Lambda's log delivery turns into the metric. */
const publish: PublishAge = (ageSeconds, domainName) => {
  metrics.addDimension(RPO_METRIC.dimension, domainName);
  metrics.addMetric(RPO_METRIC.name, MetricUnit.Seconds, ageSeconds);
  metrics.publishStoredMetrics();
};

export const handler = lambdaHandler(reportSnapshotAgeInput, (input, runtime) => reportSnapshotAge(input, planTransport(input.plan, runtime), publish, runtime.now()));
