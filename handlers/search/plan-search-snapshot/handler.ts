import { lambdaHandler } from '../../shared/lambda.ts';
import { searchDrConfig } from '../config.ts';
import { planSearchSnapshot, planSearchSnapshotInput } from './task.ts';

export const handler = lambdaHandler(planSearchSnapshotInput, (input, runtime) => planSearchSnapshot(input, searchDrConfig(runtime.config), runtime.region));
