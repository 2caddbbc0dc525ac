import { lambdaHandler } from '../../shared/lambda.ts';
import { identitySyncConfig } from '../shared/schemas.ts';
import { quickSightClient } from '../shared/quicksight.ts';
import { applyQuickSightChange, applyQuickSightChangeInput } from './task.ts';

export const handler = lambdaHandler(applyQuickSightChangeInput, (input, runtime) => {
  const config = identitySyncConfig(runtime.config);
  return applyQuickSightChange(input, config, quickSightClient(runtime, config));
});
