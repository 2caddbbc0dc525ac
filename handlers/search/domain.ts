import type { Runtime } from '../shared/runtime.ts';
import { openSearchClient } from './opensearch-client.ts';
import type { OpenSearchTransport } from './rest.ts';
import type { SearchPlan } from './schemas.ts';

/**
 * Lambda tasks time out at 30 s in the definition; one REST request may take at most this long, so
 * a slow domain ends as SearchDomainUnreachable (retried) rather than a Lambda timeout.
 */
const REQUEST_TIMEOUT_MS = 8_000;

/** The signed REST transport of the plan's domain (this Region's). */
export function planTransport(plan: Pick<SearchPlan, 'endpoint' | 'region'>, runtime: Runtime): OpenSearchTransport {
  return openSearchClient({ endpoint: plan.endpoint, region: plan.region }, runtime, { requestTimeoutMs: REQUEST_TIMEOUT_MS }).transport;
}
