import { lambdaHandler } from '../../shared/lambda.ts';
import { groupByPrincipal, groupByPrincipalInput } from './task.ts';

export const handler = lambdaHandler(groupByPrincipalInput, (input, runtime) => groupByPrincipal(input, runtime.config.findingEnrichment, () => runtime.now()));
