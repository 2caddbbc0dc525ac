import { describe, expect, it } from 'vitest';
import { handler } from '../../../../handlers/findings/report-enrichment/handler.ts';
import { reportEnrichment, type ReportEnrichmentInput } from '../../../../handlers/findings/report-enrichment/task.ts';
import { GUARDDUTY_PRODUCT, invoke } from './fixtures.ts';

const identifier = (n: number) => ({ Id: `finding-${n}`, ProductArn: GUARDDUTY_PRODUCT });

const complete: ReportEnrichmentInput = {
  source: 'securityhub-imported',
  summary: { updates: 3, events: 3 },
  principals: [{ entityArn: 'arn:aws:iam::111122223333:user/alice', status: 'SUCCESSFUL' }],
  skipped: [],
  written: { updated: 3, unprocessed: [], importWaitedSeconds: 0 },
  published: [{ sent: 3, failed: 0 }],
};

describe('reportEnrichment', () => {
  it('reports a run that wrote and published everything, with no failure', () => {
    expect(reportEnrichment(complete)).toEqual({
      report: { summary: complete.summary, principals: complete.principals, skipped: [], written: { updated: 3, unprocessed: [] }, published: { sent: 3, failed: 0 } },
      failure: null,
    });
  });

  it('fails EnrichedEventsNotPublished when events were lost after their retries, saying what was written', () => {
    const result = reportEnrichment({
      ...complete,
      summary: { updates: 12, events: 12 },
      written: { updated: 12, unprocessed: [], importWaitedSeconds: 0 },
      published: [
        { sent: 10, failed: 0 },
        { sent: 0, failed: 2, findingIds: ['finding-11', 'finding-12'], error: { Error: 'EventBridge.InternalException', Cause: 'Internal service failure' } },
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
        { entityArn: 'arn:aws:iam::111122223333:user/alice', status: 'SUCCESSFUL', error: null },
        { entityArn: 'arn:aws:iam::111122223333:role/deployer', status: 'ERROR', error: { Error: 'Detective.TooManyRequestsException', Cause: 'Too Many Requests' } },
        { entityArn: 'arn:aws:iam::111122223333:user/bob', status: 'FAILED', error: null },
      ],
    });
    expect(result.failure).toEqual({
      Error: 'InvestigationsNotCompleted',
      Cause:
        'wrote 3 of 3 finding updates back to Security Hub; published 3 of 3 Finding Enriched events; not investigated: arn:aws:iam::111122223333:role/deployer (Detective.TooManyRequestsException)',
    });
  });

  it('does not fail for an investigation Detective itself reports FAILED or that ran past the deadline: that is its answer', () => {
    const principals = [
      { entityArn: 'arn:aws:iam::111122223333:user/bob', status: 'FAILED', error: null },
      { entityArn: 'arn:aws:iam::111122223333:user/carol', status: 'TIMED_OUT', error: null },
    ];
    expect(reportEnrichment({ ...complete, principals }).failure).toBeNull();
  });

  it('fails FindingsNotWritten when Security Hub did not take an update, naming the finding and its code', () => {
    const result = reportEnrichment({
      ...complete,
      written: { updated: 2, unprocessed: [{ FindingIdentifier: identifier(3), ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'Concurrent finding updates detected' }], importWaitedSeconds: 0 },
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
      summary: { updates: 1, events: 1 },
      written: { updated: 0, unprocessed: [{ FindingIdentifier: identifier(1), ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' }], importWaitedSeconds: 600 },
      published: [{ sent: 0, failed: 1, findingIds: ['finding-1'], error: { Error: 'EventBridge.FailedEntry' } }],
    });
    expect(result.failure?.Error).toBe('FindingNotImported');
    expect(result.failure?.Cause).toBe(
      'wrote 0 of 1 finding updates back to Security Hub; not written: finding-1 (FindingNotFound: Finding Not Found); ' +
        '1 GuardDuty finding(s) still not in Security Hub after waiting 600 s for the import (GuardDuty usually sends a new finding within five minutes); ' +
        'published 0 of 1 Finding Enriched events; not published after retries (EventBridge.FailedEntry) for finding-1',
    );
  });

  it('names five findings in the cause and counts the rest', () => {
    const unprocessed = Array.from({ length: 8 }, (_, index) => ({ FindingIdentifier: identifier(index), ErrorCode: 'InvalidInput' }));
    const result = reportEnrichment({ ...complete, summary: { updates: 8, events: 8 }, written: { updated: 0, unprocessed, importWaitedSeconds: 0 }, published: [{ sent: 8, failed: 0 }] });
    expect(result.failure?.Cause).toContain('not written: finding-0 (InvalidInput), finding-1 (InvalidInput), finding-2 (InvalidInput), finding-3 (InvalidInput), finding-4 (InvalidInput) and 3 more;');
  });

  it('rejects a malformed input through the handler, naming the field', async () => {
    await expect(invoke(handler, { ...complete, published: [{ sent: -1, failed: 0 }] })).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(/^published\.0\.sent: /) });
  });
});
