import * as z from 'zod';
import { duplicates, type Issue } from './seed-checks.ts';
import { stableUuid } from './ids.ts';
import { stableIamId } from './services/iam.ts';
import {
  QuickSightIdentityType,
  QuickSightUserRoles,
  type IdentityStoreMembershipState,
  type IdentityStoreState,
  type IdentityStoreUserState,
  type QuickSightMembershipState,
  type QuickSightState,
  type QuickSightUserState,
} from './state.ts';

/**
 * The seed sections `identityStore` (IAM Identity Center's identity store) and `quickSight`
 * (Amazon QuickSight users, groups and namespaces), documented in README.md. The identity store's
 * users are written with the identitystore API's own attribute names (CreateUser's members), so a
 * seeded user, a created one and a described one have one shape; the sandbox's own fields (`members`)
 * are lower case. Constraints are the API references' (identitystore: CreateUser, DescribeUser;
 * QuickSight: RegisterUser, CreateGroup).
 */

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time such as 2025-01-15T08:00:00Z' });

/** IdentityStoreId (identitystore API reference): `d-` and 10 hex digits, or a UUID; 1 to 36 characters. */
export const identityStoreIdPattern = /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** UserId, GroupId and MembershipId (ResourceId in the API reference): an optional 10-hex-digit prefix and a UUID. */
export const identityStoreResourceIdPattern = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

/** UserName and group DisplayName: letters, marks, symbols, numbers and punctuation, no spaces; at most 128 (UserName) and 1024 characters. */
export const identityStoreNamePattern = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

/** The one extension the identity store supports ("aws:identitystore:enterprise is the only supported extension name"). */
export const enterpriseExtension = 'aws:identitystore:enterprise';

/**
 * The example identity store id of the identitystore API reference ("such as d-1234567890"): the
 * store of a seed that names none.
 */
export const defaultIdentityStoreId = 'd-1234567890';

const text = (max = 1024) => z.string().min(1).max(max);
const multiValued = <Shape extends z.ZodRawShape>(shape: Shape) => z.array(z.strictObject(shape)).min(1).optional();
/** An e-mail, phone number or role: the Identity Store's `{ Value, Type, Primary }` entries. */
const typedValue = { Value: text().optional(), Type: text().optional(), Primary: z.boolean().optional() };

/**
 * The enterprise extension's attributes: those of the SCIM enterprise user extension (RFC 7643
 * §4.3), which is what Identity Center takes from an IdP over SCIM, in its camel-case names.
 */
const enterpriseAttributes = z.strictObject({
  employeeNumber: text().optional(),
  costCenter: text().optional(),
  organization: text().optional(),
  division: text().optional(),
  department: text().optional(),
  manager: z.strictObject({ value: text() }).optional(),
});

const identityStoreUser = z.strictObject({
  UserId: z.string().regex(identityStoreResourceIdPattern, 'must be an identity store user id such as 1234567890-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d').optional(),
  UserName: z.string().max(128).regex(identityStoreNamePattern, 'must be 1 to 128 letters, digits, symbols or punctuation, without spaces'),
  DisplayName: text().optional(),
  Name: z
    .strictObject({ Formatted: text().optional(), FamilyName: text().optional(), GivenName: text().optional(), MiddleName: text().optional(), HonorificPrefix: text().optional(), HonorificSuffix: text().optional() })
    .optional(),
  NickName: text().optional(),
  ProfileUrl: text().optional(),
  Emails: multiValued(typedValue),
  Addresses: multiValued({
    StreetAddress: text().optional(),
    Locality: text().optional(),
    Region: text().optional(),
    PostalCode: text().optional(),
    Country: text().optional(),
    Formatted: text().optional(),
    Type: text().optional(),
    Primary: z.boolean().optional(),
  }),
  PhoneNumbers: multiValued(typedValue),
  UserType: text().optional(),
  Title: text().optional(),
  PreferredLanguage: text().optional(),
  Locale: text().optional(),
  Timezone: text().optional(),
  Website: text().optional(),
  Birthdate: text().optional(),
  Roles: multiValued(typedValue),
  ExternalIds: multiValued({ Issuer: text(100), Id: text(256) }),
  UserStatus: z.enum(['ENABLED', 'DISABLED']).default('ENABLED'),
  Extensions: z.strictObject({ [enterpriseExtension]: enterpriseAttributes.optional() }).optional(),
  CreatedAt: isoTime.optional(),
});

const identityStoreGroup = z.strictObject({
  GroupId: z.string().regex(identityStoreResourceIdPattern, 'must be an identity store group id such as 1234567890-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d').optional(),
  DisplayName: z.string().max(1024).regex(identityStoreNamePattern, 'must be 1 to 1024 letters, digits, symbols or punctuation, without spaces'),
  Description: text().optional(),
  ExternalIds: multiValued({ Issuer: text(100), Id: text(256) }),
  CreatedAt: isoTime.optional(),
  /** The group's members, by UserName (or UserId). */
  members: z.array(z.string().min(1)).default([]),
});

export const identityStoreSeedSchema = z
  .strictObject({
    identityStoreId: z.string().regex(identityStoreIdPattern, 'must be an identity store id such as d-1234567890').default(defaultIdentityStoreId),
    users: z.array(identityStoreUser).default([]),
    groups: z.array(identityStoreGroup).default([]),
  })
  .superRefine((store, context) => {
    const issue = ({ path, message }: Issue): void => context.addIssue({ code: 'custom', path, message });
    duplicates(store.users, (user) => user.UserName, (index, value) => issue({ path: ['users', index, 'UserName'], message: `${value} appears twice` }));
    duplicates(store.users, (user) => user.UserId, (index, value) => issue({ path: ['users', index, 'UserId'], message: `${value} appears twice` }));
    duplicates(store.groups, (group) => group.DisplayName, (index, value) => issue({ path: ['groups', index, 'DisplayName'], message: `${value} appears twice` }));
    duplicates(store.groups, (group) => group.GroupId, (index, value) => issue({ path: ['groups', index, 'GroupId'], message: `${value} appears twice` }));
    const known = new Set(store.users.flatMap((user) => [user.UserName, ...(user.UserId === undefined ? [] : [user.UserId])]));
    store.groups.forEach((group, groupIndex) => {
      group.members.forEach((member, memberIndex) => {
        if (!known.has(member)) issue({ path: ['groups', groupIndex, 'members', memberIndex], message: `${member} is not a UserName or UserId of identityStore.users` });
      });
      duplicates(group.members, (member) => member, (index, value) => issue({ path: ['groups', groupIndex, 'members', index], message: `${value} appears twice` }));
    });
  })
  .prefault({});

/**
 * The identity store as a state file keeps it (IdentityStoreState, `SandboxAccount#snapshot()`):
 * the seed's user and group schemas with the members the sandbox adds (ids, times), memberships as
 * their own table, and the seed's checks between them (unique names and ids, every membership's
 * group and user present). Paths are relative to the section, as the seed's are.
 */
export const identityStoreSavedSchema = z
  .strictObject({
    identityStoreId: z.string().regex(identityStoreIdPattern, 'must be an identity store id such as d-1234567890'),
    users: z.array(
      identityStoreUser.extend({
        UserId: z.string().regex(identityStoreResourceIdPattern, 'must be an identity store user id such as 1234567890-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'),
        UserStatus: z.enum(['ENABLED', 'DISABLED']),
        CreatedAt: isoTime,
        UpdatedAt: isoTime,
        CreatedBy: text().optional(),
        UpdatedBy: text().optional(),
      }),
    ),
    groups: z.array(
      identityStoreGroup.omit({ members: true }).extend({
        GroupId: z.string().regex(identityStoreResourceIdPattern, 'must be an identity store group id such as 1234567890-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'),
        CreatedAt: isoTime,
        UpdatedAt: isoTime,
      }),
    ),
    memberships: z.array(
      z.strictObject({
        MembershipId: z.string().regex(identityStoreResourceIdPattern, 'must be an identity store membership id such as 1234567890-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'),
        GroupId: z.string().min(1),
        UserId: z.string().min(1),
        CreatedAt: isoTime,
      }),
    ),
  })
  .superRefine((store, context) => {
    const issue = ({ path, message }: Issue): void => context.addIssue({ code: 'custom', path, message });
    duplicates(store.users, (user) => user.UserName, (index, value) => issue({ path: ['users', index, 'UserName'], message: `${value} appears twice` }));
    duplicates(store.users, (user) => user.UserId, (index, value) => issue({ path: ['users', index, 'UserId'], message: `${value} appears twice` }));
    duplicates(store.groups, (group) => group.DisplayName, (index, value) => issue({ path: ['groups', index, 'DisplayName'], message: `${value} appears twice` }));
    duplicates(store.groups, (group) => group.GroupId, (index, value) => issue({ path: ['groups', index, 'GroupId'], message: `${value} appears twice` }));
    duplicates(store.memberships, (membership) => membership.MembershipId, (index, value) => issue({ path: ['memberships', index, 'MembershipId'], message: `${value} appears twice` }));
    duplicates(store.memberships, (membership) => `${membership.GroupId} ${membership.UserId}`, (index) => issue({ path: ['memberships', index], message: 'this user is already a member of this group' }));
    const users = new Set(store.users.map((user) => user.UserId));
    const groups = new Set(store.groups.map((group) => group.GroupId));
    store.memberships.forEach((membership, index) => {
      if (!groups.has(membership.GroupId)) issue({ path: ['memberships', index, 'GroupId'], message: `${membership.GroupId} is not a GroupId of identityStore.groups` });
      if (!users.has(membership.UserId)) issue({ path: ['memberships', index, 'UserId'], message: `${membership.UserId} is not a UserId of identityStore.users` });
    });
  });

/** An id of the store's form: `<the store's 10 hex digits>-<UUID>` for a `d-` store, a UUID otherwise; stable for a given text. */
export function identityStoreResourceId(identityStoreId: string, text: string): string {
  const uuid = stableUuid(`${identityStoreId}/${text}`);
  return identityStoreId.startsWith('d-') ? `${identityStoreId.slice(2)}-${uuid}` : uuid;
}

export function identityStoreState(seed: z.output<typeof identityStoreSeedSchema>, now: Date): IdentityStoreState {
  const { identityStoreId } = seed;
  const time = (given: string | undefined): string => new Date(given ?? now).toISOString();
  const users = seed.users.map(({ UserId, CreatedAt, ...attributes }): IdentityStoreUserState => ({
    ...structuredClone(attributes),
    UserId: UserId ?? identityStoreResourceId(identityStoreId, `user/${attributes.UserName}`),
    CreatedAt: time(CreatedAt),
    UpdatedAt: time(CreatedAt),
  }));
  const userIdOf = new Map(users.flatMap((user) => [[user.UserName, user.UserId], [user.UserId, user.UserId]] as const));
  const memberships: IdentityStoreMembershipState[] = [];
  const groups = seed.groups.map(({ GroupId, CreatedAt, members, ...attributes }) => {
    const group = { ...structuredClone(attributes), GroupId: GroupId ?? identityStoreResourceId(identityStoreId, `group/${attributes.DisplayName}`), CreatedAt: time(CreatedAt), UpdatedAt: time(CreatedAt) };
    for (const member of members) {
      const userId = userIdOf.get(member) ?? member;
      memberships.push({ MembershipId: identityStoreResourceId(identityStoreId, `membership/${group.GroupId}/${userId}`), GroupId: group.GroupId, UserId: userId, CreatedAt: group.CreatedAt });
    }
    return group;
  });
  return { identityStoreId, users, groups, memberships };
}

// ---------------------------------------------------------------------------------------------
// QuickSight
// ---------------------------------------------------------------------------------------------

/** Namespace (QuickSight API reference): up to 64 of `[a-zA-Z0-9._-]`. */
export const quickSightNamespacePattern = /^[a-zA-Z0-9._-]{1,64}$/;

/** UserName and GroupName: `[\u0020-\u00FF]+`, Latin-1 printable characters (QuickSight API reference). */
export const quickSightNamePattern = /^[\u0020-\u00FF]+$/;

/** RegisterUser SessionName: 2 to 64 of `[\w+=.@-]` (QuickSight API reference). */
export const quickSightSessionNamePattern = /^[\w+=.@-]{2,64}$/;

/** An IAM user or role ARN, as RegisterUser's IamArn names the principal of an IAM identity. */
export const iamPrincipalArnPattern = /^arn:aws[-a-z]*:iam::(\d{12}):(user|role)(\/[\u0021-\u007E]*)?\/([\w+=,.@-]{1,128})$/;

/** The user name QuickSight gives an IAM identity: the IAM user's name, or `<role name>/<session name>` for a role. */
export function quickSightIamUserName(iamArn: string, sessionName: string | undefined): string | undefined {
  const match = iamPrincipalArnPattern.exec(iamArn);
  if (!match) return undefined;
  const [, , kind, , name] = match;
  return kind === 'role' ? `${name}/${sessionName ?? ''}` : name;
}

/**
 * The PrincipalId of a QuickSight user. QuickSight answers `federated/iam/<IAM unique id>` for IAM
 * users and `federated/iam/<role unique id>:<session name>` for role sessions; the unique ids are the
 * sandbox's stable `AIDA…`/`AROA…` ids (as the iam section gives them). Native QuickSight and
 * Identity Center users get a stable UUID under `user/<namespace>/`, the sandbox's own form.
 */
export function quickSightPrincipalId(user: Pick<QuickSightUserState, 'namespace' | 'userName' | 'identityType' | 'iamArn'>, accountId: string): string {
  if (user.identityType === QuickSightIdentityType.Iam && user.iamArn !== undefined) {
    const match = iamPrincipalArnPattern.exec(user.iamArn);
    const kind = match?.[2];
    const role = kind === 'role';
    const uniqueId = stableIamId(role ? 'AROA' : 'AIDA', user.iamArn);
    return role ? `federated/iam/${uniqueId}:${user.userName.slice(user.userName.indexOf('/') + 1)}` : `federated/iam/${uniqueId}`;
  }
  return `user/${user.namespace}/${stableUuid(`${accountId}/${user.namespace}/${user.userName}`)}`;
}

export function quickSightArn(region: string, accountId: string, kind: 'user' | 'group', namespace: string, name: string): string {
  return `arn:aws:quicksight:${region}:${accountId}:${kind}/${namespace}/${name}`;
}

const quickSightUser = z.strictObject({
  namespace: z.string().regex(quickSightNamespacePattern, 'must be a namespace name of letters, digits and ._-').default('default'),
  identityType: z.enum(Object.values(QuickSightIdentityType)),
  /** Required for QUICKSIGHT and IAM_IDENTITY_CENTER users; for IAM users it is derived from iamArn (and sessionName), and must agree if given. */
  userName: z.string().regex(quickSightNamePattern, 'must be printable Latin-1 characters').optional(),
  iamArn: z.string().regex(iamPrincipalArnPattern, 'must be an IAM user or role ARN such as arn:aws:iam::123456789012:role/QuickSightReader').optional(),
  sessionName: z.string().regex(quickSightSessionNamePattern, 'must be 2 to 64 of letters, digits and _+=.@-').optional(),
  email: z.string().min(1),
  role: z.enum(QuickSightUserRoles),
  active: z.boolean().default(true),
  customPermissionsName: z.string().min(1).max(64).optional(),
});

const quickSightGroup = z.strictObject({
  namespace: z.string().regex(quickSightNamespacePattern, 'must be a namespace name of letters, digits and ._-').default('default'),
  groupName: z.string().regex(quickSightNamePattern, 'must be printable Latin-1 characters'),
  description: z.string().min(1).max(512).optional(),
  /** The group's members, by QuickSight user name. */
  members: z.array(z.string().min(1)).default([]),
});

export const quickSightSeedSchema = z
  .strictObject({
    /** Default: the seed's Region. */
    identityRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as us-east-1').optional(),
    namespaces: z.array(z.strictObject({ name: z.string().regex(quickSightNamespacePattern, 'must be a namespace name of letters, digits and ._-') })).default([]),
    users: z.array(quickSightUser).default([]),
    groups: z.array(quickSightGroup).default([]),
  })
  .superRefine((quickSight, context) => {
    const issue = ({ path, message }: Issue): void => context.addIssue({ code: 'custom', path, message });
    const namespaces = new Set(['default', ...quickSight.namespaces.map((namespace) => namespace.name)]);
    duplicates(quickSight.namespaces, (namespace) => namespace.name, (index, value) => issue({ path: ['namespaces', index, 'name'], message: `${value} appears twice` }));
    const userNames = quickSight.users.map((user, index) => {
      const path = ['users', index];
      if (!namespaces.has(user.namespace)) issue({ path: [...path, 'namespace'], message: `${user.namespace} is not default or in quickSight.namespaces` });
      if (user.identityType !== QuickSightIdentityType.Iam) {
        if (user.iamArn !== undefined || user.sessionName !== undefined) issue({ path: [...path, user.iamArn === undefined ? 'sessionName' : 'iamArn'], message: `only for IAM users, this one is ${user.identityType}` });
        if (user.userName === undefined) issue({ path: [...path, 'userName'], message: `required for a ${user.identityType} user` });
        return `${user.namespace}/${user.userName ?? ''}`;
      }
      if (user.iamArn === undefined) {
        issue({ path: [...path, 'iamArn'], message: 'required for an IAM user (the IAM user or role it is registered for)' });
        return undefined;
      }
      const role = iamPrincipalArnPattern.exec(user.iamArn)?.[2] === 'role';
      if (role && user.sessionName === undefined) issue({ path: [...path, 'sessionName'], message: 'required with a role ARN: the user is <role name>/<session name>' });
      if (!role && user.sessionName !== undefined) issue({ path: [...path, 'sessionName'], message: 'only with a role ARN' });
      const derived = quickSightIamUserName(user.iamArn, user.sessionName);
      if (user.userName !== undefined && user.userName !== derived) issue({ path: [...path, 'userName'], message: `must be ${derived ?? 'derived from iamArn'}, the name QuickSight gives this IAM identity` });
      return `${user.namespace}/${derived ?? ''}`;
    });
    duplicates(userNames, (name) => name, (index, value) => issue({ path: ['users', index], message: `user ${value} appears twice` }));
    const users = new Set(userNames);
    quickSight.groups.forEach((group, groupIndex) => {
      const path = ['groups', groupIndex];
      if (!namespaces.has(group.namespace)) issue({ path: [...path, 'namespace'], message: `${group.namespace} is not default or in quickSight.namespaces` });
      group.members.forEach((member, memberIndex) => {
        if (!users.has(`${group.namespace}/${member}`)) issue({ path: [...path, 'members', memberIndex], message: `${member} is not a user of namespace ${group.namespace} in quickSight.users` });
      });
      duplicates(group.members, (member) => member, (index, value) => issue({ path: [...path, 'members', index], message: `${value} appears twice` }));
    });
    duplicates(quickSight.groups, (group) => `${group.namespace}/${group.groupName}`, (index, value) => issue({ path: ['groups', index, 'groupName'], message: `group ${value} appears twice` }));
  })
  .prefault({});

const quickSightNamespace = z.string().regex(quickSightNamespacePattern, 'must be a namespace name of letters, digits and ._-');

/**
 * QuickSight as a state file keeps it (QuickSightState): the seed's user and group schemas with
 * the members the sandbox adds (ARNs, principal ids), namespaces and memberships as their own
 * tables, and the seed's checks between them (each user's and group's namespace present, an IAM
 * user named as QuickSight names its IAM identity, unique names, every membership's group and user
 * present).
 */
export const quickSightSavedSchema = z
  .strictObject({
    identityRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as us-east-1'),
    namespaces: z.array(
      z.strictObject({ name: quickSightNamespace, arn: z.string().min(1), capacityRegion: z.string().min(1), creationStatus: z.literal('CREATED'), identityStore: z.literal('QUICKSIGHT') }),
    ),
    users: z.array(
      quickSightUser.omit({ sessionName: true }).extend({
        namespace: quickSightNamespace,
        userName: z.string().regex(quickSightNamePattern, 'must be printable Latin-1 characters'),
        active: z.boolean(),
        arn: z.string().min(1),
        principalId: z.string().min(1),
      }),
    ),
    groups: z.array(
      quickSightGroup.omit({ members: true }).extend({ namespace: quickSightNamespace, arn: z.string().min(1), principalId: z.string().min(1) }),
    ),
    memberships: z.array(z.strictObject({ namespace: quickSightNamespace, groupName: z.string().min(1), memberName: z.string().min(1) })),
  })
  .superRefine((quickSight, context) => {
    const issue = ({ path, message }: Issue): void => context.addIssue({ code: 'custom', path, message });
    duplicates(quickSight.namespaces, (namespace) => namespace.name, (index, value) => issue({ path: ['namespaces', index, 'name'], message: `${value} appears twice` }));
    const namespaces = new Set(quickSight.namespaces.map((namespace) => namespace.name));
    quickSight.users.forEach((user, index) => {
      const path = ['users', index];
      if (!namespaces.has(user.namespace)) issue({ path: [...path, 'namespace'], message: `${user.namespace} is not in quickSight.namespaces` });
      if (user.identityType !== QuickSightIdentityType.Iam) {
        if (user.iamArn !== undefined) issue({ path: [...path, 'iamArn'], message: `only for IAM users, this one is ${user.identityType}` });
        return;
      }
      if (user.iamArn === undefined) {
        issue({ path: [...path, 'iamArn'], message: 'required for an IAM user (the IAM user or role it is registered for)' });
        return;
      }
      const role = iamPrincipalArnPattern.exec(user.iamArn)?.[2] === 'role';
      const derived = quickSightIamUserName(user.iamArn, role ? user.userName.slice(user.userName.indexOf('/') + 1) : undefined);
      if (user.userName !== derived || (role && !user.userName.includes('/'))) {
        issue({ path: [...path, 'userName'], message: `must be ${role ? `${derived?.split('/')[0] ?? ''}/<session name>` : (derived ?? '')}, the name QuickSight gives this IAM identity` });
      }
    });
    duplicates(quickSight.users, (user) => `${user.namespace}/${user.userName}`, (index, value) => issue({ path: ['users', index, 'userName'], message: `user ${value} appears twice` }));
    quickSight.groups.forEach((group, index) => {
      if (!namespaces.has(group.namespace)) issue({ path: ['groups', index, 'namespace'], message: `${group.namespace} is not in quickSight.namespaces` });
    });
    duplicates(quickSight.groups, (group) => `${group.namespace}/${group.groupName}`, (index, value) => issue({ path: ['groups', index, 'groupName'], message: `group ${value} appears twice` }));
    const users = new Set(quickSight.users.map((user) => `${user.namespace}/${user.userName}`));
    const groups = new Set(quickSight.groups.map((group) => `${group.namespace}/${group.groupName}`));
    quickSight.memberships.forEach((membership, index) => {
      const path = ['memberships', index];
      if (!groups.has(`${membership.namespace}/${membership.groupName}`)) issue({ path: [...path, 'groupName'], message: `${membership.groupName} is not a group of namespace ${membership.namespace} in quickSight.groups` });
      if (!users.has(`${membership.namespace}/${membership.memberName}`)) issue({ path: [...path, 'memberName'], message: `${membership.memberName} is not a user of namespace ${membership.namespace} in quickSight.users` });
    });
    duplicates(quickSight.memberships, (membership) => `${membership.namespace}/${membership.groupName}/${membership.memberName}`, (index, value) => issue({ path: ['memberships', index], message: `membership ${value} appears twice` }));
  });

export function quickSightState(seed: z.output<typeof quickSightSeedSchema>, { accountId, region }: { accountId: string; region: string }): QuickSightState {
  const identityRegion = seed.identityRegion ?? region;
  const names = ['default', ...seed.namespaces.map((namespace) => namespace.name).filter((name) => name !== 'default')];
  const namespaces = names.map((name) => ({
    name,
    arn: `arn:aws:quicksight:${identityRegion}:${accountId}:namespace/${name}`,
    capacityRegion: identityRegion,
    creationStatus: 'CREATED' as const,
    identityStore: 'QUICKSIGHT' as const,
  }));
  const users = seed.users.map((user): QuickSightUserState => {
    const userName = user.iamArn === undefined ? (user.userName ?? '') : (quickSightIamUserName(user.iamArn, user.sessionName) ?? '');
    const stored = {
      namespace: user.namespace,
      userName,
      arn: quickSightArn(identityRegion, accountId, 'user', user.namespace, userName),
      email: user.email,
      role: user.role,
      identityType: user.identityType,
      active: user.active,
      ...(user.iamArn === undefined ? {} : { iamArn: user.iamArn }),
      ...(user.customPermissionsName === undefined ? {} : { customPermissionsName: user.customPermissionsName }),
    };
    return { ...stored, principalId: quickSightPrincipalId(stored, accountId) };
  });
  const memberships: QuickSightMembershipState[] = [];
  const groups = seed.groups.map((group) => {
    for (const memberName of group.members) memberships.push({ namespace: group.namespace, groupName: group.groupName, memberName });
    return {
      namespace: group.namespace,
      groupName: group.groupName,
      arn: quickSightArn(identityRegion, accountId, 'group', group.namespace, group.groupName),
      ...(group.description === undefined ? {} : { description: group.description }),
      principalId: `group/${group.namespace}/${stableUuid(`${accountId}/${group.namespace}/group/${group.groupName}`)}`,
    };
  });
  return { identityRegion, namespaces, users, groups, memberships };
}
