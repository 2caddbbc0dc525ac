import * as z from 'zod/mini';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema } from '../schemas.ts';
import { newestSuccess, type SnapshotInfo } from '../snapshots.ts';

export const reportSnapshotAgeInput = z.looseObject({ plan: searchPlanSchema });
export type ReportSnapshotAgeInput = z.infer<typeof reportSnapshotAgeInput>;

/**
 * The RPO metric, as CloudWatch receives it (embedded metric format, handlers/shared/metrics.ts) and
 * the alarm reads it: dimensions `service` (`opsflow`, added by emitMetrics) and `DomainName`, this
 * Region's domain.
 */
export const RPO_METRIC = {
  namespace: 'Opsflow/SearchDr',
  name: 'NewestSnapshotAgeSeconds',
  dimension: 'DomainName',
} as const;

/** Publishes one value of the RPO metric (emitMetrics in the handler; a fake in tests). */
export type PublishAge = (ageSeconds: number, domainName: string) => void;

/**
 * The RPO achieved: the age, in seconds, of the newest SUCCESS snapshot of opsflow's in the plan's
 * repository (`GET _snapshot/<repo>/_all`), measured from its start, published as RPO_METRIC. Both
 * Regions report it (the standby sees the repository read-only), so each Region's alarm watches the
 * snapshots. With no successful snapshot nothing is published: missing data is breaching.
 */
export async function reportSnapshotAge(input: ReportSnapshotAgeInput, transport: OpenSearchTransport, publish: PublishAge, now: Date): Promise<{ newest: string | null; ageSeconds: number | null }> {
  const listed = await send(transport, 'GET', `/_snapshot/${segment(input.plan.repository.name)}/_all`);
  const newest = newestSuccess((listed.body as { snapshots?: SnapshotInfo[] }).snapshots ?? [], input.plan.snapshotPrefix);
  if (!newest) return { newest: null, ageSeconds: null };
  const ageSeconds = Math.max(0, Math.round((now.getTime() - (newest.start_time_in_millis ?? 0)) / 1000));
  publish(ageSeconds, input.plan.domainName);
  return { newest: newest.snapshot, ageSeconds };
}
