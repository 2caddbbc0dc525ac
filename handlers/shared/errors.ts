/**
 * Every error a task raises is a class with a literal `name`: Step Functions routes Retry and
 * Catch by that name (the ASL `ErrorEquals` string), and bundlers rename classes, so the name
 * is written out rather than taken from the constructor.
 */
export abstract class OpsflowError extends Error {
  abstract override readonly name: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The task's input did not match its schema: never retried, nothing was changed. */
export class InvalidInput extends OpsflowError {
  override readonly name = 'InvalidInput';
}

/** The configuration could not be read or failed validation. */
export class InvalidConfig extends OpsflowError {
  override readonly name = 'InvalidConfig';
}

export const sharedErrors = [InvalidInput, InvalidConfig] as const;
