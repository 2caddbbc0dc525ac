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

export const dnsErrors = [GroupNotConfigured, LifecycleHookNotConfigured, InstanceNotInGroup, AddressNotAllowed] as const;
