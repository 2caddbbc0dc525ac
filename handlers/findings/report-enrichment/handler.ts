import { lambdaHandler } from '../../shared/lambda.ts';
import { reportEnrichment, reportEnrichmentInput } from './task.ts';

export const handler = lambdaHandler(reportEnrichmentInput, (input) => reportEnrichment(input));
