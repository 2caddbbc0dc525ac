import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { functionRegistry, type FunctionSpec } from '../handlers/registry.ts';
import { CONFIG_ENV, parseConfig, StateMachineLogLevel, type ObservabilityConfig, type OpsflowConfig } from '../handlers/shared/config.ts';
import { InvalidConfig } from '../handlers/shared/errors.ts';
import { loadDefinition, substitutePlaceholders } from './definition.ts';
import { deployedName, executionLogStatements, stateMachineLogicalId, tracingStatements } from './iam.ts';
import { workflows } from './index.ts';
import { stackFor, type StackContext } from './stack.ts';
import type { DeploymentEnvironment, JsonObject, JsonValue, ScheduleTrigger, WorkflowModule } from './types.ts';

/**
 * Renders the deployment from the same config and workflow modules the local engine reads;
 * serverless.yml includes these values through workflows/serverless.cjs.
 */

const PSEUDO = /#\{(AWS::[A-Za-z]+)\}/g;
const DEAD_LETTER_QUEUE = 'OpsflowEventsDeadLetterQueue';
const ALARM_TOPIC = 'OpsflowAlarmTopic';
const SCHEDULE_ROLE = 'OpsflowScheduleRole';
const RULE_RETRY_POLICY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 } as const;

export async function loadStageConfig(stage: string): Promise<OpsflowConfig> {
  const path = fileURLToPath(new URL(`../config/${stage}.json`, import.meta.url));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return parseConfig(undefined, `config/${stage}.json (missing: create it for stage ${stage})`);
  }
  return parseConfig(JSON.parse(text) as unknown, `config/${stage}.json`);
}

export async function loadStack(stage: string, region?: string): Promise<StackContext> {
  const stageConfig = await loadStageConfig(stage);
  const stack = stackFor(stageConfig, region);
  if (stack.modules.length === 0) {
    const searchRegions = stageConfig.searchDr?.regions.map((entry) => entry.region).join(', ') ?? 'none';
    throw new InvalidConfig(`config/${stage}.json: nothing deploys to ${stack.config.region} (the stage's region is ${stageConfig.region}; searchDr.regions: ${searchRegions})`);
  }
  return stack;
}

/** The function keys the stack's workflows invoke. */
function deployedFunctionKeys(modules: readonly WorkflowModule[]): Set<string> {
  return new Set(modules.flatMap((module) => module.functions));
}

/** CloudFormation pseudo-parameters, written so serverless's own ${} variables never see them. */
export function cloudFormationEnvironment(stage: string): DeploymentEnvironment {
  return { partition: '#{AWS::Partition}', region: '#{AWS::Region}', accountId: '#{AWS::AccountId}', stage };
}

/** Strings holding #{AWS::...} become Fn::Join of Refs; everything else is left as it is. */
export function withPseudoParameters(value: JsonValue): JsonValue {
  if (typeof value === 'string') {
    if (!PSEUDO.test(value)) return value;
    PSEUDO.lastIndex = 0;
    const parts: JsonValue[] = value.split(PSEUDO).map((part, index) => (index % 2 === 1 ? { Ref: part } : part)).filter((part) => part !== '');
    return { 'Fn::Join': ['', parts] };
  }
  if (Array.isArray(value)) return value.map(withPseudoParameters);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPseudoParameters(item)]));
  }
  return value;
}

export function stateMachineName(module: WorkflowModule, stage: string): string {
  return deployedName({ stage }, module.stateMachineName);
}

export function ruleName(module: WorkflowModule, triggerId: string, stage: string): string {
  return `opsflow-${stage}-${module.name}-${triggerId}`;
}

function functionLogicalId(key: string): string {
  return `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;
}

function roleLogicalId(module: WorkflowModule): string {
  return `${module.stateMachineName}Role`;
}

function logGroupLogicalId(module: WorkflowModule): string {
  return `${module.stateMachineName}StateMachineLogGroup`;
}

const logsExecutions = (observability: ObservabilityConfig): boolean => observability.logLevel !== StateMachineLogLevel.Off;

/**
 * The log group a state machine's executions are logged to, one per state machine, named as the
 * Step Functions console names them: the `/aws/vendedlogs/` prefix keeps the CloudWatch Logs
 * resource policy Step Functions updates for each group within its size limit (Step Functions
 * Developer Guide, "Amazon CloudWatch Logs resource policy size restrictions").
 */
export function executionLogGroupName(module: WorkflowModule, stage: string): string {
  return `/aws/vendedlogs/states/${stateMachineName(module, stage)}`;
}

/**
 * serverless-step-functions' `loggingConfig` and `tracingConfig` for a state machine (rendered by
 * the plugin as LoggingConfiguration and TracingConfiguration). Step Functions logs to one log
 * group, given by its ARN ending in `:*`, which is what the log group's `Fn::GetAtt ... Arn` returns
 * (CloudFormation, AWS::StepFunctions::StateMachine CloudWatchLogsLogGroup; Step Functions Developer
 * Guide, "Logging using CloudWatch Logs"). Level `OFF` configures nothing, as Step Functions' default.
 */
export function observabilityConfig(module: WorkflowModule, observability: ObservabilityConfig): JsonObject {
  return {
    ...(logsExecutions(observability)
      ? {
          loggingConfig: {
            level: observability.logLevel,
            includeExecutionData: observability.includeExecutionData,
            destinations: [{ 'Fn::GetAtt': [logGroupLogicalId(module), 'Arn'] }],
          },
        }
      : {}),
    ...(observability.tracing ? { tracingConfig: { enabled: true } } : {}),
  };
}

/** Each logging state machine's log group, kept for `observability.logRetentionDays`. */
export function executionLogGroups(config: OpsflowConfig, modules: readonly WorkflowModule[], stage: string): JsonObject {
  if (!logsExecutions(config.observability)) return {};
  return Object.fromEntries(
    modules.map((module) => [
      logGroupLogicalId(module),
      { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: executionLogGroupName(module, stage), RetentionInDays: config.observability.logRetentionDays } },
    ]),
  );
}

/**
 * Each state machine gets a role written here rather than by serverless-step-functions, whose
 * statements allow no Condition (Route 53 writes are limited by condition keys) and which
 * grants nothing for SDK integrations: the module's statements plus invoking its own functions,
 * and, as `observability` asks, delivering execution logs and sending X-Ray traces.
 */
export function stateMachineRole(module: WorkflowModule, config: OpsflowConfig, stage: string): JsonValue {
  const env = cloudFormationEnvironment(stage);
  const invoke = module.functions.map((key): JsonValue => ({ 'Fn::GetAtt': [functionLogicalId(key), 'Arn'] }));
  const statements: JsonValue[] = [
    ...(module.iamStatements(config, env) as unknown as JsonValue[]),
    ...((logsExecutions(config.observability) ? executionLogStatements() : []) as unknown as JsonValue[]),
    ...((config.observability.tracing ? tracingStatements() : []) as unknown as JsonValue[]),
  ];
  if (invoke.length > 0) {
    statements.push({
      Sid: 'InvokeOwnTasks',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [...invoke, ...invoke.map((arn): JsonValue => ({ 'Fn::Join': ['', [arn, ':*']] }))],
    });
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'states.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
      Policies: [{ PolicyName: `${module.name}-tasks`, PolicyDocument: { Version: '2012-10-17', Statement: withPseudoParameters(statements) } }],
    },
  };
}

function definitionResolver(module: WorkflowModule, config: OpsflowConfig, env: DeploymentEnvironment): (name: string) => JsonValue {
  const extra = module.substitutions?.(config, env) ?? {};
  return (name) => {
    if (name in functionRegistry) return { 'Fn::GetAtt': [functionLogicalId(name), 'Arn'] };
    const machine = workflows.find((candidate) => `${candidate.stateMachineName}StateMachineArn` === name);
    if (machine) return { Ref: stateMachineLogicalId(machine.stateMachineName) };
    const value = extra[name];
    if (value === undefined) throw new InvalidConfig(`${module.name}: no value for placeholder \${${name}}`);
    return value;
  };
}

/** The key serverless-step-functions files a state machine under: its folder name in camelCase. */
export function stateMachineKey(module: WorkflowModule): string {
  return module.name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The stack's state machines (serverless.yml `stepFunctions.stateMachines`), each rendered by its folder's fragment. */
export async function renderStateMachines(stage: string, region: string | undefined, fragment: (module: WorkflowModule) => Promise<JsonObject>): Promise<JsonObject> {
  const { modules } = await loadStack(stage, region);
  const entries = await Promise.all(modules.map(async (module) => [stateMachineKey(module), await fragment(module)] as const));
  return Object.fromEntries(entries);
}

export async function renderStateMachine(workflowName: string, stage: string, region?: string): Promise<JsonObject> {
  const { config } = await loadStack(stage, region);
  const module = workflows.find((candidate) => candidate.name === workflowName);
  if (!module) throw new InvalidConfig(`unknown workflow ${workflowName}`);
  const env = cloudFormationEnvironment(stage);
  const definition = substitutePlaceholders(await loadDefinition(module), definitionResolver(module, config, env));
  const events = module.triggers(config).flatMap((trigger): JsonValue[] =>
    trigger.kind === 'event'
      ? [
          {
            eventBridge: {
              name: ruleName(module, trigger.id, stage),
              description: trigger.description,
              event: trigger.pattern,
              retryPolicy: { maximumEventAgeInSeconds: RULE_RETRY_POLICY.MaximumEventAgeInSeconds, maximumRetryAttempts: RULE_RETRY_POLICY.MaximumRetryAttempts },
              deadLetterConfig: { 'Fn::GetAtt': [DEAD_LETTER_QUEUE, 'Arn'] },
            },
          },
        ]
      : [],
  );
  return {
    id: stateMachineLogicalId(module.stateMachineName),
    name: stateMachineName(module, stage),
    type: module.type,
    definition,
    events,
    role: { 'Fn::GetAtt': [roleLogicalId(module), 'Arn'] },
    ...observabilityConfig(module, config.observability),
    alarms: {
      topics: { alarm: { Ref: ALARM_TOPIC } },
      metrics: ['executionsFailed', 'executionsTimedOut', 'executionThrottled'],
      treatMissingData: 'notBreaching',
    },
  } as JsonObject;
}

export async function renderFunctions(stage: string, region?: string): Promise<JsonObject> {
  const deployed = deployedFunctionKeys((await loadStack(stage, region)).modules);
  return Object.fromEntries(
    Object.entries(functionRegistry as Record<string, FunctionSpec>).filter(([key]) => deployed.has(key)).map(([key, spec]) => [
      key,
      { handler: spec.handler, description: spec.description, timeout: spec.timeoutSeconds, memorySize: spec.memorySize },
    ]),
  );
}

/**
 * serverless-step-functions gives schedule events no dead-letter queue, so schedules are plain
 * rules written here, with the same retry policy and queue as the event rules.
 */
function scheduleResources(config: OpsflowConfig, modules: readonly WorkflowModule[], stage: string): JsonObject {
  const scheduled = modules.flatMap((module) =>
    module.triggers(config).filter((trigger): trigger is ScheduleTrigger => trigger.kind === 'schedule').map((trigger) => ({ module, trigger })),
  );
  if (scheduled.length === 0) return {};
  const resources: JsonObject = {
    [SCHEDULE_ROLE]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'start-scheduled-workflows',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['states:StartExecution'],
                  Resource: [...new Set(scheduled.map(({ module }) => module))].map((module) => ({ Ref: stateMachineLogicalId(module.stateMachineName) })),
                },
              ],
            },
          },
        ],
      },
    },
  };
  for (const { module, trigger } of scheduled) {
    resources[`${module.stateMachineName}${trigger.id}Rule`] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: ruleName(module, trigger.id, stage),
        Description: trigger.description,
        ScheduleExpression: trigger.schedule,
        State: trigger.enabled ? 'ENABLED' : 'DISABLED',
        Targets: [
          {
            Id: `${module.stateMachineName}${trigger.id}`,
            Arn: { Ref: stateMachineLogicalId(module.stateMachineName) },
            RoleArn: { 'Fn::GetAtt': [SCHEDULE_ROLE, 'Arn'] },
            Input: JSON.stringify(trigger.input),
            RetryPolicy: { ...RULE_RETRY_POLICY },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [DEAD_LETTER_QUEUE, 'Arn'] } },
          },
        ],
      },
    };
  }
  return resources;
}

/** The workflows' metric alarms (WorkflowModule.alarms) as CloudFormation alarms, to the stack's alarm topic. */
function alarmResources(config: OpsflowConfig, modules: readonly WorkflowModule[], stage: string): JsonObject {
  const env = cloudFormationEnvironment(stage);
  const resources: JsonObject = {};
  for (const module of modules) {
    for (const alarm of module.alarms?.(config, env) ?? []) {
      resources[`${module.stateMachineName}${alarm.id}Alarm`] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: alarm.alarmName,
          AlarmDescription: alarm.description,
          Namespace: alarm.namespace,
          MetricName: alarm.metricName,
          Dimensions: Object.entries(alarm.dimensions).map(([name, value]) => ({ Name: name, Value: value })),
          Statistic: alarm.statistic,
          Period: alarm.periodSeconds,
          EvaluationPeriods: alarm.evaluationPeriods,
          DatapointsToAlarm: alarm.datapointsToAlarm,
          Threshold: alarm.threshold,
          ComparisonOperator: alarm.comparisonOperator,
          TreatMissingData: alarm.treatMissingData,
          AlarmActions: [{ Ref: ALARM_TOPIC }],
          OKActions: [{ Ref: ALARM_TOPIC }],
        },
      };
    }
  }
  return resources;
}

export async function renderResources(stage: string, region?: string): Promise<JsonObject> {
  const { config, modules } = await loadStack(stage, region);
  const email = config.alarms.email;
  const resources: JsonObject = {
    [DEAD_LETTER_QUEUE]: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: `opsflow-${stage}-events-dlq`, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
    },
    OpsflowEventsDeadLetterQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: DEAD_LETTER_QUEUE }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'RulesDeliverUndeliverableEvents',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [DEAD_LETTER_QUEUE, 'Arn'] },
              Condition: { ArnLike: { 'aws:SourceArn': withPseudoParameters(`arn:#{AWS::Partition}:events:#{AWS::Region}:#{AWS::AccountId}:rule/opsflow-${stage}-*`) } },
            },
          ],
        },
      },
    },
    [ALARM_TOPIC]: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: `opsflow-${stage}-alarms`,
        ...(email ? { Subscription: [{ Protocol: 'email', Endpoint: email }] } : {}),
      },
    },
    ...scheduleResources(config, modules, stage),
    ...Object.fromEntries(modules.map((module) => [roleLogicalId(module), stateMachineRole(module, config, stage)])),
    ...alarmResources(config, modules, stage),
    ...executionLogGroups(config, modules, stage),
    ...Object.assign({}, ...modules.map((module) => withPseudoParameters(module.resources?.(config, cloudFormationEnvironment(stage)) ?? {}) as JsonObject)),
  };
  return { Resources: resources, Outputs: { AlarmTopicArn: { Value: { Ref: ALARM_TOPIC } }, DeadLetterQueueUrl: { Value: { Ref: DEAD_LETTER_QUEUE } } } };
}

/**
 * serverless.yml's provider values. `logRetentionInDays` keeps the Lambda functions' log groups as
 * long as the state machines'; `lambdaTracing` traces the functions (X-Ray active tracing, for which
 * osls grants their role `xray:PutTraceSegments` and `xray:PutTelemetryRecords`) when the state
 * machines are traced, so that a trace follows an execution into its Lambda tasks.
 */
export async function renderProvider(
  stage: string,
  region?: string,
): Promise<{ region: string; environment: JsonObject; lambdaStatements: JsonValue; logRetentionInDays: number; lambdaTracing: boolean }> {
  const { config, modules } = await loadStack(stage, region);
  const env = cloudFormationEnvironment(stage);
  const statements = modules.flatMap((module) => module.lambdaStatements?.(config, env) ?? []);
  return {
    region: config.region,
    environment: { [CONFIG_ENV]: JSON.stringify(config) },
    lambdaStatements: withPseudoParameters(statements as unknown as JsonValue),
    logRetentionInDays: config.observability.logRetentionDays,
    lambdaTracing: config.observability.tracing,
  };
}
