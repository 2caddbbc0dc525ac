import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { FindingEnrichmentConfig } from '../../shared/config.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { entityTypeOf } from '../principals.ts';
import { HOUR_MS, ceilToHour, floorToHour } from '../time.ts';
import {
  EntityType,
  normalizedWorkSchema,
  resolvedPrincipalSchema,
  type ArnOrigin,
  type FindingWork,
  type Investigation,
  type ResolvedPrincipal,
} from '../work.ts';

export const groupByPrincipalInput = z.looseObject({
  work: normalizedWorkSchema,
  /** One answer per principal of work.principals, from the workflow's IAM lookups. */
  resolved: z.array(resolvedPrincipalSchema),
});
export type GroupByPrincipalInput = z.infer<typeof groupByPrincipalInput>;

/**
 * Detective's scope time "cannot be shorter than one hour and not longer than one year. The start
 * and end time must be on an hour." (Detective user guide, "Managing the scope time",
 * https://docs.aws.amazon.com/detective/latest/userguide/scope-time-managing.html), and "with
 * Detective, you can access up to a year of historical event data" (user guide, "Source data used
 * in a behavior graph", https://docs.aws.amazon.com/detective/latest/userguide/detective-source-data-about.html).
 * A year is taken as 365 days, which no reading of "one year" exceeds.
 */
export const LONGEST_SCOPE_MS = 365 * 24 * HOUR_MS;

export interface InvestigationScope {
  readonly scopeStartTime: string;
  readonly scopeEndTime: string;
  /** Why the start is later than the findings ask, or null. */
  readonly scopeCut: string | null;
}

/**
 * From `hoursBefore` hours before the earliest first observation (the AWS example's window) to
 * now, widened to whole hours (the end is the next full hour), and started no earlier than a year
 * before its end. A first observation stamped after our clock still gets a window that ends after it starts.
 */
export function investigationScope(earliestObservedMs: number, hoursBefore: number, now: Date): InvestigationScope {
  const end = ceilToHour(now.getTime());
  const wanted = floorToHour(Math.min(earliestObservedMs, now.getTime()) - hoursBefore * HOUR_MS);
  const start = Math.max(wanted, end - LONGEST_SCOPE_MS);
  const scopeCut =
    start > wanted ? `cut to Detective's one-year limit (first seen ${new Date(earliestObservedMs).toISOString().slice(0, 10)})` : null;
  return { scopeStartTime: new Date(start).toISOString(), scopeEndTime: new Date(end).toISOString(), scopeCut };
}

/**
 * The name of the investigate-principal run for a principal and the hour its findings were last
 * first seen. Step Functions refuses a second execution of a name, so executions about the same
 * principal at the same time share one run, hence one investigation, instead of racing; the
 * workflow appends the attempt number, so a request after a failed run starts another.
 */
export function investigationRunName(entityArn: string, latestFirstObserved: number): string {
  const hour = new Date(latestFirstObserved).toISOString().slice(0, 13).replace(/[-:]/g, '');
  return `principal-${createHash('sha256').update(entityArn).digest('hex').slice(0, 32)}-${hour}`;
}

interface Lookup {
  readonly resolved: ResolvedPrincipal;
  readonly entityType: EntityType;
}

/** Checks the lookups cover every principal once, with an ARN of the principal's kind. */
function lookupsByKey(input: GroupByPrincipalInput): Map<string, Lookup> {
  const refs = new Map(input.work.principals.map((principal) => [principal.key, principal]));
  const byKey = new Map<string, Lookup>();
  input.resolved.forEach((resolved, index) => {
    const principal = refs.get(resolved.key);
    if (!principal) throw new InvalidInput(`resolved.${index}.key: ${resolved.key} is not one of work.principals`);
    if (byKey.has(resolved.key)) throw new InvalidInput(`resolved.${index}.key: ${resolved.key} is resolved twice`);
    const entityType = entityTypeOf(resolved.arn);
    if (entityType !== (principal.kind === 'user' ? EntityType.IamUser : EntityType.IamRole)) {
      throw new InvalidInput(`resolved.${index}.arn: ${resolved.arn} is not the ARN of an IAM ${principal.kind}`);
    }
    byKey.set(resolved.key, { resolved, entityType });
  });
  return byKey;
}

/**
 * Replaces each finding's principal keys with the ARNs IAM (or, failing it, the finding) gave, and
 * plans one Detective investigation per ARN across the event: its scope (Detective's limits held,
 * any cut said), the hour-based run name, and where its ARN came from. Raises InvalidInput when
 * the lookups do not match the principals.
 */
export function groupByPrincipal(input: GroupByPrincipalInput, config: FindingEnrichmentConfig, now: () => Date): FindingWork {
  const { work } = input;
  const byKey = lookupsByKey(input);
  const grouped = new Map<string, { entityType: EntityType; arnOrigin: ArnOrigin; findingIds: string[]; earliest: number; latest: number }>();
  const findings = work.findings.map((finding, findingIndex) => {
    const observed = Date.parse(finding.firstObservedAt);
    const arns = new Set<string>();
    for (const key of finding.principals) {
      const lookup = byKey.get(key);
      if (!lookup) throw new InvalidInput(`work.findings.${findingIndex}.principals: ${key} has no entry in resolved`);
      const { arn, source, iam, error } = lookup.resolved;
      if (arns.has(arn)) continue;
      arns.add(arn);
      const entry = grouped.get(arn) ?? { entityType: lookup.entityType, arnOrigin: { source, iam, error: error ?? null }, findingIds: [], earliest: observed, latest: observed };
      entry.findingIds.push(finding.id);
      entry.earliest = Math.min(entry.earliest, observed);
      entry.latest = Math.max(entry.latest, observed);
      grouped.set(arn, entry);
    }
    return { ...finding, principals: [...arns] };
  });
  const investigations = [...grouped].map(([entityArn, { entityType, arnOrigin, findingIds, earliest, latest }]): Investigation => ({
    entityArn,
    entityType,
    arnOrigin,
    ...investigationScope(earliest, config.scopeHoursBeforeFirstSeen, now()),
    latestFirstSeenHour: new Date(floorToHour(latest)).toISOString(),
    findingIds,
    runName: investigationRunName(entityArn, latest),
  }));
  return { source: work.source, graphArn: work.graphArn, findings, skipped: work.skipped, investigations, polling: work.polling };
}
