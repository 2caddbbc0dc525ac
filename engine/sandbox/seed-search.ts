import { createHash } from 'node:crypto';
import * as z from 'zod';
import { duplicates, type Issue } from './seed-checks.ts';
import { SnapshotOutcome, type OpenSearchDomainState, type OpenSearchSnapshotState, type OpenSearchState } from './state.ts';

/**
 * The seed section `openSearch`: Amazon OpenSearch Service domains (per Region), the S3 buckets
 * that hold their snapshot repositories, and snapshots already in those buckets. Documented in
 * README.md. Constraints from the OpenSearch Service API reference (CreateDomain DomainName: 3 to 28
 * of lower-case letters, digits and hyphens, starting with a letter; EngineVersion
 * `OpenSearch_X.Y` or `Elasticsearch_X.Y`), OpenSearch's index-name rules (lower case; not
 * starting with `-`, `_` or `+`; not `.` or `..`; a leading `.` is allowed, as the service's own
 * system indices `.kibana_1`, `.opendistro-job-scheduler-lock`, `.plugins-ml-config` have it:
 * MetadataCreateIndexService#validateIndexOrAliasName), and S3's bucket-name rules (3 to 63 of
 * lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit).
 */

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1');
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time such as 2026-03-02T10:00:00Z' });
export const domainNamePattern = /^[a-z][a-z0-9-]{2,27}$/;
export const indexNamePattern = /^(?!\.\.?$)[a-z0-9.][a-z0-9._-]*$/;
export const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const indexName = z.string().max(255).regex(indexNamePattern, 'must be an index name: lower-case letters, digits and ._-, not starting with _ or -, not . or ..');
const bucketName = z.string().regex(bucketNamePattern, 'must be an S3 bucket name: 3 to 63 of lower-case letters, digits, dots and hyphens');
/** A snapshot name: lower case, no spaces, commas or `#`, not starting with `_` (OpenSearch's SnapshotsService validation). */
export const snapshotNamePattern = /^[^_\s,#"*\\/<>|?A-Z][^\s,#"*\\/<>|?A-Z]*$/;
const basePath = z.string().max(1024).regex(/^([^/].*[^/]|[^/]?)$/, 'must be a path without leading or trailing slash (or empty)').default('');
const snapshotSeconds = z.int().nonnegative();

/**
 * Seconds a restored index recovers before it is searchable. OpenSearch Service documents no
 * duration (it grows with the data restored); a minute on the clock lets a runbook poll it.
 */
export const defaultRestoreSeconds = 60;

/**
 * OpenSearch Service documents no duration for a snapshot; hourly ones are incremental and, on the
 * small domains of a story, take about two minutes: by default a snapshot runs 120 s on the clock.
 */
export const defaultSnapshotSeconds = 120;

/**
 * The service takes automated snapshots hourly (developer guide, "Creating index snapshots": "hourly
 * automated snapshots", retaining "up to 336 of them for 14 days") at a time it chooses; the
 * sandbox takes them at a seeded minute of each hour, 30 by default.
 */
export const defaultAutomatedMinute = 30;
export const automatedRetained = 336;

const repository = z.strictObject({
  name: z.string().min(1).regex(/^[^_\s,#"*\\/<>|?A-Z][^\s,#"*\\/<>|?A-Z]*$/, 'must be a repository name: lower case, no spaces, commas or #, not starting with _'),
  bucket: bucketName,
  basePath,
  region: region.optional(),
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN').optional(),
  readonly: z.boolean().default(false),
});

const domain = z.strictObject({
  domainName: z.string().regex(domainNamePattern, 'must be 3 to 28 of lower-case letters, digits and hyphens, starting with a letter'),
  region,
  engineVersion: z.string().regex(/^(OpenSearch|Elasticsearch)_\d+\.\d+$/, 'must be an engine version such as OpenSearch_2.13').default('OpenSearch_2.13'),
  created: isoTime.optional(),
  processing: z.boolean().default(false),
  health: z.enum(['green', 'yellow', 'red']).default('green'),
  /** Encryption at rest: the automated snapshots are then in cs-automated-enc. */
  encrypted: z.boolean().default(false),
  snapshotSeconds: snapshotSeconds.optional(),
  snapshotOutcome: z.enum(Object.values(SnapshotOutcome)).default(SnapshotOutcome.Success),
  restoreSeconds: snapshotSeconds.optional(),
  automatedSnapshots: z
    .strictObject({ enabled: z.boolean().default(true), minute: z.int().min(0).max(59).default(defaultAutomatedMinute) })
    .prefault({}),
  indices: z.array(z.strictObject({ name: indexName, docsCount: z.int().nonnegative(), primaries: z.int().min(1).max(1024).default(1), replicas: z.int().min(0).default(1) })).default([]),
  repositories: z.array(repository).default([]),
});

const seededSnapshot = z.strictObject({
  bucket: bucketName,
  basePath,
  snapshot: z.string().min(1).max(255).regex(snapshotNamePattern, 'must be a snapshot name: lower case, no spaces, commas or #, not starting with _'),
  /** The domain that took it, as `<region>/<domain name>`. */
  takenBy: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d\/[a-z][a-z0-9-]{2,27}$/, 'must be <region>/<domain name>, such as eu-west-1/search-primary'),
  startTime: isoTime,
  /** A seeded snapshot has ended: this is its state. */
  state: z.enum(Object.values(SnapshotOutcome)).default(SnapshotOutcome.Success),
  indices: z.array(indexName).default([]),
  /** Each index's document count when the snapshot was taken: what a restore of it recovers (0 when not given). */
  docsCounts: z.record(indexName, z.int().nonnegative()).default({}),
  includeGlobalState: z.boolean().default(false),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const openSearchSeedSchema = z
  .strictObject({
    /** Default for every domain's `snapshotSeconds`. */
    snapshotSeconds: snapshotSeconds.default(defaultSnapshotSeconds),
    /** Default for every domain's `restoreSeconds`. */
    restoreSeconds: snapshotSeconds.default(defaultRestoreSeconds),
    buckets: z.array(z.strictObject({ name: bucketName, region })).default([]),
    domains: z.array(domain).default([]),
    snapshots: z.array(seededSnapshot).default([]),
  })
  .superRefine((openSearch, context) => {
    const issue = ({ path, message }: Issue): void => context.addIssue({ code: 'custom', path, message });
    const buckets = new Set(openSearch.buckets.map((bucket) => bucket.name));
    duplicates(openSearch.buckets, (bucket) => bucket.name, (index, value) => issue({ path: ['buckets', index, 'name'], message: `${value} appears twice (bucket names are global)` }));
    duplicates(openSearch.domains, (entry) => `${entry.region}/${entry.domainName}`, (index, value) => issue({ path: ['domains', index, 'domainName'], message: `${value} appears twice in its Region` }));
    openSearch.domains.forEach((entry, index) => {
      duplicates(entry.indices, (item) => item.name, (at, value) => issue({ path: ['domains', index, 'indices', at, 'name'], message: `${value} appears twice` }));
      duplicates(entry.repositories, (item) => item.name, (at, value) => issue({ path: ['domains', index, 'repositories', at, 'name'], message: `${value} appears twice` }));
      entry.repositories.forEach((item, at) => {
        if (!buckets.has(item.bucket)) issue({ path: ['domains', index, 'repositories', at, 'bucket'], message: `${item.bucket} is not in openSearch.buckets` });
        if (item.name.startsWith('cs-')) issue({ path: ['domains', index, 'repositories', at, 'name'], message: 'cs- repositories are the service\'s own' });
      });
    });
    const domains = new Set(openSearch.domains.map((entry) => `${entry.region}/${entry.domainName}`));
    openSearch.snapshots.forEach((snapshot, index) => {
      if (!buckets.has(snapshot.bucket)) issue({ path: ['snapshots', index, 'bucket'], message: `${snapshot.bucket} is not in openSearch.buckets` });
      if (!domains.has(snapshot.takenBy)) issue({ path: ['snapshots', index, 'takenBy'], message: `${snapshot.takenBy} is not in openSearch.domains` });
      for (const name of Object.keys(snapshot.docsCounts)) {
        if (!snapshot.indices.includes(name)) issue({ path: ['snapshots', index, 'docsCounts', name], message: `${name} is not in the snapshot's indices` });
      }
    });
    duplicates(openSearch.snapshots, (snapshot) => `${snapshot.bucket}/${snapshot.basePath}:${snapshot.snapshot}`, (index, value) =>
      issue({ path: ['snapshots', index, 'snapshot'], message: `${value} appears twice` }),
    );
  })
  .prefault({});

/**
 * A snapshot's `version` (SnapshotInfo): the version of the engine that took it, `X.Y.0` from the
 * domain's `OpenSearch_X.Y` or `Elasticsearch_X.Y` (the service runs the latest patch; the sandbox says 0).
 */
export function openSearchVersionOf(engineVersion: string): string {
  return `${engineVersion.replace(/^[A-Za-z]+_/, '')}.0`;
}

/** Where a repository's snapshots live: its bucket and base path. */
export function repositoryLocation(bucket: string, basePath: string): string {
  return `${bucket}/${basePath}`;
}

/** A domain endpoint's id: 26 lower-case letters and digits, fixed by the account, Region and name (as the service's are fixed by the domain). */
export function domainEndpoint(accountId: string, region: string, domainName: string): string {
  const digest = createHash('sha256').update(`${accountId}/${region}/${domainName}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const id = [...digest.subarray(0, 26)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `search-${domainName}-${id}.${region}.es.amazonaws.com`;
}

/** An OpenSearch uuid (22 URL-safe base64 characters) fixed by a text. */
export function stableOpenSearchUuid(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

export function openSearchState(seed: z.output<typeof openSearchSeedSchema>, { accountId, now }: { accountId: string; now: Date }): OpenSearchState {
  const domains = seed.domains.map((entry): OpenSearchDomainState => {
    const key = `${entry.region}/${entry.domainName}`;
    return {
      region: entry.region,
      domainName: entry.domainName,
      domainId: `${accountId}/${entry.domainName}`,
      arn: `arn:aws:es:${entry.region}:${accountId}:domain/${entry.domainName}`,
      endpoint: domainEndpoint(accountId, entry.region, entry.domainName),
      engineVersion: entry.engineVersion,
      created: new Date(entry.created ?? now).toISOString(),
      processing: entry.processing,
      health: entry.health,
      encrypted: entry.encrypted,
      snapshotSeconds: entry.snapshotSeconds ?? seed.snapshotSeconds,
      snapshotOutcome: entry.snapshotOutcome,
      restoreSeconds: entry.restoreSeconds ?? seed.restoreSeconds,
      automatedSnapshots: { ...entry.automatedSnapshots },
      // The service's automated snapshots start with the account: none before the seed's time.
      automatedThrough: now.toISOString(),
      automated: [],
      indices: entry.indices.map((item) => ({ ...item, uuid: stableOpenSearchUuid(`${accountId}/${key}/${item.name}`) })),
      repositories: entry.repositories.map((item) => ({ ...item })),
    };
  });
  const versionOf = new Map(domains.map((entry) => [`${entry.region}/${entry.domainName}`, entry.engineVersion]));
  const snapshots = seed.snapshots.map((snapshot): OpenSearchSnapshotState => {
    const location = repositoryLocation(snapshot.bucket, snapshot.basePath);
    return {
      location,
      snapshot: snapshot.snapshot,
      uuid: stableOpenSearchUuid(`${location}:${snapshot.snapshot}`),
      takenBy: snapshot.takenBy,
      version: openSearchVersionOf(versionOf.get(snapshot.takenBy) ?? ''),
      indices: [...snapshot.indices],
      includeGlobalState: snapshot.includeGlobalState,
      ...(snapshot.metadata === undefined ? {} : { metadata: structuredClone(snapshot.metadata) }),
      startTime: new Date(snapshot.startTime).toISOString(),
      endsAt: new Date(snapshot.startTime).toISOString(),
      outcome: snapshot.state,
      docsCounts: { ...snapshot.docsCounts },
    };
  });
  return { domains, buckets: seed.buckets.map((bucket) => ({ ...bucket })), snapshots, objects: [] };
}
