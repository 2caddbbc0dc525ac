import { describe, expect, it } from 'vitest';
import { maxConflicts, planDnsChange } from '../../../../handlers/dns/plan-dns-change/task.ts';
import { instance, membership, record, target } from './fixtures.ts';

describe('planDnsChange for a launch', () => {
  it('creates the record when it does not exist', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership(), current: { RecordSets: [] } });
    expect(plan.verdict).toBe('change');
    expect(plan.changeBatch?.Changes).toEqual([
      { Action: 'CREATE', ResourceRecordSet: { Name: 'admin.weblogic.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.20.1.7' }] } },
    ]);
  });

  it('deletes exactly the value read and creates the new one in one batch', () => {
    const old = record('10.20.9.9', 300);
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership(), current: { RecordSets: [old] } });
    expect(plan.changeBatch?.Changes.map((change) => change.Action)).toEqual(['DELETE', 'CREATE']);
    expect(plan.changeBatch?.Changes[0]?.ResourceRecordSet).toEqual(old);
    expect(plan.current).toEqual({ values: ['10.20.9.9'], ttl: 300 });
    expect(plan.desired).toBe('10.20.1.7');
    expect(plan.after).toBe('admin.weblogic.corp.internal. holds 10.20.1.7 (TTL 60)');
  });

  it('changes nothing when the record already points at the instance', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership(), current: { RecordSets: [record('10.20.1.7')] } });
    expect(plan).toMatchObject({ verdict: 'in-sync', changeBatch: null });
  });

  it('rewrites a record with the right address but another TTL', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership(), current: { RecordSets: [record('10.20.1.7', 5)] } });
    expect(plan.verdict).toBe('change');
  });

  it('ignores the next record ListResourceRecordSets returns when its own is absent', () => {
    const other = record('10.20.3.3', 60, 'b.weblogic.corp.internal.');
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership(), current: { RecordSets: [other] } });
    expect(plan.changeBatch?.Changes).toHaveLength(1);
    expect(plan.changeBatch?.Changes[0]?.Action).toBe('CREATE');
  });

  it('skips a stale event for an instance that is no longer running', () => {
    const plan = planDnsChange({ target: target(), instance: instance({ state: 'terminated' }), current: { RecordSets: [record('10.20.2.2')] } });
    expect(plan.verdict).toBe('skip');
    expect(plan.reason).toContain('terminated');
    expect(plan.changeBatch).toBeNull();
  });

  it('skips when the instance has vanished', () => {
    const plan = planDnsChange({ target: target(), instance: { Reservations: [] }, current: { RecordSets: [] } });
    expect(plan).toMatchObject({ verdict: 'skip', reason: 'instance i-0new no longer exists' });
  });

  it('refuses an instance of another group', () => {
    expect(() => planDnsChange({ target: target(), instance: instance({ group: 'bastion' }), current: { RecordSets: [] } })).toThrowError(
      expect.objectContaining({ name: 'InstanceNotInGroup', message: 'instance i-0new belongs to group bastion, not weblogic-admin' }),
    );
  });

  it('refuses a public address', () => {
    expect(() => planDnsChange({ target: target(), instance: instance({ ip: '54.1.2.3' }), current: { RecordSets: [] } })).toThrowError(
      expect.objectContaining({ name: 'AddressNotAllowed', message: expect.stringContaining('not a private IPv4 address') }),
    );
  });

  it('refuses a private address outside the allowed CIDRs', () => {
    expect(() => planDnsChange({ target: target(), instance: instance({ ip: '10.99.0.1' }), current: { RecordSets: [] } })).toThrowError(
      expect.objectContaining({ name: 'AddressNotAllowed', message: expect.stringContaining('outside the allowed CIDRs 10.20.0.0/16') }),
    );
  });

  it('refuses a running instance with no private address', () => {
    expect(() => planDnsChange({ target: target(), instance: instance({ ip: '' }), current: { RecordSets: [] } })).toThrowError(
      expect.objectContaining({ name: 'AddressNotAllowed' }),
    );
  });
});

describe('planDnsChange against stale launch events', () => {
  it('skips an instance that Auto Scaling is already terminating', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership('Terminating:Wait'), current: { RecordSets: [record('10.20.2.2')] } });
    expect(plan).toMatchObject({ verdict: 'skip', reason: expect.stringContaining('is Terminating:Wait') });
  });

  it('skips a running instance that has left the group', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: { Instances: [] }, current: { RecordSets: [] } });
    expect(plan).toMatchObject({ verdict: 'skip', reason: 'instance i-0new is no longer in group weblogic-admin' });
  });

  it('does not skip an instance that went InService while the record points elsewhere: it reads the group first', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.5.5')] } });
    expect(plan).toEqual({
      verdict: 'read-group',
      reason: "instance i-0new is InService and admin.weblogic.corp.internal. holds 10.20.5.5: the group's instances decide whether this launch event is late",
      desired: null,
      current: { values: ['10.20.5.5'], ttl: 60 },
      changeBatch: null,
      after: null,
    });
  });

  it('reads the group for a missing record too, and for a plain Launch Successful', () => {
    expect(planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [] } }).verdict).toBe('read-group');
    expect(planDnsChange({ target: target({ trigger: 'launch' }), instance: instance(), membership: membership('InService'), current: { RecordSets: [] } }).verdict).toBe('read-group');
  });

  it('takes the record for an InService instance the group follows (a replay after a failed launch)', () => {
    const choice = { verdict: 'repair', instanceId: 'i-0new', reason: 'weblogic-admin is served by i-0new, its newest instance' };
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.5.5')] }, choice });
    expect(plan).toMatchObject({ verdict: 'change', desired: '10.20.1.7', current: { values: ['10.20.5.5'] } });
  });

  it('skips the late launch event of an instance the group no longer follows', () => {
    const choice = { verdict: 'repair', instanceId: 'i-0newer', reason: 'weblogic-admin is served by i-0newer, its newest instance' };
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.5.5')] }, choice });
    expect(plan).toMatchObject({
      verdict: 'skip',
      reason: 'instance i-0new is not the instance the record follows (weblogic-admin is served by i-0newer, its newest instance): a late launch event',
      changeBatch: null,
    });
  });

  it('leaves the record as it is when the group refuses to choose, saying why', () => {
    const choice = { verdict: 'refused', instanceId: null, reason: 'weblogic-admin has 2 InService instances (i-0new, i-0old) and a MaxSize of 2; expected one' };
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.5.5')] }, choice });
    expect(plan).toMatchObject({ verdict: 'skip', reason: `admin.weblogic.corp.internal. left as it is for instance i-0new: ${choice.reason}` });
  });

  it('does not read the group for an instance still launching, nor when the record already holds it', () => {
    expect(planDnsChange({ target: target(), instance: instance(), membership: membership('Pending:Wait'), current: { RecordSets: [record('10.20.5.5')] } }).verdict).toBe('change');
    expect(planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.1.7')] } }).verdict).toBe('in-sync');
  });

  it('does not read the group again for a reconcile: the parent already chose', () => {
    const plan = planDnsChange({ target: target({ trigger: 'reconcile' }), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.5.5')] } });
    expect(plan.verdict).toBe('change');
  });

  it('applies the guards before reading the group', () => {
    expect(() => planDnsChange({ target: target(), instance: instance({ ip: '10.99.0.1' }), membership: membership('InService'), current: { RecordSets: [record('10.20.5.5')] } })).toThrowError(
      expect.objectContaining({ name: 'AddressNotAllowed' }),
    );
  });

  it('takes the group Auto Scaling reports over the instance tag', () => {
    expect(() => planDnsChange({ target: target(), instance: instance(), membership: membership('InService', 'bastion'), current: { RecordSets: [] } })).toThrowError(
      expect.objectContaining({ name: 'InstanceNotInGroup', message: 'instance i-0new belongs to group bastion, not weblogic-admin' }),
    );
  });
});

describe('planDnsChange for a terminate', () => {
  const terminate = target({ trigger: 'terminate-lifecycle', action: 'remove' });

  it('deletes the record while it still points at the instance', () => {
    const current = record('10.20.1.7');
    const plan = planDnsChange({ target: terminate, instance: instance({ state: 'shutting-down' }), current: { RecordSets: [current] } });
    expect(plan.changeBatch?.Changes).toEqual([{ Action: 'DELETE', ResourceRecordSet: current }]);
  });

  it('leaves a record that already points at a newer instance', () => {
    const plan = planDnsChange({ target: terminate, instance: instance({ state: 'terminated' }), current: { RecordSets: [record('10.20.5.5')] } });
    expect(plan.verdict).toBe('skip');
    expect(plan.reason).toContain('not at i-0new (10.20.1.7)');
  });

  it('skips when the terminated instance has no address left to compare', () => {
    const plan = planDnsChange({ target: terminate, instance: instance({ state: 'terminated', ip: '' }), current: { RecordSets: [record('10.20.1.7')] } });
    expect(plan.verdict).toBe('skip');
  });

  it('is in sync when the record is already gone', () => {
    const plan = planDnsChange({ target: terminate, instance: instance({ state: 'terminated' }), current: { RecordSets: [] } });
    expect(plan.verdict).toBe('in-sync');
  });

  it('removes the record of a group with no instance (reconcile)', () => {
    const current = record('10.20.1.7');
    const plan = planDnsChange({ target: target({ trigger: 'reconcile', action: 'remove', instanceId: null }), current: { RecordSets: [current] } });
    expect(plan.changeBatch?.Changes).toEqual([{ Action: 'DELETE', ResourceRecordSet: current }]);
    expect(plan.after).toBe('admin.weblogic.corp.internal. no longer exists');
  });
});

describe('planDnsChange for a group followed after a terminate', () => {
  const follow = (instanceId: string | null) => target({ trigger: 'terminate', action: 'follow-group', instanceId });

  it('points the record at the instance the group chose, with the same guards', () => {
    const plan = planDnsChange({ target: follow('i-0new'), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.9.9')] } });
    expect(plan).toMatchObject({ verdict: 'change', desired: '10.20.1.7' });
    expect(() =>
      planDnsChange({ target: follow('i-0new'), instance: instance({ ip: '10.99.0.1' }), membership: membership('InService'), current: { RecordSets: [] } }),
    ).toThrowError(expect.objectContaining({ name: 'AddressNotAllowed' }));
  });

  it('removes the record when the group has no instance left', () => {
    const plan = planDnsChange({ target: follow(null), current: { RecordSets: [record('10.20.9.9')] } });
    expect(plan).toMatchObject({ verdict: 'change', reason: expect.stringContaining('no InService instance in weblogic-admin') });
    expect(plan.changeBatch?.Changes.map((change) => change.Action)).toEqual(['DELETE']);
  });
});

describe('planDnsChange after Route 53 rejected its batch', () => {
  const cause = "[Tried to delete resource record set [name='admin.weblogic.corp.internal.', type='A'] but the values provided do not match the current values]";
  const rejection = { Error: 'Route53.InvalidChangeBatchException', Cause: cause };
  const before = { values: ['10.20.9.9'], ttl: 60 };
  const replan = (conflicts: number, now: ReturnType<typeof record>[], planned: typeof before | null = before) =>
    planDnsChange({
      target: target({ retries: { conflicts, polls: 1 } }),
      instance: instance(),
      membership: membership(),
      current: { RecordSets: now },
      plan: { current: planned },
      rejection,
    });

  it('plans afresh from the record read again when it moved: a conflict', () => {
    const plan = replan(1, [record('10.20.8.8')]);
    expect(plan.changeBatch?.Changes[0]).toEqual({ Action: 'DELETE', ResourceRecordSet: record('10.20.8.8') });
  });

  it('counts a record that appeared or went as moved', () => {
    expect(replan(1, [record('10.20.8.8')], null).verdict).toBe('change');
    expect(replan(1, []).changeBatch?.Changes.map((change) => change.Action)).toEqual(['CREATE']);
  });

  it('fails at once with Route 53\'s message when the record did not move', () => {
    expect(() => replan(1, [record('10.20.9.9')])).toThrowError(
      expect.objectContaining({
        name: 'ChangeBatchRejected',
        message: `Route 53 rejected the change to admin.weblogic.corp.internal., which had not changed since it was read; nothing was changed: ${cause}`,
      }),
    );
    expect(() => replan(1, [], null)).toThrowError(expect.objectContaining({ name: 'ChangeBatchRejected' }));
  });

  it('gives up with RecordConflictPersisted once the record moved under each of the attempts', () => {
    expect(() => replan(maxConflicts, [record('10.20.8.8')])).toThrowError(
      expect.objectContaining({ name: 'RecordConflictPersisted', message: expect.stringContaining('changed under each of 3 attempts; left as it is') }),
    );
  });
});
