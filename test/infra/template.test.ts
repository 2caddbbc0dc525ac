import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The packaged CloudFormation template, as `npx osls package` writes it (offline). */
type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string[]>> };

let outDir: string;
let resources: Record<string, Resource>;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'opsflow-package-'));
  execFileSync('npx', ['osls', 'package', '--stage', 'dev', '--package', outDir], { stdio: 'pipe', env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } });
  const template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> };
  resources = template.Resources;
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const policyStatements = (roleId: string): Statement[] => {
  const policies = resources[roleId]?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
};
const actions = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
/** The statements every state machine's role gets for its execution logs and traces (workflows/iam.ts). */
const OBSERVABILITY_SIDS = ['DeliverExecutionLogs', 'SendTraces'];

describe('packaged template', () => {
  it('has every state machine, each on its own role', () => {
    const machines = Object.fromEntries(ofType('AWS::StepFunctions::StateMachine'));
    expect(Object.keys(machines).sort()).toEqual([
      'DnsReconcileStateMachine', 'FindingEnrichmentStateMachine', 'IdentityReconcileStateMachine', 'IdentitySyncStateMachine', 'InstanceDnsStateMachine', 'InvestigatePrincipalStateMachine',
      'SearchDrDrillStateMachine', 'SearchFailbackStateMachine', 'SearchFailoverStateMachine', 'SearchSnapshotStateMachine',
    ]);
    expect(machines.InstanceDnsStateMachine?.Properties.StateMachineName).toBe('opsflow-dev-InstanceDns');
    expect(machines.InstanceDnsStateMachine?.Properties.RoleArn).toEqual({ 'Fn::GetAtt': ['InstanceDnsRole', 'Arn'] });
  });

  it('gives every rule target a retry policy and the dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule');
    // search-dr-drill's schedule is the 13th (deployed disabled by default); the runbooks have none.
    expect(rules.length).toBe(13);
    for (const [, rule] of rules) {
      const targets = rule.Properties.Targets as { RetryPolicy?: unknown; DeadLetterConfig?: unknown }[];
      for (const target of targets) {
        expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 });
        expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['OpsflowEventsDeadLetterQueue', 'Arn'] } });
      }
    }
  });

  it('routes only the configured groups and hooks', () => {
    const patterns = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties.EventPattern).filter(Boolean);
    expect(patterns).toContainEqual({
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance-launch Lifecycle Action'],
      detail: { AutoScalingGroupName: ['weblogic-admin'], LifecycleHookName: ['opsflow-dns-launch'] },
    });
    expect(patterns).toContainEqual({ source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance Launch Successful'], detail: { AutoScalingGroupName: ['reports-admin'] } });
  });

  it('schedules reconcile with its configured input', () => {
    const schedule = resources.DnsReconcileScheduleRule;
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect((schedule?.Properties.Targets as { Input: string }[])[0]?.Input).toBe('{"dryRun":false}');
  });

  it('alarms on failed executions of every state machine, to the alarm topic', () => {
    for (const machine of ['InstanceDns', 'DnsReconcile', 'FindingEnrichment', 'InvestigatePrincipal', 'IdentitySync', 'SearchSnapshot']) {
      const alarm = resources[`${machine}StateMachineExecutionsFailedAlarm`];
      expect(alarm?.Properties.MetricName).toBe('ExecutionsFailed');
      expect(alarm?.Properties.AlarmActions).toEqual([{ Ref: 'OpsflowAlarmTopic' }]);
    }
  });

  it('grants no wildcard action and no *FullAccess policy anywhere', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
      for (const statement of policies.flatMap((policy) => policy.PolicyDocument.Statement)) {
        for (const action of actions(statement)) expect(action, id).not.toMatch(/\*/);
      }
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toMatch(/FullAccess/);
    }
  });

  it('limits Route 53 writes to the configured zone, names and type A', () => {
    const writes = policyStatements('InstanceDnsRole').filter((statement) => actions(statement).includes('route53:ChangeResourceRecordSets'));
    expect(writes.map((statement) => statement.Condition?.['ForAllValues:StringEquals'])).toEqual([
      {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['admin.weblogic.corp.internal'],
        'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
        'route53:ChangeResourceRecordSetsActions': ['CREATE', 'DELETE'],
      },
      {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['admin.reports.corp.internal'],
        'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
        'route53:ChangeResourceRecordSetsActions': ['CREATE', 'DELETE'],
      },
    ]);
    expect(JSON.stringify(writes.map((statement) => statement.Resource))).toContain(':route53:::hostedzone/Z0OPSFLOWINTERNAL01');
  });

  it('has a statement for every SDK integration each definition calls', () => {
    const required: Record<string, string[]> = {
      InstanceDnsRole: [
        'ec2:DescribeInstances',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeAutoScalingGroups',
        'route53:ListResourceRecordSets',
        'route53:ChangeResourceRecordSets',
        'route53:GetChange',
        'autoscaling:CompleteLifecycleAction',
        'lambda:InvokeFunction',
      ],
      DnsReconcileRole: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances', 'states:StartExecution', 'states:DescribeExecution', 'lambda:InvokeFunction'],
      FindingEnrichmentRole: [
        'detective:ListGraphs',
        'states:StartExecution',
        'states:DescribeExecution',
        'securityhub:BatchUpdateFindings',
        'events:PutEvents',
        'lambda:InvokeFunction',
      ],
      InvestigatePrincipalRole: [
        'iam:GetUser',
        'iam:GetRole',
        'detective:ListInvestigations',
        'detective:StartInvestigation',
        'detective:GetInvestigation',
        'detective:ListIndicators',
        'lambda:InvokeFunction',
      ],
      IdentitySyncRole: ['identitystore:DescribeUser', 'identitystore:ListUsers', 'lambda:InvokeFunction'],
      SearchSnapshotRole: ['route53:ListResourceRecordSets', 'es:DescribeDomain', 'lambda:InvokeFunction'],
    };
    for (const [role, needed] of Object.entries(required)) {
      const granted = policyStatements(role).flatMap(actions);
      expect(granted.sort()).toEqual(expect.arrayContaining(needed));
    }
  });

  it('lets investigate-principal, and it alone, read only the users and roles of its own account', () => {
    expect(policyStatements('FindingEnrichmentRole').flatMap(actions).filter((action) => action.startsWith('iam:'))).toEqual([]);
    const read = policyStatements('InvestigatePrincipalRole').find((statement) => actions(statement).includes('iam:GetRole'));
    expect(read && actions(read)).toEqual(['iam:GetUser', 'iam:GetRole']);
    expect(JSON.stringify(read?.Resource)).toContain(':iam::');
    expect(JSON.stringify(read?.Resource)).toMatch(/AWS::AccountId.*:user\/\*.*AWS::AccountId.*:role\/\*/);
  });

  it('lets finding-enrichment publish only its own Finding Enriched events', () => {
    const publish = policyStatements('FindingEnrichmentRole').find((statement) => actions(statement).includes('events:PutEvents'));
    expect(publish?.Condition).toEqual({ StringEquals: { 'events:source': ['opsflow.findings'], 'events:detail-type': ['Finding Enriched'] } });
  });

  it('flags GuardDuty IAM findings for investigation with a Security Hub automation rule that skips handled ones', () => {
    const rule = resources.FlagFindingsForInvestigationRule;
    expect(rule?.Type).toBe('AWS::SecurityHub::AutomationRule');
    expect(rule?.Properties.Actions).toEqual([{ Type: 'FINDING_FIELDS_UPDATE', FindingFieldsUpdate: { UserDefinedFields: { investigate: 'true' } } }]);
    expect((rule?.Properties.Criteria as { UserDefinedFields: unknown }).UserDefinedFields).toContainEqual({ Comparison: 'NOT_EQUALS', Key: 'investigate', Value: 'complete' });
    expect(resources.InvestigateActionTarget?.Properties).toMatchObject({ Id: 'Investigate', Name: 'Investigate' });
    const patterns = ofType('AWS::Events::Rule').map(([, candidate]) => JSON.stringify(candidate.Properties.EventPattern ?? {}));
    expect(patterns).toContain(JSON.stringify({ source: ['aws.securityhub'], 'detail-type': ['Security Hub Findings - Custom Action'], resources: [{ suffix: ':action/custom/Investigate' }] }));
  });

  it('routes successful identity changes of the three sources, for the configured store only', () => {
    const patterns = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties.EventPattern as { 'detail-type'?: string[]; detail?: Record<string, unknown> } | undefined);
    const identity = patterns.filter((pattern) => pattern?.['detail-type']?.[0] === 'AWS API Call via CloudTrail');
    expect(identity.map((pattern) => pattern?.detail?.eventSource)).toEqual([['identitystore-scim.amazonaws.com'], ['identitystore.amazonaws.com'], ['sso-directory.amazonaws.com']]);
    for (const pattern of identity) expect(pattern?.detail?.errorCode).toEqual([{ exists: false }]);
    expect(JSON.stringify(identity[1]?.detail?.$or)).toContain('d-93677a1b2c');
  });

  it('lets identity-sync read only the configured identity store, and its Lambdas write only managed QuickSight groups in the identity Region', () => {
    const read = policyStatements('IdentitySyncRole').find((statement) => actions(statement).includes('identitystore:DescribeUser'));
    expect(JSON.stringify(read?.Resource)).toContain(':identitystore/d-93677a1b2c');
    const lambda = policyStatements('IamRoleLambdaExecution');
    const byAction = (action: string) => lambda.filter((statement) => actions(statement).includes(action)).map((statement) => JSON.stringify(statement.Resource));
    expect(byAction('quicksight:CreateGroupMembership')).toEqual([expect.stringContaining(':quicksight:eu-west-1:123456789012:group/default/Finance-Analyst')]);
    expect(byAction('quicksight:CreateGroupMembership')[0]).not.toContain('*');
    expect(byAction('quicksight:RegisterUser')).toEqual([expect.stringContaining(':quicksight:eu-west-1:123456789012:user/default/*')]);
    expect(byAction('quicksight:DeleteUser')).toEqual([]);
  });

  it('schedules identity-reconcile to apply, and lets its Lambdas list only the configured store and QuickSight namespace', () => {
    const sync = (JSON.parse(readFileSync('config/dev.json', 'utf8')) as { identitySync: { identityStoreId: string; quickSight: { identityRegion: string; accountId: string; namespace: string } } }).identitySync;
    const schedule = ofType('AWS::Events::Rule').find(([id]) => id.startsWith('IdentityReconcile'))?.[1];
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(1 day)');
    expect(JSON.parse(String((schedule?.Properties.Targets as { Input?: string }[])[0]?.Input))).toEqual({ dryRun: false });
    expect(resources.IdentityReconcileStateMachineExecutionsFailedAlarm?.Properties.MetricName).toBe('ExecutionsFailed');
    expect(policyStatements('IdentityReconcileRole').filter((statement) => !OBSERVABILITY_SIDS.includes(statement.Sid ?? '')).flatMap(actions)).toEqual(['lambda:InvokeFunction']);

    const lambda = policyStatements('IamRoleLambdaExecution');
    const resourcesOf = (action: string) => lambda.filter((statement) => actions(statement).includes(action)).map((statement) => JSON.stringify(statement.Resource));
    expect(resourcesOf('identitystore:ListUsers')).toEqual([expect.stringContaining(`:identitystore/${sync.identityStoreId}`)]);
    const quickSight = `:quicksight:${sync.quickSight.identityRegion}:${sync.quickSight.accountId}`;
    expect(resourcesOf('quicksight:ListUsers')).toEqual([expect.stringContaining(`${quickSight}:user/${sync.quickSight.namespace}/*`)]);
    expect(resourcesOf('quicksight:ListGroups')).toEqual([expect.stringContaining(`${quickSight}:group/${sync.quickSight.namespace}/*`)]);
    expect(resourcesOf('quicksight:ListGroupMemberships')).toHaveLength(1);
    expect(resourcesOf('quicksight:ListGroupMemberships')[0]).toContain(`${quickSight}:group/${sync.quickSight.namespace}/`);
  });

  it('logs every state machine at ERROR, without execution data, to its own log group kept for the configured days', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    const destinations = new Set<string>();
    for (const [id, machine] of machines) {
      const logging = machine.Properties.LoggingConfiguration as { Level: string; IncludeExecutionData: boolean; Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[] };
      expect(logging.Level, id).toBe('ERROR');
      expect(logging.IncludeExecutionData, id).toBe(false);
      expect(logging.Destinations).toHaveLength(1);
      const [groupId, attribute] = logging.Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'];
      expect(attribute).toBe('Arn');
      destinations.add(groupId);
      const group = resources[groupId];
      expect(group?.Type).toBe('AWS::Logs::LogGroup');
      expect(group?.Properties.LogGroupName).toBe(`/aws/vendedlogs/states/${String(machine.Properties.StateMachineName)}`);
      expect(group?.Properties.RetentionInDays).toBe(14);
    }
    expect(destinations.size).toBe(machines.length);
  });

  it('keeps the Lambda functions\' logs as long as the state machines\'', () => {
    const lambdaGroups = ofType('AWS::Logs::LogGroup').filter(([, group]) => String(group.Properties.LogGroupName).startsWith('/aws/lambda/'));
    expect(lambdaGroups.length).toBe(ofType('AWS::Lambda::Function').length);
    for (const [, group] of lambdaGroups) expect(group.Properties.RetentionInDays).toBe(14);
  });

  it('traces every state machine with X-Ray, as dev configures, and the Lambda functions they call', () => {
    for (const [id, machine] of ofType('AWS::StepFunctions::StateMachine')) expect(machine.Properties.TracingConfiguration, id).toEqual({ Enabled: true });
    for (const [id, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
    const traces = policyStatements('IamRoleLambdaExecution').filter((statement) => actions(statement).some((action) => action.startsWith('xray:')));
    expect(traces.map((statement) => ({ actions: actions(statement), resource: statement.Resource }))).toEqual([{ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resource: ['*'] }]);
  });

  it('lets every state machine role deliver its logs and send traces with the actions Step Functions documents, and nothing more on every resource', () => {
    const roles = ofType('AWS::StepFunctions::StateMachine').map(([, machine]) => (machine.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
    expect(roles).toHaveLength(10);
    for (const role of roles) {
      const statements = policyStatements(role);
      const logs = statements.filter((statement) => statement.Sid === 'DeliverExecutionLogs');
      expect(logs.map((statement) => ({ actions: actions(statement), resource: statement.Resource }))).toEqual([
        {
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resource: '*',
        },
      ]);
      const traces = statements.filter((statement) => statement.Sid === 'SendTraces');
      expect(traces.map((statement) => ({ actions: actions(statement), resource: statement.Resource }))).toEqual([
        { actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], resource: '*' },
      ]);
      expect(statements.flatMap(actions).filter((action) => action.startsWith('logs:') || action.startsWith('xray:')).length, role).toBe(12);
    }
  });

  it('hands the Lambdas the parsed stage config and the Node 22 runtime', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const config = JSON.parse((fn.Properties.Environment as { Variables: { OPSFLOW_CONFIG: string } }).Variables.OPSFLOW_CONFIG) as { instanceDns: { sync: unknown } };
      expect(config.instanceDns.sync).toEqual({ pollSeconds: 5, maxPolls: 24 });
    }
  });
});
