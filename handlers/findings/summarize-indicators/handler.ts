import { lambdaHandler } from '../../shared/lambda.ts';
import { summarizeIndicators, summarizeIndicatorsInput } from './task.ts';

export const handler = lambdaHandler(summarizeIndicatorsInput, (input) => summarizeIndicators(input));
