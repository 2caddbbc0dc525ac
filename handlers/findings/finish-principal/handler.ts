import { lambdaHandler } from '../../shared/lambda.ts';
import { finishPrincipal, finishPrincipalInput } from './task.ts';

export const handler = lambdaHandler(finishPrincipalInput, (input) => finishPrincipal(input));
