import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler } from '../../shared/lambda.ts';
import { emitMetrics } from '../../shared/metrics.ts';
import { planTransport } from '../domain.ts';
import { reportSnapshotAge, reportSnapshotAgeInput, RPO_METRIC, type PublishAge } from './task.ts';

const publish: PublishAge = (ageSeconds, domainName) =>
  emitMetrics(RPO_METRIC.namespace, { [RPO_METRIC.dimension]: domainName }, [{ name: RPO_METRIC.name, unit: MetricUnit.Seconds, value: ageSeconds }]);

export const handler = lambdaHandler(reportSnapshotAgeInput, (input, runtime) => reportSnapshotAge(input, planTransport(input.plan, runtime), publish, runtime.now()));
