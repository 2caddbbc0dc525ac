import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { readSnapshot, readSnapshotInput } from './task.ts';

export const handler = lambdaHandler(readSnapshotInput, (input, runtime) => readSnapshot(input, planTransport(input.plan, runtime)));
