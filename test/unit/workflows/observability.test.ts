import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOG_RETENTION_DAYS, parseConfig, type OpsflowConfig } from '../../../handlers/shared/config.ts';
import { executionLogGroups, observabilityConfig, stateMachineRole } from '../../../workflows/deployment.ts';
import { instanceDns } from '../../../workflows/instance-dns/workflow.ts';
import { searchSnapshot } from '../../../workflows/search-snapshot/workflow.ts';

/** The deployment side of `observability` for configs the committed stages do not use (test/infra packages dev). */
const minimal = { region: 'eu-west-1', instanceDns: { groups: [] } };
const withObservability = (observability: unknown): OpsflowConfig => parseConfig({ ...minimal, observability }, 'stage.json');

type Statement = { Sid?: string; Action: string[]; Resource: unknown };
const roleStatements = (config: OpsflowConfig): Statement[] =>
  (stateMachineRole(instanceDns, config, 'dev') as { Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] } }).Properties.Policies.flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
const sids = (config: OpsflowConfig) => roleStatements(config).map((statement) => statement.Sid);

describe('observability config', () => {
  it('defaults to ERROR logs without execution data, no tracing, 30 days', () => {
    expect(parseConfig(minimal, 'stage.json').observability).toEqual({ logLevel: 'ERROR', includeExecutionData: false, tracing: false, logRetentionDays: 30 });
  });

  it.each<[unknown, string]>([
    [{ logLevel: 'DEBUG' }, 'stage.json: observability.logLevel: '],
    [{ logRetentionDays: 10 }, 'stage.json: observability.logRetentionDays: must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30,'],
    [{ logRetentionDays: 0 }, 'stage.json: observability.logRetentionDays: must be a retention CloudWatch Logs accepts'],
    [{ includeExecutionData: 'yes' }, 'stage.json: observability.includeExecutionData: '],
    [{ xray: true }, 'stage.json: observability: Unrecognized key'],
  ])('refuses %j in one line naming the field', (observability, message) => {
    expect(() => withObservability(observability)).toThrowError(expect.objectContaining({ name: 'InvalidConfig', message: expect.stringContaining(message) }));
  });

  it('takes every level Step Functions has and the retentions CloudWatch Logs accepts', () => {
    for (const logLevel of ['ALL', 'ERROR', 'FATAL', 'OFF']) expect(withObservability({ logLevel }).observability.logLevel).toBe(logLevel);
    for (const logRetentionDays of [1, 1096, 3653]) expect(withObservability({ logRetentionDays }).observability.logRetentionDays).toBe(logRetentionDays);
  });
});

describe('observability deployment', () => {
  it('logs ALL with execution data when configured, to the machine\'s own group', () => {
    const config = withObservability({ logLevel: 'ALL', includeExecutionData: true, logRetentionDays: 90 });
    expect(observabilityConfig(instanceDns, config.observability)).toEqual({
      loggingConfig: { level: 'ALL', includeExecutionData: true, destinations: [{ 'Fn::GetAtt': ['InstanceDnsStateMachineLogGroup', 'Arn'] }] },
    });
    expect(executionLogGroups(config, [instanceDns, searchSnapshot], 'prod')).toEqual({
      InstanceDnsStateMachineLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/opsflow-prod-InstanceDns', RetentionInDays: 90 } },
      SearchSnapshotStateMachineLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/opsflow-prod-SearchSnapshot', RetentionInDays: 90 } },
    });
    expect(sids(config)).toContain('DeliverExecutionLogs');
  });

  it('with tracing off, neither TracingConfiguration nor X-Ray actions', () => {
    const config = parseConfig(minimal, 'stage.json');
    expect(observabilityConfig(instanceDns, config.observability)).not.toHaveProperty('tracingConfig');
    expect(roleStatements(config).flatMap((statement) => statement.Action).filter((action) => action.startsWith('xray:'))).toEqual([]);
  });

  it('with tracing on, TracingConfiguration and the X-Ray statement', () => {
    const config = withObservability({ tracing: true });
    expect(observabilityConfig(instanceDns, config.observability)).toMatchObject({ tracingConfig: { enabled: true } });
    expect(sids(config)).toContain('SendTraces');
  });

  it('at level OFF, no logging configuration, no log group and no log-delivery actions', () => {
    const config = withObservability({ logLevel: 'OFF' });
    expect(observabilityConfig(instanceDns, config.observability)).toEqual({});
    expect(executionLogGroups(config, [instanceDns], 'dev')).toEqual({});
    expect(roleStatements(config).flatMap((statement) => statement.Action).filter((action) => action.startsWith('logs:'))).toEqual([]);
  });
});

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('lists the retentions the config takes', () => {
    const row = /^\| `observability\.logRetentionDays` \|.*$/m.exec(readme)?.[0] ?? '';
    expect(row).toContain(`(${LOG_RETENTION_DAYS.join(', ')})`);
  });

  it('names the dependencies that declare Node 22 or later, with what they declare', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const declared = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]
      .map((name) => ({ name, node: (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '' }))
      .filter(({ node }) => /^>=\s*(2[2-9]|[3-9]\d)/.test(node));
    expect(declared.map(({ name }) => name).sort()).toEqual(['aws-local-stepfunctions', 'serverless-step-functions']);
    for (const { name, node } of declared) {
      expect(readme).toContain(`\`${name}\``);
      expect(readme).toContain(`\`${node}\``);
    }
  });
});
