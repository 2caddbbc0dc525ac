import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { restoreSearchSnapshot, restoreSearchSnapshotInput } from './task.ts';

export const handler = lambdaHandler(restoreSearchSnapshotInput, (input, runtime) => restoreSearchSnapshot(input, planTransport(input.plan, runtime)));
