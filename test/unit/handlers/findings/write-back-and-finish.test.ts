import { describe, expect, it } from 'vitest';
import {
  IMPORT_WAIT_BUDGET_SECONDS,
  IMPORT_WAIT_SECONDS,
  MAX_WRITE_ROUNDS,
  RETRY_WAIT_SECONDS,
  checkWriteBack,
} from '../../../../handlers/findings/check-write-back/task.ts';
import { finishPrincipal } from '../../../../handlers/findings/finish-principal/task.ts';

const id = (n: number) => ({ Id: `finding-${n}`, ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' });
const request = (...ns: number[]) => ({ FindingIdentifiers: ns.map(id), Note: { Text: 'note', UpdatedBy: 'opsflow' }, UserDefinedFields: { investigate: 'complete' } });

const NOT_FOUND = 'FindingNotFound';
const first = { round: 1, updated: 0, retriedRounds: 0, importWaitedSeconds: 0, unprocessed: [] };
const fromSecurityHub = { ...first, source: 'securityhub-imported' as const };
const fromGuardDuty = { ...first, source: 'guardduty' as const };
const unprocessed = (n: number, ErrorCode: string, ErrorMessage?: string) => ({ FindingIdentifier: id(n), ErrorCode, ...(ErrorMessage ? { ErrorMessage } : {}) });

describe('checkWriteBack', () => {
  it('counts what was updated and sends the same update again after a concurrent update, two seconds later', () => {
    const state = checkWriteBack({
      ...fromSecurityHub,
      results: [
        { request: request(1, 2), result: { processed: [id(1)], unprocessed: [unprocessed(2, 'ConcurrentUpdateError')] } },
        { request: request(3), result: { processed: [id(3)], unprocessed: [] } },
      ],
    });
    expect(state).toEqual({ pending: [{ ...request(2) }], waitSeconds: RETRY_WAIT_SECONDS, round: 2, updated: 2, retriedRounds: 1, importWaitedSeconds: 0, unprocessed: [] });
  });

  it('reports what is still unprocessed after the last round, keeping what earlier rounds gave up on', () => {
    const left = unprocessed(2, 'ConcurrentUpdateError', 'Concurrent finding updates detected');
    const earlier = unprocessed(9, 'InvalidInput', 'Invalid Input');
    const state = checkWriteBack({ ...fromSecurityHub, round: 3, updated: 4, retriedRounds: MAX_WRITE_ROUNDS - 1, unprocessed: [earlier], results: [{ request: request(2), result: { processed: [], unprocessed: [left] } }] });
    expect(state).toMatchObject({ pending: [], round: 4, updated: 4, unprocessed: [earlier, left] });
  });

  it('does not send again what sending again cannot fix', () => {
    const refused = [unprocessed(1, 'InvalidInput', 'Invalid Input'), unprocessed(2, 'FindingSizeExceeded'), unprocessed(3, NOT_FOUND, 'Finding Not Found')];
    const state = checkWriteBack({ ...fromSecurityHub, results: [{ request: request(1, 2, 3), result: { processed: [], unprocessed: refused } }] });
    expect(state).toMatchObject({ pending: [], unprocessed: refused, retriedRounds: 0, importWaitedSeconds: 0 });
  });

  it('reports every finding of a request that failed outright, without another round', () => {
    const state = checkWriteBack({ ...fromSecurityHub, results: [{ request: request(5, 6), error: { Error: 'SecurityHub.InvalidInputException', Cause: 'bad note' } }] });
    expect(state.pending).toEqual([]);
    expect(state.unprocessed).toEqual([
      { FindingIdentifier: id(5), ErrorCode: 'SecurityHub.InvalidInputException', ErrorMessage: 'bad note' },
      { FindingIdentifier: id(6), ErrorCode: 'SecurityHub.InvalidInputException', ErrorMessage: 'bad note' },
    ]);
  });

  it('waits a minute at a time for a direct GuardDuty finding Security Hub has not imported yet', () => {
    const state = checkWriteBack({ ...fromGuardDuty, results: [{ request: request(1, 2), result: { processed: [id(1)], unprocessed: [unprocessed(2, NOT_FOUND, 'Finding Not Found')] } }] });
    expect(state).toEqual({ pending: [request(2)], waitSeconds: IMPORT_WAIT_SECONDS, round: 2, updated: 1, retriedRounds: 0, importWaitedSeconds: IMPORT_WAIT_SECONDS, unprocessed: [] });
  });

  it('gives up on the import after twice the lag GuardDuty documents, and reports the finding', () => {
    const left = unprocessed(2, NOT_FOUND, 'Finding Not Found');
    let state = checkWriteBack({ ...fromGuardDuty, results: [{ request: request(2), result: { processed: [], unprocessed: [left] } }] });
    let rounds = 1;
    while (state.pending.length > 0) {
      state = checkWriteBack({ ...state, source: 'guardduty', results: [{ request: request(2), result: { processed: [], unprocessed: [left] } }] });
      rounds += 1;
    }
    expect(IMPORT_WAIT_BUDGET_SECONDS).toBeGreaterThanOrEqual(2 * 5 * 60);
    expect(state.importWaitedSeconds).toBe(IMPORT_WAIT_BUDGET_SECONDS);
    expect(rounds).toBe(IMPORT_WAIT_BUDGET_SECONDS / IMPORT_WAIT_SECONDS + 1);
    expect(state.unprocessed).toEqual([left]);
  });

  it('waits for the import and retries a concurrent update in the same round, at the longer wait', () => {
    const state = checkWriteBack({
      ...fromGuardDuty,
      results: [{ request: request(1, 2), result: { processed: [], unprocessed: [unprocessed(1, NOT_FOUND), unprocessed(2, 'ConcurrentUpdateError')] } }],
    });
    expect(state).toMatchObject({ pending: [request(1, 2)], waitSeconds: IMPORT_WAIT_SECONDS, retriedRounds: 1, importWaitedSeconds: IMPORT_WAIT_SECONDS });
  });
});

describe('finishPrincipal', () => {
  /** What finding-enrichment tells the run about its principal. */
  const investigation = {
    entityArn: 'arn:aws:iam::123456789012:user/analyst-alice',
    entityType: 'IAM_USER' as const,
    scopeStartTime: '2024-04-30T10:00:00.000Z',
    scopeEndTime: '2024-05-02T12:00:00.000Z',
    latestFirstSeenHour: '2024-05-01T10:00:00.000Z',
  };
  const page = { Indicators: [{ IndicatorType: 'FLAGGED_IP_ADDRESS', IndicatorDetail: { FlaggedIpAddressDetail: { IpAddress: '198.51.100.7', Reason: 'AWS_THREAT_INTELLIGENCE' } } }] };

  it('reports the polled verdict with the last page folded in', () => {
    const result = finishPrincipal({ investigation, run: { id: '001', reused: false }, result: { Severity: 'HIGH' }, folded: { value: null }, page });
    expect(result).toMatchObject({ entityArn: investigation.entityArn, investigationId: '001', reused: false, status: 'SUCCESSFUL', severity: 'HIGH', error: null });
    expect(result.summary?.counts.FLAGGED_IP_ADDRESS).toBe(1);
  });

  it("takes a reused finished investigation's severity from ListInvestigations", () => {
    expect(finishPrincipal({ investigation, run: { id: '002', reused: true, finishedSeverity: 'MEDIUM' }, folded: { value: null }, page }).severity).toBe('MEDIUM');
  });
});
