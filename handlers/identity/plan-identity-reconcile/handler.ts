import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { lambdaHandler } from '../../shared/lambda.ts';
import { identitySyncConfig } from '../shared/schemas.ts';
import { quickSightClient } from '../shared/quicksight.ts';
import { planIdentityReconcile, planIdentityReconcileInput } from './task.ts';

export const handler = lambdaHandler(planIdentityReconcileInput, (input, runtime) => {
  const config = identitySyncConfig(runtime.config);
  // The identity store answers in Identity Center's home Region, where the stack runs. One attempt per call: the state's Retry retries.
  const identityStore = new IdentitystoreClient({ region: runtime.region, maxAttempts: 1 });
  for (const plugin of runtime.sdkPlugins) identityStore.middlewareStack.use(plugin);
  return planIdentityReconcile(input, config, { identityStore, quickSight: quickSightClient(runtime, config) });
});
