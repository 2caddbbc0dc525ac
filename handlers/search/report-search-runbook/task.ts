import * as z from 'zod/mini';
import { MAX_LISTED_INDICES, type RunbookCompletedDetail } from '../../../events/opsflow-search.ts';
import { RunbookKind, runbookPlanSchema } from '../runbook.ts';

const isoTime = z.iso.datetime({ offset: true });
const count = z.int().check(z.nonnegative());

/**
 * When each step began, as the ASL wrote it from `$$.Execution.StartTime` and the states'
 * `$$.State.EnteredTime` (ISO 8601). Optional marks are those of steps a runbook may not have
 * (approval for a drill, the final snapshot, DNS).
 */
export const runbookTimelineSchema = z.looseObject({
  startedAt: isoTime,
  approvalRequestedAt: z.optional(isoTime),
  approvedAt: z.optional(isoTime),
  finalSnapshotStartedAt: z.optional(isoTime),
  restoreStartedAt: isoTime,
  restoredAt: isoTime,
  verifiedAt: isoTime,
  dnsChangedAt: z.optional(isoTime),
  dnsInSyncAt: z.optional(isoTime),
});
export type RunbookTimeline = z.infer<typeof runbookTimelineSchema>;

/** verify-search-restore's result: each restored index's count and the manifest's range, and the indices' health. */
const verificationSchema = z.looseObject({
  indices: z.array(z.looseObject({ index: z.string(), count: z.nullable(count), before: z.optional(z.nullable(count)), after: z.optional(z.nullable(count)) })),
  health: z.optional(z.unknown()),
});

export const reportSearchRunbookInput = z.looseObject({
  plan: runbookPlanSchema,
  timeline: runbookTimelineSchema,
  verification: verificationSchema,
  executionArn: z.string().check(z.minLength(1)),
});
export type ReportSearchRunbookInput = z.infer<typeof reportSearchRunbookInput>;

export interface RunbookStep {
  readonly step: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly seconds: number;
}

export interface RunbookReport {
  readonly steps: RunbookStep[];
  readonly totalSeconds: number;
  readonly rtoSeconds: number;
  readonly rpoSeconds: number | null;
  /** The Detail of the `Runbook Completed` event the ASL publishes (events/opsflow-search.ts). */
  readonly event: RunbookCompletedDetail;
}

/** Each mark of the timeline, in the order a runbook passes them, and the step that begins there. */
const MARKS = [
  ['startedAt', 'preflight'],
  ['approvalRequestedAt', 'approval'],
  ['approvedAt', 'preparation'],
  ['finalSnapshotStartedAt', 'final-snapshot'],
  ['restoreStartedAt', 'restore'],
  ['restoredAt', 'verification'],
  ['verifiedAt', 'dns-change'],
  ['dnsChangedAt', 'dns-sync'],
  ['dnsInSyncAt', 'report'],
] as const;

const seconds = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** The health as one word (`green`), whether verification gave a word or the cluster health answer. */
function healthWord(health: unknown): string | null {
  if (typeof health === 'string') return health;
  const status = (health as { status?: unknown } | null | undefined)?.status;
  return typeof status === 'string' ? status : null;
}

/**
 * The runbook's report on the engine's clock. Steps: the time between one mark of the timeline and
 * the next present one, named by the step that starts at the first (the last runs to `now`, the
 * report's completedAt; after a drill's verification it is `cleanup`). totalSeconds: start to now.
 * rtoSeconds: start until the restored domain served clients (DNS in sync; a drill, which switches
 * nothing: verified), less the wait for approval, which a person and not the runbook spends.
 * rpoSeconds: the writes the restore cannot hold, from the snapshot's start (the plan's
 * snapshotTakenAt, or the final snapshot's start) to the moment clients left the old domain (now for
 * a failover or failback, when the switch is done; for a drill, the end of its restore); null when
 * the snapshot's start is unknown. Pure: raises nothing but InvalidInput (its schema).
 */
export function reportSearchRunbook(input: ReportSearchRunbookInput, now: Date): RunbookReport {
  const { plan, timeline } = input;
  const completedAt = now.toISOString();
  const present = MARKS.filter(([mark]) => typeof timeline[mark] === 'string').map(([mark, step]) => ({ mark, step, at: timeline[mark] as string }));
  const steps: RunbookStep[] = present.map((entry, position) => {
    const endedAt = present[position + 1]?.at ?? completedAt;
    const step = entry.mark === 'verifiedAt' && plan.runbook === RunbookKind.Drill ? 'cleanup' : entry.mark === 'verifiedAt' && !timeline.dnsChangedAt ? 'report' : entry.step;
    return { step, startedAt: entry.at, endedAt, seconds: seconds(entry.at, endedAt) };
  });
  const totalSeconds = seconds(timeline.startedAt, completedAt);
  const servedAt = plan.runbook === RunbookKind.Drill ? timeline.verifiedAt : (timeline.dnsInSyncAt ?? completedAt);
  const approvalWait = timeline.approvalRequestedAt && timeline.approvedAt ? seconds(timeline.approvalRequestedAt, timeline.approvedAt) : 0;
  const rtoSeconds = Math.max(0, seconds(timeline.startedAt, servedAt) - approvalWait);
  const takenAt = plan.snapshotTakenAt ?? timeline.finalSnapshotStartedAt ?? null;
  const leftAt = plan.runbook === RunbookKind.Drill ? timeline.restoredAt : completedAt;
  const rpoSeconds = takenAt === null ? null : (Date.parse(leftAt) - Date.parse(takenAt)) / 1000;

  const verified = new Map(input.verification.indices.map((entry) => [entry.index, entry]));
  const indices = plan.indices.slice(0, MAX_LISTED_INDICES).map((entry) => {
    const found = verified.get(entry.restoreAs) ?? verified.get(entry.index);
    return { index: entry.index, restoreAs: entry.restoreAs, count: found?.count ?? null, before: found?.before ?? entry.before, after: found?.after ?? entry.after };
  });
  const event: RunbookCompletedDetail = {
    executionArn: input.executionArn,
    runbook: plan.runbook,
    region: plan.region,
    domainName: plan.domainName,
    reason: plan.reason,
    snapshot: plan.snapshot,
    snapshotTakenAt: takenAt,
    sourceRegion: plan.sourceRegion,
    sourceDomain: plan.sourceDomain,
    dns: plan.dns,
    indices,
    indexCount: plan.indices.length,
    health: healthWord(input.verification.health),
    steps,
    startedAt: timeline.startedAt,
    completedAt,
    totalSeconds,
    rtoSeconds,
    rpoSeconds,
  };
  return { steps, totalSeconds, rtoSeconds, rpoSeconds, event };
}
