import { describe, expect, it } from 'vitest';
import {
  IMPORT_WAIT_BUDGET_SECONDS,
  IMPORT_WAIT_SECONDS,
  MAX_WRITE_ROUNDS,
  RETRY_WAIT_SECONDS,
  checkWriteBack,
} from '../../../../handlers/findings/check-write-back/task.ts';
import { finishPrincipal } from '../../../../handlers/findings/finish-principal/task.ts';
import { INDICATORS_TEXT_LIMIT } from '../../../../handlers/findings/indicators.ts';
import { summarizeIndicators } from '../../../../handlers/findings/summarize-indicators/task.ts';

const id = (n: number) => ({ Id: `finding-${n}`, ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' });
const request = (...ns: number[]) => ({ FindingIdentifiers: ns.map(id), Note: { Text: 'note', UpdatedBy: 'opsflow' }, UserDefinedFields: { investigate: 'complete' } });

const NOT_FOUND = 'FindingNotFound';
const first = { round: 1, updated: 0, retriedRounds: 0, importWaitedSeconds: 0, waitSeconds: 0, unprocessed: [] };
const fromSecurityHub = { ...first, awaitImport: false };
const fromGuardDuty = { ...first, awaitImport: true };
const unprocessed = (n: number, ErrorCode: string, ErrorMessage?: string) => ({ FindingIdentifier: id(n), ErrorCode, ...(ErrorMessage ? { ErrorMessage } : {}) });

/** What the write-back Map keeps of a request Security Hub answered: how many it processed, and those it did not. */
const answered = (processed: number, left: ReturnType<typeof unprocessed>[] = []) => ({ processed, unprocessed: left });

describe('checkWriteBack', () => {
  it('counts what was updated and sends the same update again after a concurrent update, two seconds later', () => {
    const state = checkWriteBack({
      ...fromSecurityHub,
      pending: [request(1, 2), request(3)],
      results: [answered(1, [unprocessed(2, 'ConcurrentUpdateError')]), answered(1)],
    });
    expect(state).toEqual({ ...fromSecurityHub, pending: [request(2)], waitSeconds: RETRY_WAIT_SECONDS, round: 2, updated: 2, retriedRounds: 1, importWaitedSeconds: 0, unprocessed: [] });
  });

  it('carries what it does not read, and drops the round\'s results', () => {
    const summary = { findings: 1, investigated: 1, skipped: 0, failed: 0, updates: 1, events: 1 };
    const state = checkWriteBack({ ...fromSecurityHub, summary, pending: [request(1)], results: [answered(1)] });
    expect(state).toMatchObject({ summary, awaitImport: false, pending: [], updated: 1 });
    expect(state).not.toHaveProperty('results');
  });

  it('reports what is still unprocessed after the last round, keeping what earlier rounds gave up on', () => {
    const left = unprocessed(2, 'ConcurrentUpdateError', 'Concurrent finding updates detected');
    const earlier = unprocessed(9, 'InvalidInput', 'Invalid Input');
    const state = checkWriteBack({ ...fromSecurityHub, round: 3, updated: 4, retriedRounds: MAX_WRITE_ROUNDS - 1, unprocessed: [earlier], pending: [request(2)], results: [answered(0, [left])] });
    expect(state).toMatchObject({ pending: [], round: 4, updated: 4, unprocessed: [earlier, left] });
  });

  it('does not send again what sending again cannot fix', () => {
    const refused = [unprocessed(1, 'InvalidInput', 'Invalid Input'), unprocessed(2, 'FindingSizeExceeded'), unprocessed(3, NOT_FOUND, 'Finding Not Found')];
    const state = checkWriteBack({ ...fromSecurityHub, pending: [request(1, 2, 3)], results: [answered(0, refused)] });
    expect(state).toMatchObject({ pending: [], unprocessed: refused, retriedRounds: 0, importWaitedSeconds: 0 });
  });

  it('reports every finding of a request that failed outright, without another round', () => {
    const state = checkWriteBack({ ...fromSecurityHub, pending: [request(5, 6)], results: [{ error: { Error: 'SecurityHub.InvalidInputException', Cause: 'bad note' } }] });
    expect(state.pending).toEqual([]);
    expect(state.unprocessed).toEqual([
      { FindingIdentifier: id(5), ErrorCode: 'SecurityHub.InvalidInputException', ErrorMessage: 'bad note' },
      { FindingIdentifier: id(6), ErrorCode: 'SecurityHub.InvalidInputException', ErrorMessage: 'bad note' },
    ]);
  });

  it('waits a minute at a time for a direct GuardDuty finding Security Hub has not imported yet', () => {
    const state = checkWriteBack({ ...fromGuardDuty, pending: [request(1, 2)], results: [answered(1, [unprocessed(2, NOT_FOUND, 'Finding Not Found')])] });
    expect(state).toEqual({ ...fromGuardDuty, pending: [request(2)], waitSeconds: IMPORT_WAIT_SECONDS, round: 2, updated: 1, retriedRounds: 0, importWaitedSeconds: IMPORT_WAIT_SECONDS, unprocessed: [] });
  });

  it('gives up on the import after twice the lag GuardDuty documents, and reports the finding', () => {
    const left = unprocessed(2, NOT_FOUND, 'Finding Not Found');
    let state = checkWriteBack({ ...fromGuardDuty, pending: [request(2)], results: [answered(0, [left])] });
    let rounds = 1;
    while (state.pending.length > 0) {
      state = checkWriteBack({ ...state, results: [answered(0, [left])] });
      rounds += 1;
    }
    expect(IMPORT_WAIT_BUDGET_SECONDS).toBeGreaterThanOrEqual(2 * 5 * 60);
    expect(state.importWaitedSeconds).toBe(IMPORT_WAIT_BUDGET_SECONDS);
    expect(rounds).toBe(IMPORT_WAIT_BUDGET_SECONDS / IMPORT_WAIT_SECONDS + 1);
    expect(state.unprocessed).toEqual([left]);
  });

  it('waits for the import and retries a concurrent update in the same round, at the longer wait', () => {
    const state = checkWriteBack({ ...fromGuardDuty, pending: [request(1, 2)], results: [answered(0, [unprocessed(1, NOT_FOUND), unprocessed(2, 'ConcurrentUpdateError')])] });
    expect(state).toMatchObject({ pending: [request(1, 2)], waitSeconds: IMPORT_WAIT_SECONDS, retriedRounds: 1, importWaitedSeconds: IMPORT_WAIT_SECONDS });
  });

  it('refuses results that do not match the requests sent', () => {
    expect(() => checkWriteBack({ ...fromSecurityHub, pending: [request(1), request(2)], results: [answered(1)] })).toThrowError(
      expect.objectContaining({ name: 'InvalidInput', message: 'results: 1 results for 2 requests sent' }),
    );
  });
});

describe('finishPrincipal', () => {
  /** What finding-enrichment tells the run about its principal, and the ARN the run resolved. */
  const principal = { key: 'aws:123456789012:user:analyst-alice', kind: 'user' as const, name: 'analyst-alice', account: '123456789012', partition: 'aws', fallbackArn: 'arn:aws:iam::123456789012:user/analyst-alice', fallbackSource: 'finding' as const };
  const scope = { scopeStartTime: '2024-04-30T10:00:00.000Z', scopeEndTime: '2024-05-02T12:00:00.000Z', scopeCut: false, latestFirstSeenHour: '2024-05-01T10:00:00.000Z' };
  const resolved = { arn: 'arn:aws:iam::123456789012:user/analyst-alice', origin: { source: 'iam' as const, iam: 'read' as const, error: null } };
  const flagged = { IndicatorType: 'FLAGGED_IP_ADDRESS', IndicatorDetail: { FlaggedIpAddressDetail: { IpAddress: '198.51.100.7', Reason: 'AWS_THREAT_INTELLIGENCE' } } };

  it('reports the polled verdict with the last page folded in: counts found and the indicators in words, not their details', () => {
    const earlier = summarizeIndicators({ summary: null, page: { Indicators: [flagged], NextToken: 'more' } });
    const result = finishPrincipal({ principal, scope, resolved, run: { id: '001', reused: false }, result: { Severity: 'HIGH' }, folded: { value: earlier }, page: { Indicators: [flagged] } });
    expect(result).toEqual({
      key: principal.key,
      kind: 'user',
      name: 'analyst-alice',
      entityArn: resolved.arn,
      arnOrigin: resolved.origin,
      scope,
      investigationId: '001',
      reused: false,
      status: 'SUCCESSFUL',
      severity: 'HIGH',
      counts: { FLAGGED_IP_ADDRESS: 2 },
      indicators: 'flagged IP 2 (198.51.100.7).',
      error: null,
    });
  });

  it("takes a reused finished investigation's severity from ListInvestigations", () => {
    expect(finishPrincipal({ principal, scope, resolved, run: { id: '002', reused: true, finishedSeverity: 'MEDIUM' }, folded: { value: null }, page: { Indicators: [] } }).severity).toBe('MEDIUM');
  });

  it('describes the indicators in at most the 512 characters a note can show', () => {
    const agents = Array.from({ length: 60 }, (_, index) => ({ IndicatorType: `SOME_FUTURE_TYPE_WITH_A_LONG_NAME_${index}` }));
    const result = finishPrincipal({ principal, scope, resolved, run: { id: '003', reused: false }, result: { Severity: 'LOW' }, folded: { value: null }, page: { Indicators: agents } });
    expect(result.indicators?.length).toBe(INDICATORS_TEXT_LIMIT);
    expect(result.indicators?.endsWith('…')).toBe(true);
    expect(Object.keys(result.counts ?? {})).toHaveLength(60);
  });
});
