import { readFileSync } from 'node:fs';
import { Clock } from '../../../../engine/clock.ts';
import { SandboxAccount, type SandboxOptions, type SandboxSeed } from '../../../../engine/sandbox/index.ts';
import type { OpenSearchHttpResponse } from '../../../../engine/sandbox/opensearch/http.ts';

export const searchFixturePath = new URL('../../../fixtures/sandbox/search.json', import.meta.url).pathname;
/** Five minutes past the hour: the fixture's automated snapshots run at minute 30. */
export const searchNow = new Date('2026-03-02T10:05:00.000Z');

export function searchSeed(): SandboxSeed & { openSearch: Record<string, unknown> & { domains: Record<string, unknown>[] } } {
  return JSON.parse(readFileSync(searchFixturePath, 'utf8')) as SandboxSeed & { openSearch: Record<string, unknown> & { domains: Record<string, unknown>[] } };
}

/** An account on the search fixture, and a request function per domain (by Region). */
export function searchSandbox(options: SandboxOptions = {}, seed: unknown = searchSeed()) {
  const clock = Clock.simulated(searchNow);
  const account = SandboxAccount.fromSeed(seed, { clock, ...options });
  const endpointOf = (region: string) => account.openSearchEndpoints().find((entry) => entry.region === region)?.endpoint ?? 'none';
  const domain =
    (region: string) =>
    (method: string, path: string, body?: unknown, query: Record<string, string> = {}): OpenSearchHttpResponse =>
      account.openSearchRequest({ endpoint: endpointOf(region), method, path, query, ...(body === undefined ? {} : { body }) });
  return { account, clock, primary: domain('eu-west-1'), standby: domain('eu-central-1'), endpointOf };
}

export const primaryRepository = { type: 's3', settings: { bucket: 'opsflow-search-snapshots-eu-central-1', base_path: 'catalog', region: 'eu-central-1', role_arn: 'arn:aws:iam::123456789012:role/OpsflowSearchSnapshotRole' } };

export function errorType(response: OpenSearchHttpResponse): string | undefined {
  return (response.body as { error?: { type?: string } }).error?.type;
}
