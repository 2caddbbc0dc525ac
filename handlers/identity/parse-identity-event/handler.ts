import { lambdaHandler } from '../../shared/lambda.ts';
import { parseIdentityEvent, parseIdentityEventInput } from './task.ts';

export const handler = lambdaHandler(parseIdentityEventInput, (input, runtime) => parseIdentityEvent(input, runtime.config));
