import { lambdaHandler } from '../../shared/lambda.ts';
import { searchDrConfig } from '../config.ts';
import { planTransport } from '../domain.ts';
import { manifestStore } from '../manifest.ts';
import { preflightSearchRunbook, preflightSearchRunbookInput } from './task.ts';

export const handler = lambdaHandler(preflightSearchRunbookInput, (input, runtime) =>
  preflightSearchRunbook(input, {
    search: searchDrConfig(runtime.config),
    region: runtime.region,
    now: runtime.now(),
    transportFor: (address) => planTransport(address, runtime),
    manifests: manifestStore(runtime, runtime.region),
  }),
);
