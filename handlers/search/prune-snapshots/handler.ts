import { lambdaHandler } from '../../shared/lambda.ts';
import { searchDrConfig } from '../config.ts';
import { planTransport } from '../domain.ts';
import { manifestStore } from '../manifest.ts';
import { pruneSnapshots, pruneSnapshotsInput } from './task.ts';

export const handler = lambdaHandler(pruneSnapshotsInput, (input, runtime) =>
  pruneSnapshots(input, searchDrConfig(runtime.config), planTransport(input.plan, runtime), manifestStore(runtime, input.plan.repository.settings.region), runtime.now()),
);
