import { describe, expect, it } from 'vitest';
import { checkWriteBack } from '../../../../handlers/findings/check-write-back/task.ts';
import { finishPrincipal } from '../../../../handlers/findings/finish-principal/task.ts';

const id = (n: number) => ({ Id: `finding-${n}`, ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' });
const request = (...ns: number[]) => ({ FindingIdentifiers: ns.map(id), Note: { Text: 'note', UpdatedBy: 'opsflow' }, UserDefinedFields: { investigate: 'complete' } });

describe('checkWriteBack', () => {
  it('counts what was updated and sends the same update again for what was left unprocessed', () => {
    const state = checkWriteBack({
      round: 1,
      updated: 0,
      results: [
        { request: request(1, 2), result: { processed: [id(1)], unprocessed: [{ FindingIdentifier: id(2), ErrorCode: 'ConcurrentUpdateError' }] } },
        { request: request(3), result: { processed: [id(3)], unprocessed: [] } },
      ],
    });
    expect(state).toEqual({ pending: [{ ...request(2) }], round: 2, updated: 2, unprocessed: [] });
  });

  it('reports what is still unprocessed after the last round', () => {
    const left = { FindingIdentifier: id(2), ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'Concurrent finding updates detected' };
    const state = checkWriteBack({ round: 3, updated: 4, results: [{ request: request(2), result: { processed: [], unprocessed: [left] } }] });
    expect(state).toEqual({ pending: [], round: 4, updated: 4, unprocessed: [left] });
  });

  it('reports every finding of a request that failed outright, without another round', () => {
    const state = checkWriteBack({ round: 1, updated: 0, results: [{ request: request(5, 6), error: { Error: 'SecurityHub.InvalidInputException', Cause: 'bad note' } }] });
    expect(state.pending).toEqual([]);
    expect(state.unprocessed).toEqual([
      { FindingIdentifier: id(5), ErrorCode: 'SecurityHub.InvalidInputException', ErrorMessage: 'bad note' },
      { FindingIdentifier: id(6), ErrorCode: 'SecurityHub.InvalidInputException', ErrorMessage: 'bad note' },
    ]);
  });
});

describe('finishPrincipal', () => {
  const investigation = {
    entityArn: 'arn:aws:iam::123456789012:user/analyst-alice',
    entityType: 'IAM_USER' as const,
    scopeStartTime: '2024-04-30T10:00:00.000Z',
    scopeEndTime: '2024-05-02T12:00:00.000Z',
    latestFirstObservedAt: '2024-05-01T10:00:00.000Z',
    findingIds: ['f1'],
    runName: 'principal-test-2024050110',
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
