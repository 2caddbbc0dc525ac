import { automatedRetained, openSearchVersionOf, repositoryLocation, snapshotNamePattern, stableOpenSearchUuid } from '../seed-search.ts';
import type { OperationContext } from '../service.ts';
import {
  SnapshotOutcome,
  type AutomatedSnapshotState,
  type OpenSearchDomainState,
  type OpenSearchRepositoryState,
  type OpenSearchSnapshotState,
  type SnapshotOutcomeName,
} from '../state.ts';
import {
  illegalArgument,
  invalidSnapshotName,
  repositoryError,
  repositoryMissing,
  SimulatedOpenSearchError,
  snapshotAlreadyRunning,
  snapshotMissing,
} from './errors.ts';
import { matchIndices } from './indices.ts';

/**
 * Snapshot repositories and snapshots of a domain, as OpenSearch's `_snapshot` API answers
 * (OpenSearch API reference: Register Snapshot Repository, Create Snapshot, Get Snapshot, Get
 * Snapshot Status, Delete Snapshot) with Amazon OpenSearch Service's rules (developer guide,
 * "Creating index snapshots"): repositories are `s3` only; the service's hourly automated snapshots
 * are in `cs-automated` (`cs-automated-enc` on a domain encrypted at rest); one snapshot at a time.
 *
 * A repository's snapshots live in its bucket and base path, so two domains that register the same
 * place see the same snapshots. A snapshot is IN_PROGRESS for its domain's `snapshotSeconds` on
 * the clock, then ends in the domain's seeded outcome.
 */

export const snapshotKey = (snapshot: Pick<OpenSearchSnapshotState, 'location' | 'snapshot'>): string => `${snapshot.location}\u0000${snapshot.snapshot}`;
/** A location's snapshots in the order OpenSearch lists them: by start time, then name. */
export const snapshotSortKey = (snapshot: Pick<OpenSearchSnapshotState, 'location' | 'snapshot' | 'startTime'>): string =>
  `${snapshot.location}\u0000${snapshot.startTime}\u0000${snapshot.snapshot}`;

export const automatedRepositoryOf = (domain: OpenSearchDomainState): string => (domain.encrypted ? 'cs-automated-enc' : 'cs-automated');

/** The state a snapshot has at `now`. */
export function snapshotStateAt(endsAt: string, outcome: SnapshotOutcomeName, now: Date): 'IN_PROGRESS' | SnapshotOutcomeName {
  return now.getTime() < Date.parse(endsAt) ? 'IN_PROGRESS' : outcome;
}

/** `2026-03-02t10-30-00.<uuid>`: the sandbox's names for automated snapshots (the service's own form is not documented). */
function automatedName(start: Date, uuid: string): string {
  return `${start.toISOString().slice(0, 19).toLowerCase().replaceAll(':', '-')}.${uuid.toLowerCase()}`;
}

/**
 * Takes the domain's automated snapshots due on the clock since it last looked: one at the seeded
 * minute of each hour, skipped when the domain's own snapshot was running then (it is never two at
 * once). Only the manual snapshot started last can cover those hours: any earlier one ended
 * before the last request, which took the hours up to it.
 */
export function takeAutomatedSnapshots(context: OperationContext, key: string): OpenSearchDomainState {
  const table = context.state.openSearch.domains;
  const current = table.get(key) as OpenSearchDomainState;
  const now = context.now().getTime();
  const from = Date.parse(current.automatedThrough);
  if (!current.automatedSnapshots.enabled || now < from) return current;
  const hour = 3_600_000;
  const offset = current.automatedSnapshots.minute * 60_000;
  let slot = Math.ceil((from - offset) / hour) * hour + offset;
  slot = Math.max(slot, Math.ceil((now - automatedRetained * hour - offset) / hour) * hour + offset);
  const taken: AutomatedSnapshotState[] = [];
  for (; slot <= now; slot += hour) {
    const running = current.running;
    if (running && Date.parse(running.startTime) <= slot && slot < Date.parse(running.endsAt)) continue;
    const start = new Date(slot);
    const uuid = stableOpenSearchUuid(`${key}/automated/${start.toISOString()}`);
    taken.push({
      name: automatedName(start, uuid),
      uuid,
      startTime: start.toISOString(),
      endsAt: new Date(slot + current.snapshotSeconds * 1000).toISOString(),
      indices: current.indices.map((index) => index.name),
      docsCounts: Object.fromEntries(current.indices.map((index) => [index.name, index.docsCount])),
    });
  }
  const domain = table.edit(key) as OpenSearchDomainState;
  domain.automatedThrough = new Date(now + 1).toISOString();
  if (taken.length > 0) domain.automated = [...domain.automated, ...taken].slice(-automatedRetained);
  return domain;
}

/** The snapshot running on the domain now, manual or automated, as `[repository, name]`. */
export function runningSnapshot(domain: OpenSearchDomainState, now: Date): { repository: string; snapshot: string; uuid: string; startTime: string; location?: string } | undefined {
  const running = domain.running;
  if (running && now.getTime() < Date.parse(running.endsAt)) {
    const repository = domain.repositories.find((item) => repositoryLocation(item.bucket, item.basePath) === running.location)?.name ?? running.location;
    return { repository, snapshot: running.name, uuid: stableOpenSearchUuid(`${running.location}:${running.name}`), startTime: running.startTime, location: running.location };
  }
  const automated = domain.automated.at(-1);
  if (automated && now.getTime() < Date.parse(automated.endsAt)) return { repository: automatedRepositoryOf(domain), snapshot: automated.name, uuid: automated.uuid, startTime: automated.startTime };
  return undefined;
}

export function repositoryOrThrow(domain: OpenSearchDomainState, name: string): OpenSearchRepositoryState | 'automated' {
  if (name === automatedRepositoryOf(domain)) return 'automated';
  const repository = domain.repositories.find((item) => item.name === name);
  if (!repository) throw repositoryMissing(name);
  return repository;
}

/** `_all`, `*`, a name, or a comma list with wildcards. */
function namesMatch(pattern: string | undefined, names: readonly string[]): { found: string[]; missing: string[] } {
  if (pattern === undefined || pattern === '' || pattern === '_all' || pattern === '*') return { found: [...names], missing: [] };
  const found: string[] = [];
  const missing: string[] = [];
  for (const part of pattern.split(',')) {
    if (part.includes('*')) {
      const regex = new RegExp(`^${part.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      found.push(...names.filter((name) => regex.test(name) && !found.includes(name)));
    } else if (names.includes(part)) {
      if (!found.includes(part)) found.push(part);
    } else missing.push(part);
  }
  return { found, missing };
}

function repositoryJson(repository: OpenSearchRepositoryState): object {
  const settings: Record<string, string> = { bucket: repository.bucket };
  if (repository.basePath !== '') settings.base_path = repository.basePath;
  if (repository.region !== undefined) settings.region = repository.region;
  if (repository.roleArn !== undefined) settings.role_arn = repository.roleArn;
  if (repository.readonly) settings.readonly = 'true';
  return { type: 's3', settings };
}

/** GET `_snapshot` or `_snapshot/<names>`. */
export function getRepositories(domain: OpenSearchDomainState, pattern: string | undefined): object {
  const automated = automatedRepositoryOf(domain);
  const { found, missing } = namesMatch(pattern, [automated, ...domain.repositories.map((item) => item.name)]);
  if (missing[0] !== undefined) throw repositoryMissing(missing[0]);
  return Object.fromEntries(found.map((name) => [name, name === automated ? { type: 's3' } : repositoryJson(domain.repositories.find((item) => item.name === name) as OpenSearchRepositoryState)]));
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'boolean' || typeof value === 'number' ? String(value) : undefined);

/** PUT `_snapshot/<name>` with `{type: "s3", settings: {bucket, base_path, region, role_arn, readonly}}`: registers or replaces. */
export function putRepository(context: OperationContext, key: string, name: string, body: unknown): object {
  const domain = context.state.openSearch.domains.get(key) as OpenSearchDomainState;
  if (name.startsWith('cs-')) throw repositoryError(name, 'cs- repositories are reserved for the service\'s automated snapshots');
  if (!/^[^_\s,#"*\\/<>|?A-Z][^\s,#"*\\/<>|?A-Z]*$/.test(name)) throw new SimulatedOpenSearchError('invalid_repository_name_exception', `[${name}] Invalid repository name, must be lowercase and must not contain whitespace, ',', '#' or start with '_'`, 400);
  const request = (typeof body === 'object' && body !== null ? body : {}) as { type?: unknown; settings?: Record<string, unknown> };
  if (request.type === undefined) throw new SimulatedOpenSearchError('action_request_validation_exception', 'Validation Failed: 1: type is missing;', 400);
  if (request.type !== 's3') throw repositoryError(name, `repository type [${String(request.type)}] does not exist`);
  const settings = request.settings ?? {};
  const bucket = text(settings.bucket);
  if (bucket === undefined || bucket === '') throw repositoryError(name, 'No bucket defined for s3 repository');
  const basePath = (text(settings.base_path) ?? '').replace(/^\/+|\/+$/g, '');
  if (!context.state.openSearch.buckets.has(bucket)) throw new SimulatedOpenSearchError('repository_verification_exception', `[${name}] path [${basePath}] is not accessible on master node`, 500);
  const repository: OpenSearchRepositoryState = { name, bucket, basePath, readonly: text(settings.readonly) === 'true' };
  const regionSetting = text(settings.region);
  if (regionSetting !== undefined) repository.region = regionSetting;
  const roleArn = text(settings.role_arn);
  if (roleArn !== undefined) repository.roleArn = roleArn;
  const draft = context.state.openSearch.domains.edit(key) as OpenSearchDomainState;
  draft.repositories = [...domain.repositories.filter((item) => item.name !== name), repository];
  return { acknowledged: true };
}

/** DELETE `_snapshot/<name>`: unregisters; the snapshots stay in the bucket. */
export function deleteRepository(context: OperationContext, key: string, name: string): object {
  const domain = context.state.openSearch.domains.get(key) as OpenSearchDomainState;
  const { found, missing } = namesMatch(name, domain.repositories.map((item) => item.name));
  if (missing[0] !== undefined) throw repositoryMissing(missing[0]);
  const draft = context.state.openSearch.domains.edit(key) as OpenSearchDomainState;
  draft.repositories = domain.repositories.filter((item) => !found.includes(item.name));
  return { acknowledged: true };
}

function locationSnapshots(context: OperationContext, location: string): OpenSearchSnapshotState[] {
  const table = context.state.openSearch.snapshots;
  return table.slice(table.lowerBoundOfKey(`${location}\u0000`), table.lowerBoundOfKey(`${location}\u0001`));
}

export interface SnapshotView {
  snapshot: string;
  uuid: string;
  version: string;
  indices: readonly string[];
  includeGlobalState: boolean;
  metadata?: Readonly<Record<string, unknown>>;
  startTime: string;
  endsAt: string;
  outcome: SnapshotOutcomeName;
  shardsPerIndex: number;
  /** Each index's document count when the snapshot was taken. */
  docsCounts: Readonly<Record<string, number>>;
}

/** OpenSearch's SnapshotInfo as GET `_snapshot/<repo>/<snap>` writes it; an IN_PROGRESS snapshot has no end time yet. */
function snapshotInfo(view: SnapshotView, now: Date): object {
  const state = snapshotStateAt(view.endsAt, view.outcome, now);
  const start = Date.parse(view.startTime);
  const total = view.indices.length * view.shardsPerIndex;
  const failed = state === SnapshotOutcome.Failed ? total : state === SnapshotOutcome.Partial ? Math.min(1, total) : 0;
  const failures =
    failed === 0 || state === 'IN_PROGRESS'
      ? []
      : view.indices.slice(0, state === SnapshotOutcome.Partial ? 1 : undefined).map((index) => ({ index, index_uuid: index, shard_id: 0, reason: 'IndexShardSnapshotFailedException[simulated shard failure]', status: 'INTERNAL_SERVER_ERROR' }));
  const ended = state !== 'IN_PROGRESS';
  return {
    snapshot: view.snapshot,
    uuid: view.uuid,
    version: view.version,
    indices: [...view.indices],
    data_streams: [],
    include_global_state: view.includeGlobalState,
    ...(view.metadata === undefined ? {} : { metadata: view.metadata }),
    state,
    ...(state === SnapshotOutcome.Failed ? { reason: 'simulated failure (the domain\'s seeded snapshotOutcome)' } : {}),
    start_time: new Date(start).toISOString(),
    start_time_in_millis: start,
    ...(ended ? { end_time: view.endsAt, end_time_in_millis: Date.parse(view.endsAt), duration_in_millis: Date.parse(view.endsAt) - start } : {}),
    failures: ended ? failures : [],
    shards: ended ? { total, failed, successful: total - failed } : { total: 0, failed: 0, successful: 0 },
  };
}

export function repositoryViews(context: OperationContext, domain: OpenSearchDomainState, repository: OpenSearchRepositoryState | 'automated'): SnapshotView[] {
  if (repository === 'automated') {
    return domain.automated.map((item) => ({ snapshot: item.name, uuid: item.uuid, version: openSearchVersionOf(domain.engineVersion), indices: item.indices, includeGlobalState: true, startTime: item.startTime, endsAt: item.endsAt, outcome: SnapshotOutcome.Success, shardsPerIndex: 1, docsCounts: item.docsCounts ?? {} }));
  }
  return locationSnapshots(context, repositoryLocation(repository.bucket, repository.basePath)).map((item) => ({
    snapshot: item.snapshot,
    uuid: item.uuid,
    version: item.version,
    indices: item.indices,
    includeGlobalState: item.includeGlobalState,
    ...(item.metadata === undefined ? {} : { metadata: item.metadata }),
    startTime: item.startTime,
    endsAt: item.endsAt,
    outcome: item.outcome,
    shardsPerIndex: 1,
    docsCounts: item.docsCounts,
  }));
}

/** GET `_snapshot/<repo>/<names>`: `_all`, names, a comma list, wildcards; `ignore_unavailable=true` skips missing names. */
export function getSnapshots(context: OperationContext, domain: OpenSearchDomainState, repositoryName: string, pattern: string, ignoreUnavailable: boolean): object {
  const repository = repositoryOrThrow(domain, repositoryName);
  const views = repositoryViews(context, domain, repository);
  const { found, missing } = namesMatch(pattern, views.map((view) => view.snapshot));
  if (missing[0] !== undefined && !ignoreUnavailable) throw snapshotMissing(repositoryName, missing[0]);
  const now = context.now();
  return { snapshots: views.filter((view) => found.includes(view.snapshot)).map((view) => snapshotInfo(view, now)) };
}

/** The snapshot status API's state: STARTED while running. */
const statusState = (state: string): string => (state === 'IN_PROGRESS' ? 'STARTED' : state);

function statusEntry(repository: string, view: SnapshotView, now: Date): object {
  const state = snapshotStateAt(view.endsAt, view.outcome, now);
  const total = view.indices.length * view.shardsPerIndex;
  const done = state === 'IN_PROGRESS' ? 0 : state === SnapshotOutcome.Success ? total : state === SnapshotOutcome.Partial ? total - Math.min(1, total) : 0;
  const failed = state === 'IN_PROGRESS' ? 0 : total - done;
  return {
    snapshot: view.snapshot,
    repository,
    uuid: view.uuid,
    state: statusState(state),
    include_global_state: view.includeGlobalState,
    shards_stats: { initializing: 0, started: total - done - failed, finalizing: 0, done, failed, total },
    indices: Object.fromEntries(view.indices.map((index) => [index, { shards_stats: { initializing: 0, started: state === 'IN_PROGRESS' ? view.shardsPerIndex : 0, finalizing: 0, done: state === 'IN_PROGRESS' ? 0 : view.shardsPerIndex, failed: 0, total: view.shardsPerIndex } }])),
  };
}

/** GET `_snapshot/_status` (what runs now, in any repository), `_snapshot/<repo>/_status`, or `_snapshot/<repo>/<names>/_status`. */
export function snapshotStatus(context: OperationContext, domain: OpenSearchDomainState, repositoryName: string | undefined, pattern: string | undefined, ignoreUnavailable: boolean): object {
  const now = context.now();
  if (pattern === undefined) {
    const running = runningSnapshot(domain, now);
    if (repositoryName !== undefined) repositoryOrThrow(domain, repositoryName);
    if (!running || (repositoryName !== undefined && running.repository !== repositoryName)) return { snapshots: [] };
    const view = repositoryViews(context, domain, repositoryOrThrow(domain, running.repository)).find((item) => item.snapshot === running.snapshot);
    return { snapshots: view ? [statusEntry(running.repository, view, now)] : [] };
  }
  const repository = repositoryOrThrow(domain, repositoryName ?? '');
  const views = repositoryViews(context, domain, repository);
  const { found, missing } = namesMatch(pattern, views.map((view) => view.snapshot));
  if (missing[0] !== undefined && !ignoreUnavailable) throw snapshotMissing(repositoryName ?? '', missing[0]);
  return { snapshots: views.filter((view) => found.includes(view.snapshot)).map((view) => statusEntry(repositoryName ?? '', view, now)) };
}

/**
 * PUT `_snapshot/<repo>/<snap>` with `{indices, ignore_unavailable, include_global_state, partial,
 * metadata}`: starts the snapshot and answers `{"accepted": true}` (wait_for_completion is not
 * simulated: the sandbox cannot block on its clock).
 */
export function createSnapshot(context: OperationContext, key: string, repositoryName: string, name: string, body: unknown): object {
  const domain = context.state.openSearch.domains.get(key) as OpenSearchDomainState;
  const repository = repositoryOrThrow(domain, repositoryName);
  if (repository === 'automated') throw repositoryError(repositoryName, 'cannot create snapshot in a readonly repository');
  if (repository.readonly) throw repositoryError(repositoryName, 'cannot create snapshot in a readonly repository');
  if (name !== name.toLowerCase()) throw invalidSnapshotName(repositoryName, name, 'must be lowercase');
  if (!snapshotNamePattern.test(name)) throw invalidSnapshotName(repositoryName, name, 'must not contain whitespace, \',\', \'#\', \'"\', \'*\', \'\\\', \'/\', \'<\', \'>\', \'|\', \'?\' or start with \'_\'');
  const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const unknown = Object.keys(request).filter((member) => !['indices', 'ignore_unavailable', 'include_global_state', 'partial', 'metadata'].includes(member));
  if (unknown[0] !== undefined) throw illegalArgument(`Unknown key for a VALUE_STRING in [${unknown[0]}].`);
  if (request.metadata !== undefined && (typeof request.metadata !== 'object' || request.metadata === null || Array.isArray(request.metadata))) {
    throw illegalArgument(`malformed metadata, should be an object`);
  }
  const location = repositoryLocation(repository.bucket, repository.basePath);
  const now = context.now();
  const existing = context.state.openSearch.snapshots.get(snapshotKey({ location, snapshot: name }));
  if (existing) {
    const inProgress = snapshotStateAt(existing.endsAt, existing.outcome, now) === 'IN_PROGRESS';
    throw invalidSnapshotName(repositoryName, name, inProgress ? 'snapshot with the same name is already in-progress' : 'snapshot with the same name already exists');
  }
  if (runningSnapshot(domain, now)) throw snapshotAlreadyRunning(repositoryName, name);
  const requested = Array.isArray(request.indices) ? request.indices.map(String).join(',') : typeof request.indices === 'string' ? request.indices : undefined;
  const indices = matchIndices(domain, requested, request.ignore_unavailable === true || request.ignore_unavailable === 'true');
  const startTime = now.toISOString();
  const endsAt = new Date(now.getTime() + domain.snapshotSeconds * 1000).toISOString();
  context.state.openSearch.snapshots.put({
    location,
    snapshot: name,
    uuid: stableOpenSearchUuid(`${location}:${name}:${startTime}`),
    takenBy: key,
    version: openSearchVersionOf(domain.engineVersion),
    indices: indices.map((index) => index.name),
    includeGlobalState: request.include_global_state === undefined ? true : request.include_global_state === true || request.include_global_state === 'true',
    ...(request.metadata === undefined ? {} : { metadata: request.metadata as Record<string, unknown> }),
    startTime,
    endsAt,
    outcome: domain.snapshotOutcome,
    docsCounts: Object.fromEntries(indices.map((index) => [index.name, index.docsCount])),
  });
  const draft = context.state.openSearch.domains.edit(key) as OpenSearchDomainState;
  draft.running = { location, name, startTime, endsAt };
  return { accepted: true };
}

/** DELETE `_snapshot/<repo>/<names>`: deleting the running snapshot aborts it. */
export function deleteSnapshots(context: OperationContext, key: string, repositoryName: string, pattern: string): object {
  const domain = context.state.openSearch.domains.get(key) as OpenSearchDomainState;
  const repository = repositoryOrThrow(domain, repositoryName);
  if (repository === 'automated' || repository.readonly) throw repositoryError(repositoryName, 'cannot delete snapshot from a readonly repository');
  const location = repositoryLocation(repository.bucket, repository.basePath);
  const { found, missing } = namesMatch(pattern, locationSnapshots(context, location).map((item) => item.snapshot));
  if (missing[0] !== undefined) throw snapshotMissing(repositoryName, missing[0]);
  for (const name of found) {
    const snapshot = context.state.openSearch.snapshots.get(snapshotKey({ location, snapshot: name })) as OpenSearchSnapshotState;
    context.state.openSearch.snapshots.delete(snapshotKey(snapshot));
    // The domain that takes it may be another one sharing the bucket: it is no longer running a snapshot.
    const taker = context.state.openSearch.domains.get(snapshot.takenBy);
    if (taker?.running && taker.running.location === location && taker.running.name === name) {
      const draft = context.state.openSearch.domains.edit(snapshot.takenBy) as OpenSearchDomainState;
      delete draft.running;
    }
  }
  return { acknowledged: true };
}
