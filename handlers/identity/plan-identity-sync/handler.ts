import { lambdaHandler } from '../../shared/lambda.ts';
import { identitySyncConfig } from '../shared/schemas.ts';
import { planIdentitySync, planIdentitySyncInput } from './task.ts';

export const handler = lambdaHandler(planIdentitySyncInput, (input, runtime) => planIdentitySync(input, identitySyncConfig(runtime.config)));
