import { lambdaHandler } from '../../shared/lambda.ts';
import { eventPublisher, requestSearchApproval, requestSearchApprovalInput } from './task.ts';

export const handler = lambdaHandler(requestSearchApprovalInput, (input, runtime) => requestSearchApproval(input, eventPublisher(runtime, runtime.region)));
