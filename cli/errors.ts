import { OpsflowError } from '../handlers/shared/errors.ts';

/** The command line itself is wrong: unknown command, missing argument, unknown flag. */
export class UsageError extends OpsflowError {
  override readonly name = 'UsageError';
}

/** A file named on the command line cannot be read or is not JSON. */
export class UnreadableFile extends OpsflowError {
  override readonly name = 'UnreadableFile';
}

/** A file named as an event holds JSON that is not an event: every EventBridge event is a JSON object. */
export class InvalidEventFile extends OpsflowError {
  override readonly name = 'InvalidEventFile';
}

/** An event matched no workflow, so nothing would run. */
export class NoRouteForEvent extends OpsflowError {
  override readonly name = 'NoRouteForEvent';
}

/** A file named on the command line to be written (`--state`) cannot be written there. */
export class UnwritableFile extends OpsflowError {
  override readonly name = 'UnwritableFile';
}

/**
 * AWS refused a request for what it named: a stage not deployed, an execution or state machine
 * that does not exist, an input or name Step Functions does not take, a task no longer open.
 * Nothing changed; the command line needs another value.
 */
export class AwsRefused extends OpsflowError {
  override readonly name = 'AwsRefused';
}

/** A call to AWS failed for another reason: no permission, throttling past the SDK's retries, the endpoint unreachable. */
export class AwsCallFailed extends OpsflowError {
  override readonly name = 'AwsCallFailed';
}

/**
 * A deployed execution has no approval to answer: it is not running, its workflow has no approval
 * gate, it is elsewhere than at its gate, or the gate's task closed before the answer arrived.
 * Nothing was sent.
 */
export class NoPendingApproval extends OpsflowError {
  override readonly name = 'NoPendingApproval';
}
