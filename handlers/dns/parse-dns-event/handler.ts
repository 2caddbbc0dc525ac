import { lambdaHandler } from '../../shared/lambda.ts';
import { parseDnsEvent, parseDnsEventInput } from './task.ts';

export const handler = lambdaHandler(parseDnsEventInput, (input, runtime) => parseDnsEvent(input, runtime.config.instanceDns));
