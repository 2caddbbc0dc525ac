import { lambdaHandler } from '../../shared/lambda.ts';
import { checkWriteBack, checkWriteBackInput } from './task.ts';

export const handler = lambdaHandler(checkWriteBackInput, (input) => checkWriteBack(input));
