import type { OpsflowConfig } from '../handlers/shared/config.ts';

/**
 * What a workflow folder declares besides its ASL: the triggers, the IAM its SDK integrations
 * need, and the values substituted into the definition. The deployment (serverless.yml, through
 * workflows/<name>/serverless.cjs) and the local engine both read this, so a trigger or a
 * permission is written once.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface EventTrigger {
  readonly kind: 'event';
  /** Suffix of the rule's logical id, PascalCase, unique within the workflow. */
  readonly id: string;
  readonly description: string;
  /** An EventBridge event pattern. */
  readonly pattern: JsonObject;
}

export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly id: string;
  readonly description: string;
  /** rate(...) or cron(...), as EventBridge Scheduler/Events accept it. */
  readonly schedule: string;
  /** The constant input the rule sends to the state machine. */
  readonly input: JsonObject;
  readonly enabled: boolean;
}

export type Trigger = EventTrigger | ScheduleTrigger;

export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: JsonValue;
  readonly Condition?: JsonObject;
}

export interface WorkflowModule {
  /** Folder name under workflows/, kebab-case. */
  readonly name: string;
  /** The state machine's name without stage, PascalCase (also its logical id stem). */
  readonly stateMachineName: string;
  readonly description: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Function keys (handlers/registry.ts) the definition invokes as ${functionKey}. */
  readonly functions: readonly string[];
  /**
   * The Regions the workflow deploys to, one stack each; without it, the stage's `region` only.
   * A stack packaged for a Region a workflow does not list has none of its resources.
   */
  regions?(config: OpsflowConfig): readonly string[];
  triggers(config: OpsflowConfig): Trigger[];
  /** Statements for the state machine role covering its direct SDK integrations. */
  iamStatements(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[];
  /**
   * Statements the Lambda functions' role needs for the AWS calls of this workflow's tasks (a
   * task that must reach another Region, such as QuickSight's identity Region, calls AWS itself).
   */
  lambdaStatements?(config: OpsflowConfig, env: DeploymentEnvironment): IamStatement[];
  /** Other ${Name} placeholders of the definition and their values. */
  substitutions?(config: OpsflowConfig, env: DeploymentEnvironment): Record<string, JsonValue>;
  /**
   * CloudWatch alarms on the workflow's metrics: rendered as AWS::CloudWatch::Alarm resources on
   * AWS and evaluated by the local engine's CloudWatch (engine/metrics.ts) against the same metrics.
   */
  alarms?(config: OpsflowConfig, env: DeploymentEnvironment): AlarmSpec[];
  /** CloudFormation resources the workflow needs besides its state machine (deployment only). */
  resources?(config: OpsflowConfig, env: DeploymentEnvironment): JsonObject;
  /**
   * The workflow's approval gate: `state` names its `.waitForTaskToken` Task whose request's
   * `Payload.plan` is what a person approves. The answer is SendTaskSuccess with
   * `{approved: true, by, at}` or SendTaskFailure `RunbookRejected` with the reason as cause;
   * `opsflow run` shows the plan and answers it (--approve, --reject, or a prompt).
   */
  readonly approval?: { readonly state: string };
  /**
   * Refuses, before an execution starts (`opsflow start`), an input the workflow's first step would
   * refuse: the same check, throwing the same named error, in one line. Absent: the workflow checks
   * its input only when it runs.
   */
  checkInput?(input: unknown): Promise<void>;
}

/** Where a definition runs: pseudo-parameters on AWS, fixed values in the local engine. */
export interface DeploymentEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stage: string;
}

/**
 * One metric alarm, in CloudWatch's terms (PutMetricAlarm): over the last `evaluationPeriods`
 * periods of `periodSeconds`, the alarm is in ALARM when at least `datapointsToAlarm` of them breach
 * (`statistic` of the period compared with `threshold`); periods without data count as
 * `treatMissingData` says. Source: CloudWatch User Guide, "Alarm evaluation" and "Configuring how
 * CloudWatch alarms treat missing data".
 */
export interface AlarmSpec {
  /** Logical id stem, PascalCase, unique within the workflow. */
  readonly id: string;
  readonly alarmName: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Exactly the metric's dimensions (CloudWatch matches the whole set). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Maximum' | 'Minimum' | 'Average' | 'Sum' | 'SampleCount';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
  readonly treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
}
