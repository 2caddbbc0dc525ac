import { lambdaHandler } from '../../shared/lambda.ts';
import { summarizeDnsReconcile, summarizeDnsReconcileInput } from './task.ts';

export const handler = lambdaHandler(summarizeDnsReconcileInput, (input) => summarizeDnsReconcile(input));
