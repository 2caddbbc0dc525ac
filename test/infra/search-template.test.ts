import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../handlers/shared/config.ts';
import { stackFor } from '../../workflows/stack.ts';
import { rpoAlarm } from '../../workflows/search-snapshot/workflow.ts';

/** The search stacks: dev packaged for each Region of searchDr.regions (`osls package --region`), offline. */
type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string>> };

const stacks: Record<string, Record<string, Resource>> = {};
const outDirs: string[] = [];

beforeAll(() => {
  for (const region of ['eu-west-1', 'eu-central-1']) {
    const outDir = mkdtempSync(join(tmpdir(), `opsflow-package-${region}-`));
    outDirs.push(outDir);
    execFileSync('npx', ['osls', 'package', '--stage', 'dev', '--region', region, '--package', outDir], { stdio: 'pipe', env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } });
    stacks[region] = (JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> }).Resources;
  }
}, 240_000);

afterAll(() => {
  for (const outDir of outDirs) rmSync(outDir, { recursive: true, force: true });
});

const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const statementsOf = (resource: Resource | undefined): Statement[] =>
  ((resource?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) => policy.PolicyDocument.Statement);
const actions = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
/** A packaged ARN (`Fn::Join` of pseudo-parameters) as text, the pseudo-parameters by name. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `<${ref.replace('AWS::', '')}>`;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(text).join(join[0]);
  return JSON.stringify(value);
}

describe.each(['eu-west-1', 'eu-central-1'])('the search stack in %s', (region) => {
  const other = region === 'eu-west-1' ? 'eu-central-1' : 'eu-west-1';
  const resources = () => stacks[region] ?? {};

  it("runs search-snapshot on schedule, acting on this Region's domain", () => {
    const rule = resources().SearchSnapshotScheduleRule;
    expect(rule?.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(rule?.Properties.State).toBe('ENABLED');
    const definition = JSON.parse((resources().SearchSnapshotStateMachine?.Properties.DefinitionString as { 'Fn::Sub': [string, unknown] })['Fn::Sub'][0]) as {
      States: Record<string, { Parameters?: Record<string, unknown> }>;
    };
    expect(definition.States.DescribeDomain?.Parameters).toEqual({ DomainName: 'catalog' });
    expect(definition.States.ReadRecord?.Parameters).toMatchObject({ HostedZoneId: 'Z0OPSFLOWINTERNAL01', StartRecordName: 'search.corp.internal.', StartRecordType: 'CNAME' });
  });

  it('lets the state machine read only the record zone and describe only its own domain', () => {
    const statements = statementsOf(resources().SearchSnapshotRole);
    const describe = statements.filter((statement) => actions(statement).includes('es:DescribeDomain'));
    expect(describe.map((statement) => text(statement.Resource))).toEqual([`arn:<Partition>:es:${region}:<AccountId>:domain/catalog`]);
    const record = statements.filter((statement) => actions(statement).includes('route53:ListResourceRecordSets'));
    expect(record.map((statement) => text(statement.Resource))).toEqual(['arn:<Partition>:route53:::hostedzone/Z0OPSFLOWINTERNAL01']);
  });

  it("lets the Lambdas call the two domains' REST API only, write and delete only the manifests in the other Region's bucket (search-snapshot), and pass the snapshot role to OpenSearch Service only", () => {
    const statements = statementsOf(resources().IamRoleLambdaExecution);
    const rest = statements.filter((statement) => actions(statement).some((action) => action.startsWith('es:')));
    expect(rest).toHaveLength(1);
    expect(actions(rest[0]!).sort()).toEqual(['es:ESHttpDelete', 'es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut']);
    expect((rest[0]!.Resource as unknown[]).map(text).sort()).toEqual(
      [region, other].flatMap((r) => [`arn:<Partition>:es:${r}:<AccountId>:domain/catalog`, `arn:<Partition>:es:${r}:<AccountId>:domain/catalog/*`]).sort(),
    );
    const s3 = statements.filter((statement) => actions(statement).some((action) => action.startsWith('s3:')) && text(statement.Resource).includes(other));
    expect(s3.map((statement) => ({ actions: actions(statement).sort(), resource: text(statement.Resource), condition: statement.Condition }))).toEqual([
      // The manifests beside the snapshots, in the other Region's bucket (where this Region's domain snapshots to) only.
      { actions: ['s3:DeleteObject', 's3:PutObject'], resource: `arn:<Partition>:s3:::opsflow-search-snapshots-${other}/catalog/opsflow-manifests/*`, condition: undefined },
      { actions: ['s3:ListBucket'], resource: `arn:<Partition>:s3:::opsflow-search-snapshots-${other}`, condition: { StringLike: { 's3:prefix': 'catalog/opsflow-manifests/*' } } },
    ]);
    const stateMachineS3 = statementsOf(resources().SearchSnapshotRole).filter((statement) => actions(statement).some((action) => action.startsWith('s3:')));
    expect(stateMachineS3).toEqual([]);
    const pass = statements.filter((statement) => actions(statement).includes('iam:PassRole'));
    expect(pass).toEqual([
      expect.objectContaining({ Resource: 'arn:aws:iam::123456789012:role/OpsflowSearchSnapshotRole', Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } } }),
    ]);
  });

  it('alarms when the newest snapshot is older than twice the schedule, or no age arrives', () => {
    expect(resources().SearchSnapshotRpoAlarm?.Properties).toMatchObject({
      Namespace: 'Opsflow/SearchDr',
      MetricName: 'NewestSnapshotAgeSeconds',
      Dimensions: [
        { Name: 'service', Value: 'opsflow' },
        { Name: 'DomainName', Value: 'catalog' },
      ],
      Period: 7200,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 7200,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: 'OpsflowAlarmTopic' }],
    });
  });
});

describe.each(['eu-west-1', 'eu-central-1'])('the search runbooks in %s', (region) => {
  const resources = () => stacks[region] ?? {};
  const machine = (name: string) => `arn:<Partition>:states:<Region>:<AccountId>:stateMachine:opsflow-dev-${name}`;
  type Definition = { States: Record<string, { Resource?: string; TimeoutSeconds?: number; Seconds?: number; Parameters?: Record<string, unknown> }> };
  const definition = (id: string) => JSON.parse((resources()[id]?.Properties.DefinitionString as { 'Fn::Sub': [string, unknown] })['Fn::Sub'][0]) as Definition;

  it('starts failover and failback only by hand, and the drill on its schedule, disabled by default', () => {
    const rules = ofType(resources(), 'AWS::Events::Rule').map(([id]) => id);
    expect(rules.filter((id) => id.startsWith('SearchFailover') || id.startsWith('SearchFailback'))).toEqual([]);
    expect(resources().SearchDrDrillScheduleRule?.Properties).toMatchObject({ Name: 'opsflow-dev-search-dr-drill-Schedule', ScheduleExpression: 'rate(7 days)', State: 'DISABLED' });
  });

  it('waits for the approval on a task token, for searchDr.approval.timeoutMinutes', () => {
    for (const id of ['SearchFailoverStateMachine', 'SearchFailbackStateMachine']) {
      const gate = definition(id).States.AwaitApproval;
      expect(gate?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect(gate?.TimeoutSeconds).toBe(3600);
    }
    expect(definition('SearchDrDrillStateMachine').States.AwaitApproval).toBeUndefined();
    expect(definition('SearchDrDrillStateMachine').States.KeepDrillIndices?.Seconds).toBe(3600);
  });

  it.each(['SearchFailover', 'SearchFailback'])("lets %s change only the search CNAME, by DELETE and CREATE, in the record's zone", (name) => {
    const statements = statementsOf(resources()[`${name}Role`]);
    const change = statements.filter((statement) => actions(statement).includes('route53:ChangeResourceRecordSets'));
    expect(change.map((statement) => ({ actions: actions(statement), resource: text(statement.Resource), condition: statement.Condition }))).toEqual([
      {
        actions: ['route53:ChangeResourceRecordSets'],
        resource: 'arn:<Partition>:route53:::hostedzone/Z0OPSFLOWINTERNAL01',
        condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['search.corp.internal'],
            'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
            'route53:ChangeResourceRecordSetsActions': ['CREATE', 'DELETE'],
          },
        },
      },
    ]);
    expect(statements.filter((statement) => actions(statement).includes('route53:GetChange')).map((statement) => text(statement.Resource))).toEqual(['arn:<Partition>:route53:::change/*']);
  });

  it.each(['SearchFailover', 'SearchFailback', 'SearchDrDrill'])("lets %s read the record and its own domain, list the three runbooks' executions and publish Runbook Completed on this Region's default bus only", (name) => {
    const statements = statementsOf(resources()[`${name}Role`]);
    const only = (action: string) => statements.filter((statement) => actions(statement).includes(action)).map((statement) => ({ resource: statement.Resource instanceof Array ? statement.Resource.map(text) : text(statement.Resource), condition: statement.Condition }));
    expect(only('route53:ListResourceRecordSets')).toEqual([{ resource: 'arn:<Partition>:route53:::hostedzone/Z0OPSFLOWINTERNAL01', condition: undefined }]);
    expect(only('es:DescribeDomain')).toEqual([{ resource: `arn:<Partition>:es:${region}:<AccountId>:domain/catalog`, condition: undefined }]);
    expect(only('states:ListExecutions')).toEqual([{ resource: ['SearchFailover', 'SearchFailback', 'SearchDrDrill'].map(machine), condition: undefined }]);
    expect(only('events:PutEvents')).toEqual([
      { resource: 'arn:<Partition>:events:<Region>:<AccountId>:event-bus/default', condition: { StringEquals: { 'events:source': ['opsflow.search'], 'events:detail-type': ['Runbook Completed'] } } },
    ]);
    if (name === 'SearchDrDrill') expect(statements.flatMap(actions).filter((action) => action.startsWith('route53:') && action !== 'route53:ListResourceRecordSets')).toEqual([]);
    // Every action named, none a wildcard.
    expect(statements.flatMap(actions).filter((action) => action.includes('*'))).toEqual([]);
  });

  it("lets the Lambdas read the manifests in this Region's bucket (where a runbook restores from), write the final snapshot's there, and request approvals on this Region's default bus only", () => {
    const statements = statementsOf(resources().IamRoleLambdaExecution);
    const own = statements.filter((statement) => actions(statement).some((action) => action.startsWith('s3:')) && text(statement.Resource).includes(region));
    expect(own.map((statement) => ({ actions: actions(statement).sort(), resource: text(statement.Resource), condition: statement.Condition }))).toEqual([
      { actions: ['s3:GetObject'], resource: `arn:<Partition>:s3:::opsflow-search-snapshots-${region}/catalog/opsflow-manifests/*`, condition: undefined },
      { actions: ['s3:ListBucket'], resource: `arn:<Partition>:s3:::opsflow-search-snapshots-${region}`, condition: { StringLike: { 's3:prefix': 'catalog/opsflow-manifests/*' } } },
      { actions: ['s3:PutObject'], resource: `arn:<Partition>:s3:::opsflow-search-snapshots-${region}/catalog/opsflow-manifests/*`, condition: undefined },
    ]);
    const publish = statements.filter((statement) => actions(statement).includes('events:PutEvents'));
    expect(publish.map((statement) => ({ resource: text(statement.Resource), condition: statement.Condition }))).toEqual([
      { resource: 'arn:<Partition>:events:<Region>:<AccountId>:event-bus/default', condition: { StringEquals: { 'events:source': ['opsflow.search'], 'events:detail-type': ['Search Runbook Approval Requested'] } } },
    ]);
    const sids = statements.map((statement) => statement.Sid).filter((sid) => sid !== undefined);
    expect(new Set(sids).size, 'IAM wants each Sid once per policy').toBe(sids.length);
  });
});

describe('stacks per Region', () => {
  it('holds only the search workflows and their functions in the standby Region', () => {
    const central = stacks['eu-central-1'] ?? {};
    expect(ofType(central, 'AWS::StepFunctions::StateMachine').map(([id]) => id).sort()).toEqual(['SearchDrDrillStateMachine', 'SearchFailbackStateMachine', 'SearchFailoverStateMachine', 'SearchSnapshotStateMachine']);
    expect(ofType(central, 'AWS::Lambda::Function').map(([id]) => id).sort()).toEqual(
      [
        'CheckRunningSnapshots',
        'CheckSearchRestore',
        'DeleteSearchIndices',
        'PlanSearchSnapshot',
        'PreflightSearchRunbook',
        'PruneSnapshots',
        'ReadSnapshot',
        'RegisterSnapshotRepository',
        'ReportSearchRunbook',
        'ReportSnapshotAge',
        'RequestSearchApproval',
        'RestoreSearchSnapshot',
        'TakeSnapshot',
        'VerifySearchRestore',
        'WriteSnapshotManifest',
      ].map((key) => `${key}LambdaFunction`),
    );
  });

  it('logs each search state machine of the standby Region to its own log group in that stack', () => {
    const central = stacks['eu-central-1'] ?? {};
    const groups = ofType(central, 'AWS::Logs::LogGroup').map(([, group]) => String(group.Properties.LogGroupName)).filter((name) => name.startsWith('/aws/vendedlogs/'));
    expect(groups.sort()).toEqual(['SearchDrDrill', 'SearchFailback', 'SearchFailover', 'SearchSnapshot'].map((machine) => `/aws/vendedlogs/states/opsflow-dev-${machine}`));
    for (const [id, machine] of ofType(central, 'AWS::StepFunctions::StateMachine')) {
      expect(machine.Properties.LoggingConfiguration, id).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [`${id}LogGroup`, 'Arn'] } } }] });
    }
  });

  it('deploys no search workflow to a Region searchDr does not list', () => {
    const config = parseConfig(JSON.parse(readFileSync('config/dev.json', 'utf8')), 'config/dev.json');
    const stack = stackFor({ ...config, region: 'us-east-1' });
    for (const name of ['search-snapshot', 'search-failover', 'search-failback', 'search-dr-drill']) expect(stack.modules.map((module) => module.name)).not.toContain(name);
    expect(stack.modules.length).toBeGreaterThan(0);
    expect(stackFor(config, 'us-east-1').modules).toEqual([]);
  });

  it('sets the RPO threshold to multiple x the period, evaluated over one period of at most a day', () => {
    const config = parseConfig(JSON.parse(readFileSync('config/dev.json', 'utf8')), 'config/dev.json');
    const search = config.searchDr!;
    expect(rpoAlarm(search)).toEqual({ thresholdSeconds: 7200, periodSeconds: 7200 });
    expect(rpoAlarm({ ...search, schedule: 'rate(15 minutes)', rpoAlarm: { multiple: 1.5 } })).toEqual({ thresholdSeconds: 1350, periodSeconds: 1380 });
    expect(rpoAlarm({ ...search, schedule: 'rate(1 day)' })).toEqual({ thresholdSeconds: 172_800, periodSeconds: 86_400 });
  });
});
