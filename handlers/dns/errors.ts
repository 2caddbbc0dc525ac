import { OpsflowError } from '../shared/errors.ts';

/** The event names a group that config does not list (config changed since the rule matched). */
export class GroupNotConfigured extends OpsflowError {
  override readonly name = 'GroupNotConfigured';
}

/** A lifecycle action arrived for a hook that config does not name for this group. */
export class LifecycleHookNotConfigured extends OpsflowError {
  override readonly name = 'LifecycleHookNotConfigured';
}

/** Guard: the instance's aws:autoscaling:groupName tag is not the group named in the event. */
export class InstanceNotInGroup extends OpsflowError {
  override readonly name = 'InstanceNotInGroup';
}

/** Guard: the address is public, missing, or outside the group's allowed CIDRs. */
export class AddressNotAllowed extends OpsflowError {
  override readonly name = 'AddressNotAllowed';
}

/**
 * Route 53 rejected the change batch (InvalidChangeBatch) although the record had not changed since
 * it was read: not a concurrent edit but a batch Route 53 will never accept (a name outside the zone,
 * a CNAME at the name...). The message carries Route 53's own; nothing was changed.
 */
export class ChangeBatchRejected extends OpsflowError {
  override readonly name = 'ChangeBatchRejected';
}

/** The record changed between reading and writing it on every attempt: something else keeps changing it. */
export class RecordConflictPersisted extends OpsflowError {
  override readonly name = 'RecordConflictPersisted';
}

export const dnsErrors = [GroupNotConfigured, LifecycleHookNotConfigured, InstanceNotInGroup, AddressNotAllowed, ChangeBatchRejected, RecordConflictPersisted] as const;
