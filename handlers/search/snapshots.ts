import { RATE_EXPRESSION } from '../shared/config.ts';
/**
 * Pure rules of search-snapshot: snapshot names, the manifest, retention (as OpenSearch Snapshot
 * Management's deletion conditions) and the RPO. OpenSearch facts from its API reference
 * ("Get snapshot", "Create snapshot": states IN_PROGRESS, SUCCESS, FAILED, PARTIAL, INCOMPATIBLE;
 * `start_time_in_millis`; user `metadata` below 1024 bytes, as CreateSnapshotRequest validates it)
 * and the Amazon OpenSearch Service developer guide ("Creating index snapshots").
 */

export const SnapshotState = { InProgress: 'IN_PROGRESS', Success: 'SUCCESS', Failed: 'FAILED', Partial: 'PARTIAL', Incompatible: 'INCOMPATIBLE' } as const;

/** One entry of `GET _snapshot/<repo>/_all` (the fields used). */
export interface SnapshotInfo {
  readonly snapshot: string;
  readonly state: string;
  readonly start_time_in_millis?: number;
  readonly end_time_in_millis?: number;
  readonly metadata?: Record<string, unknown> | null;
}

/**
 * The snapshot of the schedule period a run started in (`startTime`, ISO 8601, `$$.Execution.StartTime`;
 * `periodSeconds`, the schedule's rate): `<prefix>YYYYMMDDtHHMMz` of the period's start, lower case as
 * OpenSearch requires. Deterministic, so a retried task, a replayed run or a second run in the same
 * period finds the snapshot already taken instead of taking another.
 */
export function snapshotNameFor(prefix: string, startTime: string, periodSeconds: number): string {
  const time = Date.parse(startTime);
  if (Number.isNaN(time)) throw new RangeError(`not a time: ${startTime}`);
  const periodMs = periodSeconds * 1000;
  const stamp = new Date(Math.floor(time / periodMs) * periodMs).toISOString().slice(0, 16).replace(/[-:]/g, '').toLowerCase();
  return `${prefix}${stamp}z`;
}

/** OpenSearch refuses snapshot `metadata` of 1024 bytes or more (CreateSnapshotRequest.validate). */
export const METADATA_LIMIT_BYTES = 1024;

/**
 * The `metadata` a snapshot is created with. Metadata is fixed when the snapshot is requested, so it
 * can carry only the counts before; the counts after are in the manifest beside the snapshot (manifest.ts). When the
 * counts do not fit below OpenSearch's limit the metadata says so and carries how many indices there were.
 */
export function snapshotMetadata(execution: string, before: Readonly<Record<string, number>>): Record<string, unknown> {
  const full = { taken_by: 'opsflow', execution, doc_counts_before: before };
  if (Buffer.byteLength(JSON.stringify(full), 'utf8') < METADATA_LIMIT_BYTES) return full;
  return { taken_by: 'opsflow', execution, doc_counts_before: null, indices: Object.keys(before).length, note: 'counts exceed the 1024-byte metadata limit' };
}

export interface RetentionRule {
  readonly maxCount: number;
  /** Days. */
  readonly maxAge: number;
  readonly minCount: number;
}

const DAY_MS = 86_400_000;

/**
 * Which of opsflow's snapshots retention deletes, oldest first, as Snapshot Management's deletion
 * conditions: beyond the newest `maxCount`, or older than `maxAge` days, but never the newest
 * `minCount` successful ones. Only snapshots named with `prefix` are considered (the service's
 * automated ones and anyone else's are never touched), and never one IN_PROGRESS.
 */
export function snapshotsToDelete(snapshots: readonly SnapshotInfo[], prefix: string, rule: RetentionRule, now: Date): string[] {
  const ours = snapshots
    .filter((snapshot) => snapshot.snapshot.startsWith(prefix) && snapshot.state !== SnapshotState.InProgress)
    .sort((a, b) => (b.start_time_in_millis ?? 0) - (a.start_time_in_millis ?? 0));
  const protectedNames = new Set(ours.filter((snapshot) => snapshot.state === SnapshotState.Success).slice(0, rule.minCount).map((snapshot) => snapshot.snapshot));
  const oldestKept = now.getTime() - rule.maxAge * DAY_MS;
  return ours
    .filter((snapshot, position) => !protectedNames.has(snapshot.snapshot) && (position >= rule.maxCount || (snapshot.start_time_in_millis ?? 0) < oldestKept))
    .map((snapshot) => snapshot.snapshot)
    .reverse();
}

/**
 * The RPO achieved: seconds from the start of the newest SUCCESS snapshot of opsflow's (the point in
 * time its data is from) to `now`; null when there is none.
 */
export function newestSuccess(snapshots: readonly SnapshotInfo[], prefix: string): SnapshotInfo | null {
  return snapshots
    .filter((snapshot) => snapshot.snapshot.startsWith(prefix) && snapshot.state === SnapshotState.Success)
    .reduce<SnapshotInfo | null>((newest, snapshot) => (!newest || (snapshot.start_time_in_millis ?? 0) > (newest.start_time_in_millis ?? 0) ? snapshot : newest), null);
}

/** A `rate(N unit)` schedule's period in seconds. */
export function ratePeriodSeconds(schedule: string): number {
  const match = RATE_EXPRESSION.exec(schedule);
  if (!match) throw new RangeError(`not a rate(...) schedule: ${schedule}`);
  const unit = match[2]?.startsWith('minute') ? 60 : match[2]?.startsWith('hour') ? 3600 : 86_400;
  return Number(match[1]) * unit;
}
