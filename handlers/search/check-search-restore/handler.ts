import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { checkSearchRestore, checkSearchRestoreInput } from './task.ts';

export const handler = lambdaHandler(checkSearchRestoreInput, (input, runtime) => checkSearchRestore(input, planTransport(input.plan, runtime)));
