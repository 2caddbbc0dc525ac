import { lambdaHandler } from '../../shared/lambda.ts';
import { searchDrConfig } from '../config.ts';
import { planTransport } from '../domain.ts';
import { pruneSnapshots, pruneSnapshotsInput } from './task.ts';

export const handler = lambdaHandler(pruneSnapshotsInput, (input, runtime) => pruneSnapshots(input, searchDrConfig(runtime.config), planTransport(input.plan, runtime), runtime.now()));
