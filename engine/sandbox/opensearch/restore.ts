import { openSearchVersionOf, stableOpenSearchUuid } from '../seed-search.ts';
import type { OperationContext } from '../service.ts';
import { SnapshotOutcome, type OpenSearchDomainState, type OpenSearchIndexState } from '../state.ts';
import { illegalArgument, indexNotFound, invalidIndexName, snapshotRestoreError } from './errors.ts';
import { resolveExpression } from './indices.ts';
import { repositoryOrThrow, repositoryViews, snapshotStateAt, type SnapshotView } from './snapshots.ts';

/**
 * POST `_snapshot/<repo>/<snapshot>/_restore`, as OpenSearch's RestoreService restores (OpenSearch
 * API reference "Restore Snapshot"; Amazon OpenSearch Service developer guide "Restoring
 * snapshots"), in the order it checks:
 * - the repository is registered (repository_missing_exception, 404); the snapshot is in it and has
 *   ended: otherwise `[<repo>:<snap>] snapshot does not exist` (snapshot_restore_exception, 500; a
 *   running snapshot is not in the repository's data yet);
 * - its state is restorable (SUCCESS or PARTIAL; FAILED is `unsupported snapshot state [FAILED]`) and
 *   its version is not newer than the domain's (`the snapshot was created with OpenSearch version
 *   [..] which is higher than the version of this node [..]`; Elasticsearch versions count as older
 *   than every OpenSearch version, as OpenSearch's LegacyESVersion does);
 * - `indices` (a comma string or a list: names, wildcards, `-<expr>` exclusions after a wildcard,
 *   over the snapshot's indices, system ones included; absent: all) names indices the snapshot has
 *   (index_not_found_exception, 404, unless `ignore_unavailable`);
 * - `rename_pattern`/`rename_replacement` rename each index with Java's `String#replaceAll` (`$1`,
 *   `${name}`, `\$`); two indices renamed into one are refused;
 * - each index: of a PARTIAL snapshot, the failed one needs `partial: true` (then it is restored
 *   empty); an open index of the (renamed) name refuses the whole restore with the message Amazon
 *   OpenSearch Service users meet for `.kibana` and `.opendistro_security` (hence the guide's advice
 *   to exclude them and leave `include_global_state` false); a closed index of that name is replaced.
 *
 * The indices exist at once and recover for the domain's `restoreSeconds` on the clock (see
 * indices.ts); each then counts the documents its index had when the snapshot was taken, less a
 * shortfall set by `sandbox.setRestoreShortfall`. `include_global_state`, `include_aliases` and
 * `ignore_index_settings` are accepted and change nothing simulated; `index_settings` may set
 * `index.number_of_replicas` (`index.number_of_shards` cannot be modified on restore).
 * `wait_for_completion` is not simulated: the answer is always `{"accepted": true}`. Refusals change nothing.
 */

const restoreMembers = [
  'indices',
  'ignore_unavailable',
  'include_global_state',
  'include_aliases',
  'partial',
  'rename_pattern',
  'rename_replacement',
  'index_settings',
  'ignore_index_settings',
] as const;

const flagOf = (value: unknown): boolean => value === true || value === 'true';

/** A version `X.Y.Z` as a comparable tuple; Elasticsearch's (major 5 and up) rank below OpenSearch 1.0. */
function versionRank(version: string): [number, number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major >= 5 ? [0, major, minor, patch] : [1, major, minor, patch];
}

function newerThan(a: string, b: string): boolean {
  const left = versionRank(a);
  const right = versionRank(b);
  for (let at = 0; at < left.length; at += 1) {
    if ((left[at] ?? 0) !== (right[at] ?? 0)) return (left[at] ?? 0) > (right[at] ?? 0);
  }
  return false;
}

/** Java's `Matcher#appendReplacement` rules for a replacement string: `$n` (as many digits as name a group), `${name}`, `\x` a literal x. */
function javaReplacer(replacement: string, groupCount: number): (match: string, ...rest: unknown[]) => string {
  return (...args: unknown[]) => {
    const groups = args.slice(1, 1 + groupCount) as (string | undefined)[];
    const named = typeof args.at(-1) === 'object' && args.at(-1) !== null ? (args.at(-1) as Record<string, string | undefined>) : {};
    let out = '';
    for (let at = 0; at < replacement.length; at += 1) {
      const char = replacement[at];
      if (char === '\\') {
        at += 1;
        if (at >= replacement.length) throw illegalArgument('character to be escaped is missing');
        out += replacement[at];
      } else if (char === '$') {
        at += 1;
        if (replacement[at] === '{') {
          const close = replacement.indexOf('}', at);
          const name = close < 0 ? '' : replacement.slice(at + 1, close);
          if (!(name in named)) throw illegalArgument(`No group with name {${name}}`);
          out += named[name] ?? '';
          at = close;
        } else {
          let digits = replacement[at] ?? '';
          if (!/^\d$/.test(digits)) throw illegalArgument('Illegal group reference');
          while (/^\d$/.test(replacement[at + 1] ?? '') && Number(digits + replacement[at + 1]) <= groupCount) digits += replacement[(at += 1)];
          const group = Number(digits);
          if (group > groupCount) throw illegalArgument(`No group ${group}`);
          out += group === 0 ? String(args[0]) : (groups[group - 1] ?? '');
        }
      } else out += char;
    }
    return out;
  };
}

/** `index.replaceAll(pattern, replacement)` as Java runs it; a pattern JavaScript cannot compile is illegal_argument_exception. */
function renameIndex(index: string, pattern: string, replacement: string): string {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'g');
  } catch (error) {
    throw illegalArgument(error instanceof Error ? error.message : String(error));
  }
  const groupCount = new RegExp(`${pattern}|`).exec('')?.length ?? 1;
  return index.replace(regex, javaReplacer(replacement, groupCount - 1));
}

function textOf(value: unknown, member: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw illegalArgument(`malformed ${member}`);
  return value;
}

function replicasFrom(settings: unknown): number | undefined {
  if (settings === undefined || settings === null) return undefined;
  if (typeof settings !== 'object' || Array.isArray(settings)) throw illegalArgument('malformed index_settings section, should include an inner object');
  const flat = settings as Record<string, unknown>;
  const nested = typeof flat.index === 'object' && flat.index !== null ? (flat.index as Record<string, unknown>) : {};
  if ('index.number_of_shards' in flat || 'number_of_shards' in flat || 'number_of_shards' in nested) return Number.NaN;
  const value = flat['index.number_of_replicas'] ?? flat.number_of_replicas ?? nested.number_of_replicas;
  if (value === undefined) return undefined;
  const replicas = Number(value);
  if (!Number.isInteger(replicas) || replicas < 0) throw illegalArgument(`Failed to parse value [${String(value)}] for setting [index.number_of_replicas] must be >= 0`);
  return replicas;
}

/** What MetadataCreateIndexService#validateIndexOrAliasName refuses in a new index's name, in its words; undefined when the name is valid. */
function indexNameProblem(name: string): string | undefined {
  if (/[\\/*?"<>| ,#:]/.test(name)) return 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?, #, :]';
  if (/^[_\-+]/.test(name)) return 'must not start with \'_\', \'-\', or \'+\'';
  if (name === '.' || name === '..') return 'must not be \'.\' or \'..\'';
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (Buffer.byteLength(name) > 255) return `index name is too long, (${Buffer.byteLength(name)} > 255)`;
  return undefined;
}

export function restoreSnapshot(context: OperationContext, key: string, repositoryName: string, name: string, body: unknown): object {
  const domain = context.state.openSearch.domains.get(key) as OpenSearchDomainState;
  const request = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const unknown = Object.keys(request).find((member) => !(restoreMembers as readonly string[]).includes(member));
  if (unknown !== undefined) throw illegalArgument(`Unknown parameter ${unknown}`);
  const repository = repositoryOrThrow(domain, repositoryName);
  const now = context.now();
  const view: SnapshotView | undefined = repositoryViews(context, domain, repository).find((item) => item.snapshot === name);
  const state = view && snapshotStateAt(view.endsAt, view.outcome, now);
  if (!view || state === 'IN_PROGRESS') throw snapshotRestoreError(`${repositoryName}:${name}`, 'snapshot does not exist');
  const snapshotId = `${repositoryName}:${name}/${view.uuid}`;
  if (state === SnapshotOutcome.Failed) throw snapshotRestoreError(snapshotId, `unsupported snapshot state [${state}]`);
  const domainVersion = openSearchVersionOf(domain.engineVersion);
  if (newerThan(view.version, domainVersion)) {
    throw snapshotRestoreError(snapshotId, `the snapshot was created with OpenSearch version [${view.version}] which is higher than the version of this node [${domainVersion}]`);
  }

  const requested = Array.isArray(request.indices) ? request.indices.map(String) : textOf(request.indices, 'indices');
  const { found, missing } = resolveExpression(requested, view.indices);
  if (missing[0] !== undefined && !flagOf(request.ignore_unavailable)) throw indexNotFound(missing[0]);
  const pattern = textOf(request.rename_pattern, 'rename_pattern');
  const replacement = textOf(request.rename_replacement, 'rename_replacement');
  const renamed = new Map<string, string>();
  for (const index of found) {
    const target = pattern !== undefined && replacement !== undefined ? renameIndex(index, pattern, replacement) : index;
    const previous = renamed.get(target);
    if (previous !== undefined) throw snapshotRestoreError(`${repositoryName}:${name}`, `indices [${index}] and [${previous}] are renamed into the same index [${target}]`);
    renamed.set(target, index);
  }
  const replicas = replicasFrom(request.index_settings);
  if (Number.isNaN(replicas)) throw snapshotRestoreError(snapshotId, 'cannot modify setting [index.number_of_shards] on restore');

  const failedIndex = view.outcome === SnapshotOutcome.Partial ? view.indices[0] : undefined;
  const restoreUuid = stableOpenSearchUuid(`${key}/restore/${snapshotId}/${now.toISOString()}`);
  const doneAt = new Date(now.getTime() + domain.restoreSeconds * 1000).toISOString();
  const shortfalls = { ...(domain.restoreShortfalls ?? {}) };
  const restored: OpenSearchIndexState[] = [];
  for (const [target, source] of renamed) {
    const partial = source === failedIndex;
    if (partial && !flagOf(request.partial)) throw snapshotRestoreError(snapshotId, `index [${source}] wasn't fully snapshotted - cannot restore`);
    const why = indexNameProblem(target);
    if (why !== undefined) throw invalidIndexName(target, why);
    const existing = domain.indices.find((index) => index.name === target);
    if (existing && existing.closed !== true) {
      throw snapshotRestoreError(
        snapshotId,
        `cannot restore index [${target}] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name`,
      );
    }
    if (existing && partial) throw snapshotRestoreError(snapshotId, `cannot restore partial index [${target}] because such index already exists`);
    const shortfallKey = source in shortfalls ? source : target in shortfalls ? target : undefined;
    const shortfall = shortfallKey === undefined ? 0 : (shortfalls[shortfallKey] ?? 0);
    if (shortfallKey !== undefined) delete shortfalls[shortfallKey];
    restored.push({
      name: target,
      uuid: existing?.uuid ?? stableOpenSearchUuid(`${key}/${target}/${restoreUuid}`),
      docsCount: partial ? 0 : Math.max(0, (view.docsCounts[source] ?? 0) - shortfall),
      primaries: existing?.primaries ?? 1,
      replicas: replicas ?? existing?.replicas ?? 1,
      recovery: { repository: repositoryName, snapshot: name, version: view.version, index: source, restoreUuid, startTime: now.toISOString(), doneAt },
    });
  }
  if (restored.length > 0) {
    const draft = context.state.openSearch.domains.edit(key) as OpenSearchDomainState;
    const byName = new Map(restored.map((index) => [index.name, index]));
    draft.indices = [...domain.indices.map((index) => byName.get(index.name) ?? index), ...restored.filter((index) => !domain.indices.some((item) => item.name === index.name))];
    if (Object.keys(shortfalls).length > 0) draft.restoreShortfalls = shortfalls;
    else delete draft.restoreShortfalls;
  }
  return { accepted: true };
}
