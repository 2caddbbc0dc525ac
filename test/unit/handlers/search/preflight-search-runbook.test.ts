import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { preflightSearchRunbook, type PreflightDeps, type PreflightSearchRunbookInput } from '../../../../handlers/search/preflight-search-runbook/task.ts';
import type { OpenSearchTransport } from '../../../../handlers/search/rest.ts';
import { runbookPlanSchema } from '../../../../handlers/search/runbook.ts';
import { searchPlanSchema } from '../../../../handlers/search/schemas.ts';
import { parseConfig, type SearchDrConfig } from '../../../../handlers/shared/config.ts';

const search = parseConfig(
  {
    region: 'eu-west-1',
    instanceDns: { groups: [] },
    searchDr: {
      regions: ['eu-west-1', 'eu-central-1'].map((region) => ({
        region,
        domain: { name: 'catalog', endpoint: `search-catalog-abc.${region}.es.amazonaws.com`, engineVersion: 'OpenSearch_2.13' },
        repository: { name: `opsflow-${region}`, bucket: `opsflow-search-snapshots-${region}`, basePath: 'catalog' },
        snapshotRoleArn: 'arn:aws:iam::123456789012:role/OpsflowSearchSnapshotRole',
      })),
      record: { hostedZoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.' },
    },
  },
  'test',
).searchDr as SearchDrConfig;

/** The runbook restores into eu-central-1 (the standby): its own repository, its own bucket. */
const region = 'eu-central-1';
const endpoint = 'search-catalog-abc.eu-central-1.es.amazonaws.com';
const activeEndpoint = 'search-catalog-abc.eu-west-1.es.amazonaws.com';
const repository = 'opsflow-eu-central-1';
const executionArn = 'arn:aws:states:eu-central-1:123456789012:execution:opsflow-dev-search-failover:run-1';

interface Snapshot {
  snapshot: string;
  state: string;
  start_time_in_millis: number;
  version: string;
  indices: string[];
}

const error = (status: number, type: string, reason: string) => ({ statusCode: status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } });

/** One domain's REST API, as much as preflight reads: the repository registration, snapshots and _cat/indices. */
class Domain implements OpenSearchTransport {
  readonly calls: { method: string; path: string }[] = [];
  repositories: Record<string, { type: string; settings: Record<string, string> }> = {};
  snapshots: Snapshot[] = [];
  indices: Record<string, 'open' | 'close'> = {};

  request(params: { method: string; path: string }, options: { ignore?: number[] } = {}): Promise<{ statusCode: number | null; body: unknown }> {
    this.calls.push({ method: params.method, path: params.path });
    const answer = this.answer(params.method, params.path);
    if (answer.statusCode >= 400 && !(options.ignore ?? []).includes(answer.statusCode)) {
      return Promise.reject(Object.assign(new Error(`Response Error ${answer.statusCode}`), { name: 'ResponseError', meta: answer }));
    }
    return Promise.resolve(answer);
  }

  private answer(method: string, path: string): { statusCode: number; body: unknown } {
    if (method !== 'GET') return error(405, 'method_not_allowed', `${method} ${path}`);
    if (path === '/_cat/indices') return { statusCode: 200, body: Object.entries(this.indices).map(([index, status]) => ({ index, status })) };
    const [, repo = '', snap] = path.split('/').filter(Boolean).map(decodeURIComponent);
    const registered = this.repositories[repo];
    if (!registered) return error(404, 'repository_missing_exception', `[${repo}] missing`);
    if (!snap) return { statusCode: 200, body: { [repo]: registered } };
    if (snap === '_all') return { statusCode: 200, body: { snapshots: this.snapshots } };
    const found = this.snapshots.find((entry) => entry.snapshot === snap);
    return found ? { statusCode: 200, body: { snapshots: [found] } } : error(404, 'snapshot_missing_exception', `[${repo}:${snap}] is missing`);
  }
}

const s3 = mockClient(S3Client);
const manifests = new S3Client({ region });
const body = (text: string) => sdkStreamMixin(Readable.from([Buffer.from(text)]));
const manifestOf = (snapshot: string, indices: Record<string, { before: number; after: number | null }>) =>
  JSON.stringify({ snapshot, repository, domain: 'catalog', region: 'eu-west-1', takenAt: '2026-11-30T10:00:02.000Z', indices });

let here: Domain;
let leaving: Domain;
const deps = (): PreflightDeps => ({
  search,
  region,
  now: new Date('2026-11-30T12:34:56Z'),
  transportFor: (address) => (address.endpoint === endpoint ? here : leaving),
  manifests,
});

const recordPointingAt = (target: string) => ({ ResourceRecordSets: [{ Name: 'search.corp.internal.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: target }] }] });
const input = (overrides: Partial<PreflightSearchRunbookInput> = {}): PreflightSearchRunbookInput => ({
  runbook: 'failover',
  request: { reason: 'eu-west-1 is unreachable' },
  executionArn,
  record: recordPointingAt(activeEndpoint),
  domain: { DomainStatus: { DomainName: 'catalog', Created: true, Deleted: false, Processing: false, UpgradeProcessing: false, Endpoint: endpoint, EngineVersion: 'OpenSearch_2.13' } },
  running: [{ Executions: [{ ExecutionArn: executionArn, Status: 'RUNNING' }] }, { Executions: [] }],
  ...overrides,
});
const refusal = (name: string, message: RegExp) => expect.objectContaining({ name, message: expect.stringMatching(message) });
const oneLine = async (promise: Promise<unknown>) => {
  const failure = await promise.then(() => undefined, (caught: unknown) => caught as Error);
  expect(failure?.message).not.toContain('\n');
  return failure;
};

beforeEach(() => {
  s3.reset();
  here = new Domain();
  here.repositories[repository] = { type: 's3', settings: { bucket: 'opsflow-search-snapshots-eu-central-1', base_path: 'catalog', readonly: 'true' } };
  here.snapshots = [
    { snapshot: 'opsflow-20261130t0900z', state: 'SUCCESS', start_time_in_millis: Date.parse('2026-11-30T09:00:02Z'), version: '2.13.0', indices: ['orders', 'customers', '.kibana_1'] },
    { snapshot: 'opsflow-20261130t1000z', state: 'SUCCESS', start_time_in_millis: Date.parse('2026-11-30T10:00:02Z'), version: '2.13.0', indices: ['orders', 'customers', '.kibana_1'] },
    { snapshot: 'opsflow-20261130t1100z', state: 'IN_PROGRESS', start_time_in_millis: Date.parse('2026-11-30T11:00:02Z'), version: '2.13.0', indices: ['orders', 'customers'] },
    { snapshot: 'opsflow-20261130t1030z', state: 'PARTIAL', start_time_in_millis: Date.parse('2026-11-30T10:30:02Z'), version: '2.13.0', indices: ['orders'] },
    { snapshot: 'someone-else-20261130', state: 'SUCCESS', start_time_in_millis: Date.parse('2026-11-30T11:30:00Z'), version: '2.13.0', indices: ['orders'] },
  ];
  here.indices = { '.kibana_1': 'open', '.opendistro-job-scheduler-lock': 'open' };
  leaving = new Domain();
  leaving.indices = { orders: 'open', customers: 'open', archive: 'close', '.kibana_1': 'open' };
  s3.on(GetObjectCommand).callsFake((request: { Key: string }) => {
    const snapshot = /opsflow-manifests\/(.+)\.json$/.exec(request.Key)?.[1] ?? '';
    return { Body: body(manifestOf(snapshot, { orders: { before: 1200, after: 1230 }, customers: { before: 40, after: null } })) };
  });
});

describe('preflightSearchRunbook plans', () => {
  it('a failover of every index but the system ones from the newest successful snapshot of the prefix, reading only', async () => {
    const plan = await preflightSearchRunbook(input(), deps());
    expect(plan).toEqual({
      runbook: 'failover',
      region,
      domainName: 'catalog',
      endpoint,
      engineVersion: 'OpenSearch_2.13',
      repository: { name: repository, bucket: 'opsflow-search-snapshots-eu-central-1', basePath: 'catalog' },
      snapshot: 'opsflow-20261130t1000z',
      snapshotTakenAt: '2026-11-30T10:00:02.000Z',
      sourceRegion: 'eu-west-1',
      sourceDomain: 'catalog',
      indices: [
        { index: 'customers', restoreAs: 'customers', before: 40, after: null },
        { index: 'orders', restoreAs: 'orders', before: 1200, after: 1230 },
      ],
      excluded: ['.kibana_1'],
      conflicts: [],
      conflictOption: 'refuse',
      renamePattern: null,
      renameReplacement: null,
      dns: { zoneId: 'Z0OPSFLOWINTERNAL01', name: 'search.corp.internal.', from: activeEndpoint, to: endpoint },
      dryRun: false,
      reason: 'eu-west-1 is unreachable',
      finalSnapshot: false,
    });
    expect(runbookPlanSchema.safeParse(plan).success).toBe(true);
    expect(here.calls.every((call) => call.method === 'GET')).toBe(true);
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'opsflow-search-snapshots-eu-central-1', Key: 'catalog/opsflow-manifests/opsflow-20261130t1000z.json' });
  });

  it('the named snapshot and indices, a dry run, with the system indices asked for left out', async () => {
    const plan = await preflightSearchRunbook(input({ request: { reason: 'test', snapshot: 'opsflow-20261130t0900z', indices: ['orders', '.kibana_1'], dryRun: true } }), deps());
    expect(plan).toMatchObject({ snapshot: 'opsflow-20261130t0900z', indices: [{ index: 'orders', restoreAs: 'orders' }], excluded: ['.kibana_1'], dryRun: true });
  });

  it('conflicts to delete first when asked; a failover refuses rename, which would switch clients to the old indices', async () => {
    here.indices.orders = 'open';
    here.indices.customers = 'close';
    expect(await preflightSearchRunbook(input({ request: { reason: 'x', conflicts: 'delete' } }), deps())).toMatchObject({ conflicts: ['orders'], conflictOption: 'delete' });
    await expect(preflightSearchRunbook(input({ request: { reason: 'x', conflicts: 'rename' } }), deps())).rejects.toMatchObject({
      name: 'RunbookRequestInvalid',
      message: expect.stringMatching(/^failover request: conflicts: "rename" restores under other names, which clients do not query/),
    });
  });

  it('a drill in the standby under the drill prefix, with no DNS change', async () => {
    here.indices.orders = 'open';
    const plan = await preflightSearchRunbook(input({ runbook: 'drill', request: {} }), deps());
    expect(plan).toMatchObject({
      runbook: 'drill', conflictOption: 'rename', renamePattern: '(.+)', renameReplacement: 'drill-$1', dns: null, conflicts: [], reason: 'scheduled DR drill',
      indices: [{ index: 'customers', restoreAs: 'drill-customers' }, { index: 'orders', restoreAs: 'drill-orders' }],
    });
  });

  it("a failback's final snapshot of the domain being left, into this Region's repository, with that domain's open indices and no snapshot read", async () => {
    const plan = await preflightSearchRunbook(input({ runbook: 'failback', request: { reason: 'eu-west-1 is back' } }), deps());
    expect(plan).toMatchObject({
      runbook: 'failback',
      snapshot: 'opsflow-final-20261130t1234z',
      snapshotTakenAt: null,
      sourceRegion: 'eu-west-1',
      finalSnapshot: true,
      indices: [{ index: 'customers', restoreAs: 'customers', before: null, after: null }, { index: 'orders', restoreAs: 'orders', before: null, after: null }],
      excluded: ['.kibana_1'],
      finalSnapshotPlan: {
        role: 'active',
        region: 'eu-west-1',
        domainName: 'catalog',
        endpoint: activeEndpoint,
        repository: { name: repository, settings: { bucket: 'opsflow-search-snapshots-eu-central-1', base_path: 'catalog', region, readonly: false } },
        snapshotName: 'opsflow-final-20261130t1234z',
        snapshotPrefix: 'opsflow-',
      },
    });
    expect(searchPlanSchema.safeParse(plan.finalSnapshotPlan).success).toBe(true);
    expect(here.calls.some((call) => call.path.startsWith(`/_snapshot/${repository}/`))).toBe(false);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(leaving.calls).toEqual([{ method: 'GET', path: '/_cat/indices' }]);
  });

  it('accepts the record and domain as search-snapshot selects them ({sets}, {status})', async () => {
    const plan = await preflightSearchRunbook(
      input({ record: { sets: recordPointingAt(activeEndpoint).ResourceRecordSets }, domain: { status: { DomainName: 'catalog', Endpoint: endpoint, EngineVersion: 'OpenSearch_2.13' } } }),
      deps(),
    );
    expect(plan.snapshot).toBe('opsflow-20261130t1000z');
  });
});

describe('preflightSearchRunbook refuses, in one line, changing nothing', () => {
  it.each<[string, () => Partial<PreflightSearchRunbookInput>, string, RegExp]>([
    ['a misspelt request field', () => ({ request: { reason: 'x', snapshots: 'opsflow-1' } }), 'RunbookRequestInvalid', /snapshots/],
    ['an index not in the snapshot', () => ({ request: { reason: 'x', indices: ['orders', 'invoices'] } }), 'RunbookRequestInvalid', /^indices: invoices not in snapshot opsflow-20261130t1000z$/],
    ['only system indices', () => ({ request: { reason: 'x', indices: ['.kibana_1'] } }), 'RunbookRequestInvalid', /only system indices/],
    ['another runbook running', () => ({ running: [{ Executions: [{ ExecutionArn: executionArn, Status: 'RUNNING' }] }, { Executions: [{ ExecutionArn: 'arn:aws:states:eu-central-1:123456789012:execution:opsflow-dev-search-dr-drill:d-1', Status: 'RUNNING' }] }] }), 'RunbookAlreadyRunning', /search-dr-drill:d-1; runbooks run one at a time/],
    ['a missing domain', () => ({ domain: null }), 'SearchDomainNotReady', /catalog in eu-central-1 was not found/],
    ['a deleted domain', () => ({ domain: { DomainStatus: { DomainName: 'catalog', Deleted: true, Endpoint: endpoint } } }), 'SearchDomainNotReady', /is being deleted/],
    ['a domain processing a change', () => ({ domain: { DomainStatus: { DomainName: 'catalog', Processing: true, Endpoint: endpoint } } }), 'SearchDomainNotReady', /processing a configuration change/],
    ['a domain upgrading', () => ({ domain: { DomainStatus: { DomainName: 'catalog', Processing: true, UpgradeProcessing: true, Endpoint: endpoint } } }), 'SearchDomainNotReady', /upgrading its engine version/],
    ['a domain without an endpoint', () => ({ domain: { DomainStatus: { DomainName: 'catalog' } } }), 'SearchDomainNotReady', /has no endpoint yet/],
    ['a record already pointing here', () => ({ record: recordPointingAt(`${endpoint}.`) }), 'AlreadyActive', /already points at eu-central-1's domain/],
    ['a drill where the record points', () => ({ runbook: 'drill' as const, request: {}, record: recordPointingAt(endpoint) }), 'AlreadyActive', /a drill restores into the standby/],
    ['a record pointing elsewhere', () => ({ record: recordPointingAt('elsewhere.example.com') }), 'SearchRecordUnusable', /points at elsewhere\.example\.com/],
  ])('%s', async (_case, overrides, name, message) => {
    await expect(oneLine(preflightSearchRunbook(input(overrides()), deps()))).resolves.toEqual(refusal(name, message));
  });

  it('a repository not registered here, or registered read-write', async () => {
    here.repositories[repository] = { type: 's3', settings: { bucket: 'opsflow-search-snapshots-eu-central-1', readonly: 'false' } };
    await expect(oneLine(preflightSearchRunbook(input(), deps()))).resolves.toEqual(refusal('RepositoryNotReadOnly', /registered read-write on catalog in eu-central-1/));
    here.repositories = {};
    await expect(oneLine(preflightSearchRunbook(input(), deps()))).resolves.toEqual(refusal('RepositoryNotReadOnly', /is not registered on catalog in eu-central-1/));
  });

  it('a snapshot that is not there, none of the prefix, or one that did not succeed', async () => {
    await expect(oneLine(preflightSearchRunbook(input({ request: { reason: 'x', snapshot: 'opsflow-19990101t0000z' } }), deps()))).resolves.toEqual(
      refusal('SnapshotMissing', /^snapshot opsflow-19990101t0000z is not in repository opsflow-eu-central-1$/),
    );
    await expect(oneLine(preflightSearchRunbook(input({ request: { reason: 'x', snapshot: 'opsflow-20261130t1030z' } }), deps()))).resolves.toEqual(
      refusal('SnapshotNotRestorable', /is PARTIAL, not SUCCESS/),
    );
    here.snapshots = here.snapshots.filter((entry) => !entry.snapshot.startsWith('opsflow-') || entry.state !== 'SUCCESS');
    await expect(oneLine(preflightSearchRunbook(input(), deps()))).resolves.toEqual(refusal('SnapshotMissing', /holds no SUCCESS snapshot named opsflow-\*/));
  });

  it('a snapshot newer than the domain, or more than one major older', async () => {
    for (const entry of here.snapshots) entry.version = '2.15.0';
    await expect(oneLine(preflightSearchRunbook(input(), deps()))).resolves.toEqual(refusal('EngineVersionIncompatible', /written by OpenSearch 2\.15, newer than this domain's OpenSearch 2\.13/));
    for (const entry of here.snapshots) entry.version = '1.3.0';
    const upgraded = input({ domain: { DomainStatus: { DomainName: 'catalog', Endpoint: endpoint, EngineVersion: 'OpenSearch_3.1' } } });
    await expect(oneLine(preflightSearchRunbook(upgraded, deps()))).resolves.toEqual(refusal('EngineVersionIncompatible', /more than one major version older/));
  });

  it('a snapshot without a manifest, or whose manifest lacks an index', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }));
    await expect(oneLine(preflightSearchRunbook(input(), deps()))).resolves.toEqual(refusal('ManifestMissing', /no manifest for snapshot opsflow-20261130t1000z/));
    s3.on(GetObjectCommand).resolves({ Body: body(manifestOf('opsflow-20261130t1000z', { orders: { before: 1, after: 2 } })) });
    await expect(oneLine(preflightSearchRunbook(input(), deps()))).resolves.toEqual(refusal('ManifestInvalid', /has no counts for customers/));
    s3.on(GetObjectCommand).resolves({ Body: body(manifestOf('opsflow-20261130t1000z', { orders: { before: 1, after: 2 } })) });
    expect((await preflightSearchRunbook(input({ request: { reason: 'x', indices: ['orders'] } }), deps())).indices).toHaveLength(1);
  });

  it('open indices of the restored names, listed, when the request refuses conflicts (a drill lists the leftovers of an earlier one, to delete)', async () => {
    here.indices.orders = 'open';
    here.indices.customers = 'open';
    await expect(oneLine(preflightSearchRunbook(input(), deps()))).resolves.toEqual(
      refusal('IndicesConflict', /open indices with the restored names exist on catalog in eu-central-1: customers, orders; ask for conflicts "delete", or close/),
    );
    here.indices['drill-orders'] = 'open';
    expect((await preflightSearchRunbook(input({ runbook: 'drill', request: {} }), deps())).conflicts).toEqual(['drill-orders']);
  });

  it('a closed index of the same name is no conflict (OpenSearch restores over a closed index)', async () => {
    here.indices.orders = 'close';
    expect((await preflightSearchRunbook(input(), deps())).conflicts).toEqual([]);
  });

  it('lets the domain\'s transient errors through by name', async () => {
    const failing = new Domain();
    failing.request = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { name: 'ConnectionError' }));
    here = failing;
    await expect(preflightSearchRunbook(input(), deps())).rejects.toMatchObject({ name: 'SearchDomainUnreachable' });
  });
});
