import { lambdaHandler } from '../../shared/lambda.ts';
import { chooseGroupInstance, chooseGroupInstanceInput } from './task.ts';

export const handler = lambdaHandler(chooseGroupInstanceInput, (input) => chooseGroupInstance(input));
