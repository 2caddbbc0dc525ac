import { errors } from '@opensearch-project/opensearch';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSearchClient } from '../../../../handlers/search/opensearch-client.ts';
import type { OpenSearchAccess } from '../../../../handlers/shared/runtime.ts';

const DOMAIN = { endpoint: 'search-orders-abc123.eu-west-1.es.amazonaws.com', region: 'eu-west-1' };

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    ),
  );
});

/** A server on 127.0.0.1 that counts requests and never answers them. */
async function silentServer(): Promise<{ access: OpenSearchAccess; requests: () => number }> {
  let requests = 0;
  const server = createServer(() => {
    requests += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    access: { nodeFor: (endpoint) => `http://127.0.0.1:${port}/${endpoint}`, credentials: async () => ({ accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }) },
    requests: () => requests,
  };
}

describe('openSearchClient', () => {
  it("calls the domain's endpoint over HTTPS when the runtime has no OpenSearch access (on AWS)", () => {
    const client = openSearchClient(DOMAIN, {});
    const [connection] = client.connectionPool.connections;
    expect(connection?.url.href).toBe(`https://${DOMAIN.endpoint}/`);
  });

  it('calls the local URL the runtime gives for the endpoint', () => {
    const client = openSearchClient(DOMAIN, { openSearch: { nodeFor: (endpoint) => `http://127.0.0.1:9/${endpoint}`, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) } });
    expect(client.connectionPool.connections[0]?.url.href).toBe(`http://127.0.0.1:9/${DOMAIN.endpoint}`);
  });

  it('gives up on a request that takes longer than its timeout, once: the state machine retries, not the client', async () => {
    const { access, requests } = await silentServer();
    const client = openSearchClient(DOMAIN, { openSearch: access }, { requestTimeoutMs: 50 });

    const failure = await client.cluster.health().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(errors.TimeoutError);
    expect(requests()).toBe(1);
  });
});
