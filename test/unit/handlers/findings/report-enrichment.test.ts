import { describe, expect, it } from 'vitest';
import { handler } from '../../../../handlers/findings/report-enrichment/handler.ts';
import { reportEnrichment, type ReportEnrichmentInput } from '../../../../handlers/findings/report-enrichment/task.ts';
import { GUARDDUTY_PRODUCT, invoke } from './fixtures.ts';

const identifier = (n: number) => ({ Id: `finding-${n}`, ProductArn: GUARDDUTY_PRODUCT });

type Principal = ReportEnrichmentInput['principals'][number];
type BatchOutcome = ReportEnrichmentInput['outcomes'][number];

const principal = (entityArn: string, status: string, changes: Partial<Principal> = {}): Principal => {
  const [kind = '', name = ''] = (entityArn.split(':')[5] ?? '').split('/');
  return { key: `aws:111122223333:${kind}:${name}`, kind, name, entityArn, investigationId: '000000000000000000001', reused: false, status, error: null, ...changes };
};

/** A batch that wrote and published everything. */
const written = (findings: number, changes: Partial<BatchOutcome> = {}): BatchOutcome => ({
  summary: { findings, investigated: findings, skipped: 0, failed: 0, updates: findings, events: findings },
  updated: findings,
  unprocessed: [],
  importWaitedSeconds: 0,
  published: [{ sent: findings, failed: 0 }],
  ...changes,
});

const complete: ReportEnrichmentInput = {
  source: 'securityhub-imported',
  principals: [principal('arn:aws:iam::111122223333:user/alice', 'SUCCESSFUL')],
  batches: [{ skipped: [] }],
  outcomes: [written(3)],
};

describe('reportEnrichment', () => {
  it('reports a run that wrote and published everything, with no failure', () => {
    expect(reportEnrichment(complete)).toEqual({
      report: {
        summary: { findings: 3, investigated: 3, skipped: 0, investigationsStarted: 1, investigationsReused: 0, failed: 0, updates: 3, events: 3 },
        principals: complete.principals,
        skipped: [],
        written: { updated: 3, unprocessed: [] },
        published: { sent: 3, failed: 0 },
      },
      failure: null,
    });
  });

  it('sums its batches, counts the investigations once per principal, and lists every skipped finding', () => {
    const skipped = [{ id: 's1', code: 'no-iam-principal' }, { id: 's2', code: 'not-guardduty' }];
    const result = reportEnrichment({
      ...complete,
      principals: [
        principal('arn:aws:iam::111122223333:user/alice', 'SUCCESSFUL'),
        principal('arn:aws:iam::111122223333:role/deployer', 'SUCCESSFUL', { reused: true }),
        principal('arn:aws:iam::111122223333:user/bob', 'ERROR', { investigationId: null, entityArn: null }),
      ],
      batches: [{ skipped: [] }, { skipped }],
      outcomes: [
        written(25),
        written(7, { summary: { findings: 7, investigated: 3, skipped: 2, failed: 2, updates: 7, events: 5 }, published: [{ sent: 5, failed: 0 }] }),
      ],
    });
    expect(result.report.summary).toEqual({ findings: 32, investigated: 28, skipped: 2, investigationsStarted: 1, investigationsReused: 1, failed: 2, updates: 32, events: 30 });
    expect(result.report.skipped).toEqual(skipped);
    expect(result.report.written.updated).toBe(32);
    expect(result.report.published).toEqual({ sent: 30, failed: 0 });
  });

  it('fails EnrichedEventsNotPublished when events were lost after their retries, saying what was written', () => {
    const result = reportEnrichment({
      ...complete,
      outcomes: [
        written(12, {
          published: [
            { sent: 10, failed: 0 },
            { sent: 0, failed: 2, findingIds: ['finding-11', 'finding-12'], error: { Error: 'EventBridge.InternalException', Cause: 'Internal service failure' } },
          ],
        }),
      ],
    });
    expect(result.report.published).toEqual({ sent: 10, failed: 2 });
    expect(result.failure).toEqual({
      Error: 'EnrichedEventsNotPublished',
      Cause: 'wrote 12 of 12 finding updates back to Security Hub; published 10 of 12 Finding Enriched events; not published after retries (EventBridge.InternalException) for finding-11, finding-12',
    });
  });

  it('fails InvestigationsNotCompleted when a principal could not be investigated, after writing and publishing everything', () => {
    const result = reportEnrichment({
      ...complete,
      principals: [
        principal('arn:aws:iam::111122223333:user/alice', 'SUCCESSFUL'),
        principal('arn:aws:iam::111122223333:role/deployer', 'ERROR', { error: { Error: 'Detective.TooManyRequestsException', Cause: 'Too Many Requests' } }),
        principal('arn:aws:iam::111122223333:user/bob', 'FAILED'),
        principal('arn:aws:iam::111122223333:user/carol', 'ERROR', { entityArn: null, error: { Error: 'InvestigationRunsExhausted' } }),
      ],
    });
    expect(result.failure).toEqual({
      Error: 'InvestigationsNotCompleted',
      Cause:
        'wrote 3 of 3 finding updates back to Security Hub; published 3 of 3 Finding Enriched events; not investigated: ' +
        'arn:aws:iam::111122223333:role/deployer (Detective.TooManyRequestsException), user/carol in 111122223333 (InvestigationRunsExhausted)',
    });
  });

  it('does not fail for an investigation Detective itself reports FAILED or that ran past the deadline: that is its answer', () => {
    const principals = [principal('arn:aws:iam::111122223333:user/bob', 'FAILED'), principal('arn:aws:iam::111122223333:user/carol', 'TIMED_OUT')];
    expect(reportEnrichment({ ...complete, principals }).failure).toBeNull();
  });

  it('fails FindingsNotWritten when Security Hub did not take an update, naming the finding and its code', () => {
    const result = reportEnrichment({
      ...complete,
      outcomes: [written(3, { updated: 2, unprocessed: [{ FindingIdentifier: identifier(3), ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'Concurrent finding updates detected' }] })],
    });
    expect(result.failure).toEqual({
      Error: 'FindingsNotWritten',
      Cause: 'wrote 2 of 3 finding updates back to Security Hub; not written: finding-3 (ConcurrentUpdateError: Concurrent finding updates detected); published 3 of 3 Finding Enriched events',
    });
  });

  it('fails FindingNotImported when a direct GuardDuty finding never reached Security Hub, before any other name', () => {
    const result = reportEnrichment({
      ...complete,
      source: 'guardduty',
      outcomes: [
        written(1, {
          updated: 0,
          unprocessed: [{ FindingIdentifier: identifier(1), ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' }],
          importWaitedSeconds: 600,
          published: [{ sent: 0, failed: 1, findingIds: ['finding-1'], error: { Error: 'EventBridge.FailedEntry' } }],
        }),
      ],
    });
    expect(result.failure?.Error).toBe('FindingNotImported');
    expect(result.failure?.Cause).toBe(
      'wrote 0 of 1 finding updates back to Security Hub; not written: finding-1 (FindingNotFound: Finding Not Found); ' +
        '1 GuardDuty finding(s) still not in Security Hub after waiting 600 s for the import (GuardDuty usually sends a new finding within five minutes); ' +
        'published 0 of 1 Finding Enriched events; not published after retries (EventBridge.FailedEntry) for finding-1',
    );
  });

  it('names five findings in the cause and counts the rest, across batches', () => {
    const unprocessed = Array.from({ length: 8 }, (_, index) => ({ FindingIdentifier: identifier(index), ErrorCode: 'InvalidInput' }));
    const result = reportEnrichment({ ...complete, outcomes: [written(5, { updated: 0, unprocessed: unprocessed.slice(0, 5) }), written(3, { updated: 0, unprocessed: unprocessed.slice(5) })] });
    expect(result.failure?.Cause).toContain('not written: finding-0 (InvalidInput), finding-1 (InvalidInput), finding-2 (InvalidInput), finding-3 (InvalidInput), finding-4 (InvalidInput) and 3 more;');
  });

  it('rejects a malformed input through the handler, naming the field', async () => {
    await expect(invoke(handler, { ...complete, outcomes: [written(1, { published: [{ sent: -1, failed: 0 }] })] })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/^outcomes\.0\.published\.0\.sent: /),
    });
  });
});
