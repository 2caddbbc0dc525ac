import * as z from 'zod/mini';
import { describeIssue } from '../shared/lambda.ts';
import { EngineVersionIncompatible, RunbookRequestInvalid } from './errors.ts';
import { searchPlanSchema } from './schemas.ts';

/**
 * What the search runbooks share (issue 10): the request an operator starts search-failover or
 * search-failback with, the plan preflight-search-runbook decides and every later task reads
 * (`$.plan`), which indices are never restored, and which snapshots a domain's engine can restore.
 */

export const RunbookKind = { Failover: 'failover', Failback: 'failback', Drill: 'drill' } as const;
export type RunbookKind = (typeof RunbookKind)[keyof typeof RunbookKind];
export const runbookKinds = [RunbookKind.Failover, RunbookKind.Failback, RunbookKind.Drill] as const;

export const ConflictOption = { Refuse: 'refuse', Delete: 'delete', Rename: 'rename' } as const;
export type ConflictOption = (typeof ConflictOption)[keyof typeof ConflictOption];

/**
 * OpenSearch's index name rules ("Create index" API reference): lower case, none of
 * `\ / * ? " < > | , #`, spaces or `:`, not starting with `-`, `_` or `+`, not `.` or `..`,
 * at most 255 bytes. No wildcards: a runbook names exactly what it restores.
 */
const indexName = z.string().check(
  z.maxLength(255),
  z.regex(/^(?![-_+])(?!\.{1,2}$)[^A-Z\\/*?"<>|,# :]+$/, 'must be an index name: lower case, no wildcards, none of \\ / * ? " < > | , # : or spaces'),
);
/** OpenSearch's snapshot name rules ("Create snapshot"): lower case, none of `\ / * ? " < > | , #` or spaces, not starting with `_`. */
const snapshotName = z.string().check(z.maxLength(255), z.regex(/^(?!_)[^A-Z\\/*?"<>|,# ]+$/, 'must be a snapshot name: lower case, none of \\ / * ? " < > | , # or spaces'));

/** The execution input of search-failover and search-failback: strict, so a misspelt field is refused. */
export const runbookRequestSchema = z.strictObject({
  /** Why the runbook runs: shown to the approver and carried in the report. */
  reason: z.string().check(z.minLength(1), z.maxLength(512)),
  /** Default: the newest SUCCESS snapshot named with searchDr.snapshotPrefix in this Region's repository. */
  snapshot: z.optional(snapshotName),
  /** Default: every index of the snapshot but the system ones. */
  indices: z.optional(z.array(indexName).check(z.minLength(1, 'must name at least one index (leave it out for all)'), z.maxLength(1000))),
  /** Preflight and plan only: nothing is asked, nothing is changed. */
  dryRun: z._default(z.boolean(), false),
  /**
   * What to do when open indices of the restored names exist: refuse (default) or delete them first.
   * "rename" (restore under new names) is the drill's; a failover or failback refuses it.
   */
  conflicts: z._default(z.enum([ConflictOption.Refuse, ConflictOption.Delete, ConflictOption.Rename]), ConflictOption.Refuse),
  /** Failback only, default true: first snapshot the domain being left, so writes made during the outage come back. */
  finalSnapshot: z.optional(z.boolean()),
});
export type RunbookRequest = z.infer<typeof runbookRequestSchema>;

/** search-dr-drill's input: `{}` from its schedule, or the snapshot to drill with. */
export const drillRequestSchema = z.strictObject({ snapshot: z.optional(snapshotName) });

/** The request with every default applied, whatever the runbook. */
export interface ResolvedRequest {
  readonly reason: string;
  readonly snapshot: string | undefined;
  readonly indices: readonly string[] | undefined;
  readonly dryRun: boolean;
  readonly conflicts: ConflictOption;
  readonly finalSnapshot: boolean;
}

const isScheduledEvent = (raw: unknown): boolean => {
  const event = raw as { source?: unknown; 'detail-type'?: unknown } | null;
  return event?.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
};

/**
 * The request of `runbook`, checked and completed with its defaults. A drill started by its
 * schedule gets `{}` (or, when the rule passes the whole Scheduled Event, that event, which carries
 * nothing a drill uses). Raises RunbookRequestInvalid naming the first wrong field, in one line.
 */
export function parseRunbookRequest(runbook: RunbookKind, raw: unknown): ResolvedRequest {
  if (runbook === RunbookKind.Drill) {
    const parsed = drillRequestSchema.safeParse(isScheduledEvent(raw) ? {} : raw);
    if (!parsed.success) throw new RunbookRequestInvalid(`drill request: ${describeIssue(parsed.error)}`);
    return { reason: 'scheduled DR drill', snapshot: parsed.data.snapshot, indices: undefined, dryRun: false, conflicts: ConflictOption.Rename, finalSnapshot: false };
  }
  // A misspelt field first: `reasn` is the mistake to name, not the `reason` it left missing.
  const fields = Object.keys(runbookRequestSchema.shape);
  const unknown = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw).filter((key) => !fields.includes(key)) : [];
  if (unknown.length > 0) {
    throw new RunbookRequestInvalid(`${runbook} request: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')} (the fields are ${fields.join(', ')})`);
  }
  const parsed = runbookRequestSchema.safeParse(raw);
  if (!parsed.success) throw new RunbookRequestInvalid(`${runbook} request: ${describeIssue(parsed.error)}`);
  const request = parsed.data;
  if (runbook === RunbookKind.Failover && request.finalSnapshot !== undefined) {
    throw new RunbookRequestInvalid('failover request: finalSnapshot: only a failback takes a final snapshot (of the domain it leaves)');
  }
  if (request.conflicts === ConflictOption.Rename) {
    // Clients query the live names: restored under others, a failover would switch DNS to the old indices.
    throw new RunbookRequestInvalid(
      `${runbook} request: conflicts: "rename" restores under other names, which clients do not query, so the switched record would serve the old indices; ask for "delete", or run search-dr-drill to restore a snapshot beside them`,
    );
  }
  if (request.reason.trim() === '') throw new RunbookRequestInvalid(`${runbook} request: reason: must say why, not only spaces`);
  if (runbook === RunbookKind.Failback && request.finalSnapshot !== false && request.snapshot !== undefined) {
    throw new RunbookRequestInvalid('failback request: snapshot: a failback takes its own final snapshot; give finalSnapshot: false to restore a named one');
  }
  return {
    reason: request.reason,
    snapshot: request.snapshot,
    indices: request.indices,
    dryRun: request.dryRun,
    conflicts: request.conflicts,
    finalSnapshot: runbook === RunbookKind.Failback && request.finalSnapshot !== false,
  };
}

/**
 * Indices a runbook never restores: the security plugin's, Dashboards' and the plugins' own
 * (`.opendistro*`, `.plugins*`, `.kibana*`) and any other hidden or system index (a name starting
 * with `.`). Amazon OpenSearch Service does not let a restore overwrite them (its developer guide,
 * "Creating index snapshots in Amazon OpenSearch Service", restores with those patterns excluded),
 * and each domain keeps its own.
 */
export const isSystemIndex = (name: string): boolean => name.startsWith('.');

const count = z.int().check(z.nonnegative());
const isoTime = z.iso.datetime({ offset: true });

/** One index of the plan: its name in the snapshot, the name it is restored as, and the manifest's counts (null until a final snapshot's manifest is written). */
export const planIndexSchema = z.strictObject({ index: z.string(), restoreAs: z.string(), before: z.nullable(count), after: z.nullable(count) });
export type PlanIndex = z.infer<typeof planIndexSchema>;

/** What preflight-search-runbook decides and every later runbook task reads (`$.plan`). */
export const runbookPlanSchema = z.looseObject({
  runbook: z.enum(runbookKinds),
  /** This Region: where the runbook runs and restores. */
  region: z.string(),
  domainName: z.string(),
  endpoint: z.string(),
  /** DescribeDomain's EngineVersion, e.g. `OpenSearch_2.13`. */
  engineVersion: z.string(),
  /** This Region's repository (its own bucket, registered read-only here), which the snapshot is read from. */
  repository: z.strictObject({ name: z.string(), bucket: z.string(), basePath: z.string() }),
  snapshot: z.string(),
  /** The snapshot's start (its manifest's takenAt); null for a final snapshot not taken yet. */
  snapshotTakenAt: z.nullable(isoTime),
  /** The Region and domain that took the snapshot. */
  sourceRegion: z.string(),
  sourceDomain: z.string(),
  indices: z.array(planIndexSchema),
  /** System indices of the snapshot (or asked for) that are left out. */
  excluded: z.array(z.string()),
  /** Open indices here with the names the restore creates: deleted first when conflictOption is delete. */
  conflicts: z.array(z.string()),
  conflictOption: z.enum([ConflictOption.Refuse, ConflictOption.Delete, ConflictOption.Rename]),
  /** The restore's rename_pattern / rename_replacement, when restoring under new names. */
  renamePattern: z.nullable(z.string()),
  renameReplacement: z.nullable(z.string()),
  dns: z.nullable(z.strictObject({ zoneId: z.string(), name: z.string(), from: z.string(), to: z.string() })),
  dryRun: z.boolean(),
  reason: z.string(),
  finalSnapshot: z.boolean(),
  /** Failback with finalSnapshot: the plan take-snapshot, read-snapshot and write-snapshot-manifest run on, for the domain being left. */
  finalSnapshotPlan: z.optional(searchPlanSchema),
});
export type RunbookPlan = z.infer<typeof runbookPlanSchema>;

/** An engine and its version: `OpenSearch_2.13` → OpenSearch 2.13; a snapshot's `version` "7.10.2" → Elasticsearch 7.10. */
export interface EngineRelease {
  readonly engine: 'OpenSearch' | 'Elasticsearch';
  readonly major: number;
  readonly minor: number;
}

/** A domain's EngineVersion (`OpenSearch_2.13`, `Elasticsearch_7.10`); undefined when it is neither. */
export function domainRelease(engineVersion: string): EngineRelease | undefined {
  const match = /^(OpenSearch|Elasticsearch)_(\d+)\.(\d+)$/.exec(engineVersion);
  if (!match) return undefined;
  return { engine: match[1] as EngineRelease['engine'], major: Number(match[2]), minor: Number(match[3]) };
}

/**
 * The release that wrote a snapshot, from `GET _snapshot/<repo>/<snapshot>`'s `version` ("2.13.0").
 * OpenSearch reports Elasticsearch's version for a snapshot Elasticsearch took; OpenSearch's own
 * majors are below 5 and the Elasticsearch versions a domain can hold are 5 and later, so a major
 * of 5 or more is Elasticsearch's. Undefined when not `major.minor[.patch]`.
 */
export function snapshotRelease(version: string): EngineRelease | undefined {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?/.exec(version);
  if (!match) return undefined;
  const major = Number(match[1]);
  return { engine: major >= 5 ? 'Elasticsearch' : 'OpenSearch', major, minor: Number(match[2]) };
}

/**
 * The release line, with Elasticsearch 7 and OpenSearch 1 on the same line (OpenSearch 1.0 is the
 * fork of Elasticsearch 7.10.2 and reads its indices): Elasticsearch N is line N − 6, OpenSearch N is N.
 */
const line = (release: EngineRelease): number => (release.engine === 'OpenSearch' ? release.major : release.major - 6);

/**
 * Why a domain of `domainEngineVersion` cannot restore a snapshot written by `snapshotVersion`, or
 * null when it can. A snapshot restores into the same version or a newer one within the next major,
 * never into an older one: Amazon OpenSearch Service developer guide, "Using a snapshot to migrate
 * data" (restore a 1.3 or 2.x snapshot into a 2.x domain of a higher version; Elasticsearch 7.x into
 * OpenSearch 1.x), AWS Prescriptive Guidance "Building from a snapshot" (an index restores into the
 * next major version only: 5.x into 6.x), and OpenSearch's "Snapshots" (not more than one major
 * version above the index's). An OpenSearch snapshot never restores into an Elasticsearch domain.
 */
export function engineVersionIncompatibility(snapshotVersion: string, domainEngineVersion: string): string | null {
  const source = snapshotRelease(snapshotVersion);
  const target = domainRelease(domainEngineVersion);
  if (!source) return `the snapshot's version "${snapshotVersion}" is not a version OpenSearch reports`;
  if (!target) return `the domain's engine version "${domainEngineVersion}" is not OpenSearch_x.y or Elasticsearch_x.y`;
  const written = `${source.engine} ${source.major}.${source.minor}`;
  const here = `${target.engine} ${target.major}.${target.minor}`;
  if (source.engine === 'OpenSearch' && target.engine === 'Elasticsearch') return `the snapshot was written by ${written}; an Elasticsearch domain (${here}) cannot restore it`;
  const sourceLine = line(source);
  const targetLine = line(target);
  const newerSource = sourceLine > targetLine || (source.engine === target.engine && source.major === target.major && source.minor > target.minor);
  if (newerSource) return `the snapshot was written by ${written}, newer than this domain's ${here}; a snapshot never restores into an older version`;
  if (targetLine - sourceLine > 1) return `the snapshot was written by ${written}, more than one major version older than this domain's ${here}`;
  return null;
}

/** Raises EngineVersionIncompatible (one line, both versions) unless the domain can restore the snapshot. */
export function checkEngineVersion(snapshotVersion: string, domainEngineVersion: string, snapshot: string): void {
  const why = engineVersionIncompatibility(snapshotVersion, domainEngineVersion);
  if (why !== null) throw new EngineVersionIncompatible(`snapshot ${snapshot}: ${why}`);
}
