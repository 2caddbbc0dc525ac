import * as z from 'zod/mini';
import { eventBridgeEventSchema } from './eventbridge.ts';

/**
 * IAM Identity Center changes, as CloudTrail delivers them to EventBridge ("AWS API Call via
 * CloudTrail"). Three CloudTrail event sources record user and membership changes
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/logging-using-cloudtrail.html):
 * - `identitystore-scim.amazonaws.com`: SCIM provisioning from the IdP. User names and attribute
 *   values are masked as `HIDDEN_DUE_TO_SECURITY_REASONS`; `requestParameters` name the SCIM
 *   `tenantId` and, for PutUser/PatchUser/DeleteUser/PatchGroup, the resource `id`; CreateUser's new
 *   id is in `responseElements.id` (samples: events/samples/identity/, from
 *   https://docs.aws.amazon.com/singlesignon/latest/userguide/scim-logging-using-cloudtrail.html).
 *   No SCIM event names the identity store.
 * - `identitystore.amazonaws.com`: the Identity Store API; its requests carry `IdentityStoreId` and
 *   `UserId` (https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/).
 * - `sso-directory.amazonaws.com`: the IAM Identity Center console.
 * AWS publishes no CloudTrail record of the last two: the schemas read only the request fields the
 * Identity Store API reference names (events/samples/README.md says so).
 *
 * EventBridge gives a CloudTrail event the source `aws.<prefix of eventSource>`: documented for
 * `aws.identitystore` (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-identitystore.html);
 * the rules therefore match `detail.eventSource`, never `source`.
 */
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

export const IdentityEventSource = {
  Scim: 'identitystore-scim.amazonaws.com',
  IdentityStore: 'identitystore.amazonaws.com',
  SsoDirectory: 'sso-directory.amazonaws.com',
} as const;
export type IdentityEventSource = (typeof IdentityEventSource)[keyof typeof IdentityEventSource];

/** The EventBridge `source` of each event source (`aws.` and the host's first label). */
export const IdentityEventBridgeSource = {
  Scim: 'aws.identitystore-scim',
  IdentityStore: 'aws.identitystore',
  SsoDirectory: 'aws.sso-directory',
} as const;

/**
 * The operations that change a user or a membership, by event source. SCIM: the operations its
 * CloudTrail page lists; a membership change over SCIM is a PatchGroup. Identity Store: the API's
 * user and membership writes. Console (sso-directory): the operations IAM Identity Center's
 * CloudTrail page lists for users and groups.
 */
export const UserEventNames = {
  [IdentityEventSource.Scim]: ['CreateUser', 'PutUser', 'PatchUser', 'DeleteUser'],
  [IdentityEventSource.IdentityStore]: ['CreateUser', 'UpdateUser', 'DeleteUser'],
  [IdentityEventSource.SsoDirectory]: ['CreateUser', 'UpdateUser', 'DeleteUser', 'DisableUser', 'EnableUser'],
} as const satisfies Record<IdentityEventSource, readonly string[]>;

export const MembershipEventNames = {
  [IdentityEventSource.Scim]: ['PatchGroup'],
  [IdentityEventSource.IdentityStore]: ['CreateGroupMembership', 'DeleteGroupMembership'],
  [IdentityEventSource.SsoDirectory]: ['AddMemberToGroup', 'RemoveMemberFromGroup'],
} as const satisfies Record<IdentityEventSource, readonly string[]>;

/** The masking SCIM events use for every user name and attribute value. */
export const MASKED = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * What identity-sync reads of a CloudTrail record: where it came from, which operation, whether
 * it failed (`errorCode`), and the request and response fields that name a user, a group or the
 * store. Everything else (masked attributes included) passes through unread.
 */
export const IdentityCloudTrailDetailSchema = z.looseObject({
  eventSource: z.enum([IdentityEventSource.Scim, IdentityEventSource.IdentityStore, IdentityEventSource.SsoDirectory]),
  eventName: z.string(),
  awsRegion: z.string(),
  recipientAccountId: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
  requestParameters: z.optional(z.nullable(z.looseObject({
    /** SCIM: the tenant of the SCIM endpoint. */
    tenantId: z.optional(z.string()),
    /** SCIM: the user or group of PutUser, PatchUser, DeleteUser, PatchGroup. */
    id: z.optional(z.string()),
    /**
     * Identity Store API request members, under the API reference's names and in lowerCamelCase, the
     * spelling CloudTrail gives JSON request members in IAM Identity Center's published records
     * (`instanceArn`, `permissionSetArn`); which one identitystore records carry is not published.
     */
    IdentityStoreId: z.optional(z.string()),
    identityStoreId: z.optional(z.string()),
    UserId: z.optional(z.string()),
    userId: z.optional(z.string()),
    GroupId: z.optional(z.string()),
    groupId: z.optional(z.string()),
    MemberId: z.optional(z.looseObject({ UserId: z.optional(z.string()) })),
    memberId: z.optional(z.looseObject({ userId: z.optional(z.string()) })),
  }))),
  responseElements: z.optional(z.nullable(z.looseObject({
    /** SCIM CreateUser: the new user's id. */
    id: z.optional(z.string()),
    UserId: z.optional(z.string()),
    userId: z.optional(z.string()),
  }))),
});
export type IdentityCloudTrailDetail = z.infer<typeof IdentityCloudTrailDetailSchema>;

function apiCallSchema<const Source extends string>(source: Source) {
  return eventBridgeEventSchema(source, CLOUDTRAIL_API_CALL, IdentityCloudTrailDetailSchema);
}

export const ScimApiCallEventSchema = apiCallSchema(IdentityEventBridgeSource.Scim);
export const IdentityStoreApiCallEventSchema = apiCallSchema(IdentityEventBridgeSource.IdentityStore);
export const SsoDirectoryApiCallEventSchema = apiCallSchema(IdentityEventBridgeSource.SsoDirectory);

/** Any of the three, told apart by `detail.eventSource` (the rules do not match `source`). */
export const IdentityApiCallEventSchema = z.looseObject({
  'detail-type': z.literal(CLOUDTRAIL_API_CALL),
  account: z.string(),
  region: z.string(),
  detail: IdentityCloudTrailDetailSchema,
});
export type IdentityApiCallEvent = z.infer<typeof IdentityApiCallEventSchema>;
