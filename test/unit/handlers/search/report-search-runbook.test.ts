import { describe, expect, it } from 'vitest';
import { RunbookCompletedDetailSchema } from '../../../../events/opsflow-search.ts';
import { reportSearchRunbook, type ReportSearchRunbookInput } from '../../../../handlers/search/report-search-runbook/task.ts';
import { executionArn, plan } from './runbook-plan.ts';

describe('reportSearchRunbook', () => {
  const failoverTimeline = {
    startedAt: '2026-11-30T12:00:00.000Z',
    approvalRequestedAt: '2026-11-30T12:00:05.000Z',
    approvedAt: '2026-11-30T12:10:05.000Z',
    restoreStartedAt: '2026-11-30T12:10:10.000Z',
    restoredAt: '2026-11-30T12:12:10.000Z',
    verifiedAt: '2026-11-30T12:12:15.000Z',
    dnsChangedAt: '2026-11-30T12:12:16.000Z',
    dnsInSyncAt: '2026-11-30T12:13:16.000Z',
  };
  const verification = { indices: [{ index: 'orders', count: 1210, before: 1200, after: 1230 }, { index: 'customers', count: 40, before: 40, after: null }], health: 'green' };
  const input = (overrides: Partial<ReportSearchRunbookInput> = {}): ReportSearchRunbookInput => ({ plan: plan(), timeline: failoverTimeline, verification, executionArn, ...overrides });

  it("times a failover's steps, its RTO without the approval wait and its RPO to the switch", () => {
    const report = reportSearchRunbook(input(), new Date('2026-11-30T12:13:20Z'));
    expect(report.steps.map(({ step, seconds }) => [step, seconds])).toEqual([
      ['preflight', 5], ['approval', 600], ['preparation', 5], ['restore', 120], ['verification', 5], ['dns-change', 1], ['dns-sync', 60], ['report', 4],
    ]);
    expect(report.steps[0]).toEqual({ step: 'preflight', startedAt: '2026-11-30T12:00:00.000Z', endedAt: '2026-11-30T12:00:05.000Z', seconds: 5 });
    expect(report.totalSeconds).toBe(800);
    expect(report.rtoSeconds).toBe(796 - 600);
    expect(report.rpoSeconds).toBe(2 * 3600 + 800);
    const event = RunbookCompletedDetailSchema.parse(report.event);
    expect(event).toMatchObject({
      executionArn, runbook: 'failover', health: 'green', indexCount: 2, completedAt: '2026-11-30T12:13:20.000Z', rtoSeconds: 196, rpoSeconds: 8000,
      indices: [{ index: 'orders', restoreAs: 'orders', count: 1210, before: 1200, after: 1230 }, { index: 'customers', restoreAs: 'customers', count: 40, before: 40, after: null }],
    });
  });

  it("a drill: no approval, no DNS, RTO to its verification, RPO to its restore, the wait before cleanup not counted", () => {
    const drillPlan = plan({ runbook: 'drill', dns: null, conflicts: [], conflictOption: 'rename', renamePattern: '(.+)', renameReplacement: 'drill-$1',
      indices: [{ index: 'orders', restoreAs: 'drill-orders', before: 1200, after: 1230 }] });
    const timeline = { startedAt: '2026-11-30T12:00:00.000Z', restoreStartedAt: '2026-11-30T12:00:10.000Z', restoredAt: '2026-11-30T12:02:10.000Z', verifiedAt: '2026-11-30T12:02:20.000Z' };
    const report = reportSearchRunbook(input({ plan: drillPlan, timeline, verification: { indices: [{ index: 'drill-orders', count: 1220 }], health: { status: 'green' } } }), new Date('2026-11-30T13:02:30Z'));
    expect(report.steps.map((step) => step.step)).toEqual(['preflight', 'restore', 'verification', 'cleanup']);
    expect(report.rtoSeconds).toBe(140);
    expect(report.totalSeconds).toBe(3750);
    expect(report.rpoSeconds).toBe(2 * 3600 + 130);
    expect(RunbookCompletedDetailSchema.parse(report.event)).toMatchObject({ dns: null, health: 'green', indices: [{ index: 'orders', restoreAs: 'drill-orders', count: 1220 }] });
  });

  it("a failback's RPO runs from its final snapshot's start", () => {
    const timeline = { ...failoverTimeline, finalSnapshotStartedAt: '2026-11-30T12:10:06.000Z' };
    const report = reportSearchRunbook(input({ plan: plan({ runbook: 'failback', snapshot: 'opsflow-final-20261130t1200z', snapshotTakenAt: null, finalSnapshot: true }), timeline }), new Date('2026-11-30T12:13:20Z'));
    expect(report.steps.map((step) => step.step)).toContain('final-snapshot');
    expect(report.rpoSeconds).toBe(194);
    expect(report.event.snapshotTakenAt).toBe('2026-11-30T12:10:06.000Z');
  });
});
