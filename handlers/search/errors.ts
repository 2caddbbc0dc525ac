import { OpsflowError } from '../shared/errors.ts';

/**
 * The errors of the search tasks. OpenSearch answers REST errors as
 * `{"error":{"root_cause":[...],"type":"<type>","reason":"<text>"},"status":<code>}` (for example
 * `concurrent_snapshot_execution_exception`, 503, "a snapshot is already running":
 * https://github.com/elastic/elasticsearch/issues/38030); Amazon OpenSearch Service's own front end
 * answers 403 with `{"Message":"User: ... is not authorized ..."}` and 429 when throttled.
 * rest.ts maps each answer to one of these names.
 */

/** Transient: the domain answered 429 (throttled, or a thread pool full: es_rejected_execution_exception). Retried with backoff. */
export class SearchDomainThrottled extends OpsflowError {
  override readonly name = 'SearchDomainThrottled';
}

/** Transient: the domain answered 5xx (other than the snapshot errors below). Retried with backoff. */
export class SearchDomainServerError extends OpsflowError {
  override readonly name = 'SearchDomainServerError';
}

/** Transient: no answer (connection refused or reset, request timeout). Retried with backoff. */
export class SearchDomainUnreachable extends OpsflowError {
  override readonly name = 'SearchDomainUnreachable';
}

/** 403: the request's signature or the domain's access policy refused it. Terminal: a permission to fix. */
export class SearchAccessDenied extends OpsflowError {
  override readonly name = 'SearchAccessDenied';
}

/** Any other 4xx (illegal_argument_exception, action_request_validation_exception...): OpenSearch will never accept the request. */
export class SearchRequestRejected extends OpsflowError {
  override readonly name = 'SearchRequestRejected';
}

/** concurrent_snapshot_execution_exception (503): a snapshot or a deletion is already running; the workflow waits and checks again. */
export class ConcurrentSnapshotExecution extends OpsflowError {
  override readonly name = 'ConcurrentSnapshotExecution';
}

/** repository_missing_exception (404): the repository is not registered on this domain. */
export class RepositoryMissing extends OpsflowError {
  override readonly name = 'RepositoryMissing';
}

/** repository_exception / repository_verification_exception: the domain could not use the bucket (role, bucket policy, Region). */
export class RepositoryRejected extends OpsflowError {
  override readonly name = 'RepositoryRejected';
}

/** snapshot_missing_exception (404) where the snapshot must exist. */
export class SnapshotMissing extends OpsflowError {
  override readonly name = 'SnapshotMissing';
}

/** invalid_snapshot_name_exception (400) other than "already exists" (which is "already done"). */
export class InvalidSnapshotName extends OpsflowError {
  override readonly name = 'InvalidSnapshotName';
}

/** The record clients use is missing, not a CNAME, or points at neither configured domain: nobody can say which domain is active. */
export class SearchRecordUnusable extends OpsflowError {
  override readonly name = 'SearchRecordUnusable';
}

/** This Region's domain is deleted, being deleted, or has no endpoint yet. */
export class SearchDomainNotReady extends OpsflowError {
  override readonly name = 'SearchDomainNotReady';
}

/** The stack runs in a Region that searchDr does not list. */
export class SearchRegionNotConfigured extends OpsflowError {
  override readonly name = 'SearchRegionNotConfigured';
}

/** The snapshot ended PARTIAL: some shards were not saved. */
export class SnapshotPartial extends OpsflowError {
  override readonly name = 'SnapshotPartial';
}

/** The snapshot ended FAILED (or INCOMPATIBLE). */
export class SnapshotFailed extends OpsflowError {
  override readonly name = 'SnapshotFailed';
}

/** Raised by the workflow (a Pass state), never by a task: another snapshot was still running after snapshotWait.runningWaitSeconds. */
export class SnapshotsStillRunning extends OpsflowError {
  override readonly name = 'SnapshotsStillRunning';
}

/** Raised by the workflow (a Pass state): opsflow's snapshot was still IN_PROGRESS after snapshotWait.maxPolls polls. */
export class SnapshotTimedOut extends OpsflowError {
  override readonly name = 'SnapshotTimedOut';
}

/** Transient: the manifest's bucket throttled (S3 SlowDown) or answered 5xx. Retried with backoff. */
export class ManifestStoreUnavailable extends OpsflowError {
  override readonly name = 'ManifestStoreUnavailable';
}

/** S3 refused a manifest request for good (AccessDenied, NoSuchBucket, a bucket of another Region...); the message has S3's code. */
export class ManifestStoreRejected extends OpsflowError {
  override readonly name = 'ManifestStoreRejected';
}

/** No manifest beside the snapshot (`<base_path>/opsflow-manifests/<snapshot>.json`): it was taken before manifests were kept, or pruned. */
export class ManifestMissing extends OpsflowError {
  override readonly name = 'ManifestMissing';
}

/** The object at the manifest's key is not JSON of the manifest's shape; the message names the first wrong field. */
export class ManifestInvalid extends OpsflowError {
  override readonly name = 'ManifestInvalid';
}

/** The runbook's request (the execution input) is not of the request's shape; the message names the field. Nothing was read or changed. */
export class RunbookRequestInvalid extends OpsflowError {
  override readonly name = 'RunbookRequestInvalid';
}

/**
 * The snapshot's engine version cannot be restored into this domain: it is newer than the domain, or older by more
 * than one major version (OpenSearch restores a snapshot into the same version or the next major only).
 */
export class EngineVersionIncompatible extends OpsflowError {
  override readonly name = 'EngineVersionIncompatible';
}

/** This Region's repository is not registered on this domain, or is registered read-write: a runbook only restores from a read-only registration. */
export class RepositoryNotReadOnly extends OpsflowError {
  override readonly name = 'RepositoryNotReadOnly';
}

/** The snapshot's state is not SUCCESS (IN_PROGRESS, PARTIAL, FAILED, INCOMPATIBLE), or the domain refused to restore it (snapshot_restore_exception other than a conflict). */
export class SnapshotNotRestorable extends OpsflowError {
  override readonly name = 'SnapshotNotRestorable';
}

/** Another runbook execution (failover, failback or drill) is RUNNING in this Region: runbooks run one at a time. */
export class RunbookAlreadyRunning extends OpsflowError {
  override readonly name = 'RunbookAlreadyRunning';
}

/** The record clients use already points at this Region's domain: there is nothing to fail over to (a drill: this Region is not the standby). */
export class AlreadyActive extends OpsflowError {
  override readonly name = 'AlreadyActive';
}

/** Open indices with the names the restore would create exist on the domain and the request said `conflicts: "refuse"`; the message lists them. */
export class IndicesConflict extends OpsflowError {
  override readonly name = 'IndicesConflict';
}

/** A restored index is not healthy, or its document count falls outside the manifest's [before, after] range; the message lists each index, its count and range. */
export class RestoreVerificationFailed extends OpsflowError {
  override readonly name = 'RestoreVerificationFailed';
}

/**
 * Raised by the approval's answer, never by a task: the operator rejected the runbook
 * (SendTaskFailure with this error, the reason as its cause).
 */
export class RunbookRejected extends OpsflowError {
  override readonly name = 'RunbookRejected';
}

/** Transient: EventBridge throttled the approval request or failed internally (ThrottlingException, InternalException, a 5xx, or a failed entry with such a code). Retried with backoff. */
export class ApprovalRequestThrottled extends OpsflowError {
  override readonly name = 'ApprovalRequestThrottled';
}

/** EventBridge refused the approval request for good (access denied, a validation error, a failed entry); the message has EventBridge's code. Nobody was asked. */
export class ApprovalRequestNotPublished extends OpsflowError {
  override readonly name = 'ApprovalRequestNotPublished';
}

/** Raised by the workflow (a Pass state), never by a task: nobody answered the approval within searchDr.approval.timeoutMinutes. Nothing changed. */
export class ApprovalTimedOut extends OpsflowError {
  override readonly name = 'ApprovalTimedOut';
}

/** Raised by the workflow (a Pass state): the restored indices were still recovering after restoreWait.maxPolls polls. They keep recovering. */
export class RestoreTimedOut extends OpsflowError {
  override readonly name = 'RestoreTimedOut';
}

/** Raised by the workflow (a Pass state): Route 53 refused the guarded batch (InvalidChangeBatch) because the record no longer holds what was read. */
export class SearchRecordChanged extends OpsflowError {
  override readonly name = 'SearchRecordChanged';
}

/** The transient names every search Lambda task retries, with backoff and full jitter. */
export const searchTransientErrors = ['SearchDomainThrottled', 'SearchDomainServerError', 'SearchDomainUnreachable'] as const;

export const searchErrors = [
  SearchDomainThrottled, SearchDomainServerError, SearchDomainUnreachable, SearchAccessDenied, SearchRequestRejected, ConcurrentSnapshotExecution,
  RepositoryMissing, RepositoryRejected, SnapshotMissing, InvalidSnapshotName, SearchRecordUnusable, SearchDomainNotReady, SearchRegionNotConfigured,
  SnapshotPartial, SnapshotFailed, SnapshotsStillRunning, SnapshotTimedOut, ManifestStoreUnavailable, ManifestStoreRejected, ManifestMissing, ManifestInvalid,
  RunbookRequestInvalid, EngineVersionIncompatible, RepositoryNotReadOnly, SnapshotNotRestorable, RunbookAlreadyRunning, AlreadyActive, IndicesConflict,
  RestoreVerificationFailed, RunbookRejected, ApprovalRequestThrottled, ApprovalRequestNotPublished, ApprovalTimedOut, RestoreTimedOut, SearchRecordChanged,
] as const;
