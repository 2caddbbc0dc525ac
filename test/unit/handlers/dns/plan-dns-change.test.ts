import { describe, expect, it } from 'vitest';
import { planDnsChange } from '../../../../handlers/dns/plan-dns-change/task.ts';
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

  it('skips a late launch lifecycle event once the record points at another instance', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [record('10.20.5.5')] } });
    expect(plan).toMatchObject({ verdict: 'skip', reason: expect.stringContaining('a late launch event') });
  });

  it('still writes a missing record for an InService instance', () => {
    const plan = planDnsChange({ target: target(), instance: instance(), membership: membership('InService'), current: { RecordSets: [] } });
    expect(plan.verdict).toBe('change');
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
  });
});
