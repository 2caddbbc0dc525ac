import * as identityStoreSdk from '@aws-sdk/client-identitystore';
import {
  IdentitystoreServiceException,
  type CreateGroupCommandInput,
  type CreateGroupCommandOutput,
  type CreateGroupMembershipCommandInput,
  type CreateGroupMembershipCommandOutput,
  type CreateUserCommandInput,
  type CreateUserCommandOutput,
  type DeleteGroupMembershipCommandInput,
  type DeleteGroupMembershipCommandOutput,
  type DeleteUserCommandInput,
  type DeleteUserCommandOutput,
  type DescribeGroupCommandInput,
  type DescribeGroupCommandOutput,
  type DescribeGroupMembershipCommandInput,
  type DescribeGroupMembershipCommandOutput,
  type DescribeUserCommandInput,
  type DescribeUserCommandOutput,
  type GetGroupIdCommandInput,
  type GetGroupIdCommandOutput,
  type GetGroupMembershipIdCommandInput,
  type GetGroupMembershipIdCommandOutput,
  type GetUserIdCommandInput,
  type GetUserIdCommandOutput,
  type Group,
  type GroupMembership,
  type IsMemberInGroupsCommandInput,
  type IsMemberInGroupsCommandOutput,
  type ListGroupMembershipsCommandInput,
  type ListGroupMembershipsCommandOutput,
  type ListGroupMembershipsForMemberCommandInput,
  type ListGroupMembershipsForMemberCommandOutput,
  type ListGroupsCommandInput,
  type ListGroupsCommandOutput,
  type ListUsersCommandInput,
  type ListUsersCommandOutput,
  type ResourceType,
  type UpdateUserCommandInput,
  type UpdateUserCommandOutput,
  type User,
} from '@aws-sdk/client-identitystore';
import { awsError, type SimulatedAwsError } from '../errors.ts';
import { enterpriseExtension, identityStoreIdPattern, identityStoreNamePattern, identityStoreResourceId, identityStoreResourceIdPattern } from '../seed-identity.ts';
import { operation, sdkExceptions, type OperationContext, type SandboxService } from '../service.ts';
import { SortedTable, type Journal } from '../store.ts';
import type {
  IdentityStoreGroupState,
  IdentityStoreMembershipState,
  IdentityStoreState,
  IdentityStoreStore,
  IdentityStoreUserState,
  MembershipKey,
  SandboxStore,
} from '../state.ts';
import { missingMemberMessage } from '../validation.ts';
import { prefixRange, sortedPage, wholeRange } from './sorted-pages.ts';

/**
 * IAM Identity Center's identity store (identitystore API, 2020-06-15): users, groups and group
 * memberships, as the identity-sync workflows read and change them. Facts from the Identity Store
 * API reference (docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference): the
 * IdentityStoreId and ResourceId patterns, MaxResults 1 to 100, UpdateUser's 1 to 100 Operations,
 * IsMemberInGroups' 1 to 100 GroupIds, `aws:identitystore:enterprise` as "the only supported
 * extension name" returned only when `Extensions` asks for it, and the error codes each operation
 * documents (ResourceNotFoundException with ResourceType and ResourceId, ValidationException,
 * ConflictException with Reason UNIQUENESS_CONSTRAINT_VIOLATION, ThrottlingException,
 * AccessDeniedException, InternalServerException; statuses from the SDK model). Messages are the
 * sandbox's: no AWS wording was found for them.
 */

export const IdentityStoreLimit = { maxResults: 100, operations: 100, groupIds: 100, extensions: 10 } as const;

/** An identity store may also be named by its ARN (API reference: `arn:aws:identitystore::<account>:identitystore/<id>`). */
const identityStoreArnPattern = /^arn:aws[a-z-]*:identitystore::\d{12}:identitystore\/(.+)$/;
const extensionNamePattern = /^aws:identitystore:[a-z]{1,20}$/;

/** Names an administrator cannot give a user or group (CreateUser UserName, CreateGroup DisplayName). */
const reservedNames = new Set(['Administrator', 'AWSAdministrators']);

function validation(message: string): SimulatedAwsError {
  return awsError('ValidationException', message, { Message: message });
}

function notFound(resourceType: ResourceType, resourceId: string): SimulatedAwsError {
  const message = `${resourceType} ${resourceId} not found.`;
  return awsError('ResourceNotFoundException', message, { Message: message, ResourceType: resourceType, ResourceId: resourceId });
}

function conflict(message: string): SimulatedAwsError {
  return awsError('ConflictException', message, { Message: message, Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' });
}

function requiredMember<T>(value: T | undefined | null, member: string): T {
  if (value === undefined || value === null || value === '') throw validation(missingMemberMessage(member));
  return value;
}

function patternMember(value: string | undefined, member: string, pattern: RegExp, maxLength: number): string {
  const given = requiredMember(value, member);
  if (typeof given !== 'string' || given.length > maxLength || !pattern.test(given)) {
    throw validation(`1 validation error detected: Value '${String(given)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return given;
}

/** The store the request names, by id or ARN; any other is ResourceNotFoundException (IDENTITY_STORE). */
function checkStore(state: SandboxStore, identityStoreId: string | undefined): string {
  const given = requiredMember(identityStoreId, 'IdentityStoreId');
  const id = identityStoreArnPattern.exec(given)?.[1] ?? given;
  patternMember(id, 'IdentityStoreId', identityStoreIdPattern, 36);
  if (id !== state.identityStore.identityStoreId) throw notFound('IDENTITY_STORE', id);
  return id;
}

const resourceId = (value: string | undefined, member: string): string => patternMember(value, member, identityStoreResourceIdPattern, 47);

function pageSize(requested: number | undefined): number {
  const size = requested ?? IdentityStoreLimit.maxResults;
  if (!Number.isInteger(size) || size < 1 || size > IdentityStoreLimit.maxResults) {
    throw validation(`1 validation error detected: Value '${String(requested)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${IdentityStoreLimit.maxResults}`);
  }
  return size;
}

const invalidToken = (): SimulatedAwsError => validation('The pagination token is not valid (expired, or from a request with other arguments).');

function userOrThrow(state: SandboxStore, userId: string | undefined, member = 'UserId'): IdentityStoreUserState {
  const id = resourceId(userId, member);
  const user = state.identityStore.users.get(id);
  if (!user) throw notFound('USER', id);
  return user;
}

function groupOrThrow(state: SandboxStore, groupId: string | undefined): IdentityStoreGroupState {
  const id = resourceId(groupId, 'GroupId');
  const group = state.identityStore.groups.get(id);
  if (!group) throw notFound('GROUP', id);
  return group;
}

function memberUserId(memberId: { UserId?: string } | undefined): string {
  return requiredMember(requiredMember(memberId, 'MemberId').UserId, 'MemberId.UserId');
}

/** Which extensions a read asks for: 1 to 10 names of the documented pattern; only the enterprise one exists. */
function requestedExtensions(extensions: readonly string[] | undefined): boolean {
  if (extensions === undefined) return false;
  if (extensions.length < 1 || extensions.length > IdentityStoreLimit.extensions) {
    throw validation(`1 validation error detected: Value at 'extensions' failed to satisfy constraint: Member must have length between 1 and ${IdentityStoreLimit.extensions}`);
  }
  for (const name of extensions) {
    if (!extensionNamePattern.test(name)) {
      throw validation(`1 validation error detected: Value '${name}' at 'extensions' failed to satisfy constraint: Member must satisfy regular expression pattern: ${extensionNamePattern.source}`);
    }
    if (name !== enterpriseExtension) throw validation(`Extension ${name} is not supported: ${enterpriseExtension} is the only supported extension name.`);
  }
  return true;
}

/** A user as DescribeUser and ListUsers answer it: `Extensions` only when asked for, times as Dates. */
function toUser(identityStoreId: string, user: IdentityStoreUserState, withExtensions: boolean): User {
  const { CreatedAt, UpdatedAt, Extensions, ...attributes } = user;
  return {
    ...(attributes as unknown as User),
    IdentityStoreId: identityStoreId,
    CreatedAt: new Date(CreatedAt),
    UpdatedAt: new Date(UpdatedAt),
    ...(withExtensions && Extensions !== undefined ? { Extensions: Extensions as User['Extensions'] } : {}),
  };
}

function toGroup(identityStoreId: string, group: IdentityStoreGroupState): Group {
  return { ...group, IdentityStoreId: identityStoreId, CreatedAt: new Date(group.CreatedAt), UpdatedAt: new Date(group.UpdatedAt) };
}

function toMembership(identityStoreId: string, membership: IdentityStoreMembershipState): GroupMembership {
  return {
    IdentityStoreId: identityStoreId,
    MembershipId: membership.MembershipId,
    GroupId: membership.GroupId,
    MemberId: { UserId: membership.UserId },
    CreatedAt: new Date(membership.CreatedAt),
    UpdatedAt: new Date(membership.CreatedAt),
  };
}

const byGroupKey = ({ GroupId, UserId }: MembershipKey): string => `${GroupId}\u0000${UserId}`;
const byMemberKey = ({ GroupId, UserId }: MembershipKey): string => `${UserId}\u0000${GroupId}`;

/** The identity store's containers, keyed by what its operations look things up by. */
export function identityStoreContainers(state: IdentityStoreState, journal: Journal): IdentityStoreStore {
  return {
    identityStoreId: state.identityStoreId,
    users: new SortedTable(journal, (user) => user.UserId, (user) => user.UserId, state.users),
    userNames: new SortedTable(journal, (entry) => entry.UserName, (entry) => entry.UserName, state.users.map(({ UserName, UserId }) => ({ UserName, UserId }))),
    groups: new SortedTable(journal, (group) => group.GroupId, (group) => group.GroupId, state.groups),
    groupNames: new SortedTable(journal, (entry) => entry.DisplayName, (entry) => entry.DisplayName, state.groups.map(({ DisplayName, GroupId }) => ({ DisplayName, GroupId }))),
    memberships: new SortedTable(journal, (membership) => membership.MembershipId, (membership) => membership.MembershipId, state.memberships),
    membershipsByGroup: new SortedTable<IdentityStoreMembershipState, MembershipKey>(journal, byGroupKey, byGroupKey, state.memberships),
    membershipsByMember: new SortedTable<IdentityStoreMembershipState, MembershipKey>(journal, byMemberKey, byMemberKey, state.memberships),
  };
}

export function identityStoreSnapshot(store: IdentityStoreStore): IdentityStoreState {
  return {
    identityStoreId: store.identityStoreId,
    users: [...store.users.values()],
    groups: [...store.groups.values()],
    memberships: [...store.membershipsByGroup.values()],
  };
}

function addMembership(store: IdentityStoreStore, membership: IdentityStoreMembershipState): void {
  store.memberships.put(membership);
  store.membershipsByGroup.put(membership);
  store.membershipsByMember.put(membership);
}

function removeMembership(store: IdentityStoreStore, membership: IdentityStoreMembershipState): void {
  store.memberships.delete(membership.MembershipId);
  store.membershipsByGroup.delete(byGroupKey(membership));
  store.membershipsByMember.delete(byMemberKey(membership));
}

/** The user's memberships: one range of the by-member table. */
function membershipsOf(store: IdentityStoreStore, userId: string): IdentityStoreMembershipState[] {
  const { from, to } = prefixRange(store.membershipsByMember, `${userId}\u0000`);
  return store.membershipsByMember.slice(from, to);
}

/** Top-level attributes UpdateUser may set, by their AttributePath (the API member in lower camel case). */
const userAttributePaths: Readonly<Record<string, string>> = {
  userName: 'UserName',
  displayName: 'DisplayName',
  nickName: 'NickName',
  profileUrl: 'ProfileUrl',
  userType: 'UserType',
  title: 'Title',
  preferredLanguage: 'PreferredLanguage',
  locale: 'Locale',
  timezone: 'Timezone',
  website: 'Website',
  birthdate: 'Birthdate',
  name: 'Name',
  emails: 'Emails',
  addresses: 'Addresses',
  phoneNumbers: 'PhoneNumbers',
  roles: 'Roles',
};

const nameSubAttributes: Readonly<Record<string, string>> = {
  formatted: 'Formatted',
  familyName: 'FamilyName',
  givenName: 'GivenName',
  middleName: 'MiddleName',
  honorificPrefix: 'HonorificPrefix',
  honorificSuffix: 'HonorificSuffix',
};

/** Applies one AttributeOperation to a draft user: a value sets the attribute, none removes it. */
function applyOperation(draft: IdentityStoreUserState, path: string, value: unknown): void {
  const [head = '', sub, ...rest] = path.split('.');
  const member = userAttributePaths[head];
  const unsupported = (): SimulatedAwsError => validation(`Invalid AttributePath '${path}': the sandbox updates ${Object.keys(userAttributePaths).join(', ')} and name.<sub-attribute>.`);
  if (member === undefined || rest.length > 0) throw unsupported();
  if (sub !== undefined) {
    const subMember = member === 'Name' ? nameSubAttributes[sub] : undefined;
    if (subMember === undefined) throw unsupported();
    const name = { ...((draft.Name as Record<string, unknown> | undefined) ?? {}) };
    if (value === undefined || value === null) delete name[subMember];
    else name[subMember] = stringValue(value, path);
    if (Object.keys(name).length === 0) delete draft.Name;
    else draft.Name = name;
    return;
  }
  if (value === undefined || value === null) {
    if (member === 'UserName') throw validation('UserName cannot be removed.');
    delete draft[member];
    return;
  }
  if (['Name', 'Emails', 'Addresses', 'PhoneNumbers', 'Roles'].includes(member)) {
    const expectsList = member !== 'Name';
    if (expectsList !== Array.isArray(value) || typeof value !== 'object') throw validation(`Invalid AttributeValue for '${path}': expected ${expectsList ? 'a list' : 'an object'}.`);
    draft[member] = structuredClone(value);
    return;
  }
  draft[member] = stringValue(value, path);
}

function stringValue(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw validation(`Invalid AttributeValue for '${path}': expected a string of 1 to 1024 characters.`);
  return value;
}

function checkName(value: string, member: string, maxLength: number): void {
  if (value.length > maxLength || !identityStoreNamePattern.test(value)) {
    throw validation(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+`);
  }
  if (reservedNames.has(value)) throw validation(`${value} is a reserved name and cannot be used for users or groups.`);
}

function newResourceId({ state, ids }: OperationContext, taken: (id: string) => boolean): string {
  let id = identityStoreResourceId(state.identityStore.identityStoreId, ids.uuid());
  while (taken(id)) id = identityStoreResourceId(state.identityStore.identityStoreId, ids.uuid());
  return id;
}

const createUserAttributes = [
  'UserName', 'Name', 'DisplayName', 'NickName', 'ProfileUrl', 'Emails', 'Addresses', 'PhoneNumbers', 'UserType', 'Title',
  'PreferredLanguage', 'Locale', 'Timezone', 'Website', 'Birthdate', 'Roles', 'Extensions',
] as const satisfies readonly (keyof CreateUserCommandInput)[];

function checkExtensions(extensions: unknown): IdentityStoreUserState['Extensions'] {
  if (extensions === undefined) return undefined;
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) throw validation('Invalid Extensions: expected a map of extension names to documents.');
  for (const [name, document] of Object.entries(extensions)) {
    if (name !== enterpriseExtension) throw validation(`Extension ${name} is not supported: ${enterpriseExtension} is the only supported extension name.`);
    if (typeof document !== 'object' || document === null || Array.isArray(document)) throw validation(`Invalid extension ${name}: expected an object.`);
  }
  return structuredClone(extensions) as IdentityStoreUserState['Extensions'];
}

function createUser(input: CreateUserCommandInput, context: OperationContext): Omit<CreateUserCommandOutput, '$metadata'> {
  const { state, now } = context;
  const identityStoreId = checkStore(state, input.IdentityStoreId);
  const userName = requiredMember(input.UserName, 'UserName');
  checkName(userName, 'UserName', 128);
  const store = state.identityStore;
  if (store.userNames.get(userName)) throw conflict(`Duplicate UserName: a user named ${userName} already exists.`);
  const userId = newResourceId(context, (id) => store.users.get(id) !== undefined);
  const at = now().toISOString();
  const attributes = Object.fromEntries(createUserAttributes.filter((member) => input[member] !== undefined && member !== 'Extensions').map((member) => [member, structuredClone(input[member])]));
  const extensions = checkExtensions(input.Extensions);
  const user: IdentityStoreUserState = { ...attributes, UserId: userId, UserName: userName, UserStatus: 'ENABLED', CreatedAt: at, UpdatedAt: at, ...(extensions === undefined ? {} : { Extensions: extensions }) };
  store.users.put(user);
  store.userNames.put({ UserName: userName, UserId: userId });
  return { IdentityStoreId: identityStoreId, UserId: userId };
}

function updateUser(input: UpdateUserCommandInput, { state, now }: OperationContext): Omit<UpdateUserCommandOutput, '$metadata'> {
  checkStore(state, input.IdentityStoreId);
  const user = userOrThrow(state, input.UserId);
  const operations = requiredMember(input.Operations, 'Operations');
  if (operations.length < 1 || operations.length > IdentityStoreLimit.operations) {
    throw validation(`1 validation error detected: Value at 'operations' failed to satisfy constraint: Member must have length between 1 and ${IdentityStoreLimit.operations}`);
  }
  const draft: IdentityStoreUserState = structuredClone(user);
  for (const { AttributePath, AttributeValue } of operations) applyOperation(draft, requiredMember(AttributePath, 'Operations.member.AttributePath'), AttributeValue);
  const store = state.identityStore;
  if (draft.UserName !== user.UserName) {
    checkName(draft.UserName, 'UserName', 128);
    if (store.userNames.get(draft.UserName)) throw conflict(`Duplicate UserName: a user named ${draft.UserName} already exists.`);
    store.userNames.delete(user.UserName);
    store.userNames.put({ UserName: draft.UserName, UserId: draft.UserId });
  }
  draft.UpdatedAt = now().toISOString();
  store.users.put(draft);
  return {};
}

function deleteUser(input: DeleteUserCommandInput, { state }: OperationContext): Omit<DeleteUserCommandOutput, '$metadata'> {
  checkStore(state, input.IdentityStoreId);
  const user = userOrThrow(state, input.UserId);
  const store = state.identityStore;
  // A deleted user leaves the groups it was in.
  for (const membership of membershipsOf(store, user.UserId)) removeMembership(store, membership);
  store.users.delete(user.UserId);
  store.userNames.delete(user.UserName);
  return {};
}

function createGroup(input: CreateGroupCommandInput, context: OperationContext): Omit<CreateGroupCommandOutput, '$metadata'> {
  const { state, now } = context;
  const identityStoreId = checkStore(state, input.IdentityStoreId);
  const displayName = requiredMember(input.DisplayName, 'DisplayName');
  checkName(displayName, 'DisplayName', 1024);
  const store = state.identityStore;
  if (store.groupNames.get(displayName)) throw conflict(`Duplicate GroupDisplayName: a group named ${displayName} already exists.`);
  const groupId = newResourceId(context, (id) => store.groups.get(id) !== undefined);
  const at = now().toISOString();
  store.groups.put({ GroupId: groupId, DisplayName: displayName, ...(input.Description === undefined ? {} : { Description: input.Description }), CreatedAt: at, UpdatedAt: at });
  store.groupNames.put({ DisplayName: displayName, GroupId: groupId });
  return { IdentityStoreId: identityStoreId, GroupId: groupId };
}

function createGroupMembership(input: CreateGroupMembershipCommandInput, context: OperationContext): Omit<CreateGroupMembershipCommandOutput, '$metadata'> {
  const { state, now } = context;
  const identityStoreId = checkStore(state, input.IdentityStoreId);
  const group = groupOrThrow(state, input.GroupId);
  const user = userOrThrow(state, memberUserId(input.MemberId), 'MemberId.UserId');
  const store = state.identityStore;
  if (store.membershipsByGroup.get(byGroupKey({ GroupId: group.GroupId, UserId: user.UserId }))) {
    throw conflict(`Member ${user.UserId} is already in group ${group.GroupId}.`);
  }
  const membershipId = newResourceId(context, (id) => store.memberships.get(id) !== undefined);
  addMembership(store, { MembershipId: membershipId, GroupId: group.GroupId, UserId: user.UserId, CreatedAt: now().toISOString() });
  return { IdentityStoreId: identityStoreId, MembershipId: membershipId };
}

function membershipOrThrow(state: SandboxStore, membershipId: string | undefined): IdentityStoreMembershipState {
  const id = resourceId(membershipId, 'MembershipId');
  const membership = state.identityStore.memberships.get(id);
  if (!membership) throw notFound('GROUP_MEMBERSHIP', id);
  return membership;
}

/** The alternate identifiers GetUserId and GetGroupId take: an external id, or a unique attribute. */
function alternateIdentifier(identifier: GetUserIdCommandInput['AlternateIdentifier'] | undefined, uniquePaths: readonly string[]): { externalId?: { Issuer: string; Id: string }; value?: string } {
  const given = requiredMember(identifier, 'AlternateIdentifier');
  if (given.ExternalId) return { externalId: { Issuer: requiredMember(given.ExternalId.Issuer, 'AlternateIdentifier.ExternalId.Issuer'), Id: requiredMember(given.ExternalId.Id, 'AlternateIdentifier.ExternalId.Id') } };
  if (given.UniqueAttribute) {
    const path = requiredMember(given.UniqueAttribute.AttributePath, 'AlternateIdentifier.UniqueAttribute.AttributePath');
    if (!uniquePaths.includes(path)) throw validation(`Invalid AttributePath '${path}': the sandbox looks up ${uniquePaths.join(', ')}.`);
    const value = given.UniqueAttribute.AttributeValue;
    if (typeof value !== 'string') throw validation('Invalid AttributeValue: expected a string.');
    return { value };
  }
  throw validation(missingMemberMessage('AlternateIdentifier'));
}

function hasExternalId(entity: object, externalId: { Issuer: string; Id: string }): boolean {
  const given = (entity as { ExternalIds?: unknown }).ExternalIds;
  const ids = Array.isArray(given) ? (given as { Issuer?: string; Id?: string }[]) : [];
  return ids.some((id) => id.Issuer === externalId.Issuer && id.Id === externalId.Id);
}

/** The one equality filter ListUsers (UserName) and ListGroups (DisplayName) take, if any. */
function exactFilter(filters: readonly { AttributePath?: string; AttributeValue?: string }[] | undefined, attributePath: string): string | undefined {
  if (filters === undefined || filters.length === 0) return undefined;
  if (filters.length > 1) throw validation('Only one filter is supported.');
  const [filter] = filters;
  const path = requiredMember(filter?.AttributePath, 'Filters.member.AttributePath');
  if (path !== attributePath) throw validation(`Invalid AttributePath '${path}': the filter supports ${attributePath} only.`);
  return requiredMember(filter?.AttributeValue, 'Filters.member.AttributeValue');
}

export const identityStoreService: SandboxService = {
  key: 'identitystore',
  clientName: 'IdentitystoreClient',
  regions: 'global',
  exceptions: sdkExceptions(identityStoreSdk, IdentitystoreServiceException),
  operations: {
    DescribeUser: operation<DescribeUserCommandInput, DescribeUserCommandOutput>(['IdentityStoreId', 'UserId', 'Extensions'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const withExtensions = requestedExtensions(input.Extensions);
      return toUser(identityStoreId, userOrThrow(state, input.UserId), withExtensions) as Omit<DescribeUserCommandOutput, '$metadata'>;
    }),

    ListUsers: operation<ListUsersCommandInput, ListUsersCommandOutput>(['IdentityStoreId', 'Extensions', 'MaxResults', 'NextToken', 'Filters'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const withExtensions = requestedExtensions(input.Extensions);
      const maxResults = pageSize(input.MaxResults);
      const userName = exactFilter(input.Filters, 'UserName');
      const store = state.identityStore;
      if (userName !== undefined) {
        const user = store.users.get(store.userNames.get(userName)?.UserId ?? '');
        if (input.NextToken !== undefined) throw invalidToken();
        return { Users: user ? [toUser(identityStoreId, user, withExtensions)] : [] };
      }
      const { page, nextToken } = sortedPage(store.users, wholeRange(store.users), { scope: 'ListUsers', maxResults, nextToken: input.NextToken }, invalidToken);
      return { Users: page.map((user) => toUser(identityStoreId, user, withExtensions)), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
    }),

    GetUserId: operation<GetUserIdCommandInput, GetUserIdCommandOutput>(['IdentityStoreId', 'AlternateIdentifier'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const { externalId, value } = alternateIdentifier(input.AlternateIdentifier, ['userName', 'emails.value']);
      const store = state.identityStore;
      const isEmail = input.AlternateIdentifier?.UniqueAttribute?.AttributePath === 'emails.value';
      let userId = !externalId && !isEmail ? store.userNames.get(value ?? '')?.UserId : undefined;
      // External ids and e-mail addresses have no index: the sandbox scans for them (no workflow looks users up so).
      if (externalId || isEmail) {
        const emailOf = (user: IdentityStoreUserState): boolean => Array.isArray(user.Emails) && (user.Emails as { Value?: string }[]).some((email) => email.Value === value);
        userId = [...store.users.values()].find((user) => (externalId ? hasExternalId(user, externalId) : emailOf(user)))?.UserId;
      }
      if (userId === undefined) throw notFound('USER', value ?? externalId?.Id ?? '');
      return { IdentityStoreId: identityStoreId, UserId: userId };
    }),

    CreateUser: operation<CreateUserCommandInput, CreateUserCommandOutput>(['IdentityStoreId', ...createUserAttributes], createUser),
    UpdateUser: operation<UpdateUserCommandInput, UpdateUserCommandOutput>(['IdentityStoreId', 'UserId', 'Operations'], updateUser),
    DeleteUser: operation<DeleteUserCommandInput, DeleteUserCommandOutput>(['IdentityStoreId', 'UserId'], deleteUser),

    DescribeGroup: operation<DescribeGroupCommandInput, DescribeGroupCommandOutput>(['IdentityStoreId', 'GroupId'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      return toGroup(identityStoreId, groupOrThrow(state, input.GroupId)) as Omit<DescribeGroupCommandOutput, '$metadata'>;
    }),

    ListGroups: operation<ListGroupsCommandInput, ListGroupsCommandOutput>(['IdentityStoreId', 'MaxResults', 'NextToken', 'Filters'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const maxResults = pageSize(input.MaxResults);
      const displayName = exactFilter(input.Filters, 'DisplayName');
      const store = state.identityStore;
      if (displayName !== undefined) {
        const group = store.groups.get(store.groupNames.get(displayName)?.GroupId ?? '');
        if (input.NextToken !== undefined) throw invalidToken();
        return { Groups: group ? [toGroup(identityStoreId, group)] : [] };
      }
      const { page, nextToken } = sortedPage(store.groups, wholeRange(store.groups), { scope: 'ListGroups', maxResults, nextToken: input.NextToken }, invalidToken);
      return { Groups: page.map((group) => toGroup(identityStoreId, group)), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
    }),

    GetGroupId: operation<GetGroupIdCommandInput, GetGroupIdCommandOutput>(['IdentityStoreId', 'AlternateIdentifier'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const { externalId, value } = alternateIdentifier(input.AlternateIdentifier, ['displayName']);
      const store = state.identityStore;
      const groupId = externalId ? [...store.groups.values()].find((group) => hasExternalId(group, externalId))?.GroupId : store.groupNames.get(value ?? '')?.GroupId;
      if (groupId === undefined) throw notFound('GROUP', value ?? externalId?.Id ?? '');
      return { IdentityStoreId: identityStoreId, GroupId: groupId };
    }),

    CreateGroup: operation<CreateGroupCommandInput, CreateGroupCommandOutput>(['IdentityStoreId', 'DisplayName', 'Description'], createGroup),

    CreateGroupMembership: operation<CreateGroupMembershipCommandInput, CreateGroupMembershipCommandOutput>(['IdentityStoreId', 'GroupId', 'MemberId'], createGroupMembership),

    DeleteGroupMembership: operation<DeleteGroupMembershipCommandInput, DeleteGroupMembershipCommandOutput>(['IdentityStoreId', 'MembershipId'], (input, { state }) => {
      checkStore(state, input.IdentityStoreId);
      removeMembership(state.identityStore, membershipOrThrow(state, input.MembershipId));
      return {};
    }),

    DescribeGroupMembership: operation<DescribeGroupMembershipCommandInput, DescribeGroupMembershipCommandOutput>(['IdentityStoreId', 'MembershipId'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const membership = toMembership(identityStoreId, membershipOrThrow(state, input.MembershipId));
      return membership as Omit<DescribeGroupMembershipCommandOutput, '$metadata'>;
    }),

    GetGroupMembershipId: operation<GetGroupMembershipIdCommandInput, GetGroupMembershipIdCommandOutput>(['IdentityStoreId', 'GroupId', 'MemberId'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const groupId = resourceId(input.GroupId, 'GroupId');
      const userId = resourceId(memberUserId(input.MemberId), 'MemberId.UserId');
      const membership = state.identityStore.membershipsByGroup.get(byGroupKey({ GroupId: groupId, UserId: userId }));
      if (!membership) throw notFound('GROUP_MEMBERSHIP', `${groupId}/${userId}`);
      return { IdentityStoreId: identityStoreId, MembershipId: membership.MembershipId };
    }),

    ListGroupMemberships: operation<ListGroupMembershipsCommandInput, ListGroupMembershipsCommandOutput>(['IdentityStoreId', 'GroupId', 'MaxResults', 'NextToken'], (input, { state }) => {
      const identityStoreId = checkStore(state, input.IdentityStoreId);
      const group = groupOrThrow(state, input.GroupId);
      const maxResults = pageSize(input.MaxResults);
      const table = state.identityStore.membershipsByGroup;
      const { page, nextToken } = sortedPage(table, prefixRange(table, `${group.GroupId}\u0000`), { scope: `ListGroupMemberships:${group.GroupId}`, maxResults, nextToken: input.NextToken }, invalidToken);
      return { GroupMemberships: page.map((membership) => toMembership(identityStoreId, membership)), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
    }),

    ListGroupMembershipsForMember: operation<ListGroupMembershipsForMemberCommandInput, ListGroupMembershipsForMemberCommandOutput>(
      ['IdentityStoreId', 'MemberId', 'MaxResults', 'NextToken'],
      (input, { state }) => {
        const identityStoreId = checkStore(state, input.IdentityStoreId);
        const user = userOrThrow(state, memberUserId(input.MemberId), 'MemberId.UserId');
        const maxResults = pageSize(input.MaxResults);
        const table = state.identityStore.membershipsByMember;
        const { page, nextToken } = sortedPage(table, prefixRange(table, `${user.UserId}\u0000`), { scope: `ListGroupMembershipsForMember:${user.UserId}`, maxResults, nextToken: input.NextToken }, invalidToken);
        return { GroupMemberships: page.map((membership) => toMembership(identityStoreId, membership)), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
      },
    ),

    IsMemberInGroups: operation<IsMemberInGroupsCommandInput, IsMemberInGroupsCommandOutput>(['IdentityStoreId', 'MemberId', 'GroupIds'], (input, { state }) => {
      checkStore(state, input.IdentityStoreId);
      const userId = resourceId(memberUserId(input.MemberId), 'MemberId.UserId');
      const groupIds = requiredMember(input.GroupIds, 'GroupIds');
      if (groupIds.length < 1 || groupIds.length > IdentityStoreLimit.groupIds) {
        throw validation(`1 validation error detected: Value at 'groupIds' failed to satisfy constraint: Member must have length between 1 and ${IdentityStoreLimit.groupIds}`);
      }
      const table = state.identityStore.membershipsByMember;
      return {
        Results: groupIds.map((groupId) => ({
          GroupId: resourceId(groupId, 'GroupIds.member'),
          MemberId: { UserId: userId },
          MembershipExists: table.get(byMemberKey({ GroupId: groupId, UserId: userId })) !== undefined,
        })),
      };
    }),
  },
};
