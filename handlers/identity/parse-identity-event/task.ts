import * as z from 'zod/mini';
import { IdentityEventSource, IdentityApiCallEventSchema, type IdentityApiCallEvent } from '../../../events/identity.ts';
import type { IdentitySyncConfig, OpsflowConfig } from '../../shared/config.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { describeIssue } from '../../shared/lambda.ts';
import { IdentityStoreNotConfigured } from '../errors.ts';
import { extensionsFor } from '../shared/names.ts';

/**
 * Turns an IAM Identity Center CloudTrail event into the one user identity-sync re-reads. Only the
 * ids are taken from the event (SCIM masks everything else): the workflow reads the user itself.
 */

/** Identity Store user and group ids (https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_DescribeUser.html, UserId). */
const RESOURCE_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

export const TargetVerdict = {
  /** The event names a user: re-read it and converge. */
  SyncUser: 'sync-user',
  /** The call failed (`errorCode`): nothing changed in Identity Center. */
  Ignore: 'ignore',
  /** The event names a group and no user (a SCIM PatchGroup, whose members are masked). */
  GroupOnly: 'group-only',
  /** The event names neither (an Identity Store DeleteGroupMembership names only the membership). */
  NoUserNamed: 'no-user-named',
} as const;
export type TargetVerdict = (typeof TargetVerdict)[keyof typeof TargetVerdict];

export interface IdentityTarget {
  readonly verdict: TargetVerdict;
  readonly reason: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly identityStoreId: string;
  readonly userId: string | null;
  readonly groupId: string | null;
  /** DescribeUser's `Extensions`: the enterprise extension when the mapping reads it. */
  readonly extensions: string[];
  /** The rounds of apply and re-read allowed (config maxRounds). */
  readonly maxRounds: number;
}

export const parseIdentityEventInput = z.record(z.string(), z.unknown());
export type ParseIdentityEventInput = z.infer<typeof parseIdentityEventInput>;

function idOrNull(value: string | undefined, where: string): string | null {
  if (value === undefined) return null;
  if (!RESOURCE_ID.test(value)) throw new InvalidInput(`${where}: ${JSON.stringify(value)} is not an Identity Store user or group id`);
  return value;
}

/** An identity store named by id or ARN (`arn:aws:identitystore::<account>:identitystore/<id>`), as the API accepts it. */
function isStore(named: string, identityStoreId: string): boolean {
  return named === identityStoreId || named.endsWith(`:identitystore/${identityStoreId}`);
}

function ids(event: IdentityApiCallEvent): { userId: string | null; groupId: string | null } {
  const { eventSource, eventName, requestParameters: request, responseElements: response } = event.detail;
  if (eventSource === IdentityEventSource.Scim) {
    if (eventName === 'CreateUser') return { userId: idOrNull(response?.id, 'detail.responseElements.id'), groupId: null };
    if (eventName === 'PatchGroup') return { userId: null, groupId: idOrNull(request?.id, 'detail.requestParameters.id') };
    return { userId: idOrNull(request?.id, 'detail.requestParameters.id'), groupId: null };
  }
  const userId = request?.UserId ?? request?.userId ?? request?.MemberId?.UserId ?? request?.memberId?.userId ?? response?.UserId ?? response?.userId;
  return {
    userId: idOrNull(userId, 'detail.requestParameters.UserId'),
    groupId: idOrNull(request?.GroupId ?? request?.groupId, 'detail.requestParameters.GroupId'),
  };
}

/**
 * Raises InvalidInput (not an identity CloudTrail event, or an id that is not one) and
 * IdentityStoreNotConfigured (no identitySync config; an Identity Store call on another store; a SCIM
 * call of another tenant when `scimTenantId` is set). SCIM and console events name no store: an
 * account holds one Identity Center instance, so they are about the configured one.
 */
export function parseIdentityEvent(input: ParseIdentityEventInput, config: OpsflowConfig): IdentityTarget {
  const sync: IdentitySyncConfig | undefined = config.identitySync;
  if (!sync) throw new IdentityStoreNotConfigured('identitySync is not configured');
  const result = IdentityApiCallEventSchema.safeParse(input);
  if (!result.success) throw new InvalidInput(describeIssue(result.error));
  const event = result.data;
  const { eventSource, eventName, errorCode, requestParameters } = event.detail;
  const namedStore = requestParameters?.IdentityStoreId ?? requestParameters?.identityStoreId;
  if (namedStore !== undefined && !isStore(namedStore, sync.identityStoreId)) {
    throw new IdentityStoreNotConfigured(`detail.requestParameters.IdentityStoreId: ${namedStore} is not the configured identity store ${sync.identityStoreId}`);
  }
  const tenant = requestParameters?.tenantId;
  if (eventSource === IdentityEventSource.Scim && sync.scimTenantId !== undefined && tenant !== sync.scimTenantId) {
    throw new IdentityStoreNotConfigured(`detail.requestParameters.tenantId: ${tenant ?? '(none)'} is not the configured SCIM tenant`);
  }
  const base = { eventSource, eventName, identityStoreId: sync.identityStoreId, extensions: extensionsFor(sync), maxRounds: sync.maxRounds };
  if (errorCode !== undefined) {
    return { ...base, verdict: TargetVerdict.Ignore, reason: `${eventName} failed (${errorCode}): nothing changed in Identity Center`, userId: null, groupId: null };
  }
  const { userId, groupId } = ids(event);
  if (userId !== null) return { ...base, verdict: TargetVerdict.SyncUser, reason: `${eventName} named user ${userId}`, userId, groupId };
  if (groupId !== null) {
    return {
      ...base,
      verdict: TargetVerdict.GroupOnly,
      reason: `${eventName} names group ${groupId} but not its members; managed QuickSight groups follow user attributes, not Identity Center groups, so that group has nothing to reconcile`,
      userId: null,
      groupId,
    };
  }
  return { ...base, verdict: TargetVerdict.NoUserNamed, reason: `${eventName} names no user or group this workflow can read`, userId: null, groupId: null };
}
