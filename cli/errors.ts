import { OpsflowError } from '../handlers/shared/errors.ts';

/** The command line itself is wrong: unknown command, missing argument, unknown flag. */
export class UsageError extends OpsflowError {
  override readonly name = 'UsageError';
}

/** A file named on the command line cannot be read or is not JSON. */
export class UnreadableFile extends OpsflowError {
  override readonly name = 'UnreadableFile';
}

/** An event matched no workflow, so nothing would run. */
export class NoRouteForEvent extends OpsflowError {
  override readonly name = 'NoRouteForEvent';
}
