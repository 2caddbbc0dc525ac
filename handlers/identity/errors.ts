import { OpsflowError } from '../shared/errors.ts';

/**
 * identity-sync's errors (identity-reconcile raises the same ones). QuickSight is called from Lambda
 * tasks (a client in its identity Region), so its errors are raised under these names, and the
 * state machine retries the transient ones: `QuickSightThrottled` (QuickSight's ThrottlingException)
 * and `QuickSightUnavailable` (InternalFailureException, ResourceUnavailableException, any 5xx),
 * from the error schemas of @aws-sdk/client-quicksight.
 */

/** The config has no identitySync section, or the event names another identity store or SCIM tenant. */
export class IdentityStoreNotConfigured extends OpsflowError {
  override readonly name = 'IdentityStoreNotConfigured';
}

/** QuickSight answered ThrottlingException: transient, retried with backoff. */
export class QuickSightThrottled extends OpsflowError {
  override readonly name = 'QuickSightThrottled';
}

/** QuickSight answered InternalFailureException, ResourceUnavailableException or another 5xx: transient, retried. */
export class QuickSightUnavailable extends OpsflowError {
  override readonly name = 'QuickSightUnavailable';
}

/**
 * QuickSight refused a user or group call made outside its identity Region (AccessDeniedException,
 * "Operation is being called from endpoint <Region>, but your identity region is <Region>"): the
 * config's `quickSight.identityRegion` is wrong. Terminal; nothing was changed.
 */
export class IdentityRegionRefused extends OpsflowError {
  override readonly name = 'IdentityRegionRefused';
}

/** Any other refusal of QuickSight (access denied, invalid parameter, a limit): terminal, with QuickSight's code and message. */
export class QuickSightRequestFailed extends OpsflowError {
  override readonly name = 'QuickSightRequestFailed';
}

/**
 * The QuickSight user name a user maps to already belongs to another person (another e-mail
 * address): two users map to one name. Nothing is merged; an administrator decides.
 */
export class UserNameCollision extends OpsflowError {
  override readonly name = 'UserNameCollision';
}

/** The user has nothing a QuickSight user name can be made of (no e-mail address, or one that maps to under two characters). */
export class UserNotMappable extends OpsflowError {
  override readonly name = 'UserNotMappable';
}

/** Still changes to make after `maxRounds` rounds of apply and re-read: something else keeps changing the user. */
export class SyncNotConverged extends OpsflowError {
  override readonly name = 'SyncNotConverged';
}

export const identityErrors = [
  IdentityStoreNotConfigured, QuickSightThrottled, QuickSightUnavailable, IdentityRegionRefused, QuickSightRequestFailed,
  UserNameCollision, UserNotMappable, SyncNotConverged,
] as const;
