import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { verifySearchRestore, verifySearchRestoreInput } from './task.ts';

export const handler = lambdaHandler(verifySearchRestoreInput, (input, runtime) => verifySearchRestore(input, planTransport(input.plan, runtime)));
