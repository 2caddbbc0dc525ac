import { describe, expect, it } from 'vitest';
import { handler } from '../../../../handlers/findings/plan-investigation/handler.ts';
import { planInvestigation } from '../../../../handlers/findings/plan-investigation/task.ts';
import { invoke } from './fixtures.ts';

const ALICE = 'arn:aws:iam::111122223333:user/alice';

/** The ARN the run resolved, and the hour its findings were last first seen: between 10:00 and 11:00. */
const investigation = { entityArn: ALICE, latestFirstSeenHour: '2024-05-01T10:00:00.000Z' };

const detail = (InvestigationId: string, CreatedTime: string, Status = 'SUCCESSFUL', EntityArn = ALICE) => ({
  InvestigationId,
  CreatedTime,
  Status,
  EntityArn,
  EntityType: 'IAM_USER',
  Severity: 'HIGH',
  State: 'ACTIVE',
});

const plan = (details: unknown[]) => planInvestigation({ investigation, existing: { InvestigationDetails: details as never } });

describe('planInvestigation', () => {
  it('starts an investigation when the principal has none', () => {
    expect(plan([])).toEqual({
      reuseInvestigationId: null,
      reused: false,
      finishedSeverity: null,
      reason: `start an investigation: no investigation of ${ALICE} created since 2024-05-01T11:00:00.000Z (the end of the hour its findings were last first seen) that did not fail`,
    });
    expect(planInvestigation({ investigation, existing: {} }).reuseInvestigationId).toBeNull();
  });

  it('reuses the newest investigation created after the findings were first seen', () => {
    const result = plan([
      detail('000000000000000000001', '2024-05-01T11:00:00.000Z'),
      detail('000000000000000000003', '2024-05-02T08:00:00.000Z', 'RUNNING'),
      detail('000000000000000000002', '2024-05-01T12:00:00.000Z'),
    ]);
    expect(result.reuseInvestigationId).toBe('000000000000000000003');
    expect(result.finishedSeverity).toBeNull();
    expect(result.reason).toMatch(/^reuse investigation 000000000000000000003 .*RUNNING, created 2024-05-02T08:00:00.000Z/);
  });

  it("hands over a finished investigation's severity so it is not polled again", () => {
    const finished = { ...detail('000000000000000000001', '2024-05-01T11:00:00.000Z', 'SUCCESSFUL'), Severity: 'HIGH' };
    expect(plan([finished])).toMatchObject({ reuseInvestigationId: '000000000000000000001', reused: true, finishedSeverity: 'HIGH' });
  });

  it('reuses one created exactly when the hour its findings were last first seen ended', () => {
    expect(plan([detail('000000000000000000001', '2024-05-01T11:00:00.000Z')]).reuseInvestigationId).toBe('000000000000000000001');
  });

  it('does not reuse one created within that hour: it may predate a finding of a request sharing the run', () => {
    expect(plan([detail('000000000000000000001', '2024-05-01T10:59:59.999Z')]).reuseInvestigationId).toBeNull();
    expect(plan([detail('000000000000000000001', '2024-05-01T10:00:00.000Z')]).reuseInvestigationId).toBeNull();
  });

  it('does not reuse a failed investigation, nor one of another principal', () => {
    const result = plan([
      detail('000000000000000000001', '2024-05-02T08:00:00.000Z', 'FAILED'),
      detail('000000000000000000002', '2024-05-02T09:00:00.000Z', 'SUCCESSFUL', 'arn:aws:iam::111122223333:user/bob'),
    ]);
    expect(result.reuseInvestigationId).toBeNull();
  });

  it('falls back to an older good investigation when the newest failed', () => {
    const result = plan([
      detail('000000000000000000001', '2024-05-01T11:00:00.000Z'),
      detail('000000000000000000002', '2024-05-02T09:00:00.000Z', 'FAILED'),
    ]);
    expect(result.reuseInvestigationId).toBe('000000000000000000001');
  });
});

describe('plan-investigation handler', () => {
  it('plans through middy', async () => {
    await expect(invoke(handler, { investigation, existing: { InvestigationDetails: [detail('000000000000000000001', '2024-05-02T08:00:00Z')] } })).resolves.toMatchObject({
      reuseInvestigationId: '000000000000000000001',
    });
  });

  it('rejects an input without the investigation, naming it', async () => {
    await expect(invoke(handler, { existing: { InvestigationDetails: [] } })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'investigation: Invalid input: expected object, received undefined',
    });
  });

  it('rejects an unreadable CreatedTime, naming it', async () => {
    await expect(invoke(handler, { investigation, existing: { InvestigationDetails: [detail('1', 'yesterday')] } })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'existing.InvestigationDetails.0.CreatedTime: must be an RFC 3339 date-time such as 2020-03-22T13:22:13.933Z',
    });
  });
});
