import { OpsflowError } from '../handlers/shared/errors.ts';

/** No sample file at that path under events/samples/. */
export class SampleNotFound extends OpsflowError {
  override readonly name = 'SampleNotFound';
}

/** The sample path leaves events/samples/, or the file is not the JSON event it should be. */
export class InvalidSample extends OpsflowError {
  override readonly name = 'InvalidSample';
}

export const sampleErrors = [SampleNotFound, InvalidSample] as const;
