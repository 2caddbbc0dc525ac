import type { OpsflowConfig, SearchDrConfig, SearchRegionConfig } from '../../handlers/shared/config.ts';
import { manifestPrefix } from '../../handlers/search/manifest.ts';
import { ratePeriodSeconds } from '../../handlers/search/snapshots.ts';
import { RPO_METRIC } from '../../handlers/search/report-snapshot-age/task.ts';
import { metricsServiceName } from '../../handlers/shared/metrics.ts';
import type { AlarmSpec, DeploymentEnvironment, IamStatement, JsonValue, Trigger, WorkflowModule } from '../types.ts';

/** searchDr and this Region's entry, or undefined when this Region runs no search stack. */
function here(config: OpsflowConfig): { search: SearchDrConfig; region: SearchRegionConfig } | undefined {
  const region = config.searchDr?.regions.find((entry) => entry.region === config.region);
  return region && config.searchDr ? { search: config.searchDr, region } : undefined;
}

const domainArn = (env: DeploymentEnvironment, region: SearchRegionConfig) => `arn:${env.partition}:es:${region.region}:${env.accountId}:domain/${region.domain.name}`;

/**
 * The RPO alarm's period: the threshold (multiple × the schedule's period) but at most one day, the
 * longest a CloudWatch alarm evaluates. With missing data breaching, a whole period with no value
 * (the schedule stopped, or every run failed before reporting) alarms, as does a value above the
 * threshold; one missed run inside the period does not.
 */
export function rpoAlarm(search: SearchDrConfig): { thresholdSeconds: number; periodSeconds: number } {
  const thresholdSeconds = Math.round(search.rpoAlarm.multiple * ratePeriodSeconds(search.schedule));
  return { thresholdSeconds, periodSeconds: Math.min(86_400, Math.max(60, Math.ceil(thresholdSeconds / 60) * 60)) };
}

export const searchSnapshot: WorkflowModule = {
  name: 'search-snapshot',
  stateMachineName: 'SearchSnapshot',
  description: "On schedule in each Region, snapshots this Region's OpenSearch domain into the other Region's bucket while it is the active one, with retention and an RPO metric.",
  type: 'STANDARD',
  functions: ['planSearchSnapshot', 'registerSnapshotRepository', 'checkRunningSnapshots', 'takeSnapshot', 'readSnapshot', 'writeSnapshotManifest', 'pruneSnapshots', 'reportSnapshotAge'],

  regions(config: OpsflowConfig): string[] {
    return config.searchDr?.regions.map((entry) => entry.region) ?? [];
  },

  triggers(config: OpsflowConfig): Trigger[] {
    const search = config.searchDr;
    if (!search) return [];
    return [{ kind: 'schedule', id: 'Schedule', description: "Snapshot the active search domain into the other Region's bucket", schedule: search.schedule, input: {}, enabled: search.enabled }];
  },

  /**
   * `config.region` is the stack's Region (workflows/stack.ts, for the deployment and the engine).
   * Without searchDr for it nothing is deployed (regions()); an engine given this module explicitly
   * still builds it, so the values then say what is missing, and a run fails on the first call.
   */
  substitutions(config: OpsflowConfig): Record<string, JsonValue> {
    const found = here(config);
    if (!found) {
      const missing = `searchDr does not list ${config.region}`;
      return { SearchRecordZoneId: missing, SearchRecordName: missing, SearchDomainName: missing, SearchPollSeconds: 1, SearchMaxPolls: 0, SearchRunningPolls: 0 };
    }
    const { search, region } = found;
    const wait = search.snapshotWait;
    return {
      SearchRecordZoneId: search.record.hostedZoneId,
      SearchRecordName: search.record.name,
      SearchDomainName: region.domain.name,
      SearchPollSeconds: wait.pollSeconds,
      SearchMaxPolls: wait.maxPolls,
      SearchRunningPolls: Math.ceil(wait.runningWaitSeconds / wait.pollSeconds),
    };
  },

  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    const found = here(config);
    if (!found) return [];
    return [
      { Sid: 'ReadSearchRecord', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: `arn:${env.partition}:route53:::hostedzone/${found.search.record.hostedZoneId}` },
      { Sid: 'DescribeSearchDomain', Effect: 'Allow', Action: ['es:DescribeDomain'], Resource: domainArn(env, found.region) },
    ];
  },

  /**
   * The snapshot tasks call the domains' REST API themselves, signed with the Lambda role (Step
   * Functions cannot sign for OpenSearch). Registering a repository passes the snapshot role to the
   * service: iam:PassRole on that role only, to OpenSearch Service (the role trusts es.amazonaws.com:
   * Amazon OpenSearch Service developer guide, "Creating index snapshots", prerequisites).
   * The manifests are written and deleted by Lambda tasks with a client of the other Region (where
   * this stack's domain snapshots to; a Step Functions SDK integration calls its own Region only):
   * s3:PutObject and s3:DeleteObject on that bucket's manifest folder only, and s3:ListBucket on the
   * bucket limited to that folder by the `s3:prefix` condition key (retention's sweep of manifests
   * left behind). Service Authorization Reference, Amazon S3: object ARNs `arn:<partition>:s3:::<bucket>/<key>`.
   */
  lambdaStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[] {
    const found = here(config);
    if (!found) return [];
    const regions = found.search.regions;
    const other = regions.find((entry) => entry.region !== found.region.region);
    const manifests = other && { bucketArn: `arn:${env.partition}:s3:::${other.repository.bucket}`, folder: manifestPrefix(other.repository.basePath) };
    return [
      {
        Sid: 'SearchDomainsRestApi',
        Effect: 'Allow',
        Action: ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpDelete', 'es:ESHttpHead'],
        Resource: regions.flatMap((region) => [domainArn(env, region), `${domainArn(env, region)}/*`]),
      },
      {
        Sid: 'PassSnapshotRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [...new Set(regions.map((region) => region.snapshotRoleArn))],
        Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
      },
      ...(manifests
        ? [
            { Sid: 'SnapshotManifests', Effect: 'Allow' as const, Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${manifests.bucketArn}/${manifests.folder}*` },
            { Sid: 'ListSnapshotManifests', Effect: 'Allow' as const, Action: ['s3:ListBucket'], Resource: manifests.bucketArn, Condition: { StringLike: { 's3:prefix': `${manifests.folder}*` } } },
          ]
        : []),
    ];
  },

  alarms(config: OpsflowConfig, env: DeploymentEnvironment): AlarmSpec[] {
    const found = here(config);
    if (!found) return [];
    const { thresholdSeconds, periodSeconds } = rpoAlarm(found.search);
    const domain = found.region.domain.name;
    return [
      {
        id: 'Rpo',
        alarmName: `opsflow-${env.stage}-search-snapshot-rpo-${domain}`,
        description: `The newest successful snapshot of ${domain} seen from ${found.region.region} is older than ${found.search.rpoAlarm.multiple} x the schedule (${thresholdSeconds} s), or no age was reported`,
        namespace: RPO_METRIC.namespace,
        metricName: RPO_METRIC.name,
        dimensions: { service: metricsServiceName, [RPO_METRIC.dimension]: domain },
        statistic: 'Maximum',
        periodSeconds,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: thresholdSeconds,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'breaching',
      },
    ];
  },
};
