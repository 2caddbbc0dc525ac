import { createHash, createHmac, timingSafeEqual, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import type { SigningCredentials } from '../../../handlers/shared/runtime.ts';
import type { OpenSearchDomains, OpenSearchHttpResponse } from './http.ts';

/**
 * The static credentials the sandbox's domains accept: the engine gives them to tasks
 * (OpenSearchAccess.credentials), and the server checks every signature against them.
 */
export const sandboxOpenSearchCredentials: SigningCredentials = Object.freeze({
  accessKeyId: 'AKIASANDBOXOPENSEARCH',
  secretAccessKey: 'sandbox-opensearch-local-secret',
});

/** The only address the server listens on. */
export const openSearchServerHost = '127.0.0.1';

const jsonContentType = 'application/json; charset=UTF-8';

/**
 * Every domain's REST API on one listener on 127.0.0.1 (an ephemeral port, `unref()`ed), the
 * domain named by the first path segment: `nodeFor(endpoint)` is `http://127.0.0.1:<port>/<endpoint>`.
 * `@opensearch-project/opensearch` appends each API path to its node URL's path and its
 * `AwsSigv4Signer` signs the full path, so one listener serves any number of domains, the ones
 * created after it started too.
 *
 * Each request's SigV4 signature (service `es`, the domain's Region) is recomputed with
 * `@smithy/signature-v4` from the headers the request says it signed and compared. Refusals are
 * 403 with the bodies Amazon OpenSearch Service answers (as reported in public issue threads:
 * awsdocs/amazon-opensearch-service-developer-guide#4 and aws-samples/siem-on-amazon-opensearch-service#471
 * for an unsigned request, elasticsearch-dump/elasticsearch-dump#367 and mailerlite/laravel-elasticsearch#62
 * for a wrong signature): no Authorization header → `{"Message":"User: anonymous is not authorized
 * to perform: es:ESHttp<Method>"}`; an unknown access key → `{"message":"The security token included
 * in the request is invalid."}`; any other mismatch → `{"message":"The request signature we calculated
 * does not match the signature you provided. ..."}`. The request time is not checked against a clock:
 * the signer stamps the system time and the engine's clock may be simulated.
 *
 * A request for an endpoint no domain has is dropped (the socket closed), as a name that no longer
 * resolves fails on AWS. A body that is not JSON gets OpenSearch's 400 `json_parse_exception`
 * (opensearch-project/opensearch-py#623). Everything else is the domain's answer: its status and
 * JSON body, `content-type: application/json; charset=UTF-8`, no body for HEAD.
 */
export class OpenSearchServer {
  private constructor(
    private readonly server: Server,
    /** The port the listener got. */
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1, an ephemeral port; resolves once listening. */
  static async start(domains: OpenSearchDomains, credentials: SigningCredentials = sandboxOpenSearchCredentials): Promise<OpenSearchServer> {
    const server = createServer((request, response) => {
      serve(domains, credentials, request, response).catch((error: unknown) => {
        // A domain's semantics never throw for what OpenSearch answers; anything else is a defect to see.
        answer(response, 'GET', { statusCode: 500, body: { error: { type: 'sandbox_defect', reason: error instanceof Error ? error.message : String(error) }, status: 500 } });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, openSearchServerHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    return new OpenSearchServer(server, (server.address() as AddressInfo).port);
  }

  /** The base URL the client takes as its node for a domain endpoint (a host name, no scheme). */
  nodeFor(endpoint: string): string {
    return `http://${openSearchServerHost}:${this.port}/${encodeURIComponent(endpoint)}`;
  }

  /** Stops listening and ends open keep-alive connections; resolves once closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function serve(domains: OpenSearchDomains, credentials: SigningCredentials, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request);
  const method = (request.method ?? 'GET').toUpperCase();
  const url = new URL(request.url ?? '/', `http://${openSearchServerHost}`);
  const [, prefix = '', ...rest] = url.pathname.split('/');
  const endpoint = decodeURIComponent(prefix);
  const domain = domains.openSearchEndpoints().find((candidate) => candidate.endpoint === endpoint);
  if (!domain) {
    request.socket.destroy();
    return;
  }
  const refusal = await signatureRefusal(request, method, url, raw, domain.region, credentials);
  if (refusal) return answer(response, method, refusal);
  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return answer(response, method, jsonParseError(error));
    }
  }
  const result = domains.openSearchRequest({
    endpoint,
    method,
    path: `/${rest.map((segment) => decodeURIComponent(segment)).join('/')}`,
    query: Object.fromEntries(url.searchParams),
    ...(body === undefined ? {} : { body }),
  });
  answer(response, method, result);
}

function answer(response: ServerResponse, method: string, { statusCode, body }: OpenSearchHttpResponse): void {
  const text = JSON.stringify(body ?? null);
  response.writeHead(statusCode, { 'content-type': jsonContentType, 'content-length': Buffer.byteLength(text) });
  response.end(method === 'HEAD' ? undefined : text);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function jsonParseError(error: unknown): OpenSearchHttpResponse {
  const reason = error instanceof Error ? error.message : String(error);
  const cause = { type: 'json_parse_exception', reason };
  return { statusCode: 400, body: { error: { root_cause: [cause], ...cause }, status: 400 } };
}

const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=a;b, Signature=<hex>` */
const authorizationPattern = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/[^,\s]+,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;

/** The 403 for a request the domain would refuse for its signature, or undefined when it is right. */
async function signatureRefusal(
  request: IncomingMessage,
  method: string,
  url: URL,
  body: Buffer,
  region: string,
  credentials: SigningCredentials,
): Promise<OpenSearchHttpResponse | undefined> {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    const action = `es:ESHttp${method.charAt(0)}${method.slice(1).toLowerCase()}`;
    return { statusCode: 403, body: { Message: `User: anonymous is not authorized to perform: ${action}` } };
  }
  const mismatch: OpenSearchHttpResponse = { statusCode: 403, body: { message: signatureMismatch } };
  const parsed = authorizationPattern.exec(authorization);
  const amzDate = request.headers['x-amz-date'];
  if (!parsed || typeof amzDate !== 'string') return mismatch;
  const [, accessKeyId = '', signedHeaderList = '', signature = ''] = parsed;
  if (accessKeyId !== credentials.accessKeyId) return { statusCode: 403, body: { message: 'The security token included in the request is invalid.' } };
  const signingDate = parseAmzDate(amzDate);
  const declaredPayloadHash = request.headers['x-amz-content-sha256'];
  if (!signingDate || (typeof declaredPayloadHash === 'string' && declaredPayloadHash !== sha256Hex(body))) return mismatch;

  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return mismatch;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const earlier = query[name];
    query[name] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  const signer = new SignatureV4({ credentials, region, service: 'es', sha256: NodeSha256, applyChecksum: false });
  const expected = await signer.sign(
    { method, protocol: 'http:', hostname: headers.host ?? openSearchServerHost, path: url.pathname, query, headers, body },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expectedSignature = /Signature=([0-9a-f]+)$/.exec(expected.headers.authorization ?? '')?.[1] ?? '';
  const same = expectedSignature.length === signature.length && timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature));
  return same ? undefined : mismatch;
}

/** `20261130T083534Z` → its Date; undefined when malformed. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 (an HMAC when given a secret) as `@smithy/signature-v4` takes it, over node:crypto. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBinary(this.secret));
  }
}

function toBinary(data: SourceData): BinaryLike {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
