import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../handlers/shared/config.ts';

const region = (name: string) => ({
  region: name,
  domain: { name: 'orders-search', endpoint: `search-orders-search-abc.${name}.es.amazonaws.com`, engineVersion: 'OpenSearch_2.13' },
  repository: { name: `opsflow-${name}`, bucket: `opsflow-search-snapshots-${name}`, basePath: 'orders-search' },
  snapshotRoleArn: 'arn:aws:iam::123456789012:role/opsflow-search-snapshots',
});
const searchDr = { regions: [region('eu-west-1'), region('eu-central-1')], record: { hostedZoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.' } };
const stage = (search: unknown) => ({ region: 'eu-west-1', instanceDns: { groups: [] }, searchDr: search });

describe('searchDr config', () => {
  it('parses the committed dev config: two Regions, one record, 14d read as 14 days', () => {
    const config = parseConfig(JSON.parse(readFileSync('config/dev.json', 'utf8')), 'config/dev.json');
    expect(config.searchDr?.regions.map((r) => [r.region, r.domain.name, r.repository.bucket])).toEqual([
      ['eu-west-1', 'catalog', 'opsflow-search-snapshots-eu-west-1'],
      ['eu-central-1', 'catalog', 'opsflow-search-snapshots-eu-central-1'],
    ]);
    expect(config.searchDr?.record).toEqual({ hostedZoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.' });
    expect(config.searchDr?.retention.maxAge).toBe(14);
  });

  it('fills the defaults: hourly, enabled, SM-like retention, RPO multiple 2, drill off', () => {
    const parsed = parseConfig(stage(searchDr), 'stage.json').searchDr;
    expect(parsed).toMatchObject({
      snapshotPrefix: 'opsflow-',
      schedule: 'rate(1 hour)',
      enabled: true,
      retention: { maxCount: 72, maxAge: 14, minCount: 3 },
      rpoAlarm: { multiple: 2 },
      snapshotWait: { pollSeconds: 30, maxPolls: 120, runningWaitSeconds: 1800 },
      restoreWait: { pollSeconds: 30, maxPolls: 240 },
      approval: { timeoutMinutes: 60 },
      drill: { enabled: false, schedule: 'rate(7 days)', indexPrefix: 'drill-', keepMinutes: 60 },
    });
  });

  it.each([[30, 30], ['30d', 30]])('reads maxAge %s as %i days', (maxAge, days) => {
    expect(parseConfig(stage({ ...searchDr, retention: { maxAge } }), 'stage.json').searchDr?.retention.maxAge).toBe(days);
  });

  it.each<[unknown, string]>([
    [{ ...searchDr, regions: [region('eu-west-1')] }, 'searchDr.regions: must list exactly two Regions'],
    [{ ...searchDr, regions: [region('eu-west-1'), region('eu-west-1')] }, 'searchDr.regions: each region may appear once'],
    [{ ...searchDr, retention: { maxCount: 2, minCount: 3 } }, 'searchDr.retention.minCount: must not exceed maxCount'],
    [{ ...searchDr, retention: { maxAge: '2w' } }, 'searchDr.retention.maxAge: must be a number of days or a duration such as 14d'],
    [{ ...searchDr, record: { ...searchDr.record, name: 'search.corp.internal' } }, 'searchDr.record.name: must be a lower-case DNS name ending with a dot'],
    [{ ...searchDr, regions: [{ ...region('eu-west-1'), domain: { ...region('eu-west-1').domain, endpoint: 'https://x.es.amazonaws.com' } }, region('eu-central-1')] }, 'searchDr.regions.0.domain.endpoint: must be the domain endpoint host name'],
    [{ ...searchDr, regions: [{ ...region('eu-west-1'), repository: { ...region('eu-west-1').repository, name: 'cs-automated' } }, region('eu-central-1')] }, 'searchDr.regions.0.repository.name: must not start with cs-'],
    [{ ...searchDr, regions: [region('eu-west-1'), { ...region('eu-central-1'), snapshotRoleArn: 'role/x' }] }, 'searchDr.regions.1.snapshotRoleArn: must be an IAM role ARN'],
    [{ ...searchDr, snapshotPrefix: 'Opsflow' }, 'searchDr.snapshotPrefix: must be lower-case letters'],
    [{ ...searchDr, schedule: 'hourly' }, "searchDr.schedule: must be rate(...) with a positive value: the RPO alarm's threshold"],
    [{ ...searchDr, schedule: 'cron(0 * * * ? *)' }, "searchDr.schedule: must be rate(...) with a positive value: the RPO alarm's threshold"],
    [{ ...searchDr, schedule: 'rate(0 hours)' }, "searchDr.schedule: must be rate(...) with a positive value: the RPO alarm's threshold"],
    [{ ...searchDr, schedule: 'rate(1 hours)' }, 'searchDr.schedule: must be rate(1 unit) with a singular unit, or rate(N units) with a plural one'],
    [{ ...searchDr, schedule: 'rate(5 hour)' }, 'searchDr.schedule: must be rate(1 unit) with a singular unit, or rate(N units) with a plural one'],
    [{ ...searchDr, extra: true }, 'searchDr: Unrecognized key'],
  ])('names the wrong field in one line (%#)', (search, message) => {
    expect(() => parseConfig(stage(search), 'stage.json')).toThrowError(expect.objectContaining({ name: 'InvalidConfig', message: expect.stringContaining(`stage.json: ${message}`) }));
  });
});
