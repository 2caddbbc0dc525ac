import { lambdaHandler } from '../../shared/lambda.ts';
import { planTransport } from '../domain.ts';
import { manifestStore } from '../manifest.ts';
import { writeManifest, writeSnapshotManifestInput } from './task.ts';

export const handler = lambdaHandler(writeSnapshotManifestInput, (input, runtime) =>
  writeManifest(input, planTransport(input.plan, runtime), manifestStore(runtime, input.plan.repository.settings.region)),
);
