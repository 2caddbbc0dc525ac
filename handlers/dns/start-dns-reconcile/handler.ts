import { lambdaHandler } from '../../shared/lambda.ts';
import { startDnsReconcile, startDnsReconcileInput } from './task.ts';

export const handler = lambdaHandler(startDnsReconcileInput, (input, runtime) => startDnsReconcile(input, runtime.config.instanceDns));
