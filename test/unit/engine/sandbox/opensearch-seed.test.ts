import { describe, expect, it } from 'vitest';
import { Clock } from '../../../../engine/clock.ts';
import { InvalidSandboxSeed, SandboxAccount } from '../../../../engine/sandbox/index.ts';
import { sandboxFromStateFile, stateFileOf } from '../../../../engine/sandbox/state-file.ts';
import { primaryRepository, searchNow, searchSandbox, searchSeed } from './opensearch-clients.ts';

function seedWith(change: (openSearch: Record<string, unknown> & { domains: Record<string, unknown>[] }) => void): unknown {
  const seed = searchSeed();
  change(seed.openSearch);
  return seed;
}

const build = (seed: unknown) => () => SandboxAccount.fromSeed(seed, { clock: Clock.simulated(searchNow), source: 'search.json' });

describe('the openSearch seed section', () => {
  it('builds each Region\'s domains with their derived names', () => {
    const { account } = searchSandbox();
    const [primary] = account.snapshot().openSearch.domains;
    expect(primary).toMatchObject({ domainId: '123456789012/catalog', arn: 'arn:aws:es:eu-west-1:123456789012:domain/catalog', snapshotSeconds: 120, snapshotOutcome: 'SUCCESS', automatedSnapshots: { enabled: true, minute: 30 } });
  });

  it('refuses a wrong field with one line that names it', () => {
    const cases: [(openSearch: Record<string, unknown> & { domains: Record<string, unknown>[] }) => void, string][] = [
      [(o) => ((o.domains[0] as Record<string, unknown>).domainName = 'Catalog'), 'search.json: openSearch.domains.0.domainName: must be 3 to 28 of lower-case letters, digits and hyphens, starting with a letter'],
      [(o) => ((o.domains[1] as Record<string, unknown>).region = 'eu-west-1'), 'search.json: openSearch.domains.1.domainName: eu-west-1/catalog appears twice in its Region'],
      [(o) => ((o.domains[0] as Record<string, unknown>).snapshotOutcome = 'DONE'), 'search.json: openSearch.domains.0.snapshotOutcome: Invalid option: expected one of "SUCCESS"|"PARTIAL"|"FAILED"'],
      [(o) => ((o.domains[0] as Record<string, unknown>).engineVersion = '2.13'), 'search.json: openSearch.domains.0.engineVersion: must be an engine version such as OpenSearch_2.13'],
      [(o) => ((o.domains[0] as Record<string, unknown>).shards = 3), 'search.json: openSearch.domains.0: Unrecognized key: "shards"'],
      [(o) => ((o.domains[0] as Record<string, unknown>).repositories = [{ name: 'dr', bucket: 'no-such-bucket' }]), 'search.json: openSearch.domains.0.repositories.0.bucket: no-such-bucket is not in openSearch.buckets'],
      [(o) => (o.snapshots = [{ bucket: 'opsflow-search-snapshots-eu-west-1', snapshot: 's1', takenBy: 'eu-west-1/other', startTime: '2026-03-01T10:00:00Z' }]), 'search.json: openSearch.snapshots.0.takenBy: eu-west-1/other is not in openSearch.domains'],
      [(o) => ((o.domains[0] as Record<string, unknown>).indices = [{ name: 'Orders', docsCount: 1 }]), 'search.json: openSearch.domains.0.indices.0.name: must be an index name: lower-case letters, digits and ._-, not starting with _ or -, not . or ..'],
      [(o) => ((o.domains[0] as Record<string, unknown>).indices = [{ name: '..', docsCount: 1 }]), 'search.json: openSearch.domains.0.indices.0.name: must be an index name: lower-case letters, digits and ._-, not starting with _ or -, not . or ..'],
      [(o) => ((o.domains[0] as Record<string, unknown>).restoreSeconds = -1), 'search.json: openSearch.domains.0.restoreSeconds: Too small: expected number to be >=0'],
      [
        (o) => (o.snapshots = [{ bucket: 'opsflow-search-snapshots-eu-west-1', snapshot: 's1', takenBy: 'eu-west-1/catalog', startTime: '2026-03-01T10:00:00Z', indices: ['orders'], docsCounts: { products: 3 } }]),
        'search.json: openSearch.snapshots.0.docsCounts.products: products is not in the snapshot\'s indices',
      ],
    ];
    for (const [change, message] of cases) expect(build(seedWith(change))).toThrow(new InvalidSandboxSeed(message));
  });

  it('takes seeded repositories and snapshots, which the domains then see', () => {
    const seed = seedWith((o) => {
      (o.domains[1] as Record<string, unknown>).repositories = [{ name: 'dr', bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog', readonly: true }];
      o.snapshots = [{ bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog', snapshot: 'old', takenBy: 'eu-west-1/catalog', startTime: '2026-03-01T10:00:00Z', state: 'PARTIAL', indices: ['orders'], metadata: { by: 'opsflow' } }];
    });
    const { standby } = searchSandbox({}, seed);
    expect(standby('GET', '/_snapshot/dr/_all').body).toMatchObject({ snapshots: [{ snapshot: 'old', state: 'PARTIAL', indices: ['orders'], metadata: { by: 'opsflow' } }] });
    expect(standby('GET', '/_snapshot/dr').body).toMatchObject({ dr: { settings: { readonly: 'true' } } });
  });

  it('takes system indices in domains and snapshots, and gives a seeded snapshot the version of the domain that took it', () => {
    const seed = seedWith((o) => {
      (o.domains[0] as Record<string, unknown>).indices = [{ name: '.kibana_1', docsCount: 4 }, { name: '.opendistro-job-scheduler-lock', docsCount: 1 }, { name: 'orders', docsCount: 10 }];
      (o.domains[0] as Record<string, unknown>).engineVersion = 'OpenSearch_2.11';
      (o.domains[1] as Record<string, unknown>).repositories = [{ name: 'dr', bucket: 'opsflow-search-snapshots-eu-central-1', readonly: true }];
      o.snapshots = [
        { bucket: 'opsflow-search-snapshots-eu-central-1', snapshot: 'old', takenBy: 'eu-west-1/catalog', startTime: '2026-03-01T10:00:00Z', indices: ['.plugins-ml-config', 'orders'], docsCounts: { orders: 9 } },
      ];
    });
    const { primary, standby } = searchSandbox({}, seed);
    expect(primary('GET', '/_cat/indices', undefined, { format: 'json' }).body).toEqual([
      expect.objectContaining({ index: '.kibana_1', 'docs.count': '4' }),
      expect.objectContaining({ index: '.opendistro-job-scheduler-lock' }),
      expect.objectContaining({ index: 'orders' }),
    ]);
    expect(standby('GET', '/_snapshot/dr/old').body).toMatchObject({ snapshots: [{ snapshot: 'old', version: '2.11.0', indices: ['.plugins-ml-config', 'orders'], state: 'SUCCESS' }] });
  });

  it('keeps running and automated snapshots through a state file', async () => {
    const { account, primary, clock } = searchSandbox();
    primary('PUT', '/_snapshot/dr', primaryRepository);
    await clock.advance(30 * 60);
    primary('GET', '/_snapshot/_status');
    await clock.advance(120);
    primary('PUT', '/_snapshot/dr/s1', { metadata: { n: 1 } });
    const restored = sandboxFromStateFile(JSON.parse(JSON.stringify(stateFileOf(account))) as unknown, 'state s.json');
    expect(restored.snapshot()).toEqual(account.snapshot());
    const endpoint = account.openSearchEndpoints()[0]?.endpoint ?? '';
    const answer = restored.openSearchRequest({ endpoint, method: 'PUT', path: '/_snapshot/dr/s2', query: {}, body: {} });
    expect(answer.statusCode).toBe(503);
    expect(restored.domainSnapshots('eu-west-1', 'catalog').map((snapshot) => [snapshot.repository, snapshot.state])).toEqual([
      ['cs-automated', 'SUCCESS'],
      ['dr', 'IN_PROGRESS'],
    ]);
  });
});
