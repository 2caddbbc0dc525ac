import { OpsflowError } from '../handlers/shared/errors.ts';

/**
 * Errors of the local engine. Build errors (a definition the engine cannot run as AWS would)
 * are thrown by Engine.create; API errors by the Engine methods, named as Step Functions'
 * own API names them where it has one (TaskDoesNotExist, TaskTimedOut, ExecutionAlreadyExists).
 */

export class UnknownWorkflow extends OpsflowError {
  override readonly name = 'UnknownWorkflow';
}

export class UnknownTrigger extends OpsflowError {
  override readonly name = 'UnknownTrigger';
}

/** A fault-rules file (`--faults`) that cannot be read, is not the documented format, or names a rule nothing could apply. */
export class InvalidFaultsFile extends OpsflowError {
  override readonly name = 'InvalidFaultsFile';
}

/** A Task state's Resource (or its service, action or integration pattern) has no local bridge. */
export class UnsupportedTaskResource extends OpsflowError {
  override readonly name = 'UnsupportedTaskResource';
}

/** A `${Name}` in a definition that neither the engine nor the workflow module resolves. */
export class UnresolvedPlaceholder extends OpsflowError {
  override readonly name = 'UnresolvedPlaceholder';
}

/** Two Task states share a name but not their Resource and Parameters. */
export class DuplicateTaskState extends OpsflowError {
  override readonly name = 'DuplicateTaskState';
}

/** The definition is not valid ASL (the executor's validator refused it). */
export class InvalidDefinition extends OpsflowError {
  override readonly name = 'InvalidDefinition';
}

/** A static FunctionName that maps to no function of the registry. */
export class UnknownFunction extends OpsflowError {
  override readonly name = 'UnknownFunction';
}

/** A clock asked for something it cannot do (advance real time), or an engine and its account on two clocks. */
export class InvalidClockUse extends OpsflowError {
  override readonly name = 'InvalidClockUse';
}

/** The token was never issued, or its task already finished. */
export class TaskDoesNotExist extends OpsflowError {
  override readonly name = 'TaskDoesNotExist';
}

/** The token's task timed out (TimeoutSeconds or HeartbeatSeconds) before the answer came. */
export class TaskTimedOut extends OpsflowError {
  override readonly name = 'TaskTimedOut';
}

/** What a callback task of a stopped execution (Engine.stopExecution) ends with; the execution itself ends ABORTED. */
export class ExecutionStopped extends OpsflowError {
  override readonly name = 'ExecutionStopped';
}

export class ExecutionAlreadyExists extends OpsflowError {
  override readonly name = 'ExecutionAlreadyExists';
}

/** An execution name with characters Step Functions refuses (StartExecution's InvalidName). */
export class InvalidName extends OpsflowError {
  override readonly name = 'InvalidName';
}

/**
 * A request member over the length or size the API documents: Step Functions' StartExecution,
 * SendTaskSuccess and SendTaskFailure, and EventBridge's PutEvents answer it with this name.
 */
export class ValidationException extends OpsflowError {
  override readonly name = 'ValidationException';
}

/** A definition uses a construct the local engine cannot run as AWS runs it. */
export class UnsupportedConstruct extends OpsflowError {
  override readonly name = 'UnsupportedConstruct';
}

/** A task handler ran without the execution it belongs to in scope (an engine defect). */
export class ExecutionContextLost extends OpsflowError {
  override readonly name = 'ExecutionContextLost';
}

/**
 * A task failure as Step Functions reports it. Its name is the ASL error name that Retry and
 * Catch match (`Route53.PriorRequestNotCompleteException`, a Lambda's errorType, the error of
 * SendTaskFailure...), so unlike every other error here it is given, not literal.
 */
export class TaskFailure extends OpsflowError {
  override readonly name: string;

  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

/**
 * Raised inside an execution for a fault of the local setup rather than of the workflow. The
 * executor treats it like States.Runtime: neither Retry nor Catch (not even States.ALL) sees it,
 * so it cannot be mistaken for a task failure.
 */
abstract class UncatchableFailure extends OpsflowError {
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** The AWS SDK client package a task needs is not installed. */
export class ServicePackageMissing extends UncatchableFailure {
  override readonly name = 'ServicePackageMissing';
}

/** A path or value that Step Functions rejects at run time (same name and handling as AWS). */
export class StatesRuntime extends UncatchableFailure {
  override readonly name = 'States.Runtime';
}

/**
 * A state's input (after Parameters) or output over Step Functions' payload quota: the execution
 * fails, and no Retry or Catch sees it (engine/limits.ts). A Task's result over the quota is a
 * task failure of the same name instead, which Catch does see.
 */
export class StatesDataLimitExceeded extends UncatchableFailure {
  override readonly name = 'States.DataLimitExceeded';
}

/**
 * JSON nested deeper than the engine takes (engine/limits.ts maxJsonDepth). Thrown by the Engine's
 * methods for their input, and inside an execution for a task's result, where it ends the run.
 */
export class PayloadTooDeep extends UncatchableFailure {
  override readonly name = 'PayloadTooDeep';
}

/** A value JSON cannot represent (a cycle, a BigInt, a function): Step Functions only carries JSON. */
export class PayloadNotJson extends UncatchableFailure {
  override readonly name = 'PayloadNotJson';
}

/**
 * A task asked the sandbox target for an OpenSearch domain endpoint the account has no domain for
 * (a configuration naming another account's or a deleted domain); the message names the known ones.
 */
export class UnknownOpenSearchEndpoint extends OpsflowError {
  override readonly name = 'UnknownOpenSearchEndpoint';
}

/** The sandbox's OpenSearch endpoint is not listening: its engine was not created by Engine.create, or was closed. */
export class OpenSearchEndpointClosed extends OpsflowError {
  override readonly name = 'OpenSearchEndpointClosed';
}

/**
 * A real-account target (`--aws`): the default credential chain found no credentials, or AWS
 * refused the ones it found (expired, unknown key, bad signature). Nothing ran.
 */
export class AwsCredentialsUnusable extends OpsflowError {
  override readonly name = 'AwsCredentialsUnusable';
}

/**
 * A real-account target (`--aws`): STS GetCallerIdentity could not tell the account (the endpoint
 * unreachable, a service error past the SDK's retries, an answer without an account id). Nothing ran.
 */
export class AwsAccountUnavailable extends OpsflowError {
  override readonly name = 'AwsAccountUnavailable';
}
