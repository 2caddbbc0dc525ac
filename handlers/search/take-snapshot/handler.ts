import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { takeSnapshot, takeSnapshotInput } from './task.ts';

export const handler = lambdaHandler(takeSnapshotInput, (input, runtime) => takeSnapshot(input, planTransport(input.plan, runtime)));
