import { describe, expect, it } from 'vitest';
import { loadSample } from '../../../../events/samples.ts';
import { handler } from '../../../../handlers/findings/compose-finding-updates/handler.ts';
import { composeFindingUpdates, type ComposeFindingUpdatesInput } from '../../../../handlers/findings/compose-finding-updates/task.ts';
import { finishPrincipal } from '../../../../handlers/findings/finish-principal/task.ts';
import { describeIndicators, type IndicatorSummary } from '../../../../handlers/findings/indicators.ts';
import { normalizeFindings, type NormalizeFindingsInput } from '../../../../handlers/findings/normalize-findings/task.ts';
import { planInvestigation } from '../../../../handlers/findings/plan-investigation/task.ts';
import { summarizeIndicators } from '../../../../handlers/findings/summarize-indicators/task.ts';
import type { ArnOrigin, InvestigationScope, PrincipalOutcome, SkippedFinding, WorkFinding } from '../../../../handlers/findings/work.ts';
import { GRAPH_ARN, GUARDDUTY_ACCESS_KEY, GUARDDUTY_PRODUCT, configWith, invoke, now } from './fixtures.ts';
import { flaggedIp, impossibleTravel, newGeolocation, ttp } from './indicators.ts';

// Security Hub's documented Note.Text maximum, written out so the tests check the code against it.
const NOTE_LIMIT = 512;
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const ADMIN = 'arn:aws:iam::111122223333:role/Admin';
const ID_1 = '000000000000000000001';
const ID_2 = '000000000000000000002';
const reportUrl = (id: string) => `https://console.aws.amazon.com/detective/home?region=us-east-1#investigations/${id}`;

const config = configWith({ graphArn: GRAPH_ARN }).findingEnrichment;

/** The key normalize-findings gives the principal an ARN names (handlers/findings/principals.ts). */
function keyOf(arn: string): string {
  const [, partition, , , account, resource = ''] = arn.split(':');
  const [kind = '', ...path] = resource.split('/');
  return `${partition}:${account}:${kind}:${(path.at(-1) ?? '').toLowerCase()}`;
}

/** A finding naming the principals of these ARNs, by key. */
const finding = (id: string, principals: string[], severityLabel: WorkFinding['severityLabel'] = 'MEDIUM'): WorkFinding => ({
  id,
  productArn: GUARDDUTY_PRODUCT,
  awsAccountId: '111122223333',
  region: 'us-east-1',
  title: `finding ${id}`,
  severityLabel,
  firstObservedAt: '2024-05-01T10:00:00.000Z',
  principals: principals.map(keyOf),
});

const READ_FROM_IAM: ArnOrigin = { source: 'iam', iam: 'read', error: null };
const SCOPE: InvestigationScope = { scopeStartTime: '2024-04-30T10:00:00.000Z', scopeEndTime: '2024-05-02T12:00:00.000Z', scopeCut: false, latestFirstSeenHour: '2024-05-01T10:00:00.000Z' };

const summaryOf = (indicators: unknown[]): IndicatorSummary => summarizeIndicators({ summary: null, page: { Indicators: indicators as never } });

const typicalSummary = () => summaryOf([ttp('Account Discovery', 'ListUsers'), ttp('Impair Defenses', 'StopLogging', '198.51.100.7', 'Defense Evasion'), flaggedIp('198.51.100.7')]);

/** An outcome for the principal of this ARN, read from IAM, over the full window, unless `changes` say otherwise. */
function outcome(entityArn: string, changes: Partial<PrincipalOutcome> = {}): PrincipalOutcome {
  const [kind, ...path] = (entityArn.split(':')[5] ?? '').split('/');
  return {
    key: keyOf(entityArn),
    kind: kind === 'role' ? 'role' : 'user',
    name: path.at(-1) ?? '',
    entityArn,
    arnOrigin: READ_FROM_IAM,
    scope: SCOPE,
    investigationId: null,
    reused: false,
    status: 'ERROR',
    severity: null,
    counts: null,
    indicators: null,
    error: null,
    ...changes,
  };
}

const successful = (entityArn: string, investigationId: string, severity: PrincipalOutcome['severity'] = 'HIGH', summary: IndicatorSummary = typicalSummary(), changes: Partial<PrincipalOutcome> = {}): PrincipalOutcome =>
  outcome(entityArn, {
    investigationId,
    status: 'SUCCESSFUL',
    severity,
    counts: Object.fromEntries(Object.entries(summary.counts).filter(([, count]) => count > 0)),
    indicators: describeIndicators(summary),
    ...changes,
  });

/** One batch of findings (and skipped ones) and every principal's outcome. */
const batch = (findings: WorkFinding[], principals: PrincipalOutcome[], skipped: SkippedFinding[] = []): ComposeFindingUpdatesInput => ({
  source: 'securityhub-imported',
  graphArn: GRAPH_ARN,
  findings,
  skipped,
  principals,
});

/** The requests, events and summary of a batch. */
function compose(input: ComposeFindingUpdatesInput, findingEnrichment = config) {
  const updates = composeFindingUpdates(input, findingEnrichment);
  return { requests: updates.outcome.pending, events: updates.events, summary: updates.outcome.summary, outcome: updates.outcome };
}

describe('composeFindingUpdates', () => {
  it('writes the verdict, scope, indicators and report link back to the finding and announces it', () => {
    const updates = compose(batch([finding('f1', [ALICE])], [successful(ALICE, ID_1)]));
    const note =
      'Detective: user/alice: HIGH (SUCCESSFUL), scope 2024-04-30T10:00Z/2024-05-02T12:00Z. ' +
      'TTP 2 (Account Discovery ListUsers, Impair Defenses StopLogging); flagged IP 1 (198.51.100.7). ' +
      reportUrl(ID_1);
    expect(updates.requests).toEqual([
      {
        FindingIdentifiers: [{ Id: 'f1', ProductArn: GUARDDUTY_PRODUCT }],
        Note: { Text: note, UpdatedBy: 'opsflow' },
        UserDefinedFields: {
          investigate: 'complete',
          detective_status: 'SUCCESSFUL',
          detective_severity: 'HIGH',
          detective_investigation_ids: ID_1,
          detective_arn_sources: 'iam',
          detective_ttps: '2',
          detective_impossible_travel: '0',
          detective_flagged_ips: '1',
          detective_new_geolocations: '0',
          detective_new_asos: '0',
          detective_new_user_agents: '0',
          detective_related_findings: '0',
          detective_related_finding_groups: '0',
        },
      },
    ]);
    expect(updates.events).toEqual([
      [
        {
          Source: 'opsflow.findings',
          DetailType: 'Finding Enriched',
          EventBusName: 'default',
          Detail: {
            findingId: 'f1',
            productArn: GUARDDUTY_PRODUCT,
            awsAccountId: '111122223333',
            region: 'us-east-1',
            title: 'finding f1',
            severity: 'MEDIUM',
            principals: [
              {
                entityArn: ALICE,
                investigationId: ID_1,
                status: 'SUCCESSFUL',
                severity: 'HIGH',
                reused: false,
                indicatorCounts: expect.objectContaining({ TTP_OBSERVED: 2, FLAGGED_IP_ADDRESS: 1 }),
                reportUrl: reportUrl(ID_1),
                error: null,
              },
            ],
            note,
          },
        },
      ],
    ]);
    expect(updates.summary).toEqual({ findings: 1, investigated: 1, skipped: 0, failed: 0, updates: 1, events: 1 });
    expect(updates.outcome).toMatchObject({ awaitImport: false, round: 1, updated: 0, retriedRounds: 0, importWaitedSeconds: 0, waitSeconds: 0, unprocessed: [] });
  });

  it('gives a finding with two principals a line each and the highest severity', () => {
    const updates = compose(batch([finding('f1', [ALICE, ADMIN])], [successful(ALICE, ID_1, 'LOW', summaryOf([])), successful(ADMIN, ID_2, 'CRITICAL', summaryOf([impossibleTravel('Paris, FR', 'Tokyo, JP')]), { reused: true })]));
    const [request] = updates.requests;
    expect(request?.Note.Text).toBe(
      `Detective: user/alice: LOW (SUCCESSFUL), scope 2024-04-30T10:00Z/2024-05-02T12:00Z. No indicators. ${reportUrl(ID_1)}` +
        ` | role/Admin: CRITICAL (SUCCESSFUL), reused. impossible travel 1 (Paris, FR→Tokyo, JP). ${reportUrl(ID_2)}`,
    );
    expect(request?.UserDefinedFields).toMatchObject({ detective_severity: 'CRITICAL', detective_investigation_ids: `${ID_1},${ID_2}`, detective_impossible_travel: '1' });
  });

  it('writes failed, timed-out and errored investigations back as such', () => {
    const updates = compose(
      batch(
        [finding('f1', [ALICE]), finding('f2', [ADMIN]), finding('f3', [ALICE, ADMIN])],
        [outcome(ALICE, { investigationId: ID_1, status: 'TIMED_OUT' }), outcome(ADMIN, { status: 'ERROR', error: { Error: 'Detective.ValidationException', Cause: 'bad scope' } })],
      ),
    );
    expect(updates.requests.map((request) => [request.FindingIdentifiers.map((identifier) => identifier.Id), request.Note.Text, request.UserDefinedFields])).toEqual([
      [
        ['f1'],
        `Detective: user/alice: TIMED_OUT (no result before the deadline), scope 2024-04-30T10:00Z/2024-05-02T12:00Z. ${reportUrl(ID_1)}`,
        expect.objectContaining({ investigate: 'failed', detective_status: 'TIMED_OUT', detective_severity: 'NONE', detective_investigation_ids: ID_1 }),
      ],
      [
        ['f2'],
        'Detective: role/Admin: ERROR Detective.ValidationException, scope 2024-04-30T10:00Z/2024-05-02T12:00Z.',
        expect.objectContaining({ investigate: 'failed', detective_status: 'ERROR', detective_investigation_ids: 'none', detective_ttps: '0' }),
      ],
      [['f3'], expect.stringContaining(' | role/Admin: ERROR'), expect.objectContaining({ investigate: 'failed', detective_status: 'TIMED_OUT,ERROR' })],
    ]);
    expect(updates.events.flat().map((entry) => entry.Detail.findingId)).toEqual(['f1', 'f2', 'f3']);
    expect(updates.events[0]?.[1]?.Detail.principals).toEqual([
      expect.objectContaining({ status: 'ERROR', investigationId: null, reportUrl: null, error: { Error: 'Detective.ValidationException', Cause: 'bad scope' } }),
    ]);
    expect(updates.summary).toEqual({ findings: 3, investigated: 0, skipped: 0, failed: 3, updates: 3, events: 3 });
  });

  it('marks a FAILED investigation failed, not complete, so it can be run again', () => {
    const updates = compose(batch([finding('f1', [ALICE])], [outcome(ALICE, { investigationId: ID_1, status: 'FAILED' })]));
    expect(updates.requests[0]?.Note.Text).toContain('user/alice: investigation FAILED');
    expect(updates.requests[0]?.UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'FAILED' });
  });

  it('writes skipped findings back as skipped, grouped by reason, except those that were never ours to mark', () => {
    const skipped: SkippedFinding[] = [
      { id: 's1', productArn: GUARDDUTY_PRODUCT, code: 'no-iam-principal', reason: 'no IAM user, role or access key among the finding\'s resources' },
      { id: 's2', productArn: GUARDDUTY_PRODUCT, code: 'no-iam-principal', reason: 'no IAM user, role or access key among the finding\'s resources' },
      { id: 's3', productArn: GUARDDUTY_PRODUCT, code: 'below-threshold', reason: 'GuardDuty severity 2 is below the configured minimum 4' },
      { id: 's4', productArn: GUARDDUTY_PRODUCT, code: 'not-flagged', reason: 'not flagged' },
      { id: 's5', productArn: GUARDDUTY_PRODUCT, code: 'already-investigated', reason: 'already enriched' },
    ];
    const updates = compose(batch([], [], skipped));
    expect(updates.requests).toEqual([
      {
        FindingIdentifiers: [
          { Id: 's1', ProductArn: GUARDDUTY_PRODUCT },
          { Id: 's2', ProductArn: GUARDDUTY_PRODUCT },
        ],
        Note: { Text: 'opsflow did not investigate this finding with Detective: no IAM user, role or access key among the finding\'s resources', UpdatedBy: 'opsflow' },
        UserDefinedFields: { investigate: 'skipped', investigate_reason: 'no-iam-principal' },
      },
      {
        FindingIdentifiers: [{ Id: 's3', ProductArn: GUARDDUTY_PRODUCT }],
        Note: { Text: 'opsflow did not investigate this finding with Detective: GuardDuty severity 2 is below the configured minimum 4', UpdatedBy: 'opsflow' },
        UserDefinedFields: { investigate: 'skipped', investigate_reason: 'below-threshold' },
      },
    ]);
    expect(updates.events).toEqual([]);
    expect(updates.summary).toEqual({ findings: 5, investigated: 0, skipped: 5, failed: 0, updates: 3, events: 0 });
  });

  it('keeps the note within 512 characters, cutting indicators but never the link', () => {
    const long = (word: string, index: number) => `${word} ${index} ${'with a very long descriptive name '.repeat(3)}`;
    const summary = summaryOf([
      ...Array.from({ length: 10 }, (_, index) => ttp(long('Technique', index), `VeryLongApiName${index}`)),
      ...Array.from({ length: 10 }, (_, index) => flaggedIp(`2001:db8:85a3::8a2e:370:${index}`)),
      ...Array.from({ length: 10 }, (_, index) => newGeolocation(long('Somewhere', index))),
    ]);
    const updates = compose(batch([finding('f1', [ALICE])], [successful(ALICE, ID_1, 'HIGH', summary)]));
    const text = updates.requests[0]?.Note.Text ?? '';
    expect(text.length).toBeLessThanOrEqual(NOTE_LIMIT);
    expect(text.length).toBeGreaterThan(NOTE_LIMIT - 10);
    expect(text.endsWith(` ${reportUrl(ID_1)}`)).toBe(true);
    expect(text).toContain('scope 2024-04-30T10:00Z/2024-05-02T12:00Z. TTP 10 (');
    expect(text).toContain('…');
  });

  it('shares the room between principals and keeps every link whole', () => {
    const summary = summaryOf(Array.from({ length: 10 }, (_, index) => ttp(`Technique number ${index} with a long name`, `Api${index}`)));
    const principals = [ALICE, ADMIN];
    const updates = compose(batch([finding('f1', principals)], [successful(ALICE, ID_1, 'HIGH', summary), successful(ADMIN, ID_2, 'LOW', summary)]));
    const text = updates.requests[0]?.Note.Text ?? '';
    expect(text.length).toBeLessThanOrEqual(NOTE_LIMIT);
    expect(text).toContain(`${reportUrl(ID_1)} | role/Admin: LOW (SUCCESSFUL)`);
    expect(text.endsWith(reportUrl(ID_2))).toBe(true);
    expect(text.match(/TTP 10 \(/g)).toHaveLength(2);
  });

  it('lists as many whole lines as fit when a finding names many principals', () => {
    const arns = Array.from({ length: 8 }, (_, index) => `arn:aws:iam::111122223333:role/service-role-number-${index}`);
    const ids = arns.map((_, index) => String(index + 1).padStart(21, '0'));
    const updates = compose(batch([finding('f1', arns)], arns.map((arn, index) => successful(arn, ids[index] ?? '', 'MEDIUM'))));
    const text = updates.requests[0]?.Note.Text ?? '';
    expect(text.length).toBeLessThanOrEqual(NOTE_LIMIT);
    const links = text.match(/https:\/\/\S+/g) ?? [];
    expect(links.length).toBeGreaterThan(1);
    expect(links).toEqual(ids.slice(0, links.length).map(reportUrl));
    expect(text).toMatch(new RegExp(`\\+${8 - links.length} more: see UserDefinedFields\\.detective_investigation_ids$`));
    expect(updates.requests[0]?.UserDefinedFields.detective_investigation_ids).toBe(ids.join(','));
  });

  it('splits 250 findings with the same update into requests of at most 100', () => {
    const findings = Array.from({ length: 250 }, (_, index) => finding(`f${index}`, [ALICE]));
    const updates = compose(batch(findings, [successful(ALICE, ID_1)]));
    expect(updates.requests.map((request) => request.FindingIdentifiers.length)).toEqual([100, 100, 50]);
    expect(updates.requests.flatMap((request) => request.FindingIdentifiers.map((identifier) => identifier.Id))).toEqual(findings.map((item) => item.id));
    expect(new Set(updates.requests.map((request) => request.Note.Text)).size).toBe(1);
  });

  it('sends one event per investigated finding, ten per PutEvents call', () => {
    const findings = Array.from({ length: 23 }, (_, index) => finding(`f${index}`, [ALICE]));
    const updates = compose(batch(findings, [successful(ALICE, ID_1)]), configWith({ graphArn: GRAPH_ARN, eventBusName: 'security' }).findingEnrichment);
    expect(updates.events.map((call) => call.length)).toEqual([10, 10, 3]);
    expect(updates.events.flat().map((entry) => entry.Detail.findingId)).toEqual(findings.map((item) => item.id));
    expect(updates.events.flat().every((entry) => entry.EventBusName === 'security')).toBe(true);
  });

  it('raises a finding\'s severity to Detective\'s when configured, in a request of its own', () => {
    const input = batch([finding('low', [ALICE], 'LOW'), finding('critical', [ALICE], 'CRITICAL')], [successful(ALICE, ID_1, 'HIGH')]);
    const raised = compose(input, configWith({ graphArn: GRAPH_ARN, raiseSeverity: true }).findingEnrichment);
    expect(raised.requests.map((request) => [request.FindingIdentifiers.map((identifier) => identifier.Id), request.Severity])).toEqual([
      [['low'], { Label: 'HIGH' }],
      [['critical'], undefined],
    ]);
    expect(raised.events.flat().map((entry) => entry.Detail.severity)).toEqual(['HIGH', 'CRITICAL']);

    const unchanged = compose(input);
    expect(unchanged.requests).toHaveLength(1);
    expect(unchanged.requests[0]?.Severity).toBeUndefined();
  });

  it('says in the note where an ARN came from when IAM did not give it, and lists the sources in a field', () => {
    const sso = 'arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef';
    const bob = 'arn:aws:iam::111122223333:user/bob';
    const carried = 'arn:aws:iam::444455556666:role/ci/deploy';
    const updates = compose(
      batch(
        [finding('f1', [sso, bob]), finding('f2', [carried])],
        [
          successful(sso, ID_1, 'LOW', summaryOf([]), { arnOrigin: { source: 'reserved-path', iam: 'other-account', error: null } }),
          successful(bob, ID_2, 'LOW', summaryOf([]), { arnOrigin: { source: 'root-path', iam: 'not-found', error: null } }),
          successful(carried, '000000000000000000003', 'LOW', summaryOf([]), { arnOrigin: { source: 'finding', iam: 'unreadable', error: 'Iam.IamException' } }),
        ],
      ),
    );
    const [both, single] = updates.requests;
    expect(both?.Note.Text).toContain('role/…/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef (ARN assumed on the IAM Identity Center path; IAM of 444455556666 not read): LOW (SUCCESSFUL)');
    expect(both?.Note.Text).toContain('user/bob (ARN assumed on the root path; not in IAM): LOW (SUCCESSFUL)');
    expect(single?.Note.Text).toContain('role/ci/deploy (ARN from the finding; IAM unreadable (Iam.IamException)): LOW (SUCCESSFUL)');
    expect([both, single].map((request) => request?.UserDefinedFields.detective_arn_sources)).toEqual(['reserved-path,root-path', 'finding']);
    expect(both?.Note.Text.length).toBeLessThanOrEqual(NOTE_LIMIT);
  });

  it('says in the note when the scope was cut to Detective\'s one-year limit', () => {
    const scope = { ...SCOPE, scopeStartTime: '2023-05-03T12:00:00.000Z', scopeEndTime: '2024-05-02T12:00:00.000Z', scopeCut: true };
    const updates = compose(batch([finding('f1', [ALICE])], [successful(ALICE, ID_1, 'LOW', summaryOf([]), { scope })]));
    expect(updates.requests[0]?.Note.Text).toBe(
      `Detective: user/alice: LOW (SUCCESSFUL), scope 2023-05-03T12:00Z/2024-05-02T12:00Z (cut to Detective's one-year limit). No indicators. ${reportUrl(ID_1)}`,
    );
  });

  it('names a principal no run resolved by what its findings call it, with no ARN source', () => {
    const unresolved = outcome(ADMIN, { entityArn: null, arnOrigin: null, error: { Error: 'StepFunctions.ExecutionLimitExceededException', Cause: 'too many executions' } });
    const updates = compose(batch([finding('f1', [ADMIN])], [unresolved]));
    expect(updates.requests[0]?.Note.Text).toBe('Detective: role/Admin: ERROR StepFunctions.ExecutionLimitExceededException, scope 2024-04-30T10:00Z/2024-05-02T12:00Z.');
    expect(updates.requests[0]?.UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'ERROR', detective_arn_sources: 'none' });
    expect(updates.events[0]?.[0]?.Detail.principals).toEqual([expect.objectContaining({ entityArn: null, status: 'ERROR', indicatorCounts: null })]);
  });

  it('announces every indicator type Detective documents, 0 when none was found', () => {
    const updates = compose(batch([finding('f1', [ALICE])], [successful(ALICE, ID_1, 'HIGH', summaryOf([flaggedIp('198.51.100.7')]))]));
    expect(updates.events[0]?.[0]?.Detail.principals[0]?.indicatorCounts).toEqual({
      TTP_OBSERVED: 0,
      IMPOSSIBLE_TRAVEL: 0,
      FLAGGED_IP_ADDRESS: 1,
      NEW_GEOLOCATION: 0,
      NEW_ASO: 0,
      NEW_USER_AGENT: 0,
      RELATED_FINDING: 0,
      RELATED_FINDING_GROUP: 0,
    });
  });

  it('waits for the import only for the direct GuardDuty trigger', () => {
    expect(compose({ ...batch([finding('f1', [ALICE])], [successful(ALICE, ID_1)]), source: 'guardduty' }).outcome.awaitImport).toBe(true);
    expect(compose({ ...batch([finding('f1', [ALICE])], [successful(ALICE, ID_1)]), source: 'securityhub-custom-action' }).outcome.awaitImport).toBe(false);
  });

  it('refuses outcomes that do not match the findings\' principals', () => {
    const input = batch([finding('f1', [ALICE, ADMIN])], [successful(ALICE, ID_1)]);
    expect(() => compose(input)).toThrowError(expect.objectContaining({ name: 'InvalidInput', message: `findings.0.principals: ${keyOf(ADMIN)} has no outcome in principals` }));
    expect(() => compose({ ...input, principals: [successful(ALICE, ID_1), successful(ALICE, ID_2)] })).toThrowError(
      expect.objectContaining({ name: 'InvalidInput', message: `principals.1.key: ${keyOf(ALICE)} has more than one outcome` }),
    );
  });
});

describe('finding enrichment tasks in sequence', () => {
  it('carry the real GuardDuty finding from event to Security Hub update', () => {
    const work = normalizeFindings(loadSample(GUARDDUTY_ACCESS_KEY) as NormalizeFindingsInput, config, now);
    const [plan] = work.principals;
    if (!plan) throw new TypeError('normalize-findings planned no investigation');
    // The sample's account is not the workflow's: the run does not read IAM, the name stays on the root path.
    const resolved = { arn: plan.principal.fallbackArn, origin: { source: plan.principal.fallbackSource, iam: 'other-account' as const, error: null } };
    expect(planInvestigation({ investigation: { entityArn: resolved.arn, latestFirstSeenHour: plan.scope.latestFirstSeenHour }, existing: { InvestigationDetails: [] } }).reuseInvestigationId).toBeNull();
    const firstPage = summarizeIndicators({ summary: null, page: { Indicators: [flaggedIp('198.51.100.0')], NextToken: 'more' } });
    const principal = finishPrincipal({
      principal: plan.principal,
      scope: plan.scope,
      resolved,
      run: { id: ID_1, reused: false, finishedSeverity: null },
      result: { Severity: 'MEDIUM' },
      folded: { value: firstPage },
      page: { Indicators: [ttp('Account Discovery', 'GeneratedFindingAPIName', '198.51.100.0')] as never },
    });
    const [only] = work.batches;
    if (!only) throw new TypeError('normalize-findings made no batch');
    const updates = compose({ ...only, source: work.source, graphArn: GRAPH_ARN, principals: [principal] });
    expect(updates.requests).toEqual([
      expect.objectContaining({
        FindingIdentifiers: [{ Id: 'arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/30bf285e52a1e405084ff6ec28e06e17', ProductArn: GUARDDUTY_PRODUCT }],
        Note: {
          Text:
            'Detective: user/GeneratedFindingUserName (ARN assumed on the root path; IAM of 123456789012 not read): MEDIUM (SUCCESSFUL), ' +
            "scope 2023-05-03T12:00Z/2024-05-02T12:00Z (cut to Detective's one-year limit). " +
            `TTP 1 (Account Discovery GeneratedFindingAPIName); flagged IP 1 (198.51.100.0). ${reportUrl(ID_1)}`,
          UpdatedBy: 'opsflow',
        },
      }),
    ]);
  });
});

describe('compose-finding-updates handler', () => {
  it('composes through middy with the runtime config', async () => {
    const updates = await invoke(handler, batch([finding('f1', [ALICE])], [successful(ALICE, ID_1)]), configWith({ eventBusName: 'security' }));
    expect(updates.events[0]?.[0]?.EventBusName).toBe('security');
  });

  it('rejects outcomes without a behavior graph, naming the field', async () => {
    await expect(invoke(handler, { ...batch([finding('f1', [ALICE])], [successful(ALICE, ID_1)]), graphArn: null })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'graphArn: required when there are principal outcomes',
    });
  });

  it('marks skipped findings without a behavior graph: none was needed', async () => {
    const skipped = [{ id: 'f9', productArn: GUARDDUTY_PRODUCT, reason: 'no IAM user, role or access key', code: 'no-iam-principal' as const }];
    await expect(invoke(handler, { ...batch([], [], skipped), graphArn: null })).resolves.toMatchObject({
      outcome: { pending: [expect.objectContaining({ FindingIdentifiers: [{ Id: 'f9', ProductArn: GUARDDUTY_PRODUCT }] })] },
    });
  });
});
