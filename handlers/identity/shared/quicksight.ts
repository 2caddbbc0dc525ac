import { QuickSightClient } from '@aws-sdk/client-quicksight';
import type { IdentitySyncConfig } from '../../shared/config.ts';
import type { Runtime } from '../../shared/runtime.ts';
import { IdentityRegionRefused, QuickSightRequestFailed, QuickSightThrottled, QuickSightUnavailable } from '../errors.ts';

/**
 * QuickSight user and group operations answer only in the account's identity Region ("Operation is
 * being called from endpoint <Region>, but your identity region is <Region>"); the stack runs in IAM
 * Identity Center's home Region, which may differ. A Step Functions SDK integration calls the
 * state machine's own Region, so every QuickSight call is a Lambda task with a client for the
 * identity Region. One attempt per call: the state's Retry is what retries, by the names below.
 */
export function quickSightClient(runtime: Pick<Runtime, 'sdkPlugins' | 'sdkPluginsFor'>, config: Pick<IdentitySyncConfig, 'quickSight'>): QuickSightClient {
  const region = config.quickSight.identityRegion;
  const client = new QuickSightClient({ region, maxAttempts: 1 });
  for (const plugin of runtime.sdkPluginsFor?.(region) ?? runtime.sdkPlugins) client.middlewareStack.use(plugin);
  return client;
}

interface ServiceError {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as { $metadata?: unknown }).$metadata === 'object';
}

/** The error's code when QuickSight answered with one, else undefined (a network or SDK failure). */
export function quickSightCode(error: unknown): string | undefined {
  return isServiceError(error) ? error.name : undefined;
}

/**
 * A QuickSight failure under the name the state machine routes by. Codes from the error schemas of
 * @aws-sdk/client-quicksight: ThrottlingException (429) is QuickSightThrottled;
 * InternalFailureException, ResourceUnavailableException and any other 5xx are QuickSightUnavailable;
 * AccessDeniedException about the identity Region is IdentityRegionRefused; anything else is
 * QuickSightRequestFailed with the code and message. Errors that never reached QuickSight are
 * QuickSightUnavailable too (the retry decides).
 */
export function namedQuickSightError(error: unknown, operation: string): Error {
  if (!isServiceError(error)) return new QuickSightUnavailable(`${operation}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  const detail = `${operation}: ${error.name}: ${error.message}`;
  if (error.name === 'ThrottlingException') return new QuickSightThrottled(detail, { cause: error });
  const status = error.$metadata?.httpStatusCode ?? 0;
  if (error.name === 'InternalFailureException' || error.name === 'ResourceUnavailableException' || status >= 500) {
    return new QuickSightUnavailable(detail, { cause: error });
  }
  if (error.name === 'AccessDeniedException' && /identity region/i.test(error.message)) return new IdentityRegionRefused(detail, { cause: error });
  return new QuickSightRequestFailed(detail, { cause: error });
}
