import * as z from 'zod/mini';
import { HOUR_MS, rfc3339Timestamp as timestamp } from '../time.ts';

/** One InvestigationDetail of Detective ListInvestigations; every member is optional in the API reference. */
const investigationDetailSchema = z.looseObject({
  InvestigationId: z.optional(z.string()),
  EntityArn: z.optional(z.string()),
  EntityType: z.optional(z.string()),
  Status: z.optional(z.string()),
  State: z.optional(z.string()),
  Severity: z.optional(z.string()),
  CreatedTime: z.optional(timestamp),
});

export const planInvestigationInput = z.looseObject({
  /** The principal's ARN as the run resolved it, and the hour its findings were last first seen. */
  investigation: z.object({ entityArn: z.string().check(z.minLength(1)), latestFirstSeenHour: timestamp }),
  existing: z.looseObject({
    InvestigationDetails: z.optional(z.array(investigationDetailSchema)),
    NextToken: z.optional(z.string()),
  }),
});
export type PlanInvestigationInput = z.infer<typeof planInvestigationInput>;

export interface InvestigationPlan {
  /** The investigation to read instead of starting one, or null to start one. */
  reuseInvestigationId: string | null;
  reused: boolean;
  /**
   * The reused investigation's severity when it has already SUCCEEDED (null otherwise): the
   * workflow then lists its indicators at once instead of polling it.
   */
  finishedSeverity: string | null;
  reason: string;
}

const FAILED = 'FAILED';
const SUCCESSFUL = 'SUCCESSFUL';

/**
 * Reuses the newest investigation of the same principal that did not fail and was created once
 * the hour in which its findings were last first seen had ended. ListInvestigations returns no
 * scope times, so the creation time is what shows an investigation can have seen the activity; the
 * run is shared by every request about the principal in that hour, so only an investigation created
 * after the whole hour is sure to postdate each of their findings.
 */
export function planInvestigation(input: PlanInvestigationInput): InvestigationPlan {
  const { entityArn, latestFirstSeenHour } = input.investigation;
  const notBefore = Date.parse(latestFirstSeenHour) + HOUR_MS;
  const candidates = (input.existing.InvestigationDetails ?? []).flatMap((detail) => {
    if (detail.EntityArn !== entityArn || detail.InvestigationId === undefined || detail.CreatedTime === undefined) return [];
    if (detail.Status === undefined || detail.Status === FAILED) return [];
    const created = Date.parse(detail.CreatedTime);
    return created >= notBefore ? [{ id: detail.InvestigationId, created, status: detail.Status, severity: detail.Severity }] : [];
  });
  const newest = candidates.reduce<(typeof candidates)[number] | undefined>(
    (best, next) => (best === undefined || next.created > best.created ? next : best),
    undefined,
  );
  if (newest) {
    return {
      reuseInvestigationId: newest.id,
      reused: true,
      finishedSeverity: newest.status === SUCCESSFUL ? (newest.severity ?? null) : null,
      reason: `reuse investigation ${newest.id} of ${entityArn} (${newest.status}, created ${new Date(newest.created).toISOString()}, after the findings were first seen)`,
    };
  }
  return {
    reuseInvestigationId: null,
    reused: false,
    finishedSeverity: null,
    reason: `start an investigation: no investigation of ${entityArn} created since ${new Date(notBefore).toISOString()} (the end of the hour its findings were last first seen) that did not fail`,
  };
}
