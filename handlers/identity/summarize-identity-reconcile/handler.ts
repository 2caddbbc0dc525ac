import { lambdaHandler } from '../../shared/lambda.ts';
import { summarizeIdentityReconcile, summarizeIdentityReconcileInput } from './task.ts';

export const handler = lambdaHandler(summarizeIdentityReconcileInput, (input) => summarizeIdentityReconcile(input));
