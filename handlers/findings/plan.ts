import { createHash } from 'node:crypto';
import type { FindingEnrichmentConfig } from '../shared/config.ts';
import type { PrincipalRef } from './principals.ts';
import { HOUR_MS, ceilToHour, floorToHour } from './time.ts';
import type { InvestigationScope, PrincipalPlan, WorkFinding } from './work.ts';

/**
 * Detective's scope time "cannot be shorter than one hour and not longer than one year. The start
 * and end time must be on an hour." (Detective user guide, "Managing the scope time",
 * https://docs.aws.amazon.com/detective/latest/userguide/scope-time-managing.html), and "with
 * Detective, you can access up to a year of historical event data" (user guide, "Source data used
 * in a behavior graph", https://docs.aws.amazon.com/detective/latest/userguide/detective-source-data-about.html).
 * A year is taken as 365 days, which no reading of "one year" exceeds.
 */
export const LONGEST_SCOPE_MS = 365 * 24 * HOUR_MS;

/**
 * From `hoursBefore` hours before the earliest first observation (the AWS example's window) to
 * now, widened to whole hours (the end is the next full hour), and started no earlier than a year
 * before its end. A first observation stamped after our clock still gets a window that ends after it starts.
 */
export function investigationScope(earliestObservedMs: number, latestObservedMs: number, hoursBefore: number, now: Date): InvestigationScope {
  const end = ceilToHour(now.getTime());
  const wanted = floorToHour(Math.min(earliestObservedMs, now.getTime()) - hoursBefore * HOUR_MS);
  const start = Math.max(wanted, end - LONGEST_SCOPE_MS);
  return {
    scopeStartTime: new Date(start).toISOString(),
    scopeEndTime: new Date(end).toISOString(),
    scopeCut: start > wanted,
    latestFirstSeenHour: new Date(floorToHour(latestObservedMs)).toISOString(),
  };
}

/**
 * The name of the investigate-principal run for a principal (its key: partition, account, kind and
 * name) and the hour its findings were last first seen. Step Functions refuses a second execution
 * of a name, so executions about the same principal at the same time share one run, hence one IAM
 * lookup and one investigation, instead of racing; the workflow appends the attempt number, so a
 * request after a failed run starts another.
 */
export function investigationRunName(principalKey: string, latestFirstObserved: number): string {
  const hour = new Date(latestFirstObserved).toISOString().slice(0, 13).replace(/[-:]/g, '');
  return `principal-${createHash('sha256').update(principalKey).digest('hex').slice(0, 32)}-${hour}`;
}

/**
 * One plan per principal the findings name, in the order they are first named: the window over
 * all of its findings of the event (Detective's limits held, a cut said) and the run's name.
 */
export function planPrincipals(findings: readonly WorkFinding[], refs: readonly PrincipalRef[], config: FindingEnrichmentConfig, now: Date): PrincipalPlan[] {
  const observed = new Map<string, { earliest: number; latest: number }>();
  for (const finding of findings) {
    const at = Date.parse(finding.firstObservedAt);
    for (const key of finding.principals) {
      const seen = observed.get(key);
      observed.set(key, seen ? { earliest: Math.min(seen.earliest, at), latest: Math.max(seen.latest, at) } : { earliest: at, latest: at });
    }
  }
  return refs.flatMap((principal) => {
    const seen = observed.get(principal.key);
    if (!seen) return [];
    return [{
      principal,
      scope: investigationScope(seen.earliest, seen.latest, config.scopeHoursBeforeFirstSeen, now),
      runName: investigationRunName(principal.key, seen.latest),
    }];
  });
}
