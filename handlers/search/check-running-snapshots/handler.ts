import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { checkRunningSnapshots, checkRunningSnapshotsInput } from './task.ts';

export const handler = lambdaHandler(checkRunningSnapshotsInput, (input, runtime) => checkRunningSnapshots(input, planTransport(input.plan, runtime)));
