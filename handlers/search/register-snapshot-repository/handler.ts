import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { registerSnapshotRepository, registerSnapshotRepositoryInput } from './task.ts';

export const handler = lambdaHandler(registerSnapshotRepositoryInput, (input, runtime) => registerSnapshotRepository(input, planTransport(input.plan, runtime)));
