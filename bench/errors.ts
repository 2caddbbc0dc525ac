import { OpsflowError } from '../handlers/shared/errors.ts';

/** The benchmark could not be set up: a file it reads is missing or not in the shape it expects. */
export class BenchSetupError extends OpsflowError {
  override readonly name = 'BenchSetupError';
}

/** A measurement could not be taken (a child process failed, a bundle has no output...). */
export class BenchMeasurementError extends OpsflowError {
  override readonly name = 'BenchMeasurementError';
}
