import { lambdaHandler } from '../../shared/lambda.ts';
import { normalizeFindings, normalizeFindingsInput } from './task.ts';

export const handler = lambdaHandler(normalizeFindingsInput, (input, runtime) => normalizeFindings(input, runtime.config.findingEnrichment, () => runtime.now()));
