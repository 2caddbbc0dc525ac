import { lambdaHandler } from '../../shared/lambda.ts';
import { identitySyncConfig } from '../shared/schemas.ts';
import { quickSightClient } from '../shared/quicksight.ts';
import { readQuickSightUser, readQuickSightUserInput } from './task.ts';

export const handler = lambdaHandler(readQuickSightUserInput, (input, runtime) => {
  const config = identitySyncConfig(runtime.config);
  return readQuickSightUser(input, config, quickSightClient(runtime, config));
});
