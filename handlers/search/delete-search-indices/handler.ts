import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { deleteSearchIndices, deleteSearchIndicesInput } from './task.ts';

export const handler = lambdaHandler(deleteSearchIndicesInput, (input, runtime) => deleteSearchIndices(input, planTransport(input, runtime)));
