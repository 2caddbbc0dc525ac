import { describe, expect, it } from 'vitest';
import { LONGEST_SCOPE_MS, investigationRunName, investigationScope, planPrincipals } from '../../../../handlers/findings/plan.ts';
import type { PrincipalRef } from '../../../../handlers/findings/principals.ts';
import type { WorkFinding } from '../../../../handlers/findings/work.ts';
import { GUARDDUTY_PRODUCT, NOW, configWith } from './fixtures.ts';

const config = configWith().findingEnrichment;
const HOUR = 3_600_000;
const ALICE: PrincipalRef = { key: 'aws:193043430472:user:alice', kind: 'user', name: 'alice', account: '193043430472', partition: 'aws', fallbackArn: 'arn:aws:iam::193043430472:user/alice', fallbackSource: 'finding' };
const ADMIN: PrincipalRef = { key: 'aws:193043430472:role:admin', kind: 'role', name: 'Admin', account: '193043430472', partition: 'aws', fallbackArn: 'arn:aws:iam::193043430472:role/Admin', fallbackSource: 'root-path' };

function finding(id: string, firstObservedAt: string, principals: string[]): WorkFinding {
  return { id, productArn: GUARDDUTY_PRODUCT, awsAccountId: '193043430472', region: 'us-east-1', title: 't', severityLabel: 'MEDIUM', firstObservedAt, principals };
}

describe('planPrincipals', () => {
  it('plans one run per principal across a burst: the window over all of its findings, and the run named after the latest hour', () => {
    const findings = [
      finding('f1', '2024-05-01T10:00:00.000Z', [ALICE.key]),
      finding('f2', '2024-05-01T08:00:00.000Z', [ADMIN.key]),
      finding('f3', '2024-05-02T09:30:00.000Z', [ALICE.key, ADMIN.key]),
      finding('f4', '2024-04-30T23:20:00.000Z', [ALICE.key]),
    ];
    expect(planPrincipals(findings, [ALICE, ADMIN], config, NOW)).toEqual([
      {
        principal: ALICE,
        scope: { scopeStartTime: '2024-04-29T23:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: false, latestFirstSeenHour: '2024-05-02T09:00:00.000Z' },
        runName: investigationRunName(ALICE.key, Date.parse('2024-05-02T09:30:00.000Z')),
      },
      {
        principal: ADMIN,
        scope: { scopeStartTime: '2024-04-30T08:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: false, latestFirstSeenHour: '2024-05-02T09:00:00.000Z' },
        runName: investigationRunName(ADMIN.key, Date.parse('2024-05-02T09:30:00.000Z')),
      },
    ]);
  });

  it('plans the same run for every request about a principal whose findings give the same window, whatever else they say', () => {
    // Simultaneous events about one principal, each its own finding: only the run's name and input decide whether they join one run.
    const [first] = planPrincipals([finding('f1', '2024-05-02T09:05:00.000Z', [ALICE.key])], [ALICE], config, NOW);
    const [second] = planPrincipals([finding('f2', '2024-05-02T09:55:59.000Z', [ALICE.key])], [ALICE], config, NOW);
    expect(first).toEqual(second);
    expect(first?.scope).toEqual({ scopeStartTime: '2024-05-01T09:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: false, latestFirstSeenHour: '2024-05-02T09:00:00.000Z' });
  });

  it('plans nothing for a principal no finding names, and takes the hours before the first observation from config', () => {
    const plans = planPrincipals([finding('f1', '2022-01-13T00:00:47.000Z', [ALICE.key])], [ALICE, ADMIN], configWith({ scopeHoursBeforeFirstSeen: 48 }).findingEnrichment, new Date('2022-01-14T00:00:00Z'));
    expect(plans.map((plan) => plan.principal.key)).toEqual([ALICE.key]);
    expect(plans[0]?.scope).toMatchObject({ scopeStartTime: '2022-01-11T00:00:00.000Z', scopeEndTime: '2022-01-14T00:00:00.000Z', scopeCut: false });
  });
});

describe('investigationScope: Detective\'s limits', () => {
  const at = (iso: string): number => Date.parse(iso);

  it('starts and ends on the hour, the end being the next full hour', () => {
    const scope = investigationScope(at('2024-05-01T10:17:42Z'), at('2024-05-01T11:17:42Z'), 24, new Date('2024-05-02T12:34:56Z'));
    expect(scope).toEqual({ scopeStartTime: '2024-04-30T10:00:00.000Z', scopeEndTime: '2024-05-02T13:00:00.000Z', scopeCut: false, latestFirstSeenHour: '2024-05-01T11:00:00.000Z' });
  });

  it('cuts the scope of a 2018 finding to the year before its end, and says so', () => {
    const scope = investigationScope(at('2018-06-01T10:00:00Z'), at('2018-06-01T10:00:00Z'), 24, NOW);
    expect(Date.parse(scope.scopeEndTime) - Date.parse(scope.scopeStartTime)).toBe(LONGEST_SCOPE_MS);
    expect(scope).toMatchObject({ scopeStartTime: '2023-05-03T12:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: true });
  });

  it('keeps a scope of exactly one year whole', () => {
    const scope = investigationScope(at('2023-05-04T12:00:00Z'), at('2023-05-04T12:00:00Z'), 24, NOW);
    expect(scope).toMatchObject({ scopeStartTime: '2023-05-03T12:00:00.000Z', scopeCut: false });
  });

  it('gives a first observation stamped after the clock a window of at least an hour that ends after it starts', () => {
    const scope = investigationScope(at('2030-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'), 1, NOW);
    expect(scope).toMatchObject({ scopeStartTime: '2024-05-02T11:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: false });
    expect(Date.parse(scope.scopeEndTime) - Date.parse(scope.scopeStartTime)).toBeGreaterThanOrEqual(HOUR);
  });

  it('handles the earliest and latest timestamps RFC 3339 allows', () => {
    const scope = investigationScope(at('0000-01-01T00:00:00Z'), at('9999-12-31T23:59:59.999Z'), 24, NOW);
    expect(scope).toEqual({ scopeStartTime: '2023-05-03T12:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: true, latestFirstSeenHour: '9999-12-31T23:00:00.000Z' });
  });
});

describe('investigationRunName', () => {
  it('names one run per principal and hour, the same in every execution, leaving room for an attempt number', () => {
    expect(investigationRunName(ALICE.key, Date.parse('2024-05-02T09:30:00.000Z'))).toBe(investigationRunName(ALICE.key, Date.parse('2024-05-02T09:59:59.000Z')));
    expect(investigationRunName(ALICE.key, Date.parse('2024-05-02T09:30:00.000Z'))).not.toBe(investigationRunName(ALICE.key, Date.parse('2024-05-02T10:00:00.000Z')));
    expect(investigationRunName(ALICE.key, 0)).not.toBe(investigationRunName(ADMIN.key, 0));
    expect(`${investigationRunName(ALICE.key, Date.parse('9999-12-31T23:00:00Z'))}-5`).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});
