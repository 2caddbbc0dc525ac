import {
  AccessDeniedException,
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeNamespaceCommand,
  DescribeUserCommand,
  InvalidNextTokenException,
  InvalidParameterValueException,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListNamespacesCommand,
  ListUserGroupsCommand,
  ListUsersCommand,
  QuickSightClient,
  RegisterUserCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-quicksight';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../../engine/clock.ts';
import { SandboxAccount, type SandboxOptions } from '../../../../engine/sandbox/index.ts';
import { identitySeed } from './identity-clients.ts';
import { now, rejection } from './sandbox-clients.ts';

const AwsAccountId = '123456789012';
const Namespace = 'default';
const alice = 'QuickSightReader/alice.martin@example.com';
const readerRole = 'arn:aws:iam::123456789012:role/QuickSightReader';

/** An account on the identity fixture and a real QuickSight client in `region` attached to it. */
function quickSight(options: SandboxOptions = {}, seed: unknown = identitySeed(), region = 'eu-west-1') {
  const account = SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now), ...options });
  const client = new QuickSightClient({ region });
  client.middlewareStack.use(account.plugin({ region }));
  return { account, client };
}

describe('QuickSight users', () => {
  it('DescribeUser answers a federated user named <role>/<session>, with its ARN in the identity Region', async () => {
    const { client } = quickSight();
    const { User, Status } = await client.send(new DescribeUserCommand({ AwsAccountId, Namespace, UserName: alice }));
    expect(Status).toBe(200);
    expect(User).toMatchObject({
      UserName: alice,
      Arn: `arn:aws:quicksight:eu-west-1:${AwsAccountId}:user/default/${alice}`,
      Email: 'alice.martin@example.com',
      Role: 'READER',
      IdentityType: 'IAM',
      Active: true,
      PrincipalId: expect.stringMatching(/^federated\/iam\/AROA[A-Z2-7]+:alice\.martin@example\.com$/) as unknown,
    });
    const missing = await rejection(client.send(new DescribeUserCommand({ AwsAccountId, Namespace, UserName: 'QuickSightReader/nobody@example.com' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata).toMatchObject({ httpStatusCode: 404 });
  });

  it('RegisterUser with IamArn and SessionName creates <role>/<session>; registering it twice is ResourceExistsException 409', async () => {
    const { client } = quickSight();
    const request = { AwsAccountId, Namespace, IdentityType: 'IAM' as const, IamArn: readerRole, SessionName: 'bruno.costa@example.com', Email: 'bruno.costa@example.com', UserRole: 'READER' as const };
    const { User } = await client.send(new RegisterUserCommand(request));
    expect(User).toMatchObject({ UserName: 'QuickSightReader/bruno.costa@example.com', Role: 'READER', IdentityType: 'IAM', Active: true });
    const again = await rejection(client.send(new RegisterUserCommand(request)));
    expect(again).toBeInstanceOf(ResourceExistsException);
    expect(again.$metadata).toMatchObject({ httpStatusCode: 409 });
    const native = await client.send(new RegisterUserCommand({ AwsAccountId, Namespace, IdentityType: 'QUICKSIGHT', UserName: 'report-bot', Email: 'bot@example.com', UserRole: 'AUTHOR' }));
    expect(native.User).toMatchObject({ UserName: 'report-bot', IdentityType: 'QUICKSIGHT', Role: 'AUTHOR' });
  });

  it('RegisterUser refuses what the API refuses with InvalidParameterValueException 400, and changes nothing', async () => {
    const { account, client } = quickSight();
    const before = account.snapshot().quickSight;
    const base = { AwsAccountId, Namespace, IdentityType: 'IAM' as const, IamArn: readerRole, Email: 'x@example.com', UserRole: 'READER' as const };
    for (const request of [
      { ...base },
      { ...base, SessionName: 'has space' },
      { ...base, SessionName: 'a'.repeat(65) },
      { ...base, SessionName: 'ok@example.com', UserRole: 'VIEWER' as 'READER' },
      { ...base, SessionName: 'ok@example.com', IamArn: 'arn:aws:iam::210987654321:role/QuickSightReader' },
      { ...base, IdentityType: 'QUICKSIGHT' as const, IamArn: undefined, UserName: undefined },
    ]) {
      const refused = await rejection(client.send(new RegisterUserCommand(request)));
      expect(refused).toBeInstanceOf(InvalidParameterValueException);
      expect(refused.$metadata).toMatchObject({ httpStatusCode: 400 });
    }
    expect(account.snapshot().quickSight).toEqual(before);
  });

  it('ListUsers pages a namespace\'s users with NextToken; MaxResults 1..100; a foreign token is InvalidNextTokenException', async () => {
    const { client } = quickSight();
    const first = await client.send(new ListUsersCommand({ AwsAccountId, Namespace, MaxResults: 3 }));
    expect(first.UserList).toHaveLength(3);
    const second = await client.send(new ListUsersCommand({ AwsAccountId, Namespace, MaxResults: 3, NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    expect([...(first.UserList ?? []), ...(second.UserList ?? [])].map((user) => user.UserName).sort()).toEqual([
      'QuickSightReader/alice.martin@example.com', 'QuickSightReader/chen.wei@example.com', 'QuickSightReader/frank.moreau@example.com', 'qs-admin',
    ]);
    for (const MaxResults of [0, 101]) expect(await rejection(client.send(new ListUsersCommand({ AwsAccountId, Namespace, MaxResults })))).toBeInstanceOf(InvalidParameterValueException);
    const groupsToken = (await client.send(new ListGroupsCommand({ AwsAccountId, Namespace, MaxResults: 1 }))).NextToken;
    expect(await rejection(client.send(new ListUsersCommand({ AwsAccountId, Namespace, NextToken: groupsToken })))).toBeInstanceOf(InvalidNextTokenException);
  });

  it('ListUserGroups pages the groups of one user', async () => {
    const { client } = quickSight();
    const first = await client.send(new ListUserGroupsCommand({ AwsAccountId, Namespace, UserName: alice, MaxResults: 1 }));
    const second = await client.send(new ListUserGroupsCommand({ AwsAccountId, Namespace, UserName: alice, MaxResults: 1, NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    expect([...(first.GroupList ?? []), ...(second.GroupList ?? [])].map((group) => group.GroupName)).toEqual(['BI-Admins', 'Finance-Analyst']);
    expect(await rejection(client.send(new ListUserGroupsCommand({ AwsAccountId, Namespace, UserName: 'nobody' })))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('DeleteUser removes the user and its memberships; deleting it again is ResourceNotFoundException', async () => {
    const { client } = quickSight();
    await client.send(new DeleteUserCommand({ AwsAccountId, Namespace, UserName: alice }));
    const members = await client.send(new ListGroupMembershipsCommand({ AwsAccountId, Namespace, GroupName: 'BI-Admins' }));
    expect(members.GroupMemberList?.map((member) => member.MemberName)).toEqual(['qs-admin']);
    expect(await rejection(client.send(new DeleteUserCommand({ AwsAccountId, Namespace, UserName: alice })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('QuickSight groups and memberships', () => {
  it('CreateGroup, DescribeGroup and ListGroups; a second CreateGroup is ResourceExistsException', async () => {
    const { client } = quickSight();
    const { Group } = await client.send(new CreateGroupCommand({ AwsAccountId, Namespace, GroupName: 'Engineering-Developer', Description: 'managed by opsflow' }));
    expect(Group).toMatchObject({ GroupName: 'Engineering-Developer', Arn: `arn:aws:quicksight:eu-west-1:${AwsAccountId}:group/default/Engineering-Developer`, Description: 'managed by opsflow' });
    expect(await client.send(new DescribeGroupCommand({ AwsAccountId, Namespace, GroupName: 'Engineering-Developer' }))).toMatchObject({ Group: { GroupName: 'Engineering-Developer' } });
    expect(await rejection(client.send(new CreateGroupCommand({ AwsAccountId, Namespace, GroupName: 'Engineering-Developer' })))).toBeInstanceOf(ResourceExistsException);
    const names = (await client.send(new ListGroupsCommand({ AwsAccountId, Namespace }))).GroupList?.map((group) => group.GroupName);
    expect(names).toEqual(['BI-Admins', 'Engineering-Developer', 'Finance-Analyst', 'Sales-Analyst', 'Sales-Manager']);
    // Group names are Latin-1: accented Latin letters are in it, Cyrillic is not.
    expect((await client.send(new CreateGroupCommand({ AwsAccountId, Namespace, GroupName: 'Ingénierie-Développeur' }))).Group?.GroupName).toBe('Ingénierie-Développeur');
    expect(await rejection(client.send(new CreateGroupCommand({ AwsAccountId, Namespace, GroupName: 'Engineering-Лид' })))).toBeInstanceOf(InvalidParameterValueException);
  });

  it('CreateGroupMembership adds (again: no change), DeleteGroupMembership removes, then is ResourceNotFoundException', async () => {
    const { account, client } = quickSight();
    const added = await client.send(new CreateGroupMembershipCommand({ AwsAccountId, Namespace, GroupName: 'Sales-Analyst', MemberName: 'QuickSightReader/chen.wei@example.com' }));
    expect(added.GroupMember).toMatchObject({ MemberName: 'QuickSightReader/chen.wei@example.com', Arn: expect.stringContaining(':user/default/QuickSightReader/chen.wei@example.com') as unknown });
    await client.send(new CreateGroupMembershipCommand({ AwsAccountId, Namespace, GroupName: 'Sales-Analyst', MemberName: 'QuickSightReader/chen.wei@example.com' }));
    expect(account.snapshot().quickSight.memberships.filter((membership) => membership.groupName === 'Sales-Analyst')).toHaveLength(2);

    await client.send(new DeleteGroupMembershipCommand({ AwsAccountId, Namespace, GroupName: 'Sales-Manager', MemberName: 'QuickSightReader/chen.wei@example.com' }));
    const groups = await client.send(new ListUserGroupsCommand({ AwsAccountId, Namespace, UserName: 'QuickSightReader/chen.wei@example.com' }));
    expect(groups.GroupList?.map((group) => group.GroupName)).toEqual(['Sales-Analyst']);
    expect(await rejection(client.send(new DeleteGroupMembershipCommand({ AwsAccountId, Namespace, GroupName: 'Sales-Manager', MemberName: 'QuickSightReader/chen.wei@example.com' })))).toBeInstanceOf(ResourceNotFoundException);
    expect(await rejection(client.send(new CreateGroupMembershipCommand({ AwsAccountId, Namespace, GroupName: 'No-Such-Group', MemberName: alice })))).toBeInstanceOf(ResourceNotFoundException);
    expect(await rejection(client.send(new CreateGroupMembershipCommand({ AwsAccountId, Namespace, GroupName: 'Sales-Analyst', MemberName: 'nobody' })))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('ListGroupMemberships pages a group\'s members', async () => {
    const { client } = quickSight();
    const first = await client.send(new ListGroupMembershipsCommand({ AwsAccountId, Namespace, GroupName: 'BI-Admins', MaxResults: 1 }));
    const second = await client.send(new ListGroupMembershipsCommand({ AwsAccountId, Namespace, GroupName: 'BI-Admins', MaxResults: 1, NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    expect([...(first.GroupMemberList ?? []), ...(second.GroupMemberList ?? [])].map((member) => member.MemberName)).toEqual([alice, 'qs-admin']);
  });
});

describe('QuickSight namespaces, account and identity Region', () => {
  it('DescribeNamespace and ListNamespaces answer the seeded namespaces; an unknown one is ResourceNotFoundException', async () => {
    const seed = identitySeed();
    seed.quickSight.namespaces = [{ name: 'partners' }];
    const { client } = quickSight({}, seed);
    expect((await client.send(new DescribeNamespaceCommand({ AwsAccountId, Namespace }))).Namespace).toEqual({
      Name: 'default', Arn: `arn:aws:quicksight:eu-west-1:${AwsAccountId}:namespace/default`, CapacityRegion: 'eu-west-1', CreationStatus: 'CREATED', IdentityStore: 'QUICKSIGHT',
    });
    expect((await client.send(new ListNamespacesCommand({ AwsAccountId }))).Namespaces?.map((namespace) => namespace.Name)).toEqual(['default', 'partners']);
    expect(await rejection(client.send(new ListUsersCommand({ AwsAccountId, Namespace: 'sales' })))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses calls from a Region other than the identity Region with AWS\'s AccessDeniedException message', async () => {
    const seed = identitySeed();
    seed.quickSight = { ...seed.quickSight, identityRegion: 'us-east-1' };
    const fromStack = quickSight({}, seed, 'eu-west-1');
    const refused = await rejection(fromStack.client.send(new ListUsersCommand({ AwsAccountId, Namespace })));
    expect(refused).toBeInstanceOf(AccessDeniedException);
    expect(refused.message).toBe('Operation is being called from endpoint eu-west-1, but your identity region is us-east-1. Please use the us-east-1 endpoint.');
    expect(refused.$metadata).toMatchObject({ httpStatusCode: 401 });

    const fromIdentityRegion = quickSight({}, seed, 'us-east-1');
    const { User } = await fromIdentityRegion.client.send(new DescribeUserCommand({ AwsAccountId, Namespace, UserName: alice }));
    expect(User?.Arn).toBe(`arn:aws:quicksight:us-east-1:${AwsAccountId}:user/default/${alice}`);
  });

  it('a client attached without a Region is taken to be in the account\'s Region', async () => {
    const seed = identitySeed();
    seed.quickSight = { ...seed.quickSight, identityRegion: 'us-east-1' };
    const account = SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now) });
    const client = new QuickSightClient({ region: 'us-east-1' });
    client.middlewareStack.use(account.plugin());
    expect(await rejection(client.send(new ListUsersCommand({ AwsAccountId, Namespace })))).toBeInstanceOf(AccessDeniedException);
  });

  it('refuses another account in the path (AccessDeniedException) and a malformed one (InvalidParameterValueException)', async () => {
    const { client } = quickSight();
    expect(await rejection(client.send(new ListUsersCommand({ AwsAccountId: '210987654321', Namespace })))).toBeInstanceOf(AccessDeniedException);
    expect(await rejection(client.send(new ListUsersCommand({ AwsAccountId: '1234', Namespace })))).toBeInstanceOf(InvalidParameterValueException);
  });
});

describe('QuickSight faults', () => {
  it('ThrottlingException fails the chosen call (429) and changes nothing; the retry succeeds', async () => {
    const { account, client } = quickSight({ faults: [{ service: 'quicksight', operation: 'RegisterUser', error: 'ThrottlingException', times: 1 }] });
    const request = { AwsAccountId, Namespace, IdentityType: 'IAM' as const, IamArn: readerRole, SessionName: 'dana.okafor@example.com', Email: 'dana.okafor@example.com', UserRole: 'READER' as const };
    const throttled = await rejection(client.send(new RegisterUserCommand(request)));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    expect(account.snapshot().quickSight.users.map((user) => user.userName)).not.toContain('QuickSightReader/dana.okafor@example.com');
    await client.send(new RegisterUserCommand(request));
    expect(account.callCount('quicksight', 'RegisterUser')).toBe(2);
  });

  it.each(['InternalFailureException', 'ResourceUnavailableException', 'PreconditionNotMetException', 'LimitExceededException'])('%s is raised as its modeled class with the model\'s status', async (code) => {
    const { client } = quickSight({ faults: [{ service: 'quicksight', operation: 'CreateGroup', error: code }] });
    const failed = await rejection(client.send(new CreateGroupCommand({ AwsAccountId, Namespace, GroupName: 'X' })));
    expect(failed.name).toBe(code);
    expect(failed.$metadata).toMatchObject({ httpStatusCode: { InternalFailureException: 500, ResourceUnavailableException: 503, PreconditionNotMetException: 400, LimitExceededException: 409 }[code] });
  });
});
