import * as z from 'zod/mini';

/**
 * A Detective investigation's indicators of compromise, folded page by page into a summary small
 * enough to travel in Step Functions state (256 KB per payload, and a Map gathers one summary per
 * principal): every indicator is counted, and the details kept are deduplicated, capped per list,
 * cut to a bounded length, and trimmed until the whole summary fits SUMMARY_SIZE_LIMIT.
 */

/** Detective's IndicatorType values (API reference, ListIndicators). */
export const IndicatorType = {
  TtpObserved: 'TTP_OBSERVED',
  ImpossibleTravel: 'IMPOSSIBLE_TRAVEL',
  FlaggedIpAddress: 'FLAGGED_IP_ADDRESS',
  NewGeolocation: 'NEW_GEOLOCATION',
  NewAso: 'NEW_ASO',
  NewUserAgent: 'NEW_USER_AGENT',
  RelatedFinding: 'RELATED_FINDING',
  RelatedFindingGroup: 'RELATED_FINDING_GROUP',
} as const;
export type IndicatorType = (typeof IndicatorType)[keyof typeof IndicatorType];

/** Most details kept per list; the counts still cover every indicator. */
export const DETAIL_LIST_CAP = 10;
/** Longest text kept from any one detail (user agents and finding types can be long). */
export const DETAIL_TEXT_CAP = 128;
/**
 * Largest summary, in JSON characters, once details are trimmed (counts are never trimmed): even
 * a few dozen principals gathered by a Map stay well below Step Functions' 256 KB.
 */
export const SUMMARY_SIZE_LIMIT = 6_000;

const detailText = z.optional(z.string());
const count = z.int().check(z.gte(0));

const ttpSchema = z.object({
  tactic: detailText,
  technique: detailText,
  procedure: detailText,
  apiName: detailText,
  ipAddress: detailText,
  apiSuccessCount: z.optional(z.number()),
  apiFailureCount: z.optional(z.number()),
});
const impossibleTravelSchema = z.object({
  startingIpAddress: detailText,
  endingIpAddress: detailText,
  startingLocation: detailText,
  endingLocation: detailText,
  hourlyTimeDelta: z.optional(z.number()),
});
const flaggedIpSchema = z.object({ ipAddress: detailText, reason: detailText });
const newGeolocationSchema = z.object({ location: detailText, ipAddress: detailText, isNewForEntireAccount: z.optional(z.boolean()) });
const newAsoSchema = z.object({ aso: detailText, isNewForEntireAccount: z.optional(z.boolean()) });
const newUserAgentSchema = z.object({ userAgent: detailText, isNewForEntireAccount: z.optional(z.boolean()) });
const relatedFindingSchema = z.object({ arn: detailText, type: detailText, ipAddress: detailText });

export const indicatorSummarySchema = z.object({
  /** Indicators per IndicatorType, over every page; a type Detective adds later is counted under its own name. */
  counts: z.record(z.string(), count),
  ttps: z.array(ttpSchema),
  impossibleTravel: z.array(impossibleTravelSchema),
  flaggedIps: z.array(flaggedIpSchema),
  newGeolocations: z.array(newGeolocationSchema),
  newAsos: z.array(newAsoSchema),
  newUserAgents: z.array(newUserAgentSchema),
  relatedFindings: z.array(relatedFindingSchema),
  relatedFindingGroups: z.array(z.string()),
  pages: count,
  /** The last page's NextToken: the state machine lists the next page while it is not null. */
  nextToken: z.nullable(z.string()),
});
export type IndicatorSummary = z.infer<typeof indicatorSummarySchema>;

export function emptyIndicatorSummary(): IndicatorSummary {
  return {
    counts: Object.fromEntries(Object.values(IndicatorType).map((type) => [type, 0])),
    ttps: [],
    impossibleTravel: [],
    flaggedIps: [],
    newGeolocations: [],
    newAsos: [],
    newUserAgents: [],
    relatedFindings: [],
    relatedFindingGroups: [],
    pages: 0,
    nextToken: null,
  };
}

/** Cuts a detail to DETAIL_TEXT_CAP characters, marking the cut. */
export function capText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.length <= DETAIL_TEXT_CAP ? value : `${value.slice(0, DETAIL_TEXT_CAP - 1)}…`;
}
