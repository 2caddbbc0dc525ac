import * as z from 'zod/mini';
import { eventBridgeEventSchema } from './eventbridge.ts';

/**
 * The events the search runbooks (search-failover, search-failback, search-dr-drill) publish on
 * their Region's default bus. They are opsflow's own, so their shapes are defined here rather than
 * copied from AWS: the envelope is EventBridge's (eventbridge.ts), the detail is ours. A detail stays
 * far below EventBridge's 256 KB entry limit: index lists are capped at MAX_LISTED_INDICES entries,
 * with the full count beside them.
 */
export const OPSFLOW_SEARCH_SOURCE = 'opsflow.search';

export const OpsflowSearchDetailType = {
  RunbookCompleted: 'Runbook Completed',
  ApprovalRequested: 'Search Runbook Approval Requested',
} as const;

/** Indices listed by name in a detail; `indexCount` gives the whole number. */
export const MAX_LISTED_INDICES = 100;

const isoTime = z.iso.datetime({ offset: true });
const count = z.int().check(z.nonnegative());
const runbook = z.enum(['failover', 'failback', 'drill']);
/** The record switch a failover or failback makes (null for a drill, which never touches DNS). */
const dnsChange = z.nullable(z.strictObject({ zoneId: z.string(), name: z.string(), from: z.string(), to: z.string() }));

/** What an approver reads: the plan's summary and the execution waiting. The task token is never part of it. */
export const ApprovalRequestedDetailSchema = z.strictObject({
  executionArn: z.string(),
  runbook,
  region: z.string(),
  domainName: z.string(),
  engineVersion: z.string(),
  reason: z.string(),
  snapshot: z.string(),
  /** Null for a failback that first takes its final snapshot. */
  snapshotTakenAt: z.nullable(isoTime),
  sourceRegion: z.string(),
  sourceDomain: z.string(),
  indices: z.array(z.strictObject({ index: z.string(), restoreAs: z.string() })).check(z.maxLength(MAX_LISTED_INDICES)),
  indexCount: count,
  conflicts: z.array(z.string()).check(z.maxLength(MAX_LISTED_INDICES)),
  conflictOption: z.enum(['refuse', 'delete', 'rename']),
  dns: dnsChange,
  finalSnapshot: z.boolean(),
  /** When the approval times out (the AwaitApproval state's TimeoutSeconds from the request). */
  expiresAt: isoTime,
});
export type ApprovalRequestedDetail = z.infer<typeof ApprovalRequestedDetailSchema>;

/** One step of a runbook's timeline, on the engine's clock; seconds = endedAt − startedAt. */
const stepSchema = z.strictObject({ step: z.string(), startedAt: isoTime, endedAt: isoTime, seconds: z.number().check(z.nonnegative()) });

/** The report of a runbook that restored, verified and (failover, failback) switched DNS. */
export const RunbookCompletedDetailSchema = z.strictObject({
  executionArn: z.string(),
  runbook,
  region: z.string(),
  domainName: z.string(),
  reason: z.string(),
  snapshot: z.string(),
  snapshotTakenAt: z.nullable(isoTime),
  sourceRegion: z.string(),
  sourceDomain: z.string(),
  dns: dnsChange,
  /** Each restored index's name, the name it was restored as, its verified count and the manifest's range (after null: at least before). */
  indices: z.array(z.strictObject({ index: z.string(), restoreAs: z.string(), count: z.nullable(count), before: z.nullable(count), after: z.nullable(count) }))
    .check(z.maxLength(MAX_LISTED_INDICES)),
  indexCount: count,
  /** The restored indices' cluster health as verification read it (green, yellow), null when not given. */
  health: z.nullable(z.string()),
  steps: z.array(stepSchema),
  startedAt: isoTime,
  completedAt: isoTime,
  totalSeconds: z.number().check(z.nonnegative()),
  /** Seconds from the start until the restored domain served (DNS in sync; for a drill, verified), less the wait for approval. */
  rtoSeconds: z.number().check(z.nonnegative()),
  /** Seconds of writes the restore cannot hold: from the snapshot's start to the switch (a drill: to the restore); null when unknown. */
  rpoSeconds: z.nullable(z.number()),
});
export type RunbookCompletedDetail = z.infer<typeof RunbookCompletedDetailSchema>;

export const ApprovalRequestedEventSchema = eventBridgeEventSchema(OPSFLOW_SEARCH_SOURCE, OpsflowSearchDetailType.ApprovalRequested, ApprovalRequestedDetailSchema);
export const RunbookCompletedEventSchema = eventBridgeEventSchema(OPSFLOW_SEARCH_SOURCE, OpsflowSearchDetailType.RunbookCompleted, RunbookCompletedDetailSchema);
