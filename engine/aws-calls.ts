import { AwsCredentialsUnusable } from './errors.ts';

/** What every command that calls AWS itself shares: how long a call may take, and which errors say the credentials are unusable. */

/**
 * How long one call may take, in milliseconds: to connect, and for the answer once the request is
 * sent. Past either the SDK's request handler fails the attempt with a TimeoutError (with
 * throwOnRequestTimeout; @smithy/node-http-handler only warns otherwise) and the SDK retries it
 * (3 attempts in all), so an endpoint that accepts connections and never answers ends in one line,
 * not a hang. Replaced in tests.
 */
export const awsCallTimeouts = { connectionMs: 5_000, requestMs: 15_000 };

/** The `requestHandler` option of an SDK client a command creates: awsCallTimeouts, as errors. */
export function timedRequestHandler(): { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true } {
  return { connectionTimeout: awsCallTimeouts.connectionMs, requestTimeout: awsCallTimeouts.requestMs, throwOnRequestTimeout: true };
}

/**
 * Error names of AWS refusing the credentials a request was signed with (STS's common errors:
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html); ExpiredToken is the code
 * STS answers GetCallerIdentity with for an expired session token.
 */
const expiredCredentials = new Set(['ExpiredToken', 'ExpiredTokenException']);
const refusedCredentials = new Set([
  'InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthenticationToken', 'UnrecognizedClientException', 'RequestExpired',
]);
/** What the SDK's credential providers throw (@smithy/core/config) when the chain gives no usable credentials. */
const providerErrors = new Set(['ProviderError', 'CredentialsProviderError', 'TokenProviderError']);

/**
 * AwsCredentialsUnusable, one line, when `error` (from any AWS SDK call) says the default
 * credential chain found no credentials, or AWS refused or found expired the ones it signed with;
 * undefined for any other error.
 */
export function unusableCredentials(error: unknown): AwsCredentialsUnusable | undefined {
  const { name, what } = describeSdkError(error);
  if (providerErrors.has(name)) {
    return new AwsCredentialsUnusable(`no usable AWS credentials from the default credential chain (${what}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause: error });
  }
  if (expiredCredentials.has(name)) {
    return new AwsCredentialsUnusable(`the AWS credentials have expired (${what}): refresh them (aws sso login, or a new session) and run again`, { cause: error });
  }
  if (refusedCredentials.has(name)) return new AwsCredentialsUnusable(`AWS refused the credentials (${what})`, { cause: error });
  return undefined;
}

/** An SDK error's name and a one-line `<code or name>: <message>`. */
export function describeSdkError(error: unknown): { name: string; what: string } {
  const { name, code, message } = error instanceof Error ? (error as Error & { code?: unknown }) : { name: 'Error', code: undefined, message: String(error) };
  return { name, what: `${typeof code === 'string' ? code : name}: ${message.split('\n')[0] ?? ''}` };
}
