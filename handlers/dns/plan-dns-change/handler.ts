import { lambdaHandler } from '../../shared/lambda.ts';
import { planDnsChange, planDnsChangeInput } from './task.ts';

export const handler = lambdaHandler(planDnsChangeInput, (input) => planDnsChange(input));
