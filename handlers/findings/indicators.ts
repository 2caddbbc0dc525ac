import * as z from 'zod/mini';

/**
 * A Detective investigation's indicators of compromise, folded page by page into a summary small
 * enough to travel in the investigate-principal run's state from one page to the next (256 KiB
 * per payload): every indicator is counted, and the details kept are deduplicated, capped per list,
 * cut to a bounded length, and trimmed until the whole summary fits SUMMARY_SIZE_LIMIT. Only the
 * counts and a description of the details (describeIndicators) leave the run.
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
/** Largest summary, in JSON characters, once details are trimmed (counts are never trimmed). */
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

const INDICATOR_EXAMPLES = 3;

/**
 * Longest description of a principal's indicators: a Security Hub note holds at most 512
 * characters, so a longer one could never be shown whole.
 */
export const INDICATORS_TEXT_LIMIT = 512;

/**
 * The indicators that matter most first, each with a count and a few examples, in at most
 * INDICATORS_TEXT_LIMIT characters: what a note says of them, and all of the summary's details that
 * leave the investigate-principal run.
 */
export function describeIndicators(summary: IndicatorSummary): string {
  const count = (type: string): number => summary.counts[type] ?? 0;
  const examples = (values: Array<string | undefined>): string => {
    const distinct = [...new Set(values.filter((value): value is string => value !== undefined && value !== ''))].slice(0, INDICATOR_EXAMPLES);
    return distinct.length > 0 ? ` (${distinct.join(', ')})` : '';
  };
  const parts: string[] = [];
  const add = (type: string, label: string, detail = ''): void => {
    if (count(type) > 0) parts.push(`${label} ${count(type)}${detail}`);
  };
  add(IndicatorType.TtpObserved, 'TTP', examples(summary.ttps.map((ttp) => [ttp.technique ?? ttp.tactic ?? ttp.procedure, ttp.apiName].filter(Boolean).join(' '))));
  add(IndicatorType.ImpossibleTravel, 'impossible travel', examples(summary.impossibleTravel.map((travel) => `${travel.startingLocation ?? travel.startingIpAddress ?? '?'}→${travel.endingLocation ?? travel.endingIpAddress ?? '?'}`)));
  add(IndicatorType.FlaggedIpAddress, 'flagged IP', examples(summary.flaggedIps.map((flagged) => flagged.ipAddress)));
  add(IndicatorType.NewGeolocation, 'new geolocation', examples(summary.newGeolocations.map((geo) => geo.location)));
  add(IndicatorType.NewAso, 'new ASO', examples(summary.newAsos.map((aso) => aso.aso)));
  add(IndicatorType.NewUserAgent, 'new user agent');
  add(IndicatorType.RelatedFinding, 'related finding');
  add(IndicatorType.RelatedFindingGroup, 'related finding group');
  const known = new Set<string>(Object.values(IndicatorType));
  for (const type of Object.keys(summary.counts).filter((type) => !known.has(type))) add(type, type);
  const text = parts.length > 0 ? `${parts.join('; ')}.` : 'No indicators.';
  return text.length <= INDICATORS_TEXT_LIMIT ? text : `${text.slice(0, INDICATORS_TEXT_LIMIT - 1)}…`;
}
