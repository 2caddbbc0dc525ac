import * as z from 'zod/mini';
import type { SearchDrConfig, SearchRegionConfig } from '../../shared/config.ts';
import { regionPair } from '../config.ts';
import {
  AlreadyActive, IndicesConflict, ManifestInvalid, RepositoryNotReadOnly, RunbookAlreadyRunning, RunbookRequestInvalid, SearchDomainNotReady, SearchRecordUnusable,
  SnapshotMissing, SnapshotNotRestorable,
} from '../errors.ts';
import { readSnapshotManifest, type ManifestStore } from '../manifest.ts';
import type { OpenSearchDomainAddress } from '../opensearch-client.ts';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import {
  checkEngineVersion, ConflictOption, isSystemIndex, parseRunbookRequest, RunbookKind, runbookKinds, type PlanIndex, type ResolvedRequest, type RunbookPlan,
} from '../runbook.ts';
import type { SearchPlan } from '../schemas.ts';
import { newestSuccess, SnapshotState, type SnapshotInfo } from '../snapshots.ts';

const recordSet = z.looseObject({ Name: z.string(), Type: z.string(), ResourceRecords: z.optional(z.array(z.looseObject({ Value: z.string() }))) });
const domainStatus = z.looseObject({
  DomainName: z.string(),
  Created: z.optional(z.boolean()),
  Deleted: z.optional(z.boolean()),
  Processing: z.optional(z.boolean()),
  UpgradeProcessing: z.optional(z.boolean()),
  Endpoint: z.optional(z.string()),
  Endpoints: z.optional(z.record(z.string(), z.string())),
  EngineVersion: z.optional(z.string()),
});
const execution = z.looseObject({ ExecutionArn: z.string(), Name: z.optional(z.string()), Status: z.optional(z.string()), StateMachineArn: z.optional(z.string()) });

/**
 * The state the runbook read before preflight. `record` is ListResourceRecordSets' output (or
 * `{sets}`, search-snapshot's selection of it); `domain` is DescribeDomain's output (or `{status}`),
 * null or absent when the domain was not found; `running` is one ListExecutions output (statusFilter
 * RUNNING) per runbook state machine of this Region. `request` is the raw execution input.
 */
export const preflightSearchRunbookInput = z.looseObject({
  runbook: z.enum(runbookKinds),
  request: z.unknown(),
  executionArn: z.string().check(z.minLength(1)),
  record: z.looseObject({ ResourceRecordSets: z.optional(z.array(recordSet)), sets: z.optional(z.array(recordSet)) }),
  domain: z.optional(z.nullable(z.looseObject({ DomainStatus: z.optional(domainStatus), status: z.optional(domainStatus) }))),
  running: z.array(z.looseObject({ Executions: z.optional(z.array(execution)) })),
});
export type PreflightSearchRunbookInput = z.infer<typeof preflightSearchRunbookInput>;

export interface PreflightDeps {
  readonly search: SearchDrConfig;
  /** This Region: where the runbook runs and restores. */
  readonly region: string;
  readonly now: Date;
  /** The signed REST transport of a domain (this Region's; the other Region's for a failback's final snapshot). */
  transportFor(address: OpenSearchDomainAddress): OpenSearchTransport;
  /** An S3 client of this Region, whose bucket holds this Region's repository and its manifests. */
  readonly manifests: ManifestStore;
}

const host = (name: string): string => name.toLowerCase().replace(/\.$/, '');
const listed = (names: readonly string[]): string => (names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`);

/** The snapshot of a failback's final snapshot: `<prefix>final-<yyyymmddthhmm>z` of the preflight's minute, lower case as OpenSearch requires. */
export function finalSnapshotName(prefix: string, now: Date): string {
  return `${prefix}final-${now.toISOString().slice(0, 16).replace(/[-:]/g, '').toLowerCase()}z`;
}

function checkNothingRunning(input: PreflightSearchRunbookInput): void {
  const others = input.running
    .flatMap((page) => page.Executions ?? [])
    .filter((entry) => entry.ExecutionArn !== input.executionArn && (entry.Status ?? 'RUNNING') === 'RUNNING');
  if (others.length > 0) {
    throw new RunbookAlreadyRunning(`another runbook is running in this Region: ${listed(others.map((entry) => entry.ExecutionArn))}; runbooks run one at a time`);
  }
}

/** This Region's domain as DescribeDomain found it, ready for a restore: its endpoint and engine version. */
function readyDomain(input: PreflightSearchRunbookInput, here: SearchRegionConfig): { name: string; endpoint: string; engineVersion: string } {
  const status = input.domain?.DomainStatus ?? input.domain?.status;
  const name = here.domain.name;
  if (!status) throw new SearchDomainNotReady(`domain ${name} in ${here.region} was not found`);
  const why = status.Deleted
    ? 'is being deleted'
    : status.Created === false
      ? 'is still being created'
      : status.UpgradeProcessing
        ? 'is upgrading its engine version'
        : status.Processing
          ? 'is processing a configuration change'
          : undefined;
  if (why) throw new SearchDomainNotReady(`domain ${status.DomainName} in ${here.region} ${why}; run the runbook once it is Active`);
  const endpoint = [status.Endpoint, ...Object.values(status.Endpoints ?? {})].find((value): value is string => Boolean(value));
  if (!endpoint) throw new SearchDomainNotReady(`domain ${status.DomainName} in ${here.region} has no endpoint yet`);
  return { name: status.DomainName, endpoint: host(endpoint), engineVersion: status.EngineVersion ?? here.domain.engineVersion };
}

/** The record's single CNAME value, which must name the other Region's domain (this one's for nothing to do). */
function recordTarget(input: PreflightSearchRunbookInput, search: SearchDrConfig): string {
  const recordName = search.record.name;
  const sets = (input.record.ResourceRecordSets ?? input.record.sets ?? []).filter((set) => host(set.Name) === host(recordName) && set.Type === 'CNAME');
  const values = sets.flatMap((set) => set.ResourceRecords ?? []).map((value) => host(value.Value));
  if (sets.length !== 1 || values.length !== 1) {
    throw new SearchRecordUnusable(`${recordName} in ${search.record.hostedZoneId}: expected one CNAME with one value, found ${sets.length} CNAME set(s) with ${values.length} value(s)`);
  }
  return values[0] ?? '';
}

function checkDirection(runbook: RunbookKind, target: string, endpoint: string, here: SearchRegionConfig, other: SearchRegionConfig, recordName: string): void {
  const pointsHere = target === endpoint || target === host(here.domain.endpoint);
  if (pointsHere) {
    throw new AlreadyActive(
      runbook === RunbookKind.Drill
        ? `${recordName} points at ${here.region}'s domain: a drill restores into the standby, and ${here.region} is active`
        : `${recordName} already points at ${here.region}'s domain (${target}): nothing to ${runbook} to`,
    );
  }
  if (target !== host(other.domain.endpoint)) {
    throw new SearchRecordUnusable(`${recordName} points at ${target}, neither ${here.region}'s domain (${endpoint}) nor ${other.region}'s (${other.domain.endpoint})`);
  }
}

/** `GET _snapshot/<repo>`: registered here, and read-only (settings come back as strings). */
async function checkRepositoryReadOnly(transport: OpenSearchTransport, here: SearchRegionConfig): Promise<void> {
  const name = here.repository.name;
  const answer = await send(transport, 'GET', `/_snapshot/${segment(name)}`, { accept: [404] });
  const registration = answer.statusCode === 404 ? undefined : (answer.body as Record<string, { settings?: { readonly?: unknown } } | undefined>)[name];
  if (!registration) throw new RepositoryNotReadOnly(`repository ${name} is not registered on ${here.domain.name} in ${here.region}; search-snapshot registers it read-only on the standby`);
  const readonly = registration.settings?.readonly;
  if (readonly !== true && readonly !== 'true') {
    throw new RepositoryNotReadOnly(`repository ${name} is registered read-write on ${here.domain.name} in ${here.region}: is this domain still taking snapshots (active)?`);
  }
}

interface SnapshotFound extends SnapshotInfo {
  readonly version?: string;
  readonly indices?: readonly string[];
}

/** The named snapshot, or the newest SUCCESS one named with the prefix; SnapshotMissing / SnapshotNotRestorable otherwise. */
async function findSnapshot(transport: OpenSearchTransport, repository: string, named: string | undefined, prefix: string): Promise<SnapshotFound> {
  if (named !== undefined) {
    const answer = await send(transport, 'GET', `/_snapshot/${segment(repository)}/${segment(named)}`, { accept: [404] });
    const found = answer.statusCode === 404 ? undefined : (answer.body as { snapshots?: SnapshotFound[] }).snapshots?.[0];
    if (!found) throw new SnapshotMissing(`snapshot ${named} is not in repository ${repository}`);
    if (found.state !== SnapshotState.Success) throw new SnapshotNotRestorable(`snapshot ${named} is ${found.state}, not SUCCESS: only a complete snapshot is restored`);
    return found;
  }
  const all = ((await send(transport, 'GET', `/_snapshot/${segment(repository)}/_all`)).body as { snapshots?: SnapshotFound[] }).snapshots ?? [];
  const newest = newestSuccess(all, prefix) as SnapshotFound | null;
  if (!newest) throw new SnapshotMissing(`repository ${repository} holds no SUCCESS snapshot named ${prefix}*`);
  return newest;
}

/** `GET _cat/indices`: the open indices of the domain, system ones included. */
async function openIndices(transport: OpenSearchTransport): Promise<Set<string>> {
  const answer = await send(transport, 'GET', '/_cat/indices', { query: { format: 'json', h: 'index,status' } });
  const rows = (answer.body as { index?: string; status?: string }[] | null) ?? [];
  return new Set(rows.filter((row) => row.index && row.status !== 'close').map((row) => row.index as string));
}

/** The indices asked for (or all), system ones left out; an index asked for that the source lacks is refused. */
function chooseIndices(available: readonly string[], request: ResolvedRequest, source: string): { chosen: string[]; excluded: string[] } {
  const asked = request.indices ?? available;
  const excluded = [...new Set(asked.filter(isSystemIndex))].sort();
  const wanted = [...new Set(asked.filter((name) => !isSystemIndex(name)))].sort();
  const missing = wanted.filter((name) => !available.includes(name));
  if (missing.length > 0) throw new RunbookRequestInvalid(`indices: ${listed(missing)} not in ${source}`);
  if (wanted.length === 0) throw new RunbookRequestInvalid(request.indices ? 'indices: only system indices were named, and those are never restored' : `indices: ${source} holds no index to restore`);
  return { chosen: wanted, excluded };
}

/** The restore's rename: a drill under the drill prefix, a rename under the snapshot's name. */
function renaming(runbook: RunbookKind, option: ConflictOption, snapshot: string, drillPrefix: string): { pattern: string; replacement: string } | null {
  if (runbook === RunbookKind.Drill) return { pattern: '(.+)', replacement: `${drillPrefix}$1` };
  if (option === ConflictOption.Rename) return { pattern: '(.+)', replacement: `${snapshot}-$1` };
  return null;
}

/** The plan take-snapshot, read-snapshot and write-snapshot-manifest run on for a failback's final snapshot of the other Region's (active) domain. */
function finalSnapshotPlanFor(search: SearchDrConfig, here: SearchRegionConfig, other: SearchRegionConfig, snapshotName: string): SearchPlan {
  return {
    role: 'active',
    region: other.region,
    domainName: other.domain.name,
    endpoint: other.domain.endpoint,
    repository: {
      name: here.repository.name,
      settings: { bucket: here.repository.bucket, base_path: here.repository.basePath, region: here.region, role_arn: other.snapshotRoleArn, readonly: false },
    },
    snapshotName,
    snapshotPrefix: search.snapshotPrefix,
  };
}

/** The version string of a domain's EngineVersion, as a snapshot it takes reports it (`OpenSearch_2.13` → `2.13`). */
const versionOfEngine = (engineVersion: string): string => engineVersion.replace(/^(OpenSearch|Elasticsearch)_/, '');

/**
 * Decides whether the runbook may run and what it will do; reads only (REST GETs on this Region's
 * domain, GetObject of the manifest; for a failback's final snapshot, `_cat/indices` of the other
 * Region's domain). Checks, in order, each refusing in one line: the request (RunbookRequestInvalid),
 * no other runbook RUNNING (RunbookAlreadyRunning), this Region's domain Active (SearchDomainNotReady),
 * the record pointing at the other Region's domain (AlreadyActive; SearchRecordUnusable), this Region's
 * repository registered read-only here (RepositoryNotReadOnly), the snapshot existing and SUCCESS
 * (SnapshotMissing, SnapshotNotRestorable), its version restorable here (EngineVersionIncompatible),
 * its manifest (ManifestMissing, ManifestInvalid), and open indices of the restored names
 * (IndicesConflict when the request refuses conflicts; OpenSearch's "Restore snapshot" API: an open
 * index of the same name must be closed, deleted or renamed; a drill's are listed in `conflicts`,
 * leftovers of an earlier drill that it deletes first). Also raises rest.ts's transient names,
 * ManifestStoreUnavailable and SearchRegionNotConfigured.
 */
export async function preflightSearchRunbook(input: PreflightSearchRunbookInput, deps: PreflightDeps): Promise<RunbookPlan> {
  const { runbook } = input;
  const { search, region } = deps;
  const request = parseRunbookRequest(runbook, input.request);
  const { here, other } = regionPair(search, region);
  checkNothingRunning(input);
  const domain = readyDomain(input, here);
  const target = recordTarget(input, search);
  checkDirection(runbook, target, domain.endpoint, here, other, search.record.name);

  const transport = deps.transportFor({ endpoint: domain.endpoint, region });
  await checkRepositoryReadOnly(transport, here);
  const repository = { name: here.repository.name, bucket: here.repository.bucket, basePath: here.repository.basePath };

  let snapshot: string;
  let snapshotTakenAt: string | null;
  let source: { region: string; domain: string };
  let counts: Map<string, { before: number | null; after: number | null }>;
  let available: string[];
  let finalSnapshotPlan: SearchPlan | undefined;
  if (request.finalSnapshot) {
    snapshot = finalSnapshotName(search.snapshotPrefix, deps.now);
    snapshotTakenAt = null;
    source = { region: other.region, domain: other.domain.name };
    checkEngineVersion(versionOfEngine(other.domain.engineVersion), domain.engineVersion, snapshot);
    const leaving = await openIndices(deps.transportFor({ endpoint: other.domain.endpoint, region: other.region }));
    available = [...leaving];
    counts = new Map(available.map((name) => [name, { before: null, after: null }]));
    finalSnapshotPlan = finalSnapshotPlanFor(search, here, other, snapshot);
  } else {
    const found = await findSnapshot(transport, repository.name, request.snapshot, search.snapshotPrefix);
    snapshot = found.snapshot;
    const manifest = await readSnapshotManifest(deps.manifests, { bucket: repository.bucket, basePath: repository.basePath, region }, snapshot);
    const sourceEngine = search.regions.find((entry) => entry.region === manifest.region)?.domain.engineVersion;
    checkEngineVersion(found.version ?? versionOfEngine(sourceEngine ?? ''), domain.engineVersion, snapshot);
    snapshotTakenAt = manifest.takenAt;
    source = { region: manifest.region, domain: manifest.domain };
    available = found.indices ? [...found.indices] : Object.keys(manifest.indices);
    counts = new Map(Object.entries(manifest.indices));
    const uncounted = available.filter((name) => !isSystemIndex(name) && !counts.has(name) && (request.indices ?? [name]).includes(name));
    if (uncounted.length > 0) {
      throw new ManifestInvalid(`the manifest of ${snapshot} has no counts for ${listed(uncounted.sort())}, so their restore could not be verified; name the indices to restore without them`);
    }
  }
  const { chosen, excluded } = chooseIndices(available, request, request.finalSnapshot ? `${other.region}'s domain ${other.domain.name}` : `snapshot ${snapshot}`);

  const rename = renaming(runbook, request.conflicts, snapshot, search.drill.indexPrefix);
  const restoreAs = (name: string): string => (rename ? rename.replacement.replace('$1', name) : name);
  const indices: PlanIndex[] = chosen.map((index) => ({ index, restoreAs: restoreAs(index), before: counts.get(index)?.before ?? null, after: counts.get(index)?.after ?? null }));
  const open = await openIndices(transport);
  const conflicts = indices.map((entry) => entry.restoreAs).filter((name) => open.has(name));
  const conflictOption = runbook === RunbookKind.Drill ? ConflictOption.Rename : request.conflicts;
  // A drill's names carry the drill prefix: open ones are the leftovers of an earlier drill (one that
  // could not delete them), which the drill deletes before restoring, so that the next drill converges.
  if (conflicts.length > 0 && conflictOption !== ConflictOption.Delete && runbook !== RunbookKind.Drill) {
    throw new IndicesConflict(`open indices with the restored names exist on ${domain.name} in ${region}: ${listed(conflicts)}; ask for conflicts "delete", or close or delete them`);
  }

  return {
    runbook,
    region,
    domainName: domain.name,
    endpoint: domain.endpoint,
    engineVersion: domain.engineVersion,
    repository,
    snapshot,
    snapshotTakenAt,
    sourceRegion: source.region,
    sourceDomain: source.domain,
    indices,
    excluded,
    conflicts,
    conflictOption,
    renamePattern: rename?.pattern ?? null,
    renameReplacement: rename?.replacement ?? null,
    dns: runbook === RunbookKind.Drill ? null : { zoneId: search.record.hostedZoneId, name: search.record.name, from: target, to: domain.endpoint },
    dryRun: request.dryRun,
    reason: request.reason,
    finalSnapshot: request.finalSnapshot,
    ...(finalSnapshotPlan ? { finalSnapshotPlan } : {}),
  };
}
