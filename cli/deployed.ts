import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { describeSdkError, timedRequestHandler, unusableCredentials } from '../engine/aws-calls.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import type { WorkflowModule } from '../workflows/types.ts';
import { AwsCallFailed, AwsRefused, UsageError } from './errors.ts';
import { readConfig } from './files.ts';
import { checkRegionFlag } from './options.ts';

/**
 * What the commands that drive a deployed stage share (start, executions, watch, approve, reject,
 * redrive): the stage and Region, the stack's state machine ARNs, executions named on the command
 * line, paged execution histories, and AWS's errors as one line each. Credentials come from the
 * default credential chain; the SDK's standard endpoint settings (AWS_ENDPOINT_URL...) apply.
 */

/** --stage and --region, as every deployed-stage command takes them. */
export interface DeployedFlags {
  readonly stage?: string;
  readonly region?: string;
}

export const DEFAULT_STAGE = 'dev';

/** A stage name as serverless takes it (letters, digits, hyphens; `opsflow-<stage>` is the stack). */
const STAGE = /^[A-Za-z0-9-]{1,64}$/;

/** A deployed stage in one Region: its config (config/<stage>.json) and the workflows its stack there holds. */
export interface DeployedStage {
  readonly stage: string;
  readonly region: string;
  readonly stackName: string;
  readonly config: OpsflowConfig;
  readonly modules: readonly WorkflowModule[];
}

/**
 * The stage named by --stage (default dev) in --region (default the stage config's Region), with
 * the workflows its stack in that Region deploys (workflows/stack.ts, as `osls deploy` packages
 * it). Throws UsageError for a malformed stage or Region, UnreadableFile or InvalidConfig for its
 * config file.
 */
export async function deployedStage(flags: DeployedFlags, readStdin?: () => Promise<string>): Promise<DeployedStage> {
  const stage = flags.stage ?? DEFAULT_STAGE;
  if (!STAGE.test(stage)) throw new UsageError(`--stage: ${JSON.stringify(stage)} is not a stage name (letters, digits and hyphens)`);
  checkRegionFlag(flags.region);
  const config = await readConfig(`config/${stage}.json`, readStdin);
  const region = flags.region ?? config.region;
  const { stackFor } = await import('../workflows/stack.ts');
  const { modules } = stackFor(config, region);
  return { stage, region, stackName: `opsflow-${stage}`, config, modules };
}

/** The workflow module of `name` deployed in the stage's Region; UsageError naming where it is deployed otherwise. */
export async function deployedWorkflow(deployed: DeployedStage, name: string): Promise<WorkflowModule> {
  const { knownWorkflow } = await import('./workflow-names.ts');
  await knownWorkflow(name);
  const module = deployed.modules.find((candidate) => candidate.name === name);
  if (module) return module;
  const { workflows } = await import('../workflows/index.ts');
  const regions = workflows.find((candidate) => candidate.name === name)?.regions?.(deployed.config) ?? [deployed.config.region];
  throw new UsageError(`${name} is not deployed in ${deployed.region} by stage ${deployed.stage}: config/${deployed.stage}.json deploys it to ${regions.join(', ') || 'no Region'} (--region picks one)`);
}

/**
 * The ARN of `module`'s state machine in the stage's stack: CloudFormation DescribeStackResource
 * of its logical id, whose physical id is the ARN (CloudFormation User Guide,
 * AWS::StepFunctions::StateMachine, "Ref"). Throws AwsRefused when the stack or the resource does
 * not exist (the stage is not deployed there), AwsCallFailed or AwsCredentialsUnusable otherwise.
 */
export async function stateMachineArn(deployed: DeployedStage, module: WorkflowModule): Promise<string> {
  const { CloudFormationClient, DescribeStackResourceCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = new CloudFormationClient({ region: deployed.region, requestHandler: timedRequestHandler() });
  const { stateMachineLogicalId } = await import('../workflows/iam.ts');
  const logicalId = stateMachineLogicalId(module.stateMachineName);
  try {
    const { StackResourceDetail: resource } = await cloudFormation.send(new DescribeStackResourceCommand({ StackName: deployed.stackName, LogicalResourceId: logicalId }));
    const arn = resource?.PhysicalResourceId;
    if (!arn?.includes(':stateMachine:')) {
      throw new AwsRefused(`stack ${deployed.stackName} in ${deployed.region} has no state machine for ${module.name} yet (${logicalId} is ${resource?.ResourceStatus ?? 'not created'})`);
    }
    return arn;
  } catch (error) {
    if (error instanceof AwsRefused) throw error;
    const { name, what } = describeSdkError(error);
    if (name === 'ValidationError' && /does not exist/i.test(what)) {
      throw new AwsRefused(`stage ${deployed.stage} is not deployed in ${deployed.region}: ${what} (deploy it: npx osls deploy --stage ${deployed.stage} --region ${deployed.region})`, { cause: error });
    }
    throw awsError(error, `cloudformation:DescribeStackResource ${deployed.stackName}/${logicalId} in ${deployed.region}`);
  } finally {
    cloudFormation.destroy();
  }
}

/** An execution's parts, read from its ARN. */
export interface ExecutionRef {
  readonly executionArn: string;
  readonly region: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
}

/** A standard workflow's execution ARN: arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>. */
const EXECUTION_ARN = /^(arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}):execution:([A-Za-z0-9_-]{1,80}):([^:\s]{1,80})$/;

/**
 * The execution named on the command line: its ARN as `start` and `executions` print it, or
 * `<workflow>/<execution name>` (an execution name cannot hold a slash) of the stage's state machine
 * in its Region. Throws UsageError for anything else, and what stateMachineArn throws.
 */
export async function executionNamed(argument: string, deployed: DeployedStage): Promise<ExecutionRef> {
  if (argument.startsWith('arn:')) {
    const match = EXECUTION_ARN.exec(argument);
    if (!match) throw new UsageError(`${argument} is not a Standard workflow execution's ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)`);
    const [, prefix = '', region = '', machine = '', name = ''] = match;
    return { executionArn: argument, region, stateMachineArn: `${prefix}:stateMachine:${machine}`, stateMachineName: machine, name };
  }
  const slash = argument.indexOf('/');
  if (slash <= 0 || slash === argument.length - 1) {
    throw new UsageError(`${JSON.stringify(argument)} names no execution: give its ARN, or <workflow>/<execution name> (opsflow executions <workflow> lists them)`);
  }
  const module = await deployedWorkflow(deployed, argument.slice(0, slash));
  const machineArn = await stateMachineArn(deployed, module);
  const name = argument.slice(slash + 1);
  const machine = machineArn.slice(machineArn.lastIndexOf(':') + 1);
  return { executionArn: `${machineArn.replace(':stateMachine:', ':execution:')}:${name}`, region: deployed.region, stateMachineArn: machineArn, stateMachineName: machine, name };
}

/** An execution named on the command line, with the stage in its Region and the workflow it runs. */
export interface NamedExecution {
  readonly deployed: DeployedStage;
  readonly ref: ExecutionRef;
  /** The stage's workflow its state machine runs; undefined for a state machine that is not one of the stage's. */
  readonly module: WorkflowModule | undefined;
  /** How the lines name it: the workflow, else the state machine's name. */
  readonly workflow: string;
}

/**
 * The execution `argument` names (executionNamed) and the stage in the execution's Region: an
 * ARN's Region unless --region is given, which must then be the same. Throws UsageError for an ARN
 * of another Region than --region, and what deployedStage and executionNamed throw.
 */
export async function namedExecution(argument: string, flags: DeployedFlags, readStdin?: () => Promise<string>): Promise<NamedExecution> {
  const arnRegion = EXECUTION_ARN.exec(argument)?.[2];
  const deployed = await deployedStage({ ...flags, region: flags.region ?? arnRegion }, readStdin);
  const ref = await executionNamed(argument, deployed);
  if (ref.region !== deployed.region) throw new UsageError(`${ref.executionArn} runs in ${ref.region}, not in ${deployed.region} as --region says`);
  const module = workflowOfStateMachine(deployed, ref.stateMachineName);
  return { deployed, ref, module, workflow: module?.name ?? ref.stateMachineName };
}

/**
 * The stage's workflow a named execution runs; UsageError for a state machine that is not one of
 * the stage's (another stage, another application): a command that changes an execution acts only
 * on what the stage deployed.
 */
export function stageWorkflowOf(named: NamedExecution): WorkflowModule {
  if (named.module) return named.module;
  const { stage } = named.deployed;
  throw new UsageError(`${named.ref.stateMachineName} is not a state machine of stage ${stage} (opsflow-${stage}-<StateMachineName>): --stage names the stage`);
}

/** The opsflow workflow a deployed state machine runs (`opsflow-<stage>-<stateMachineName>`), if it is one of the stage's. */
export function workflowOfStateMachine(deployed: DeployedStage, stateMachineName: string): WorkflowModule | undefined {
  const prefix = `opsflow-${deployed.stage}-`;
  if (!stateMachineName.startsWith(prefix)) return undefined;
  return deployed.modules.find((module) => module.stateMachineName === stateMachineName.slice(prefix.length));
}

/** A Step Functions client in `region` (default credential chain and endpoint settings; calls time out: awsCallTimeouts). */
export async function stepFunctions(region: string): Promise<SFNClient> {
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  return new SFNClient({ region, requestHandler: timedRequestHandler() });
}

/**
 * Every event of an execution's history, oldest first, through GetExecutionHistory's pages (up to
 * 1,000 events each; Step Functions API Reference, GetExecutionHistory). With execution data: the
 * approval commands read a gate's parameters. Throws what awsError makes of a failed call.
 */
export async function executionHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const { GetExecutionHistoryCommand } = await import('@aws-sdk/client-sfn');
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(`states:GetExecutionHistory ${executionArn}`, () =>
      client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, includeExecutionData: true, ...(nextToken ? { nextToken } : {}) })),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Sends one call to AWS; a failure becomes one line naming `what` (awsError). */
export async function call<T>(what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw awsError(error, what);
  }
}

/**
 * Errors with which AWS says the request named something wrong or gone: nothing changed, and the
 * command line needs another value (Step Functions API Reference, each action's Errors).
 */
const refusals = new Set([
  'ExecutionDoesNotExist', 'StateMachineDoesNotExist', 'ExecutionAlreadyExists', 'InvalidArn', 'InvalidName', 'InvalidExecutionInput',
  'InvalidToken', 'InvalidOutput', 'TaskDoesNotExist', 'TaskTimedOut', 'ExecutionNotRedrivable', 'ValidationException', 'StateMachineDeleting',
  'ExecutionLimitExceeded',
]);

/**
 * One line for a failed AWS call, naming the call and AWS's error: AwsCredentialsUnusable when
 * the default chain has no usable credentials or AWS refuses them, AwsRefused for the request's
 * own errors (refusals above), AwsCallFailed for the rest (no permission, throttling past the
 * SDK's retries, the endpoint unreachable).
 */
export function awsError(error: unknown, what: string): Error {
  if (error instanceof AwsRefused || error instanceof AwsCallFailed) return error;
  const unusable = unusableCredentials(error);
  if (unusable) return unusable;
  const { name, what: detail } = describeSdkError(error);
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new AwsCallFailed(`${what}: not permitted (${detail}); docs/operating-deployed.md lists the permissions each command needs`, { cause: error });
  }
  if (refusals.has(name)) return new AwsRefused(`${what}: ${detail}`, { cause: error });
  return new AwsCallFailed(`${what} failed (${detail})`, { cause: error });
}
