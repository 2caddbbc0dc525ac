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

/** The identity store answered ThrottlingException, InternalServerException or a 5xx (or did not answer) while identity-reconcile paged it: transient, retried. */
export class IdentityStoreThrottled extends OpsflowError {
  override readonly name = 'IdentityStoreThrottled';
}

/** The identity store refused a list call (access denied, no such store, a validation error): terminal, with its code and message. */
export class IdentityStoreRequestFailed extends OpsflowError {
  override readonly name = 'IdentityStoreRequestFailed';
}

/**
 * identity-reconcile's plan would remove more than `reconcile.maxRemovalShare` of the managed
 * memberships or of opsflow's QuickSight users, and the request did not say `allowMassChange`.
 * Raised before anything is changed; the message gives the counts.
 */
export class MassChangeRefused extends OpsflowError {
  override readonly name = 'MassChangeRefused';
}

/** identity-reconcile: changes failed past their retries (the run's Fail state; the cause names the first ones). */
export class ChangesNotApplied extends OpsflowError {
  override readonly name = 'ChangesNotApplied';
}

/** identity-reconcile: users it could not reconcile (no name, or a name two users map to); everything else was applied. */
export class UsersNotReconciled extends OpsflowError {
  override readonly name = 'UsersNotReconciled';
}

export const identityErrors = [
  IdentityStoreNotConfigured, QuickSightThrottled, QuickSightUnavailable, IdentityRegionRefused, QuickSightRequestFailed,
  UserNameCollision, UserNotMappable, SyncNotConverged, IdentityStoreThrottled, IdentityStoreRequestFailed, MassChangeRefused,
  ChangesNotApplied, UsersNotReconciled,
] as const;
