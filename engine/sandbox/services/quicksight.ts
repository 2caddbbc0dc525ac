import * as quickSightSdk from '@aws-sdk/client-quicksight';
import {
  QuickSightServiceException,
  type CreateGroupCommandInput,
  type CreateGroupCommandOutput,
  type CreateGroupMembershipCommandInput,
  type CreateGroupMembershipCommandOutput,
  type DeleteGroupMembershipCommandInput,
  type DeleteGroupMembershipCommandOutput,
  type DeleteUserCommandInput,
  type DeleteUserCommandOutput,
  type DescribeGroupCommandInput,
  type DescribeGroupCommandOutput,
  type DescribeNamespaceCommandInput,
  type DescribeNamespaceCommandOutput,
  type DescribeUserCommandInput,
  type DescribeUserCommandOutput,
  type Group,
  type ListGroupMembershipsCommandInput,
  type ListGroupMembershipsCommandOutput,
  type ListGroupsCommandInput,
  type ListGroupsCommandOutput,
  type ListNamespacesCommandInput,
  type ListNamespacesCommandOutput,
  type ListUserGroupsCommandInput,
  type ListUserGroupsCommandOutput,
  type ListUsersCommandInput,
  type ListUsersCommandOutput,
  type NamespaceInfoV2,
  type RegisterUserCommandInput,
  type RegisterUserCommandOutput,
  type User,
} from '@aws-sdk/client-quicksight';
import { awsError, type SimulatedAwsError } from '../errors.ts';
import {
  iamPrincipalArnPattern,
  quickSightArn,
  quickSightIamUserName,
  quickSightNamePattern,
  quickSightNamespacePattern,
  quickSightPrincipalId,
  quickSightSessionNamePattern,
} from '../seed-identity.ts';
import { operation, sdkExceptions, type OperationContext, type SandboxService } from '../service.ts';
import { SortedTable, type Journal } from '../store.ts';
import {
  QuickSightIdentityType,
  QuickSightUserRoles,
  type QuickSightGroupState,
  type QuickSightMembershipState,
  type QuickSightNamespaceState,
  type QuickSightState,
  type QuickSightStore,
  type QuickSightUserState,
  type SandboxStore,
} from '../state.ts';
import { missingMemberMessage } from '../validation.ts';
import { prefixRange, sortedPage, wholeRange } from './sorted-pages.ts';

/**
 * Amazon QuickSight users, groups, memberships and namespaces, as identity-sync reads and changes
 * them. Facts from the QuickSight API reference (docs.aws.amazon.com/quicksight/latest/APIReference):
 * AwsAccountId `^[0-9]{12}$`, Namespace up to 64 of `[a-zA-Z0-9._-]`, MaxResults 1 to 100, user
 * and group names of `[\u0020-\u00FF]+`, SessionName 2 to 64 of `[\w+=.@-]`, the UserRole values,
 * and each operation's documented errors (ResourceExistsException, ResourceNotFoundException,
 * InvalidParameterValueException, InvalidNextTokenException, AccessDeniedException,
 * PreconditionNotMetException, ThrottlingException, InternalFailureException,
 * ResourceUnavailableException, LimitExceededException; statuses from the SDK model).
 *
 * The identity Region: user and group calls are answered only from the account's identity Region.
 * From any other Region QuickSight answers AccessDeniedException "Operation is being called from
 * endpoint us-west-2, but your identity region is us-east-1. Please use the us-east-1 endpoint."
 * (as reported verbatim in aws-solutions-library-samples/cloud-intelligence-dashboards-framework#12
 * and cloud-custodian/cloud-custodian#10168). Messages other than that one are the sandbox's.
 */

export const QuickSightLimit = { maxResults: 100, descriptionLength: 512 } as const;

const userKey = ({ namespace, userName }: { namespace: string; userName: string }): string => `${namespace}\u0000${userName}`;
const groupKey = ({ namespace, groupName }: { namespace: string; groupName: string }): string => `${namespace}\u0000${groupName}`;
const byGroupKey = ({ namespace, groupName, memberName }: QuickSightMembershipState): string => `${namespace}\u0000${groupName}\u0000${memberName}`;
const byMemberKey = ({ namespace, groupName, memberName }: QuickSightMembershipState): string => `${namespace}\u0000${memberName}\u0000${groupName}`;

/** QuickSight's containers, keyed by what its operations look things up by. */
export function quickSightContainers(state: QuickSightState, journal: Journal): QuickSightStore {
  return {
    identityRegion: state.identityRegion,
    namespaces: new SortedTable(journal, (namespace) => namespace.name, (namespace) => namespace.name, state.namespaces),
    users: new SortedTable(journal, userKey, userKey, state.users),
    groups: new SortedTable(journal, groupKey, groupKey, state.groups),
    membershipsByGroup: new SortedTable(journal, byGroupKey, byGroupKey, state.memberships),
    membershipsByMember: new SortedTable(journal, byMemberKey, byMemberKey, state.memberships),
  };
}

export function quickSightSnapshot(store: QuickSightStore): QuickSightState {
  return {
    identityRegion: store.identityRegion,
    namespaces: [...store.namespaces.values()],
    users: [...store.users.values()],
    groups: [...store.groups.values()],
    memberships: [...store.membershipsByGroup.values()],
  };
}

function invalidParameter(message: string): SimulatedAwsError {
  return awsError('InvalidParameterValueException', message, { Message: message });
}

function notFound(message: string): SimulatedAwsError {
  return awsError('ResourceNotFoundException', message, { Message: message });
}

function exists(message: string): SimulatedAwsError {
  return awsError('ResourceExistsException', message, { Message: message });
}

function requiredMember<T>(value: T | undefined | null, member: string): T {
  if (value === undefined || value === null || value === '') throw invalidParameter(missingMemberMessage(member));
  return value;
}

function patternMember(value: string | undefined, member: string, pattern: RegExp): string {
  const given = requiredMember(value, member);
  if (!pattern.test(given)) throw invalidParameter(`1 validation error detected: Value '${given}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  return given;
}

/**
 * Every user, group and namespace call: the account in the path must be this one, and the call
 * must come from the identity Region (the Region of the client that sent it).
 */
function checkCall(state: SandboxStore, region: string, awsAccountId: string | undefined): void {
  const accountId = patternMember(awsAccountId, 'AwsAccountId', /^[0-9]{12}$/);
  const { identityRegion } = state.quickSight;
  if (region !== identityRegion) {
    const message = `Operation is being called from endpoint ${region}, but your identity region is ${identityRegion}. Please use the ${identityRegion} endpoint.`;
    throw awsError('AccessDeniedException', message, { Message: message });
  }
  if (accountId !== state.accountId) {
    const message = `User is not authorized to access QuickSight resources of account ${accountId}.`;
    throw awsError('AccessDeniedException', message, { Message: message });
  }
}

function namespaceOrThrow(state: SandboxStore, namespace: string | undefined): QuickSightNamespaceState {
  const name = patternMember(namespace, 'Namespace', quickSightNamespacePattern);
  const found = state.quickSight.namespaces.get(name);
  if (!found) throw notFound(`Namespace ${name} not found.`);
  return found;
}

function userOrThrow(state: SandboxStore, namespace: string, userName: string | undefined): QuickSightUserState {
  const name = patternMember(userName, 'UserName', quickSightNamePattern);
  const user = state.quickSight.users.get(userKey({ namespace, userName: name }));
  if (!user) throw notFound(`User ${name} not found in namespace ${namespace}.`);
  return user;
}

function groupOrThrow(state: SandboxStore, namespace: string, groupName: string | undefined): QuickSightGroupState {
  const name = patternMember(groupName, 'GroupName', quickSightNamePattern);
  const group = state.quickSight.groups.get(groupKey({ namespace, groupName: name }));
  if (!group) throw notFound(`Group ${name} not found in namespace ${namespace}.`);
  return group;
}

function pageSize(requested: number | undefined): number {
  const size = requested ?? QuickSightLimit.maxResults;
  if (!Number.isInteger(size) || size < 1 || size > QuickSightLimit.maxResults) {
    throw invalidParameter(`1 validation error detected: Value '${String(requested)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${QuickSightLimit.maxResults}`);
  }
  return size;
}

const invalidToken = (): SimulatedAwsError => awsError('InvalidNextTokenException', 'The NextToken is not valid.', { Message: 'The NextToken is not valid.' });

function toUser(user: QuickSightUserState): User {
  return {
    Arn: user.arn,
    UserName: user.userName,
    Email: user.email,
    Role: user.role,
    IdentityType: user.identityType,
    Active: user.active,
    PrincipalId: user.principalId,
    ...(user.customPermissionsName === undefined ? {} : { CustomPermissionsName: user.customPermissionsName }),
  };
}

function toGroup(group: QuickSightGroupState): Group {
  return { Arn: group.arn, GroupName: group.groupName, PrincipalId: group.principalId, ...(group.description === undefined ? {} : { Description: group.description }) };
}

function toNamespace(namespace: QuickSightNamespaceState): NamespaceInfoV2 {
  return { Name: namespace.name, Arn: namespace.arn, CapacityRegion: namespace.capacityRegion, CreationStatus: namespace.creationStatus, IdentityStore: namespace.identityStore };
}

const ok = { Status: 200 } as const;

/** The user RegisterUser describes: an IAM identity (by IamArn, a role with SessionName), or a named QuickSight user. */
function registeredUser(input: RegisterUserCommandInput, state: SandboxStore, namespace: string): QuickSightUserState {
  const identityType = requiredMember(input.IdentityType, 'IdentityType');
  const email = requiredMember(input.Email, 'Email');
  const role = requiredMember(input.UserRole, 'UserRole');
  if (!(QuickSightUserRoles as readonly string[]).includes(role)) {
    throw invalidParameter(`1 validation error detected: Value '${role}' at 'userRole' failed to satisfy constraint: Member must satisfy enum value set: [${QuickSightUserRoles.join(', ')}]`);
  }
  let userName: string;
  let iamArn: string | undefined;
  if (identityType === QuickSightIdentityType.Iam) {
    iamArn = requiredMember(input.IamArn, 'IamArn');
    const match = iamPrincipalArnPattern.exec(iamArn);
    if (!match) throw invalidParameter(`Invalid IamArn ${iamArn}: expected an IAM user or role ARN.`);
    if (match[1] !== state.accountId) throw invalidParameter(`IamArn ${iamArn} is not in account ${state.accountId}.`);
    if (match[2] === 'role') patternMember(input.SessionName, 'SessionName', quickSightSessionNamePattern);
    else if (input.SessionName !== undefined) throw invalidParameter('SessionName is only for an IAM role.');
    userName = quickSightIamUserName(iamArn, input.SessionName) ?? '';
  } else if (identityType === QuickSightIdentityType.QuickSight) {
    if (input.IamArn !== undefined || input.SessionName !== undefined) throw invalidParameter('IamArn and SessionName are only for IAM users.');
    userName = patternMember(input.UserName, 'UserName', quickSightNamePattern);
  } else {
    // Identity Center users come from the account's Identity Center integration, not RegisterUser.
    throw invalidParameter(`IdentityType ${identityType} cannot be registered with RegisterUser.`);
  }
  const user = {
    namespace,
    userName,
    arn: quickSightArn(state.quickSight.identityRegion, state.accountId, 'user', namespace, userName),
    email,
    role: role as QuickSightUserState['role'],
    identityType,
    active: true,
    ...(iamArn === undefined ? {} : { iamArn }),
    ...(input.CustomPermissionsName === undefined ? {} : { customPermissionsName: input.CustomPermissionsName }),
  };
  return { ...user, principalId: quickSightPrincipalId(user, state.accountId) };
}

function registerUser(input: RegisterUserCommandInput, { state, region }: OperationContext): Omit<RegisterUserCommandOutput, '$metadata'> {
  checkCall(state, region, input.AwsAccountId);
  const namespace = namespaceOrThrow(state, input.Namespace).name;
  const user = registeredUser(input, state, namespace);
  if (state.quickSight.users.get(userKey(user))) throw exists(`The user ${user.userName} already exists in namespace ${namespace}.`);
  state.quickSight.users.put(user);
  return { User: toUser(user), ...ok };
}

function deleteUser(input: DeleteUserCommandInput, { state, region }: OperationContext): Omit<DeleteUserCommandOutput, '$metadata'> {
  checkCall(state, region, input.AwsAccountId);
  const namespace = namespaceOrThrow(state, input.Namespace).name;
  const user = userOrThrow(state, namespace, input.UserName);
  // A deleted user leaves its groups: its memberships are one range of the by-member table.
  const { membershipsByMember, membershipsByGroup } = state.quickSight;
  const { from, to } = prefixRange(membershipsByMember, `${namespace}\u0000${user.userName}\u0000`);
  for (const membership of membershipsByMember.slice(from, to)) {
    membershipsByMember.delete(byMemberKey(membership));
    membershipsByGroup.delete(byGroupKey(membership));
  }
  state.quickSight.users.delete(userKey(user));
  return ok;
}

function createGroup(input: CreateGroupCommandInput, { state, region }: OperationContext): Omit<CreateGroupCommandOutput, '$metadata'> {
  checkCall(state, region, input.AwsAccountId);
  const namespace = namespaceOrThrow(state, input.Namespace).name;
  const groupName = patternMember(input.GroupName, 'GroupName', quickSightNamePattern);
  if (input.Description !== undefined && (input.Description.length < 1 || input.Description.length > QuickSightLimit.descriptionLength)) {
    throw invalidParameter(`1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length between 1 and ${QuickSightLimit.descriptionLength}`);
  }
  if (state.quickSight.groups.get(groupKey({ namespace, groupName }))) throw exists(`The group ${groupName} already exists in namespace ${namespace}.`);
  const group: QuickSightGroupState = {
    namespace,
    groupName,
    arn: quickSightArn(state.quickSight.identityRegion, state.accountId, 'group', namespace, groupName),
    ...(input.Description === undefined ? {} : { description: input.Description }),
    principalId: `group/${namespace}/${groupPrincipalUuid(state, namespace, groupName)}`,
  };
  state.quickSight.groups.put(group);
  return { Group: toGroup(group), ...ok };
}

function groupPrincipalUuid(state: SandboxStore, namespace: string, groupName: string): string {
  return quickSightPrincipalId({ namespace, userName: `group/${groupName}`, identityType: 'QUICKSIGHT' }, state.accountId).split('/').at(-1) ?? '';
}

/**
 * Adding a member already in the group answers as adding it did: CreateGroupMembership documents no
 * ResourceExistsException.
 */
function createGroupMembership(input: CreateGroupMembershipCommandInput, { state, region }: OperationContext): Omit<CreateGroupMembershipCommandOutput, '$metadata'> {
  checkCall(state, region, input.AwsAccountId);
  const namespace = namespaceOrThrow(state, input.Namespace).name;
  const group = groupOrThrow(state, namespace, input.GroupName);
  const user = userOrThrow(state, namespace, input.MemberName);
  const membership: QuickSightMembershipState = { namespace, groupName: group.groupName, memberName: user.userName };
  if (!state.quickSight.membershipsByGroup.get(byGroupKey(membership))) {
    state.quickSight.membershipsByGroup.put(membership);
    state.quickSight.membershipsByMember.put(membership);
  }
  return { GroupMember: { Arn: user.arn, MemberName: user.userName }, ...ok };
}

function deleteGroupMembership(input: DeleteGroupMembershipCommandInput, { state, region }: OperationContext): Omit<DeleteGroupMembershipCommandOutput, '$metadata'> {
  checkCall(state, region, input.AwsAccountId);
  const namespace = namespaceOrThrow(state, input.Namespace).name;
  const group = groupOrThrow(state, namespace, input.GroupName);
  const memberName = patternMember(input.MemberName, 'MemberName', quickSightNamePattern);
  const membership: QuickSightMembershipState = { namespace, groupName: group.groupName, memberName };
  if (!state.quickSight.membershipsByGroup.delete(byGroupKey(membership))) throw notFound(`User ${memberName} is not a member of group ${group.groupName}.`);
  state.quickSight.membershipsByMember.delete(byMemberKey(membership));
  return ok;
}

const pageOf = <T>(nextToken: string | undefined, items: T): T & { NextToken?: string } => ({ ...items, ...(nextToken === undefined ? {} : { NextToken: nextToken }) });

export const quickSightService: SandboxService = {
  key: 'quicksight',
  clientName: 'QuickSightClient',
  regions: 'global',
  exceptions: sdkExceptions(quickSightSdk, QuickSightServiceException),
  operations: {
    RegisterUser: operation<RegisterUserCommandInput, RegisterUserCommandOutput>(
      ['AwsAccountId', 'Namespace', 'IdentityType', 'Email', 'UserRole', 'IamArn', 'SessionName', 'UserName', 'CustomPermissionsName'],
      registerUser,
    ),

    DescribeUser: operation<DescribeUserCommandInput, DescribeUserCommandOutput>(['AwsAccountId', 'Namespace', 'UserName'], (input, { state, region }) => {
      checkCall(state, region, input.AwsAccountId);
      const namespace = namespaceOrThrow(state, input.Namespace).name;
      return { User: toUser(userOrThrow(state, namespace, input.UserName)), ...ok };
    }),

    DeleteUser: operation<DeleteUserCommandInput, DeleteUserCommandOutput>(['AwsAccountId', 'Namespace', 'UserName'], deleteUser),

    ListUsers: operation<ListUsersCommandInput, ListUsersCommandOutput>(['AwsAccountId', 'Namespace', 'MaxResults', 'NextToken'], (input, { state, region }) => {
      checkCall(state, region, input.AwsAccountId);
      const namespace = namespaceOrThrow(state, input.Namespace).name;
      const maxResults = pageSize(input.MaxResults);
      const { users } = state.quickSight;
      const { page, nextToken } = sortedPage(users, prefixRange(users, `${namespace}\u0000`), { scope: `ListUsers:${namespace}`, maxResults, nextToken: input.NextToken }, invalidToken);
      return pageOf(nextToken, { UserList: page.map(toUser), ...ok });
    }),

    ListUserGroups: operation<ListUserGroupsCommandInput, ListUserGroupsCommandOutput>(['AwsAccountId', 'Namespace', 'UserName', 'MaxResults', 'NextToken'], (input, { state, region }) => {
      checkCall(state, region, input.AwsAccountId);
      const namespace = namespaceOrThrow(state, input.Namespace).name;
      const user = userOrThrow(state, namespace, input.UserName);
      const maxResults = pageSize(input.MaxResults);
      const { membershipsByMember, groups } = state.quickSight;
      const range = prefixRange(membershipsByMember, `${namespace}\u0000${user.userName}\u0000`);
      const { page, nextToken } = sortedPage(membershipsByMember, range, { scope: `ListUserGroups:${namespace}/${user.userName}`, maxResults, nextToken: input.NextToken }, invalidToken);
      const groupList = page.map((membership) => groups.get(groupKey(membership))).filter((group) => group !== undefined).map(toGroup);
      return pageOf(nextToken, { GroupList: groupList, ...ok });
    }),

    CreateGroup: operation<CreateGroupCommandInput, CreateGroupCommandOutput>(['AwsAccountId', 'Namespace', 'GroupName', 'Description'], createGroup),

    DescribeGroup: operation<DescribeGroupCommandInput, DescribeGroupCommandOutput>(['AwsAccountId', 'Namespace', 'GroupName'], (input, { state, region }) => {
      checkCall(state, region, input.AwsAccountId);
      const namespace = namespaceOrThrow(state, input.Namespace).name;
      return { Group: toGroup(groupOrThrow(state, namespace, input.GroupName)), ...ok };
    }),

    ListGroups: operation<ListGroupsCommandInput, ListGroupsCommandOutput>(['AwsAccountId', 'Namespace', 'MaxResults', 'NextToken'], (input, { state, region }) => {
      checkCall(state, region, input.AwsAccountId);
      const namespace = namespaceOrThrow(state, input.Namespace).name;
      const maxResults = pageSize(input.MaxResults);
      const { groups } = state.quickSight;
      const { page, nextToken } = sortedPage(groups, prefixRange(groups, `${namespace}\u0000`), { scope: `ListGroups:${namespace}`, maxResults, nextToken: input.NextToken }, invalidToken);
      return pageOf(nextToken, { GroupList: page.map(toGroup), ...ok });
    }),

    ListGroupMemberships: operation<ListGroupMembershipsCommandInput, ListGroupMembershipsCommandOutput>(
      ['AwsAccountId', 'Namespace', 'GroupName', 'MaxResults', 'NextToken'],
      (input, { state, region }) => {
        checkCall(state, region, input.AwsAccountId);
        const namespace = namespaceOrThrow(state, input.Namespace).name;
        const group = groupOrThrow(state, namespace, input.GroupName);
        const maxResults = pageSize(input.MaxResults);
        const { membershipsByGroup, users } = state.quickSight;
        const range = prefixRange(membershipsByGroup, `${namespace}\u0000${group.groupName}\u0000`);
        const { page, nextToken } = sortedPage(membershipsByGroup, range, { scope: `ListGroupMemberships:${namespace}/${group.groupName}`, maxResults, nextToken: input.NextToken }, invalidToken);
        const members = page.map((membership) => ({ Arn: users.get(userKey({ namespace, userName: membership.memberName }))?.arn, MemberName: membership.memberName }));
        return pageOf(nextToken, { GroupMemberList: members, ...ok });
      },
    ),

    CreateGroupMembership: operation<CreateGroupMembershipCommandInput, CreateGroupMembershipCommandOutput>(['AwsAccountId', 'Namespace', 'GroupName', 'MemberName'], createGroupMembership),
    DeleteGroupMembership: operation<DeleteGroupMembershipCommandInput, DeleteGroupMembershipCommandOutput>(['AwsAccountId', 'Namespace', 'GroupName', 'MemberName'], deleteGroupMembership),

    DescribeNamespace: operation<DescribeNamespaceCommandInput, DescribeNamespaceCommandOutput>(['AwsAccountId', 'Namespace'], (input, { state, region }) => {
      checkCall(state, region, input.AwsAccountId);
      return { Namespace: toNamespace(namespaceOrThrow(state, input.Namespace)), ...ok };
    }),

    ListNamespaces: operation<ListNamespacesCommandInput, ListNamespacesCommandOutput>(['AwsAccountId', 'MaxResults', 'NextToken'], (input, { state, region }) => {
      checkCall(state, region, input.AwsAccountId);
      const maxResults = pageSize(input.MaxResults);
      const { namespaces } = state.quickSight;
      const { page, nextToken } = sortedPage(namespaces, wholeRange(namespaces), { scope: 'ListNamespaces', maxResults, nextToken: input.NextToken }, invalidToken);
      return pageOf(nextToken, { Namespaces: page.map(toNamespace), ...ok });
    }),
  },
};
