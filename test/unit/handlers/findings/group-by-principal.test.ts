import { describe, expect, it } from 'vitest';
import { handler } from '../../../../handlers/findings/group-by-principal/handler.ts';
import {
  LONGEST_SCOPE_MS,
  groupByPrincipal,
  investigationRunName,
  investigationScope,
  type GroupByPrincipalInput,
} from '../../../../handlers/findings/group-by-principal/task.ts';
import type { Investigation, NormalizedWork, ResolvedPrincipal, RunInvestigation, WorkFinding } from '../../../../handlers/findings/work.ts';
import { GUARDDUTY_PRODUCT, NOW, configWith, invoke, now } from './fixtures.ts';

const config = configWith().findingEnrichment;
const HOUR = 3_600_000;
const ALICE_KEY = 'aws:193043430472:user:alice';
const ADMIN_KEY = 'aws:193043430472:role:admin';
const ALICE = 'arn:aws:iam::193043430472:user/alice';
const ADMIN = 'arn:aws:iam::193043430472:role/ops/Admin';

function finding(id: string, firstObservedAt: string, principals: string[]): WorkFinding {
  return { id, productArn: GUARDDUTY_PRODUCT, awsAccountId: '193043430472', region: 'us-east-1', title: 't', severityLabel: 'MEDIUM', firstObservedAt, principals };
}

function work(findings: WorkFinding[]): NormalizedWork {
  return {
    source: 'securityhub-imported',
    graphArn: null,
    findings,
    skipped: [],
    principals: [
      { key: ALICE_KEY, kind: 'user', name: 'alice', account: '193043430472', partition: 'aws', fallbackArn: ALICE, fallbackSource: 'finding' },
      { key: ADMIN_KEY, kind: 'role', name: 'Admin', account: '193043430472', partition: 'aws', fallbackArn: 'arn:aws:iam::193043430472:role/Admin', fallbackSource: 'root-path' },
    ],
    polling: { wait: 60, maxWait: 600, deadlineSeconds: 7200, elapsed: 0 },
  };
}

const resolved: ResolvedPrincipal[] = [
  { key: ALICE_KEY, arn: ALICE, source: 'iam', iam: 'read', error: null },
  { key: ADMIN_KEY, arn: ADMIN, source: 'iam', iam: 'read', error: null },
];

const group = (input: GroupByPrincipalInput, clock = now) => groupByPrincipal(input, config, clock);

describe('groupByPrincipal', () => {
  it('plans one investigation per ARN IAM gave, across a burst, with its scope, origin and run name', () => {
    const result = group({
      work: work([
        finding('f1', '2024-05-01T10:00:00.000Z', [ALICE_KEY]),
        finding('f2', '2024-05-01T08:00:00.000Z', [ADMIN_KEY]),
        finding('f3', '2024-05-02T09:30:00.000Z', [ALICE_KEY, ADMIN_KEY]),
        finding('f4', '2024-04-30T23:20:00.000Z', [ALICE_KEY]),
      ]),
      resolved,
    });
    expect(result.findings.map((item) => item.principals)).toEqual([[ALICE], [ADMIN], [ALICE, ADMIN], [ALICE]]);
    expect(result.investigations).toEqual([
      {
        entityArn: ALICE,
        entityType: 'IAM_USER',
        arnOrigin: { source: 'iam', iam: 'read', error: null },
        scopeStartTime: '2024-04-29T23:00:00.000Z',
        scopeEndTime: NOW.toISOString(),
        scopeCut: null,
        latestFirstSeenHour: '2024-05-02T09:00:00.000Z',
        findingIds: ['f1', 'f3', 'f4'],
        runName: investigationRunName(ALICE, Date.parse('2024-05-02T09:30:00.000Z')),
      },
      {
        entityArn: ADMIN,
        entityType: 'IAM_ROLE',
        arnOrigin: { source: 'iam', iam: 'read', error: null },
        scopeStartTime: '2024-04-30T08:00:00.000Z',
        scopeEndTime: NOW.toISOString(),
        scopeCut: null,
        latestFirstSeenHour: '2024-05-02T09:00:00.000Z',
        findingIds: ['f2', 'f3'],
        runName: investigationRunName(ADMIN, Date.parse('2024-05-02T09:30:00.000Z')),
      },
    ]);
  });

  it('plans the same run input for every request about a principal whose findings were first seen in the same hour', () => {
    // Simultaneous events about one principal, each its own finding: only the run's input decides whether they join one run.
    const runInput = ({ entityArn, entityType, scopeStartTime, scopeEndTime, latestFirstSeenHour }: RunInvestigation) => ({ entityArn, entityType, scopeStartTime, scopeEndTime, latestFirstSeenHour });
    const first = group({ work: work([finding('f1', '2024-05-02T09:05:00.000Z', [ALICE_KEY])]), resolved });
    const second = group({
      work: work([finding('f2', '2024-05-02T09:55:59.000Z', [ALICE_KEY])]),
      resolved: [{ key: ALICE_KEY, arn: ALICE, source: 'finding', iam: 'unreadable', error: 'Iam.IamException' }, resolved[1] as ResolvedPrincipal],
    });
    const [one, other] = [first.investigations[0], second.investigations[0]] as [Investigation, Investigation];

    expect(runInput(one)).toEqual(runInput(other));
    expect(runInput(one)).toEqual({
      entityArn: ALICE,
      entityType: 'IAM_USER',
      scopeStartTime: '2024-05-01T09:00:00.000Z',
      scopeEndTime: NOW.toISOString(),
      latestFirstSeenHour: '2024-05-02T09:00:00.000Z',
    });
    expect(one.runName).toBe(other.runName);
    expect([one.findingIds, other.findingIds]).toEqual([['f1'], ['f2']]);
  });

  it('keeps where an ARN came from when IAM did not give it', () => {
    const fallback: ResolvedPrincipal[] = [
      { key: ALICE_KEY, arn: ALICE, source: 'finding', iam: 'other-account', error: null },
      { key: ADMIN_KEY, arn: 'arn:aws:iam::193043430472:role/Admin', source: 'root-path', iam: 'unreadable', error: 'Iam.IamException' },
    ];
    const result = group({ work: work([finding('f1', '2024-05-01T10:00:00.000Z', [ALICE_KEY, ADMIN_KEY])]), resolved: fallback });
    expect(result.investigations.map((investigation) => investigation.arnOrigin)).toEqual([
      { source: 'finding', iam: 'other-account', error: null },
      { source: 'root-path', iam: 'unreadable', error: 'Iam.IamException' },
    ]);
  });

  it('takes the hours before the first observation from config', () => {
    const result = groupByPrincipal({ work: work([finding('f1', '2022-01-13T00:00:47.000Z', [ALICE_KEY])]), resolved }, configWith({ scopeHoursBeforeFirstSeen: 48 }).findingEnrichment, () => new Date('2022-01-14T00:00:00Z'));
    expect(result.investigations[0]).toMatchObject({ scopeStartTime: '2022-01-11T00:00:00.000Z', scopeEndTime: '2022-01-14T00:00:00.000Z', scopeCut: null });
  });

  it.each([
    ['an unknown key', [...resolved, { key: 'aws:193043430472:user:mallory', arn: 'arn:aws:iam::193043430472:user/mallory', source: 'iam', iam: 'read' }], /^resolved\.2\.key: .* is not one of work\.principals$/],
    ['a key resolved twice', [...resolved, resolved[0]], /^resolved\.2\.key: .* is resolved twice$/],
    ['a user key resolved to a role', [{ ...resolved[0], arn: ADMIN }, resolved[1]], /^resolved\.0\.arn: .* is not the ARN of an IAM user$/],
    ['a principal left out', [resolved[1]], /^work\.findings\.0\.principals: aws:193043430472:user:alice has no entry in resolved$/],
  ])('refuses lookups with %s, naming the field', async (_case, lookups, message) => {
    await expect(invoke(handler, { work: work([finding('f1', '2024-05-01T10:00:00.000Z', [ALICE_KEY])]), resolved: lookups })).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(message) });
  });

  it('groups with the runtime config in the handler', async () => {
    const result = await invoke(handler, { work: work([finding('f1', '2024-05-01T10:00:00.000Z', [ALICE_KEY])]), resolved });
    expect(result.investigations.map((investigation) => investigation.entityArn)).toEqual([ALICE]);
  });
});

describe('investigationScope: Detective\'s limits', () => {
  it('starts and ends on the hour, the end being the next full hour', () => {
    const scope = investigationScope(Date.parse('2024-05-01T10:17:42Z'), 24, new Date('2024-05-02T12:34:56Z'));
    expect(scope).toEqual({ scopeStartTime: '2024-04-30T10:00:00.000Z', scopeEndTime: '2024-05-02T13:00:00.000Z', scopeCut: null });
  });

  it('cuts the scope of a 2018 finding to the year before its end, and says so', () => {
    const scope = investigationScope(Date.parse('2018-06-01T10:00:00Z'), 24, NOW);
    expect(Date.parse(scope.scopeEndTime) - Date.parse(scope.scopeStartTime)).toBe(LONGEST_SCOPE_MS);
    expect(scope).toEqual({ scopeStartTime: '2023-05-03T12:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: "cut to Detective's one-year limit (first seen 2018-06-01)" });
  });

  it('keeps a scope of exactly one year whole', () => {
    const scope = investigationScope(Date.parse('2023-05-04T12:00:00Z'), 24, NOW);
    expect(scope).toMatchObject({ scopeStartTime: '2023-05-03T12:00:00.000Z', scopeCut: null });
  });

  it('gives a first observation stamped after the clock a window of at least an hour that ends after it starts', () => {
    const scope = investigationScope(Date.parse('2030-01-01T00:00:00Z'), 1, NOW);
    expect(scope).toEqual({ scopeStartTime: '2024-05-02T11:00:00.000Z', scopeEndTime: NOW.toISOString(), scopeCut: null });
    expect(Date.parse(scope.scopeEndTime) - Date.parse(scope.scopeStartTime)).toBeGreaterThanOrEqual(HOUR);
  });

  it('handles the earliest timestamp RFC 3339 allows', () => {
    const scope = investigationScope(Date.parse('0000-01-01T00:00:00Z'), 24, NOW);
    expect(scope.scopeStartTime).toBe('2023-05-03T12:00:00.000Z');
    expect(scope.scopeCut).toBe("cut to Detective's one-year limit (first seen 0000-01-01)");
  });
});

describe('investigationRunName', () => {
  it('names one run per principal and hour, the same in every execution, leaving room for an attempt number', () => {
    expect(investigationRunName(ALICE, Date.parse('2024-05-02T09:30:00.000Z'))).toBe(investigationRunName(ALICE, Date.parse('2024-05-02T09:59:59.000Z')));
    expect(investigationRunName(ALICE, Date.parse('2024-05-02T09:30:00.000Z'))).not.toBe(investigationRunName(ALICE, Date.parse('2024-05-02T10:00:00.000Z')));
    expect(investigationRunName(ALICE, 0)).not.toBe(investigationRunName(ADMIN, 0));
    expect(`${investigationRunName(ALICE, Date.parse('9999-12-31T23:00:00Z'))}-5`).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});
