import { describe, expect, it } from 'vitest';
import { checkEngineVersion, engineVersionIncompatibility, isSystemIndex, parseRunbookRequest } from '../../../../handlers/search/runbook.ts';

describe('engine version compatibility', () => {
  it.each([
    ['2.13.0', 'OpenSearch_2.13'],
    ['2.11.0', 'OpenSearch_2.13'],
    ['1.3.0', 'OpenSearch_2.13'],
    ['2.19.0', 'OpenSearch_3.1'],
    ['7.10.2', 'OpenSearch_1.3'],
    ['7.10.2', 'OpenSearch_2.13'],
    ['6.8.0', 'Elasticsearch_7.10'],
  ])('a snapshot of %s restores into %s', (snapshot, domain) => {
    expect(engineVersionIncompatibility(snapshot, domain)).toBeNull();
  });

  it.each([
    ['2.15.0', 'OpenSearch_2.13', /newer than this domain's OpenSearch 2\.13/],
    ['3.0.0', 'OpenSearch_2.19', /newer/],
    ['1.3.0', 'OpenSearch_3.0', /more than one major version older/],
    ['7.10.2', 'OpenSearch_3.0', /more than one major version older/],
    ['1.3.0', 'Elasticsearch_7.10', /an Elasticsearch domain/],
    ['7.10.2', 'Elasticsearch_6.8', /newer/],
    ['not-a-version', 'OpenSearch_2.13', /not a version/],
  ])('a snapshot of %s never restores into %s', (snapshot, domain, why) => {
    expect(engineVersionIncompatibility(snapshot, domain)).toMatch(why);
    expect(() => checkEngineVersion(snapshot, domain, 'opsflow-1')).toThrow(expect.objectContaining({ name: 'EngineVersionIncompatible', message: expect.stringMatching(/^snapshot opsflow-1: /) }));
  });
});

describe('runbook requests', () => {
  it('fills the defaults of a failover and a failback', () => {
    expect(parseRunbookRequest('failover', { reason: 'eu-west-1 is down' })).toEqual({
      reason: 'eu-west-1 is down', snapshot: undefined, indices: undefined, dryRun: false, conflicts: 'refuse', finalSnapshot: false,
    });
    expect(parseRunbookRequest('failback', { reason: 'back home' })).toMatchObject({ finalSnapshot: true });
    expect(parseRunbookRequest('failback', { reason: 'back home', finalSnapshot: false, snapshot: 'opsflow-20261130t1000z' })).toMatchObject({ finalSnapshot: false, snapshot: 'opsflow-20261130t1000z' });
  });

  it('takes a drill from its schedule as {}, the whole Scheduled Event, or a snapshot', () => {
    expect(parseRunbookRequest('drill', {})).toMatchObject({ conflicts: 'rename', dryRun: false, finalSnapshot: false });
    expect(parseRunbookRequest('drill', { version: '0', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })).toMatchObject({ snapshot: undefined });
    expect(parseRunbookRequest('drill', { snapshot: 'opsflow-20261130t1000z' })).toMatchObject({ snapshot: 'opsflow-20261130t1000z' });
  });

  it.each<[string, 'failover' | 'failback' | 'drill', unknown, RegExp]>([
    ['a misspelt field', 'failover', { reason: 'x', dryrun: true }, /^failover request: unknown field "dryrun" \(the fields are reason, snapshot, indices, dryRun, conflicts, finalSnapshot\)$/],
    ['a misspelt reason, named rather than the reason it leaves missing', 'failover', { reasn: 'x' }, /^failover request: unknown field "reasn"/],
    ['no reason', 'failover', {}, /^failover request: reason: /],
    ['an empty reason', 'failback', { reason: '' }, /^failback request: reason: /],
    ['a reason too long', 'failover', { reason: 'x'.repeat(513) }, /reason: /],
    ['an unknown conflicts option', 'failover', { reason: 'x', conflicts: 'overwrite' }, /conflicts: /],
    ['a wildcard index', 'failover', { reason: 'x', indices: ['orders*'] }, /indices\.0: must be an index name/],
    ['an empty index list', 'failover', { reason: 'x', indices: [] }, /indices: must name at least one index/],
    ['an upper-case snapshot', 'failover', { reason: 'x', snapshot: 'Opsflow-1' }, /snapshot: must be a snapshot name/],
    ['a final snapshot on a failover', 'failover', { reason: 'x', finalSnapshot: true }, /finalSnapshot: only a failback/],
    ['a named snapshot with the final snapshot', 'failback', { reason: 'x', snapshot: 'opsflow-1' }, /snapshot: a failback takes its own final snapshot/],
    ['a drill with a reason', 'drill', { reason: 'x' }, /^drill request: /],
    ['a reason of spaces only', 'failover', { reason: '   ' }, /^failover request: reason: must say why/],
    ['rename on a failover (clients would read the old indices)', 'failover', { reason: 'x', conflicts: 'rename' }, /^failover request: conflicts: "rename" restores under other names/],
    ['rename on a failback', 'failback', { reason: 'x', conflicts: 'rename' }, /^failback request: conflicts: "rename"/],
    ['not an object', 'failover', 'failover!', /^failover request: /],
  ])('refuses %s with RunbookRequestInvalid naming the field, in one line', (_case, runbook, request, message) => {
    expect(() => parseRunbookRequest(runbook, request)).toThrow(expect.objectContaining({ name: 'RunbookRequestInvalid', message: expect.stringMatching(message) }));
    try {
      parseRunbookRequest(runbook, request);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('treats every name starting with a dot as a system index', () => {
    expect(['.kibana_1', '.opendistro-job-scheduler-lock', '.plugins-ml-config', '.tasks'].every(isSystemIndex)).toBe(true);
    expect(['orders', 'drill-orders', 'kibana'].some(isSystemIndex)).toBe(false);
  });
});
