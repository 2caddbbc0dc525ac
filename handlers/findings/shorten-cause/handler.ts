import { lambdaHandler } from '../../shared/lambda.ts';
import { shortenCause, shortenCauseInput } from './task.ts';

export const handler = lambdaHandler(shortenCauseInput, (input) => shortenCause(input));
