import { lambdaHandler } from '../../shared/lambda.ts';
import { composeFindingUpdates, composeFindingUpdatesInput } from './task.ts';

export const handler = lambdaHandler(composeFindingUpdatesInput, (input, runtime) => composeFindingUpdates(input, runtime.config.findingEnrichment));
