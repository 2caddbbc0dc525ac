import type { DeploymentEnvironment, WorkflowModule } from '../workflows/types.ts';

/**
 * The names and ARNs the deployment gives every resource, rebuilt locally so that a definition
 * substituted for the engine reads exactly as the deployed one: one prefix, `opsflow-<stage>-`.
 */

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function resourcePrefix(env: DeploymentEnvironment): string {
  return `opsflow-${env.stage}-`;
}

export function functionName(env: DeploymentEnvironment, functionKey: string): string {
  return `${resourcePrefix(env)}${functionKey}`;
}

export function functionArn(env: DeploymentEnvironment, functionKey: string): string {
  return `arn:${env.partition}:lambda:${env.region}:${env.accountId}:function:${functionName(env, functionKey)}`;
}

export function deployedStateMachineName(env: DeploymentEnvironment, module: Pick<WorkflowModule, 'stateMachineName'>): string {
  return `${resourcePrefix(env)}${module.stateMachineName}`;
}

export function stateMachineArn(env: DeploymentEnvironment, module: Pick<WorkflowModule, 'stateMachineName'>): string {
  return `arn:${env.partition}:states:${env.region}:${env.accountId}:stateMachine:${deployedStateMachineName(env, module)}`;
}

export function executionArn(env: DeploymentEnvironment, module: Pick<WorkflowModule, 'stateMachineName'>, name: string): string {
  return `arn:${env.partition}:states:${env.region}:${env.accountId}:execution:${deployedStateMachineName(env, module)}:${name}`;
}

/** StartExecution's `name`: 1 to 80 characters (engine/limits.ts checkStartExecution has the sources). */
export const maxExecutionNameLength = 80;

/** White space, brackets, wildcards, the special characters and the control characters StartExecution refuses. */
// eslint-disable-next-line no-control-regex -- control characters are among what StartExecution refuses
const forbiddenNameCharacter = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** A name's length as the API counts it: in characters (code points), not UTF-16 units. */
export function executionNameLength(name: string): number {
  return [...name].length;
}

export function hasForbiddenNameCharacter(name: string): boolean {
  return forbiddenNameCharacter.test(name);
}

export function stateMachineRoleArn(env: DeploymentEnvironment, module: Pick<WorkflowModule, 'stateMachineName'>): string {
  return `arn:${env.partition}:iam::${env.accountId}:role/${deployedStateMachineName(env, module)}`;
}

/** The rule a schedule trigger deploys as; a Scheduled Event names it in `resources`. */
export function scheduleRuleArn(env: DeploymentEnvironment, workflowName: string, triggerId: string): string {
  return `arn:${env.partition}:events:${env.region}:${env.accountId}:rule/${resourcePrefix(env)}${workflowName}-${triggerId}`;
}

/** The function key a FunctionName (name, partial or full ARN, with or without qualifier) designates. */
export function functionKeyOf(env: DeploymentEnvironment, functionNameOrArn: string): string | undefined {
  const arn = /^arn:[^:]+:lambda:([^:]+):([^:]+):function:([^:]+)(?::[^:]+)?$/.exec(functionNameOrArn);
  const partial = /^([^:]+):function:([^:]+)(?::[^:]+)?$/.exec(functionNameOrArn);
  let name: string | undefined;
  if (arn) {
    if (arn[1] !== env.region || arn[2] !== env.accountId) return undefined;
    name = arn[3];
  } else if (partial) {
    if (partial[1] !== env.accountId) return undefined;
    name = partial[2];
  } else {
    name = functionNameOrArn.split(':')[0];
  }
  const prefix = resourcePrefix(env);
  return name?.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}
