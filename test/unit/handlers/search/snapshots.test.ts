import { describe, expect, it } from 'vitest';
import { newestSuccess, ratePeriodSeconds, snapshotMetadata, snapshotNameFor, snapshotsToDelete, type SnapshotInfo } from '../../../../handlers/search/snapshots.ts';

const now = new Date('2026-11-30T10:00:00Z');
const hoursAgo = (hours: number) => now.getTime() - hours * 3_600_000;
const snap = (name: string, hours: number, state = 'SUCCESS'): SnapshotInfo => ({ snapshot: name, state, start_time_in_millis: hoursAgo(hours) });
/** n hourly opsflow snapshots, the newest one hour old. */
const hourly = (n: number) => Array.from({ length: n }, (_, i) => snap(`opsflow-${String(i + 1).padStart(3, '0')}h`, i + 1));

describe('snapshot names', () => {
  it('name the schedule period the run started in, in lower case', () => {
    expect(snapshotNameFor('opsflow-', '2026-11-30T10:05:07.981Z', 3600)).toBe('opsflow-20261130t1000z');
    expect(snapshotNameFor('opsflow-', '2026-11-30T10:59:59Z', 3600)).toBe('opsflow-20261130t1000z');
    expect(snapshotNameFor('opsflow-', '2026-11-30T11:00:00Z', 3600)).toBe('opsflow-20261130t1100z');
    expect(snapshotNameFor('opsflow-', '2026-11-30T10:20:00Z', 900)).toBe('opsflow-20261130t1015z');
  });
});

describe('snapshotMetadata', () => {
  it('carries the counts before when they fit below 1024 bytes, and says so when they do not', () => {
    expect(snapshotMetadata('run-1', { orders: 10 })).toEqual({ taken_by: 'opsflow', execution: 'run-1', doc_counts_before: { orders: 10 } });
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`orders-2026-${i}`, 1000 + i]));
    const metadata = snapshotMetadata('run-1', many);
    expect(metadata).toMatchObject({ doc_counts_before: null, indices: 60 });
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBeLessThan(1024);
  });
});

describe('snapshotsToDelete (Snapshot Management deletion conditions)', () => {
  const rule = { maxCount: 5, maxAge: 14, minCount: 2 };

  it('deletes beyond max count, oldest first', () => {
    expect(snapshotsToDelete(hourly(7), 'opsflow-', rule, now)).toEqual(['opsflow-007h', 'opsflow-006h']);
    expect(snapshotsToDelete(hourly(5), 'opsflow-', rule, now)).toEqual([]);
  });

  it('deletes older than max age', () => {
    expect(snapshotsToDelete([snap('opsflow-a', 1), snap('opsflow-b', 2), snap('opsflow-c', 14 * 24 + 1)], 'opsflow-', rule, now)).toEqual(['opsflow-c']);
  });

  it('keeps the newest min count successful snapshots however old', () => {
    const old = [snap('opsflow-a', 20 * 24), snap('opsflow-b', 21 * 24), snap('opsflow-c', 22 * 24)];
    expect(snapshotsToDelete(old, 'opsflow-', rule, now)).toEqual(['opsflow-c']);
    // Failed and partial snapshots never count towards min count.
    expect(snapshotsToDelete([snap('opsflow-x', 20 * 24, 'FAILED'), ...old], 'opsflow-', rule, now)).toEqual(['opsflow-c', 'opsflow-x']);
  });

  it('never touches a snapshot in progress or one opsflow did not take', () => {
    const snapshots = [snap('opsflow-running', 30 * 24, 'IN_PROGRESS'), snap('2026-11-01t00-00.cs-automated', 30 * 24), snap('manual-by-hand', 30 * 24), ...hourly(2)];
    expect(snapshotsToDelete(snapshots, 'opsflow-', rule, now)).toEqual([]);
  });
});

describe('the RPO', () => {
  it('is measured from the newest successful snapshot of opsflow', () => {
    expect(newestSuccess([snap('opsflow-a', 3), snap('opsflow-b', 1, 'PARTIAL'), snap('cs-x', 0.5), snap('opsflow-c', 2)], 'opsflow-')?.snapshot).toBe('opsflow-c');
    expect(newestSuccess([snap('opsflow-b', 1, 'FAILED')], 'opsflow-')).toBeNull();
  });

  it.each([['rate(1 hour)', 3600], ['rate(15 minutes)', 900], ['rate(2 days)', 172_800]])('reads %s as %i seconds', (schedule, seconds) => {
    expect(ratePeriodSeconds(schedule)).toBe(seconds);
  });
});
