import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsAccountUnavailable, AwsCredentialsUnusable } from '../../../engine/errors.ts';
import { awsAccountId } from '../../../engine/target.ts';

/**
 * awsAccountId over real HTTP, signing and the SDK's own error parsing included: a server on
 * 127.0.0.1 answers as STS does (the query protocol's XML), reached through AWS_ENDPOINT_URL_STS.
 * The bodies follow the GetCallerIdentity and common-errors pages of the STS API Reference.
 */
interface Seen {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
let server: Server | undefined;

async function sts(status: number, xml: string): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ body, headers: request.headers });
      response.writeHead(status, { 'content-type': 'text/xml' });
      response.end(xml);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('awsAccountId', () => {
  it('sends one signed GetCallerIdentity in the Region and returns the account STS names', async () => {
    const { url, seen } = await sts(
      200,
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/operator</Arn><UserId>AIDAEXAMPLEOPERATOR01</UserId><Account>210987654321</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    );
    vi.stubEnv('AWS_ENDPOINT_URL_STS', url);

    await expect(awsAccountId('eu-central-1')).resolves.toBe('210987654321');

    expect(seen).toHaveLength(1);
    expect(seen[0]?.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(seen[0]?.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/eu-central-1/sts/aws4_request`));
  });

  it('names expired credentials as STS answers them (ExpiredToken, HTTP 403)', async () => {
    const { url } = await sts(
      403,
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
    );
    vi.stubEnv('AWS_ENDPOINT_URL_STS', url);

    const failure = awsAccountId('eu-west-1');

    await expect(failure).rejects.toBeInstanceOf(AwsCredentialsUnusable);
    await expect(failure).rejects.toThrow(/^the AWS credentials have expired \(ExpiredToken: The security token included in the request is expired\)/);
  });

  it('says so when the default credential chain finds no credentials, before any request', async () => {
    const { url, seen } = await sts(500, '');
    vi.stubEnv('AWS_ENDPOINT_URL_STS', url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/opsflow-aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/opsflow-aws-credentials');
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');

    const failure = awsAccountId('eu-west-1');

    await expect(failure).rejects.toBeInstanceOf(AwsCredentialsUnusable);
    await expect(failure).rejects.toThrow(/^no usable AWS credentials from the default credential chain \(CredentialsProviderError: /);
    expect(seen).toEqual([]);
  });

  it('names the network error when STS cannot be reached', async () => {
    const { url } = await sts(200, '');
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    vi.stubEnv('AWS_ENDPOINT_URL_STS', url);

    const failure = awsAccountId('eu-west-1');

    await expect(failure).rejects.toBeInstanceOf(AwsAccountUnavailable);
    await expect(failure).rejects.toThrow(`cannot tell the AWS account: STS GetCallerIdentity in eu-west-1 failed (ECONNREFUSED: connect ECONNREFUSED ${url.slice('http://'.length)})`);
  });
});
