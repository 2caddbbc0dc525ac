import * as z from 'zod/mini';
import {
  DETAIL_LIST_CAP,
  IndicatorType,
  SUMMARY_SIZE_LIMIT,
  capText,
  emptyIndicatorSummary,
  indicatorSummarySchema,
  type IndicatorSummary,
} from '../indicators.ts';

const text = z.optional(z.string());
const isNew = z.optional(z.boolean());

/** One Detective Indicator (ListIndicators); every member is optional in the API reference. */
const indicatorSchema = z.looseObject({
  IndicatorType: text,
  IndicatorDetail: z.optional(z.looseObject({
    TTPsObservedDetail: z.optional(z.looseObject({
      Tactic: text,
      Technique: text,
      Procedure: text,
      IpAddress: text,
      APIName: text,
      APISuccessCount: z.optional(z.number()),
      APIFailureCount: z.optional(z.number()),
    })),
    ImpossibleTravelDetail: z.optional(z.looseObject({
      StartingIpAddress: text,
      EndingIpAddress: text,
      StartingLocation: text,
      EndingLocation: text,
      HourlyTimeDelta: z.optional(z.number()),
    })),
    FlaggedIpAddressDetail: z.optional(z.looseObject({ IpAddress: text, Reason: text })),
    NewGeolocationDetail: z.optional(z.looseObject({ Location: text, IpAddress: text, IsNewForEntireAccount: isNew })),
    NewAsoDetail: z.optional(z.looseObject({ Aso: text, IsNewForEntireAccount: isNew })),
    NewUserAgentDetail: z.optional(z.looseObject({ UserAgent: text, IsNewForEntireAccount: isNew })),
    RelatedFindingDetail: z.optional(z.looseObject({ Arn: text, Type: text, IpAddress: text })),
    RelatedFindingGroupDetail: z.optional(z.looseObject({ Id: text })),
  })),
});
type Indicator = z.infer<typeof indicatorSchema>;

export const summarizeIndicatorsInput = z.looseObject({
  /** The summary so far: null (or absent) for the first page. */
  summary: z.optional(z.nullable(indicatorSummarySchema)),
  /** One ListIndicators response as the SDK integration returns it. */
  page: z.looseObject({
    Indicators: z.optional(z.array(indicatorSchema)),
    NextToken: z.optional(z.string()),
  }),
});
export type SummarizeIndicatorsInput = z.infer<typeof summarizeIndicatorsInput>;

/** Folds one page of indicators into the summary: the state machine calls it once per ListIndicators page. */
export function summarizeIndicators(input: SummarizeIndicatorsInput): IndicatorSummary {
  const summary = input.summary ? structuredClone(input.summary) : emptyIndicatorSummary();
  for (const indicator of input.page.Indicators ?? []) fold(summary, indicator);
  summary.pages += 1;
  summary.nextToken = input.page.NextToken ?? null;
  trimToSize(summary);
  return summary;
}

const DETAIL_LISTS = [
  'ttps',
  'impossibleTravel',
  'flaggedIps',
  'newGeolocations',
  'newAsos',
  'newUserAgents',
  'relatedFindings',
  'relatedFindingGroups',
] as const satisfies ReadonlyArray<keyof IndicatorSummary>;

/** Drops the last detail of the bulkiest list until the summary fits, so no one kind of indicator crowds out the rest. */
function trimToSize(summary: IndicatorSummary): void {
  const size = (value: unknown): number => JSON.stringify(value).length;
  while (size(summary) > SUMMARY_SIZE_LIMIT) {
    const bulkiest = DETAIL_LISTS.reduce((largest, list) => (size(summary[list]) > size(summary[largest]) ? list : largest));
    const details: unknown[] = summary[bulkiest];
    if (details.length === 0) return;
    details.pop();
  }
}

function fold(summary: IndicatorSummary, indicator: Indicator): void {
  const type = indicator.IndicatorType;
  if (type === undefined) return;
  summary.counts[type] = (summary.counts[type] ?? 0) + 1;
  const detail = indicator.IndicatorDetail;
  switch (type) {
    case IndicatorType.TtpObserved: {
      const ttp = detail?.TTPsObservedDetail;
      if (ttp) {
        keep(summary.ttps, {
          tactic: capText(ttp.Tactic),
          technique: capText(ttp.Technique),
          procedure: capText(ttp.Procedure),
          apiName: capText(ttp.APIName),
          ipAddress: capText(ttp.IpAddress),
          apiSuccessCount: ttp.APISuccessCount,
          apiFailureCount: ttp.APIFailureCount,
        });
      }
      return;
    }
    case IndicatorType.ImpossibleTravel: {
      const travel = detail?.ImpossibleTravelDetail;
      if (travel) {
        keep(summary.impossibleTravel, {
          startingIpAddress: capText(travel.StartingIpAddress),
          endingIpAddress: capText(travel.EndingIpAddress),
          startingLocation: capText(travel.StartingLocation),
          endingLocation: capText(travel.EndingLocation),
          hourlyTimeDelta: travel.HourlyTimeDelta,
        });
      }
      return;
    }
    case IndicatorType.FlaggedIpAddress: {
      const flagged = detail?.FlaggedIpAddressDetail;
      if (flagged) keep(summary.flaggedIps, { ipAddress: capText(flagged.IpAddress), reason: capText(flagged.Reason) });
      return;
    }
    case IndicatorType.NewGeolocation: {
      const geo = detail?.NewGeolocationDetail;
      if (geo) {
        keep(summary.newGeolocations, { location: capText(geo.Location), ipAddress: capText(geo.IpAddress), isNewForEntireAccount: geo.IsNewForEntireAccount });
      }
      return;
    }
    case IndicatorType.NewAso: {
      const aso = detail?.NewAsoDetail;
      if (aso) keep(summary.newAsos, { aso: capText(aso.Aso), isNewForEntireAccount: aso.IsNewForEntireAccount });
      return;
    }
    case IndicatorType.NewUserAgent: {
      const agent = detail?.NewUserAgentDetail;
      if (agent) keep(summary.newUserAgents, { userAgent: capText(agent.UserAgent), isNewForEntireAccount: agent.IsNewForEntireAccount });
      return;
    }
    case IndicatorType.RelatedFinding: {
      const related = detail?.RelatedFindingDetail;
      if (related) keep(summary.relatedFindings, { arn: capText(related.Arn), type: capText(related.Type), ipAddress: capText(related.IpAddress) });
      return;
    }
    case IndicatorType.RelatedFindingGroup: {
      const id = capText(detail?.RelatedFindingGroupDetail?.Id);
      if (id !== undefined && !summary.relatedFindingGroups.includes(id) && summary.relatedFindingGroups.length < DETAIL_LIST_CAP) {
        summary.relatedFindingGroups.push(id);
      }
      return;
    }
    default:
      return;
  }
}

/** Adds a detail unless the list is full, it says nothing, or the list holds it already. */
function keep<T extends object>(list: T[], detail: T): void {
  if (list.length >= DETAIL_LIST_CAP) return;
  const defined = Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined)) as T;
  if (Object.keys(defined).length === 0) return;
  const key = JSON.stringify(defined);
  if (list.some((kept) => JSON.stringify(kept) === key)) return;
  list.push(defined);
}
