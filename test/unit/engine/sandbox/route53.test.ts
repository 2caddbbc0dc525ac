import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  InvalidInput,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  NoSuchChange,
  NoSuchHostedZone,
  type Change,
} from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { InvalidSandboxSeed, SandboxUnsupportedOperation } from '../../../../engine/sandbox/index.ts';
import { fixtureSeed, rejection, sandbox, zoneId } from './sandbox-clients.ts';

const a = (name: string, ttl: number, ...values: string[]) => ({ Name: name, Type: 'A' as const, TTL: ttl, ResourceRecords: values.map((Value) => ({ Value })) });
const batch = (...changes: Change[]) => new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } });

describe('Route 53 ChangeResourceRecordSets', () => {
  it('applies a batch atomically: an invalid second change leaves the first unapplied', async () => {
    const { account, route53 } = sandbox();
    const before = account.snapshot().route53;

    const error = await rejection(
      route53.send(
        batch(
          { Action: 'UPSERT', ResourceRecordSet: a('new.corp.internal.', 60, '10.20.9.9') },
          { Action: 'DELETE', ResourceRecordSet: a('admin.reports.corp.internal.', 60, '10.30.9.9') },
        ),
      ),
    );

    expect(error).toBeInstanceOf(InvalidChangeBatch);
    expect(error.name).toBe('InvalidChangeBatch');
    expect(error.messages).toEqual([
      "Tried to delete resource record set [name='admin.reports.corp.internal.', type='A'] but the values provided do not match the current values",
    ]);
    expect(account.record(zoneId, 'new.corp.internal.', 'A')).toBeUndefined();
    expect(account.snapshot().route53).toEqual(before);
  });

  it('deletes only on an exact match of TTL and values, in any order', async () => {
    const { account, route53 } = sandbox();
    account.setRecord(zoneId, { name: 'pool.corp.internal.', type: 'A', ttl: 30, values: ['10.20.0.1', '10.20.0.2'] });

    const wrongTtl = await rejection(route53.send(batch({ Action: 'DELETE', ResourceRecordSet: a('pool.corp.internal.', 60, '10.20.0.1', '10.20.0.2') })));
    expect(wrongTtl.message).toBe(
      "[Tried to delete resource record set [name='pool.corp.internal.', type='A'] but the values provided do not match the current values]",
    );
    const missingValue = await rejection(route53.send(batch({ Action: 'DELETE', ResourceRecordSet: a('pool.corp.internal.', 30, '10.20.0.1') })));
    expect(missingValue).toBeInstanceOf(InvalidChangeBatch);
    expect(account.record(zoneId, 'pool.corp.internal.', 'A')?.values).toEqual(['10.20.0.1', '10.20.0.2']);

    await route53.send(batch({ Action: 'DELETE', ResourceRecordSet: a('pool.corp.internal.', 30, '10.20.0.2', '10.20.0.1') }));
    expect(account.record(zoneId, 'pool.corp.internal.', 'A')).toBeUndefined();
  });

  it('refuses to delete a record that does not exist, with Route 53 wording', async () => {
    const { route53 } = sandbox();
    const error = await rejection(route53.send(batch({ Action: 'DELETE', ResourceRecordSet: a('gone.corp.internal.', 60, '10.20.0.1') })));
    expect(error.message).toBe("[Tried to delete resource record set [name='gone.corp.internal.', type='A'] but it was not found]");
  });

  it('refuses CREATE of an existing name and type, but accepts DELETE then CREATE in one batch', async () => {
    const { account, route53 } = sandbox();
    const conflict = await rejection(route53.send(batch({ Action: 'CREATE', ResourceRecordSet: a('admin.weblogic.corp.internal.', 60, '10.20.1.99') })));
    expect(conflict).toBeInstanceOf(InvalidChangeBatch);
    expect(conflict.message).toBe("[Tried to create resource record set [name='admin.weblogic.corp.internal.', type='A'] but it already exists]");

    await route53.send(
      batch(
        { Action: 'DELETE', ResourceRecordSet: a('admin.weblogic.corp.internal.', 60, '10.20.1.15') },
        { Action: 'CREATE', ResourceRecordSet: a('admin.weblogic.corp.internal.', 60, '10.20.1.99') },
      ),
    );
    expect(account.record(zoneId, 'admin.weblogic.corp.internal.', 'A')?.values).toEqual(['10.20.1.99']);
  });

  it('UPSERTs by normalised name (lower case, trailing dot) and creates when absent', async () => {
    const { account, route53 } = sandbox();
    await route53.send(
      batch(
        { Action: 'UPSERT', ResourceRecordSet: a('Admin.WebLogic.Corp.Internal', 120, '10.20.1.99') },
        { Action: 'UPSERT', ResourceRecordSet: a('fresh.corp.internal', 60, '10.20.4.4') },
      ),
    );
    const records = account.snapshot().route53.hostedZones[0]?.records ?? [];
    expect(records.filter((record) => record.name === 'admin.weblogic.corp.internal.' && record.type === 'A')).toEqual([
      { name: 'admin.weblogic.corp.internal.', type: 'A', ttl: 120, values: ['10.20.1.99'] },
    ]);
    expect(account.record(zoneId, 'fresh.corp.internal.', 'A')?.values).toEqual(['10.20.4.4']);
  });

  it('refuses names outside the zone and invalid A values', async () => {
    const { route53 } = sandbox();
    const outside = await rejection(route53.send(batch({ Action: 'UPSERT', ResourceRecordSet: a('admin.example.com.', 60, '10.20.1.1') })));
    expect(outside.messages).toEqual(['RRSet with DNS name admin.example.com. is not permitted in zone corp.internal.']);
    const badAddress = await rejection(route53.send(batch({ Action: 'UPSERT', ResourceRecordSet: a('x.corp.internal.', 60, '10.20.1.300') })));
    expect(badAddress.messages).toEqual(["Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '10.20.1.300''"]);
    const duplicate = await rejection(route53.send(batch({ Action: 'UPSERT', ResourceRecordSet: a('x.corp.internal.', 60, '10.20.1.3', '10.20.1.3') })));
    expect(duplicate.messages).toEqual(["Duplicate Resource Record: '10.20.1.3'"]);
  });

  it('refuses a CNAME beside other records of the name, and any record beside a CNAME, in Route 53 wording', async () => {
    const { account, route53 } = sandbox();
    const cname = await rejection(
      route53.send(batch({ Action: 'CREATE', ResourceRecordSet: { Name: 'admin.weblogic.corp.internal.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x.corp.internal.' }] } })),
    );
    expect(cname.message).toBe(
      '[RRSet of type CNAME with DNS name admin.weblogic.corp.internal. is not permitted as it conflicts with other records with the same DNS name in zone corp.internal.]',
    );
    account.setRecord(zoneId, { name: 'legacy.corp.internal.', type: 'CNAME', ttl: 60, values: ['x.corp.internal.'] });
    const besideCname = await rejection(route53.send(batch({ Action: 'CREATE', ResourceRecordSet: a('legacy.corp.internal.', 60, '10.20.1.1') })));
    expect(besideCname.message).toBe(
      '[RRSet of type A with DNS name legacy.corp.internal. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone corp.internal.]',
    );
  });

  it('answers every problem of a batch in one InvalidChangeBatch, status 400, as the modeled exception', async () => {
    const { route53 } = sandbox();
    const error = await rejection(
      route53.send(
        batch(
          { Action: 'CREATE', ResourceRecordSet: a('admin.example.com.', 60, '10.20.1.1') },
          { Action: 'DELETE', ResourceRecordSet: a('gone.corp.internal.', 60, '10.20.0.1') },
        ),
      ),
    );
    expect(error).toBeInstanceOf(InvalidChangeBatch);
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
    expect(error.message).toBe(
      "[RRSet with DNS name admin.example.com. is not permitted in zone corp.internal., Tried to delete resource record set [name='gone.corp.internal.', type='A'] but it was not found]",
    );
  });

  it('answers InvalidInput for a change without TTL and values, and NoSuchHostedZone for an unknown zone', async () => {
    const { route53 } = sandbox();
    const noValues = await rejection(route53.send(batch({ Action: 'DELETE', ResourceRecordSet: { Name: 'admin.weblogic.corp.internal.', Type: 'A' } })));
    expect(noValues).toBeInstanceOf(InvalidInput);
    const unknownZone = await rejection(
      route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: '/hostedzone/Z999', ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: a('a.corp.internal.', 60, '10.20.0.1') }] } })),
    );
    expect(unknownZone).toBeInstanceOf(NoSuchHostedZone);
    expect(unknownZone.message).toBe('No hosted zone found with ID: Z999');
  });

  it('refuses routing features it does not simulate instead of ignoring them', async () => {
    const { route53 } = sandbox();
    const alias = await rejection(
      route53.send(
        batch({
          Action: 'UPSERT',
          ResourceRecordSet: { Name: 'lb.corp.internal.', Type: 'A', AliasTarget: { HostedZoneId: 'Z32O12XQLNTSW2', DNSName: 'lb.example.com.', EvaluateTargetHealth: false } },
        }),
      ),
    );
    expect(alias).toBeInstanceOf(SandboxUnsupportedOperation);
    expect(alias.message).toContain('AliasTarget');
  });
});

describe('Route 53 GetChange', () => {
  it('reports PENDING until insyncAfterSeconds have passed on the clock since the change was submitted, then INSYNC', async () => {
    const seed = fixtureSeed();
    seed.route53!.insyncAfterSeconds = 60;
    const { account, route53 } = sandbox({}, seed);

    const { ChangeInfo } = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Comment: 'point admin at i-new', Changes: [{ Action: 'UPSERT', ResourceRecordSet: a('admin.weblogic.corp.internal.', 60, '10.20.1.99') }] },
      }),
    );
    expect(ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'point admin at i-new', SubmittedAt: new Date('2025-02-01T12:00:00.000Z') });
    expect(ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]{20}$/);

    const status = async (id = ChangeInfo?.Id) => (await route53.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status;
    expect(await status()).toBe('PENDING');
    await account.clock.advance(59);
    expect(await status()).toBe('PENDING');
    await account.clock.advance(1);
    expect(await status()).toBe('INSYNC');
    expect(await status(ChangeInfo?.Id?.replace('/change/', ''))).toBe('INSYNC');
    // Polling is free: GetChange answers from the clock, not from how often it is asked.
    expect(account.snapshot().route53.changes[0]).toMatchObject({ submittedAt: '2025-02-01T12:00:00.000Z', insyncAt: '2025-02-01T12:01:00.000Z' });
  });

  it('with insyncAfterSeconds 0 (the fixture), answers PENDING to the change and INSYNC to the first poll; NoSuchChange for an unknown id', async () => {
    const { route53 } = sandbox();
    const { ChangeInfo } = await route53.send(batch({ Action: 'UPSERT', ResourceRecordSet: a('x.corp.internal.', 60, '10.20.0.1') }));
    expect(ChangeInfo?.Status).toBe('PENDING');
    expect((await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }))).ChangeInfo?.Status).toBe('INSYNC');
    expect(await rejection(route53.send(new GetChangeCommand({ Id: '/change/CNOTACHANGE' })))).toBeInstanceOf(NoSuchChange);
  });

  it('propagates in 60 s unless the seed says otherwise, as Route 53 documents', async () => {
    const seed = fixtureSeed();
    delete seed.route53!.insyncAfterSeconds;
    const { account, route53 } = sandbox({}, seed);
    const { ChangeInfo } = await route53.send(batch({ Action: 'UPSERT', ResourceRecordSet: a('x.corp.internal.', 60, '10.20.0.1') }));
    await account.clock.advance(59);
    expect((await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }))).ChangeInfo?.Status).toBe('PENDING');
    await account.clock.advance(1);
    expect((await route53.send(new GetChangeCommand({ Id: ChangeInfo?.Id }))).ChangeInfo?.Status).toBe('INSYNC');
  });

  it('refuses the old pendingPolls seed field with one line naming what replaced it', () => {
    const seed = { ...fixtureSeed(), route53: { ...fixtureSeed().route53, pendingPolls: 2 } };
    expect(() => sandbox({}, seed)).toThrow(
      new InvalidSandboxSeed(
        'seed: route53.pendingPolls: replaced by route53.insyncAfterSeconds, the seconds on the clock from ChangeResourceRecordSets until GetChange answers INSYNC',
      ),
    );
  });
});

describe('Route 53 ListResourceRecordSets', () => {
  const extra = ['b.corp.internal.', 'a.b.corp.internal.', 'z.corp.internal.'];

  function withExtraRecords() {
    const fixture = sandbox();
    for (const name of extra) fixture.account.setRecord(zoneId, { name, type: 'A', ttl: 60, values: ['10.20.0.1'] });
    fixture.account.setRecord(zoneId, { name: 'z.corp.internal.', type: 'TXT', ttl: 60, values: ['"owner=opsflow"'] });
    return fixture;
  }

  it('sorts by DNS name with labels reversed, then by type', async () => {
    const { route53 } = withExtraRecords();
    const { ResourceRecordSets, IsTruncated } = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: `/hostedzone/${zoneId}` }));
    expect(ResourceRecordSets?.map((record) => `${record.Name} ${record.Type}`)).toEqual([
      'corp.internal. NS',
      'corp.internal. SOA',
      'b.corp.internal. A',
      'a.b.corp.internal. A',
      'admin.reports.corp.internal. A',
      'admin.weblogic.corp.internal. A',
      'z.corp.internal. A',
      'z.corp.internal. TXT',
    ]);
    expect(IsTruncated).toBe(false);
  });

  it('starts at StartRecordName (or the next name when absent) and StartRecordType', async () => {
    const { route53 } = withExtraRecords();
    const list = async (StartRecordName: string, StartRecordType?: 'TXT') =>
      (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName, StartRecordType }))).ResourceRecordSets?.map(
        (record) => `${record.Name} ${record.Type}`,
      );
    expect((await list('admin.weblogic.corp.internal'))?.[0]).toBe('admin.weblogic.corp.internal. A');
    expect((await list('c.corp.internal.'))?.[0]).toBe('admin.reports.corp.internal. A');
    expect(await list('z.corp.internal.', 'TXT')).toEqual(['z.corp.internal. TXT']);

    const typeWithoutName = await rejection(route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' })));
    expect(typeWithoutName).toBeInstanceOf(InvalidInput);
  });

  it('keeps the zone in that order through creates and deletes, and a failed batch leaves every record where it was', async () => {
    const { account, route53 } = sandbox();
    const named = (name: string) => a(`${name}.corp.internal.`, 60, '10.20.0.1');
    for (const name of ['m', 'c', 'x.y', 'a', 'y', 'b.a']) await route53.send(batch({ Action: 'CREATE', ResourceRecordSet: named(name) }));
    await route53.send(batch({ Action: 'DELETE', ResourceRecordSet: named('c') }, { Action: 'DELETE', ResourceRecordSet: named('y') }));
    const listing = async (StartRecordName?: string) =>
      (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName }))).ResourceRecordSets?.map((record) => `${record.Name} ${record.Type}`);
    const ordered = [
      'corp.internal. NS',
      'corp.internal. SOA',
      'a.corp.internal. A',
      'b.a.corp.internal. A',
      'm.corp.internal. A',
      'admin.reports.corp.internal. A',
      'admin.weblogic.corp.internal. A',
      'x.y.corp.internal. A',
    ];
    expect(await listing()).toEqual(ordered);
    expect(await listing('n.corp.internal.')).toEqual(ordered.slice(5));

    const failed = await rejection(
      route53.send(
        batch(
          { Action: 'CREATE', ResourceRecordSet: named('b') },
          { Action: 'DELETE', ResourceRecordSet: named('m') },
          { Action: 'UPSERT', ResourceRecordSet: a('x.y.corp.internal.', 60, '10.20.0.2') },
          { Action: 'DELETE', ResourceRecordSet: named('gone') },
        ),
      ),
    );
    expect(failed).toBeInstanceOf(InvalidChangeBatch);
    expect(await listing()).toEqual(ordered);
    expect(account.record(zoneId, 'x.y.corp.internal.', 'A')?.values).toEqual(['10.20.0.1']);
    expect(account.record(zoneId, 'b.corp.internal.', 'A')).toBeUndefined();
  });

  it('pages with MaxItems, NextRecordName and NextRecordType', async () => {
    const { route53 } = withExtraRecords();
    const first = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 3 }));
    expect(first).toMatchObject({ IsTruncated: true, NextRecordName: 'a.b.corp.internal.', NextRecordType: 'A', MaxItems: 3 });
    expect(first.ResourceRecordSets).toHaveLength(3);
    const second = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 3, StartRecordName: first.NextRecordName, StartRecordType: first.NextRecordType }),
    );
    expect(second.ResourceRecordSets?.[0]).toEqual({ Name: 'a.b.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.20.0.1' }] });
  });
});

describe('Route 53 hosted zones', () => {
  it('GetHostedZone accepts the /hostedzone/ prefix and describes a private zone', async () => {
    const { route53 } = sandbox();
    const { HostedZone, VPCs, DelegationSet } = await route53.send(new GetHostedZoneCommand({ Id: `/hostedzone/${zoneId}` }));
    expect(HostedZone).toMatchObject({ Id: `/hostedzone/${zoneId}`, Name: 'corp.internal.', Config: { PrivateZone: true }, ResourceRecordSetCount: 4 });
    expect(VPCs).toEqual([{ VPCId: 'vpc-0f1e2d3c4b5a69788', VPCRegion: 'eu-west-1' }]);
    expect(DelegationSet).toBeUndefined();
  });

  it('ListHostedZones lists the seeded zones', async () => {
    const { route53 } = sandbox();
    const { HostedZones, IsTruncated } = await route53.send(new ListHostedZonesCommand({}));
    expect(HostedZones?.map((zone) => zone.Id)).toEqual([`/hostedzone/${zoneId}`]);
    expect(IsTruncated).toBe(false);
  });
});
