import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planSearchSnapshot, type PlanSearchSnapshotInput } from '../../../../handlers/search/plan-search-snapshot/task.ts';
import { parseConfig } from '../../../../handlers/shared/config.ts';

const config = parseConfig(JSON.parse(readFileSync('config/dev.json', 'utf8')), 'config/dev.json');
const search = config.searchDr!;
const [west, central] = search.regions;
const cname = (value: string) => ({ Name: 'search.corp.internal.', Type: 'CNAME', ResourceRecords: [{ Value: value }] });
const input = (sets: PlanSearchSnapshotInput['record']['sets'], status: Partial<PlanSearchSnapshotInput['domain']['status']> = {}): PlanSearchSnapshotInput => ({
  record: { sets },
  domain: { status: { DomainName: 'orders-search', Endpoint: west!.domain.endpoint, ...status } },
  execution: { startTime: '2026-11-30T10:00:00.123Z' },
});

describe('planSearchSnapshot', () => {
  it("is active when the record points at this Region's domain: read-write into the other Region's bucket", () => {
    const plan = planSearchSnapshot(input([cname(`${west!.domain.endpoint}.`)]), search, 'eu-west-1');
    expect(plan).toMatchObject({
      role: 'active',
      endpoint: west!.domain.endpoint,
      repository: {
        name: 'opsflow-eu-central-1',
        settings: { bucket: 'opsflow-search-snapshots-eu-central-1', base_path: 'catalog', region: 'eu-central-1', role_arn: west!.snapshotRoleArn, readonly: false },
      },
      snapshotName: 'opsflow-20261130t1000z',
    });
  });

  it("is standby when the record points at the other Region's domain: its own Region's repository, read-only", () => {
    const plan = planSearchSnapshot(
      { ...input([cname(west!.domain.endpoint)]), domain: { status: { DomainName: 'orders-search', Endpoint: central!.domain.endpoint } } },
      search,
      'eu-central-1',
    );
    expect(plan).toMatchObject({ role: 'standby', repository: { name: 'opsflow-eu-central-1', settings: { bucket: 'opsflow-search-snapshots-eu-central-1', readonly: true } } });
  });

  it('matches a VPC domain by its Endpoints.vpc, in any case', () => {
    const vpc = 'vpc-orders-search-abc.eu-west-1.es.amazonaws.com';
    const plan = planSearchSnapshot(input([cname(vpc.toUpperCase())], { Endpoint: undefined, Endpoints: { vpc } }), search, 'eu-west-1');
    expect(plan.role).toBe('active');
    expect(plan.endpoint).toBe(vpc);
  });

  it.each<[string, PlanSearchSnapshotInput['record']['sets'], string]>([
    ['no record', [], 'SearchRecordUnusable'],
    ['an A record', [{ Name: 'search.corp.internal.', Type: 'A', ResourceRecords: [{ Value: '10.0.0.1' }] }], 'SearchRecordUnusable'],
    ['the next name only', [{ Name: 'tearch.corp.internal.', Type: 'CNAME', ResourceRecords: [{ Value: 'x' }] }], 'SearchRecordUnusable'],
    ['a foreign target', [cname('elsewhere.example.com')], 'SearchRecordUnusable'],
  ])('refuses %s', (_case, sets, name) => {
    expect(() => planSearchSnapshot(input(sets), search, 'eu-west-1')).toThrowError(expect.objectContaining({ name }));
  });

  it('refuses a deleted domain, one with no endpoint, and a Region searchDr does not list', () => {
    expect(() => planSearchSnapshot(input([cname(west!.domain.endpoint)], { Deleted: true }), search, 'eu-west-1')).toThrowError(expect.objectContaining({ name: 'SearchDomainNotReady' }));
    expect(() => planSearchSnapshot(input([cname(west!.domain.endpoint)], { Endpoint: undefined }), search, 'eu-west-1')).toThrowError(expect.objectContaining({ name: 'SearchDomainNotReady' }));
    expect(() => planSearchSnapshot(input([cname(west!.domain.endpoint)]), search, 'us-east-1')).toThrowError(expect.objectContaining({ name: 'SearchRegionNotConfigured' }));
  });
});
