import { lambdaHandler } from '../../shared/lambda.ts';
import { planInvestigation, planInvestigationInput } from './task.ts';

export const handler = lambdaHandler(planInvestigationInput, (input) => planInvestigation(input));
