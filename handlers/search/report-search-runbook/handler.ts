import { lambdaHandler } from '../../shared/lambda.ts';
import { reportSearchRunbook, reportSearchRunbookInput } from './task.ts';

export const handler = lambdaHandler(reportSearchRunbookInput, (input, runtime) => reportSearchRunbook(input, runtime.now()));
