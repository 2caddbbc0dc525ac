import { OpsflowError } from '../../handlers/shared/errors.ts';

/** The seed file or object does not describe a valid account; the message names the field. */
export class InvalidSandboxSeed extends OpsflowError {
  override readonly name = 'InvalidSandboxSeed';
}

/** A `--state` file that is not an opsflow sandbox state, is of another version, or holds an account the sandbox cannot take. */
export class InvalidStateFile extends OpsflowError {
  override readonly name = 'InvalidStateFile';
}

/** Sandbox options (fault rules, random seed) are malformed. */
export class InvalidSandboxOptions extends OpsflowError {
  override readonly name = 'InvalidSandboxOptions';
}

/** An SDK call reached the sandbox for an API (or a parameter of one) it does not simulate. */
export class SandboxUnsupportedOperation extends OpsflowError {
  override readonly name = 'SandboxUnsupportedOperation';
}

/** An SDK client of another Region called a service the sandbox holds in the account's home Region only. */
export class SandboxRegionNotSimulated extends OpsflowError {
  override readonly name = 'SandboxRegionNotSimulated';
}

/** A simulation helper (launchInstance, setRecord...) was asked for something the account cannot do. */
export class InvalidSandboxRequest extends OpsflowError {
  override readonly name = 'InvalidSandboxRequest';
}

/**
 * An AWS error raised inside a simulated operation. It never leaves the sandbox: the account turns
 * it into the exception class the SDK client would throw for that error code.
 */
export class SimulatedAwsError extends OpsflowError {
  override readonly name = 'SimulatedAwsError';

  constructor(
    readonly code: string,
    message: string,
    /** Modeled members of the exception beyond its message, e.g. `messages` of InvalidChangeBatch. */
    readonly members: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** Shorthand for operation code: `throw awsError('ValidationError', '...')`. */
export function awsError(code: string, message: string, members?: Record<string, unknown>): SimulatedAwsError {
  return new SimulatedAwsError(code, message, members);
}

/**
 * The sandbox's own code changed the account outside a transaction, opened one inside another or
 * misused a container: a defect of the sandbox, never of its caller.
 */
export class SandboxStoreMisuse extends OpsflowError {
  override readonly name = 'SandboxStoreMisuse';
}
