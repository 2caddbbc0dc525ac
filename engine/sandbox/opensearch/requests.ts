import type { OperationContext } from '../service.ts';
import { indexNotFound, noHandler, wrongMethod } from './errors.ts';
import type { OpenSearchHttpRequest, OpenSearchHttpResponse } from './http.ts';
import { catIndices, clusterHealth, count, deleteIndices, recovery, setIndicesClosed } from './indices.ts';
import { restoreSnapshot } from './restore.ts';
import { createSnapshot, deleteRepository, deleteSnapshots, getRepositories, getSnapshots, putRepository, snapshotStatus, takeAutomatedSnapshots } from './snapshots.ts';
import type { OpenSearchDomainState } from '../state.ts';

/**
 * The REST routes the sandbox's domains answer, named as OpenSearch's API specification names its
 * operations (and fault rules `{ service: 'es', operation }` name them): `cat.indices`, `count`,
 * `cluster.health`, `snapshot.get_repository`, `snapshot.create_repository`,
 * `snapshot.delete_repository`, `snapshot.create`, `snapshot.get`, `snapshot.delete`,
 * `snapshot.status`, `snapshot.restore`, `indices.recovery`, `indices.delete`, `indices.exists`,
 * `indices.close`, `indices.open`.
 */
export const openSearchOperations = [
  'cat.indices',
  'count',
  'cluster.health',
  'snapshot.get_repository',
  'snapshot.create_repository',
  'snapshot.delete_repository',
  'snapshot.create',
  'snapshot.get',
  'snapshot.delete',
  'snapshot.status',
  'snapshot.restore',
  'indices.recovery',
  'indices.delete',
  'indices.exists',
  'indices.close',
  'indices.open',
] as const;

export type OpenSearchOperation = (typeof openSearchOperations)[number];

type Handler = (context: OperationContext, key: string, domain: OpenSearchDomainState, request: OpenSearchHttpRequest, parts: readonly string[]) => unknown;

interface Route {
  /** Path segments; `{}` matches one segment that is not a `_` keyword. */
  readonly pattern: readonly string[];
  readonly methods: Readonly<Partial<Record<string, { readonly operation: OpenSearchOperation; readonly handle: Handler }>>>;
}

const flag = (query: Readonly<Record<string, string>>, name: string): boolean => query[name] === 'true' || query[name] === '';

const get = (operation: OpenSearchOperation, handle: Handler) => ({ operation, handle });

const routes: readonly Route[] = [
  { pattern: ['_cat', 'indices'], methods: { GET: get('cat.indices', (context, _k, domain, request) => catIndices(domain, undefined, request.query.format, context.now())) } },
  { pattern: ['_cat', 'indices', '{}'], methods: { GET: get('cat.indices', (context, _k, domain, request, parts) => catIndices(domain, parts[2], request.query.format, context.now())) } },
  {
    pattern: ['_count'],
    methods: {
      GET: get('count', (context, _k, domain, request) => count(domain, undefined, flag(request.query, 'ignore_unavailable'), context.now())),
      POST: get('count', (context, _k, domain, request) => count(domain, undefined, flag(request.query, 'ignore_unavailable'), context.now())),
    },
  },
  {
    pattern: ['{}', '_count'],
    methods: {
      GET: get('count', (context, _k, domain, request, parts) => count(domain, parts[0], flag(request.query, 'ignore_unavailable'), context.now())),
      POST: get('count', (context, _k, domain, request, parts) => count(domain, parts[0], flag(request.query, 'ignore_unavailable'), context.now())),
    },
  },
  {
    pattern: ['{}'],
    methods: {
      DELETE: get('indices.delete', (context, key, _d, request, parts) => deleteIndices(context, key, parts[0] ?? '', flag(request.query, 'ignore_unavailable'))),
      HEAD: get('indices.exists', (_c, _k, domain, _r, parts) => {
        const names = (parts[0] ?? '').split(',');
        if (!names.every((name) => domain.indices.some((index) => index.name === name))) throw indexNotFound(names.find((name) => !domain.indices.some((index) => index.name === name)) ?? '');
        return {};
      }),
    },
  },
  { pattern: ['{}', '_close'], methods: { POST: get('indices.close', (context, key, _d, request, parts) => setIndicesClosed(context, key, parts[0] ?? '', flag(request.query, 'ignore_unavailable'), true)) } },
  { pattern: ['{}', '_open'], methods: { POST: get('indices.open', (context, key, _d, request, parts) => setIndicesClosed(context, key, parts[0] ?? '', flag(request.query, 'ignore_unavailable'), false)) } },
  { pattern: ['_recovery'], methods: { GET: get('indices.recovery', (context, _k, domain, request) => recovery(domain, undefined, flag(request.query, 'active_only'), context.now())) } },
  { pattern: ['{}', '_recovery'], methods: { GET: get('indices.recovery', (context, _k, domain, request, parts) => recovery(domain, parts[0], flag(request.query, 'active_only'), context.now())) } },
  { pattern: ['_cluster', 'health'], methods: { GET: get('cluster.health', (context, _k, domain) => clusterHealth(domain, undefined, context.now())) } },
  { pattern: ['_cluster', 'health', '{}'], methods: { GET: get('cluster.health', (context, _k, domain, _r, parts) => clusterHealth(domain, parts[2], context.now())) } },
  { pattern: ['_snapshot'], methods: { GET: get('snapshot.get_repository', (_c, _k, domain) => getRepositories(domain, undefined)) } },
  { pattern: ['_snapshot', '_status'], methods: { GET: get('snapshot.status', (context, _k, domain) => snapshotStatus(context, domain, undefined, undefined, false)) } },
  {
    pattern: ['_snapshot', '{}'],
    methods: {
      GET: get('snapshot.get_repository', (_c, _k, domain, _r, parts) => getRepositories(domain, parts[1])),
      PUT: get('snapshot.create_repository', (context, key, _d, request, parts) => putRepository(context, key, parts[1] ?? '', request.body)),
      POST: get('snapshot.create_repository', (context, key, _d, request, parts) => putRepository(context, key, parts[1] ?? '', request.body)),
      DELETE: get('snapshot.delete_repository', (context, key, _d, _r, parts) => deleteRepository(context, key, parts[1] ?? '')),
    },
  },
  { pattern: ['_snapshot', '{}', '_status'], methods: { GET: get('snapshot.status', (context, _k, domain, _r, parts) => snapshotStatus(context, domain, parts[1], undefined, false)) } },
  {
    pattern: ['_snapshot', '{}', '{}'],
    methods: {
      GET: get('snapshot.get', (context, _k, domain, request, parts) => getSnapshots(context, domain, parts[1] ?? '', parts[2] ?? '', flag(request.query, 'ignore_unavailable'))),
      PUT: get('snapshot.create', (context, key, _d, request, parts) => createSnapshot(context, key, parts[1] ?? '', parts[2] ?? '', request.body)),
      POST: get('snapshot.create', (context, key, _d, request, parts) => createSnapshot(context, key, parts[1] ?? '', parts[2] ?? '', request.body)),
      DELETE: get('snapshot.delete', (context, key, _d, _r, parts) => deleteSnapshots(context, key, parts[1] ?? '', parts[2] ?? '')),
    },
  },
  {
    pattern: ['_snapshot', '{}', '{}', '_restore'],
    methods: { POST: get('snapshot.restore', (context, key, _d, request, parts) => restoreSnapshot(context, key, parts[1] ?? '', parts[2] ?? '', request.body)) },
  },
  {
    pattern: ['_snapshot', '{}', '{}', '_status'],
    methods: { GET: get('snapshot.status', (context, _k, domain, request, parts) => snapshotStatus(context, domain, parts[1], parts[2], flag(request.query, 'ignore_unavailable'))) },
  },
];

const segmentsOf = (path: string): string[] => path.split('/').filter((segment) => segment !== '');

function routeOf(path: string): { route: Route; parts: string[] } | undefined {
  const parts = segmentsOf(path);
  const matches = (route: Route) =>
    route.pattern.length === parts.length && route.pattern.every((segment, at) => (segment === '{}' ? !(parts[at] ?? '').startsWith('_') || (at > 0 && parts[0] === '_snapshot' && parts[at] === '_all') : segment === parts[at]));
  const route = routes.find(matches);
  return route ? { route, parts } : undefined;
}

function uriOf(request: OpenSearchHttpRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return query === '' ? request.path : `${request.path}?${query}`;
}

/** Which operation a request is, or the answer OpenSearch gives a request no handler takes. */
export function openSearchOperationOf(request: OpenSearchHttpRequest): { operation: OpenSearchOperation; handle: Handler; parts: string[] } | { response: OpenSearchHttpResponse } {
  const found = routeOf(request.path);
  if (!found) return { response: noHandler(request.method, uriOf(request)) };
  const method = found.route.methods[request.method];
  if (!method) return { response: wrongMethod(request.method, uriOf(request), Object.keys(found.route.methods)) };
  return { ...method, parts: found.parts };
}

/** Answers one routed request inside the account's transaction: first the automated snapshots the clock has brought. */
export function answerOpenSearch(context: OperationContext, key: string, request: OpenSearchHttpRequest, route: { handle: Handler; parts: string[] }): OpenSearchHttpResponse {
  const domain = takeAutomatedSnapshots(context, key);
  return { statusCode: 200, body: route.handle(context, key, domain, request, route.parts) };
}
