import { describe, expect, it } from 'vitest';
import { DETAIL_LIST_CAP, DETAIL_TEXT_CAP, SUMMARY_SIZE_LIMIT, indicatorSummarySchema, type IndicatorSummary } from '../../../../handlers/findings/indicators.ts';
import { handler } from '../../../../handlers/findings/summarize-indicators/handler.ts';
import { summarizeIndicators } from '../../../../handlers/findings/summarize-indicators/task.ts';
import { invoke } from './fixtures.ts';
import { flaggedIp, impossibleTravel, newAso, newGeolocation, newUserAgent, relatedFinding, relatedFindingGroup, ttp } from './indicators.ts';

const fold = (summary: IndicatorSummary | null, Indicators: unknown[], NextToken?: string) =>
  summarizeIndicators({ summary, page: { Indicators: Indicators as never, ...(NextToken ? { NextToken } : {}) } });

describe('summarizeIndicators', () => {
  it('folds pages of indicators into counts and deduplicated details', () => {
    const first = fold(
      null,
      [ttp('Account Discovery', 'ListUsers'), ttp('Account Discovery', 'ListUsers'), flaggedIp('198.51.100.7'), impossibleTravel('Paris, FR', 'Tokyo, JP')],
      'page-2',
    );
    expect(first.nextToken).toBe('page-2');
    const summary = fold(first, [ttp('Impair Defenses', 'StopLogging', '198.51.100.7', 'Defense Evasion'), flaggedIp('198.51.100.7'), newGeolocation('Tokyo, JP'), newAso('ExampleNet'), newUserAgent('curl/8.0'), relatedFinding('arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f'), relatedFindingGroup('group-1')]);

    expect(summary.counts).toEqual({
      TTP_OBSERVED: 3,
      IMPOSSIBLE_TRAVEL: 1,
      FLAGGED_IP_ADDRESS: 2,
      NEW_GEOLOCATION: 1,
      NEW_ASO: 1,
      NEW_USER_AGENT: 1,
      RELATED_FINDING: 1,
      RELATED_FINDING_GROUP: 1,
    });
    expect(summary.ttps).toEqual([
      { tactic: 'Discovery', technique: 'Account Discovery', procedure: 'ListUsers called', apiName: 'ListUsers', ipAddress: '198.51.100.7', apiSuccessCount: 3, apiFailureCount: 1 },
      { tactic: 'Defense Evasion', technique: 'Impair Defenses', procedure: 'StopLogging called', apiName: 'StopLogging', ipAddress: '198.51.100.7', apiSuccessCount: 3, apiFailureCount: 1 },
    ]);
    expect(summary.flaggedIps).toEqual([{ ipAddress: '198.51.100.7', reason: 'AWS_THREAT_INTELLIGENCE' }]);
    expect(summary.impossibleTravel).toEqual([
      { startingIpAddress: '192.0.2.1', endingIpAddress: '203.0.113.9', startingLocation: 'Paris, FR', endingLocation: 'Tokyo, JP', hourlyTimeDelta: 1 },
    ]);
    expect(summary.newGeolocations).toEqual([{ location: 'Tokyo, JP', ipAddress: '203.0.113.9', isNewForEntireAccount: true }]);
    expect(summary.newAsos).toEqual([{ aso: 'ExampleNet', isNewForEntireAccount: false }]);
    expect(summary.newUserAgents).toEqual([{ userAgent: 'curl/8.0', isNewForEntireAccount: false }]);
    expect(summary.relatedFindings).toEqual([{ arn: 'arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f', type: 'Recon:IAMUser/MaliciousIPCaller', ipAddress: '198.51.100.7' }]);
    expect(summary.relatedFindingGroups).toEqual(['group-1']);
    expect(summary.pages).toBe(2);
    expect(summary.nextToken).toBeNull();
  });

  it('does not change the summary it was given', () => {
    const first = fold(null, [flaggedIp('192.0.2.1')]);
    const copy = structuredClone(first);
    fold(first, [flaggedIp('192.0.2.2')]);
    expect(first).toEqual(copy);
  });

  it('counts every indicator but keeps at most the cap of details per list', () => {
    const ips = Array.from({ length: 50 }, (_, index) => flaggedIp(`192.0.2.${index}`));
    const summary = fold(null, ips);
    expect(summary.counts.FLAGGED_IP_ADDRESS).toBe(50);
    expect(summary.flaggedIps).toHaveLength(DETAIL_LIST_CAP);
    expect(summary.flaggedIps[0]).toEqual({ ipAddress: '192.0.2.0', reason: 'AWS_THREAT_INTELLIGENCE' });
  });

  it('cuts long details to a bounded length', () => {
    const summary = fold(null, [newUserAgent('Mozilla/5.0 '.repeat(100))]);
    const kept = summary.newUserAgents[0]?.userAgent ?? '';
    expect(kept).toHaveLength(DETAIL_TEXT_CAP);
    expect(kept.endsWith('…')).toBe(true);
  });

  it('counts an indicator type Detective adds later under its own name', () => {
    const summary = fold(null, [{ IndicatorType: 'SOMETHING_NEW', IndicatorDetail: {} }, { IndicatorDetail: {} }]);
    expect(summary.counts.SOMETHING_NEW).toBe(1);
    expect(Object.values(summary.counts).reduce((total, count) => total + count, 0)).toBe(1);
  });

  it('stays small however many pages of long indicators it folds', () => {
    const long = (prefix: string, index: number) => `${prefix}-${index}-${'x'.repeat(500)}`;
    let summary: IndicatorSummary | null = null;
    for (let page = 0; page < 20; page += 1) {
      const indicators = Array.from({ length: 100 }, (_, index) => {
        const n = page * 100 + index;
        return [
          ttp(long('technique', n), long('api', n), long('ip', n), long('tactic', n)),
          impossibleTravel(long('from', n), long('to', n)),
          flaggedIp(long('ip', n)),
          newGeolocation(long('geo', n)),
          newAso(long('aso', n)),
          newUserAgent(long('agent', n)),
          relatedFinding(long('arn', n)),
          relatedFindingGroup(long('group', n)),
        ][n % 8];
      });
      summary = fold(summary, indicators, `token-${page}`);
    }
    expect(summary?.counts).toMatchObject({ TTP_OBSERVED: 250, RELATED_FINDING_GROUP: 250 });
    expect(JSON.stringify(summary).length).toBeLessThanOrEqual(SUMMARY_SIZE_LIMIT);
    // Trimming spreads the room: every kind of indicator keeps some of its details.
    for (const list of [summary?.ttps, summary?.impossibleTravel, summary?.flaggedIps, summary?.newGeolocations, summary?.newAsos, summary?.newUserAgents, summary?.relatedFindings, summary?.relatedFindingGroups]) {
      expect(list?.length).toBeGreaterThan(0);
    }
  });
});

describe('summarize-indicators handler', () => {
  it('takes the first page without a summary and returns a summary its schema accepts', async () => {
    const summary = await invoke(handler, { page: { Indicators: [ttp('Account Discovery', 'ListUsers')], NextToken: 'next' } });
    expect(indicatorSummarySchema.safeParse(summary).success).toBe(true);
    expect(summary).toMatchObject({ pages: 1, nextToken: 'next', counts: { TTP_OBSERVED: 1 } });
  });

  it('takes an empty last page', async () => {
    const first = fold(null, [flaggedIp('192.0.2.1')], 'next');
    await expect(invoke(handler, { summary: first, page: {} })).resolves.toMatchObject({ pages: 2, nextToken: null, counts: { FLAGGED_IP_ADDRESS: 1 } });
  });

  it('rejects a page that is not a ListIndicators response, naming the field', async () => {
    await expect(invoke(handler, { summary: null, page: { Indicators: 'none' } })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: 'page.Indicators: Invalid input: expected array, received string',
    });
  });
});
