import { Client, errors } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenSearchServer, sandboxOpenSearchCredentials } from '../../../engine/sandbox/opensearch/server.ts';
import type { OpenSearchDomains, OpenSearchHttpRequest, OpenSearchHttpResponse } from '../../../engine/sandbox/opensearch/http.ts';
import { openSearchClient } from '../../../handlers/search/opensearch-client.ts';
import type { OpenSearchAccess, SigningCredentials } from '../../../handlers/shared/runtime.ts';

const ORDERS = { endpoint: 'search-orders-abc123.eu-west-1.es.amazonaws.com', region: 'eu-west-1', domainName: 'orders' };
const ORDERS_STANDBY = { endpoint: 'search-orders-def456.eu-central-1.es.amazonaws.com', region: 'eu-central-1', domainName: 'orders' };

/** Answers every request with `answer` and keeps what it was asked. */
class FakeDomains implements OpenSearchDomains {
  readonly requests: OpenSearchHttpRequest[] = [];
  answer: (request: OpenSearchHttpRequest) => OpenSearchHttpResponse = (request) => ({ statusCode: 200, body: { endpoint: request.endpoint } });
  domains = [ORDERS, ORDERS_STANDBY];

  openSearchRequest(request: OpenSearchHttpRequest): OpenSearchHttpResponse {
    this.requests.push(request);
    return this.answer(request);
  }

  openSearchEndpoints() {
    return this.domains;
  }
}

const servers: OpenSearchServer[] = [];

async function serve(domains = new FakeDomains()) {
  const server = await OpenSearchServer.start(domains);
  servers.push(server);
  const access: OpenSearchAccess = { nodeFor: (endpoint) => server.nodeFor(endpoint), credentials: async () => sandboxOpenSearchCredentials };
  return { domains, server, access };
}

/** The real client and signer, with credentials of the test's choosing. */
function clientWith(node: string, region: string, credentials: SigningCredentials): Client {
  return new Client({ ...AwsSigv4Signer({ region, service: 'es', getCredentials: async () => credentials }), node, maxRetries: 0 });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('the sandbox OpenSearch endpoint', () => {
  it('routes each request to its domain by endpoint, with its method, path, query and body', async () => {
    const { domains, access } = await serve();
    const active = openSearchClient(ORDERS, { openSearch: access });
    const standby = openSearchClient(ORDERS_STANDBY, { openSearch: access });

    const created = await active.snapshot.create({
      repository: 'dr-repo',
      snapshot: 'opsflow 2026-11-30',
      wait_for_completion: false,
      body: { indices: 'orders-*', include_global_state: false, metadata: { manifest: { 'orders-1': { before: 3, after: 4 } } } },
    });
    const counted = await standby.count({ index: 'orders-1' });

    expect(created.statusCode).toBe(200);
    expect(created.body).toEqual({ endpoint: ORDERS.endpoint });
    expect(counted.body).toEqual({ endpoint: ORDERS_STANDBY.endpoint });
    expect(domains.requests).toEqual([
      {
        endpoint: ORDERS.endpoint,
        method: 'POST',
        path: '/_snapshot/dr-repo/opsflow 2026-11-30',
        query: { wait_for_completion: 'false' },
        body: { indices: 'orders-*', include_global_state: false, metadata: { manifest: { 'orders-1': { before: 3, after: 4 } } } },
      },
      { endpoint: ORDERS_STANDBY.endpoint, method: 'GET', path: '/orders-1/_count', query: {} },
    ]);
  });

  it("returns the domain's status and body, an error status as the client's ResponseError", async () => {
    const { domains, access } = await serve();
    const busy = { error: { type: 'concurrent_snapshot_execution_exception', reason: 'a snapshot is already running' }, status: 503 };
    domains.answer = () => ({ statusCode: 503, body: busy });

    const failure = await openSearchClient(ORDERS, { openSearch: access })
      .snapshot.create({ repository: 'dr-repo', snapshot: 's1', body: {} })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(errors.ResponseError);
    expect((failure as errors.ResponseError).statusCode).toBe(503);
    expect((failure as errors.ResponseError).body).toEqual(busy);
  });

  it('answers in JSON with the charset OpenSearch names, and HEAD with no body', async () => {
    const { domains, access } = await serve();
    domains.answer = (request) => (request.method === 'HEAD' ? { statusCode: 404, body: { status: 404 } } : { statusCode: 200, body: { ok: true } });
    const client = openSearchClient(ORDERS, { openSearch: access });

    const health = await client.cluster.health();
    const exists = await client.indices.exists({ index: 'missing' });

    expect(health.headers?.['content-type']).toBe('application/json; charset=UTF-8');
    expect(health.body).toEqual({ ok: true });
    expect(exists.statusCode).toBe(404);
    expect(exists.body).toBe(false);
    expect(domains.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /_cluster/health', 'HEAD /missing']);
  });

  it('refuses a request signed with the wrong secret with the 403 and body AWS gives, and never reaches the domain', async () => {
    const { domains, server } = await serve();
    const wrong = clientWith(server.nodeFor(ORDERS.endpoint), ORDERS.region, { ...sandboxOpenSearchCredentials, secretAccessKey: 'not-the-secret' });

    const failure = (await wrong.cat.indices({ format: 'json' }).catch((error: unknown) => error)) as errors.ResponseError;

    expect(failure).toBeInstanceOf(errors.ResponseError);
    expect(failure.statusCode).toBe(403);
    expect(failure.body).toEqual({
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
    expect(domains.requests).toEqual([]);
  });

  it("refuses a signature scoped to another Region than the domain's, and an unknown access key", async () => {
    const { domains, server } = await serve();
    const otherRegion = clientWith(server.nodeFor(ORDERS.endpoint), ORDERS_STANDBY.region, sandboxOpenSearchCredentials);
    const otherKey = clientWith(server.nodeFor(ORDERS.endpoint), ORDERS.region, { ...sandboxOpenSearchCredentials, accessKeyId: 'AKIAOTHER' });

    const regionFailure = (await otherRegion.cluster.health().catch((error: unknown) => error)) as errors.ResponseError;
    const keyFailure = (await otherKey.cluster.health().catch((error: unknown) => error)) as errors.ResponseError;

    expect(regionFailure.statusCode).toBe(403);
    expect(keyFailure.statusCode).toBe(403);
    expect(keyFailure.body).toEqual({ message: 'The security token included in the request is invalid.' });
    expect(domains.requests).toEqual([]);
  });

  it('refuses an unsigned request as anonymous, naming the es:ESHttp action', async () => {
    const { domains, server } = await serve();
    const unsigned = new Client({ node: server.nodeFor(ORDERS.endpoint), maxRetries: 0 });

    const failure = (await unsigned.snapshot.get({ repository: 'dr-repo', snapshot: '_all' }).catch((error: unknown) => error)) as errors.ResponseError;

    expect(failure.statusCode).toBe(403);
    expect(failure.body).toEqual({ Message: 'User: anonymous is not authorized to perform: es:ESHttpGet' });
    expect(domains.requests).toEqual([]);
  });

  it("refuses a body that is not JSON with OpenSearch's json_parse_exception", async () => {
    const { domains, server, access } = await serve();
    const client = openSearchClient(ORDERS, { openSearch: access });

    const failure = (await client.transport.request({ method: 'PUT', path: '/orders-1', body: '{not json' }).catch((error: unknown) => error)) as errors.ResponseError;

    expect(server.port).toBeGreaterThan(0);
    expect(failure.statusCode).toBe(400);
    expect(failure.body).toMatchObject({ error: { type: 'json_parse_exception' }, status: 400 });
    expect(domains.requests).toEqual([]);
  });

  it('drops a request for an endpoint no domain has, as a name that does not resolve', async () => {
    const { domains, access, server } = await serve();
    const gone = openSearchClient(ORDERS, { openSearch: access });
    domains.domains = [ORDERS_STANDBY];

    const failure = await gone.cluster.health().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(errors.ConnectionError);
    expect(server.nodeFor(ORDERS.endpoint)).toBe(`http://127.0.0.1:${server.port}/${ORDERS.endpoint}`);
  });

  it('listens on 127.0.0.1 only, and not after close', async () => {
    const { server } = await serve();
    const reach = (host: string) =>
      new Promise<string>((resolve) => {
        const probe = httpRequest({ host, port: server.port, agent: false, path: `/${ORDERS.endpoint}/`, method: 'GET' }, (response) => {
          response.resume();
          resolve(String(response.statusCode));
        });
        probe.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        probe.end();
      });
    const otherAddress = await firstNonLoopbackAddress();

    expect(await reach('127.0.0.1')).toBe('403');
    if (otherAddress) expect(await reach(otherAddress)).toBe('ECONNREFUSED');
    await server.close();
    expect(await reach('127.0.0.1')).toBe('ECONNREFUSED');
  });
});

async function firstNonLoopbackAddress(): Promise<string | undefined> {
  const { networkInterfaces } = await import('node:os');
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}
