import {
  ConflictException,
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeGroupMembershipCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  IdentitystoreServiceException,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateUserCommand,
  ValidationException,
  type User,
} from '@aws-sdk/client-identitystore';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../../engine/clock.ts';
import { SandboxAccount, type SandboxOptions } from '../../../../engine/sandbox/index.ts';
import { identitySeed } from './identity-clients.ts';
import { now, rejection } from './sandbox-clients.ts';

const IdentityStoreId = 'd-93677a1b2c';
const alice = '93677a1b2c-362a0cdb-6f49-443e-ad02-74c6672582d1';
const enterprise = 'aws:identitystore:enterprise';

/** An account on the identity fixture and a real identitystore client attached to it. */
function identityStore(options: SandboxOptions = {}, seed: unknown = identitySeed()) {
  const account = SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now), ...options });
  const client = new IdentitystoreClient({ region: 'eu-west-1' });
  client.middlewareStack.use(account.plugin());
  const groupId = async (DisplayName: string) => (await client.send(new GetGroupIdCommand({ IdentityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: DisplayName } } }))).GroupId ?? '';
  return { account, client, groupId };
}

/** Every item of a paged list, and how many pages it took. */
async function allPages<T>(page: (NextToken: string | undefined) => Promise<{ items: T[]; NextToken?: string }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const answer = await page(token);
    items.push(...answer.items);
    token = answer.NextToken;
    pages += 1;
  } while (token !== undefined);
  return { items, pages };
}

describe('identitystore users', () => {
  it('DescribeUser answers the user without the enterprise extension unless Extensions asks for it', async () => {
    const { client } = identityStore();
    const plain = await client.send(new DescribeUserCommand({ IdentityStoreId, UserId: alice }));
    expect(plain).toMatchObject({ IdentityStoreId, UserId: alice, UserName: 'alice.martin@example.com', Title: 'Finance-Analyst', UserStatus: 'ENABLED', DisplayName: 'Alice Martin' });
    expect(plain.CreatedAt).toEqual(new Date('2024-09-02T08:00:00Z'));
    expect(plain.Extensions).toBeUndefined();
    const extended = await client.send(new DescribeUserCommand({ IdentityStoreId, UserId: alice, Extensions: [enterprise] }));
    expect(extended.Extensions).toEqual({ [enterprise]: { department: 'Finance', employeeNumber: '100234', costCenter: 'CC-4100', organization: 'Example Corp', division: 'Corporate' } });
  });

  it('refuses an unsupported extension name, an unknown user, a malformed id and another identity store, with their codes and statuses', async () => {
    const { client } = identityStore();
    const extension = await rejection(client.send(new DescribeUserCommand({ IdentityStoreId, UserId: alice, Extensions: ['aws:identitystore:custom'] })));
    expect(extension).toBeInstanceOf(ValidationException);
    expect(extension.$metadata).toMatchObject({ httpStatusCode: 400 });

    const missing = await rejection(client.send(new DescribeUserCommand({ IdentityStoreId, UserId: '93677a1b2c-00000000-0000-4000-8000-000000000000' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ ResourceType: 'USER', ResourceId: '93677a1b2c-00000000-0000-4000-8000-000000000000', $metadata: { httpStatusCode: 404 } });

    expect(await rejection(client.send(new DescribeUserCommand({ IdentityStoreId, UserId: 'alice' })))).toBeInstanceOf(ValidationException);

    const otherStore = await rejection(client.send(new DescribeUserCommand({ IdentityStoreId: 'd-0000000000', UserId: alice })));
    expect(otherStore).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'IDENTITY_STORE' });
    const byArn = await client.send(new DescribeUserCommand({ IdentityStoreId: `arn:aws:identitystore::123456789012:identitystore/${IdentityStoreId}`, UserId: alice }));
    expect(byArn.UserId).toBe(alice);
  });

  it('ListUsers pages through every user with NextToken, extensions only when asked for', async () => {
    const { client } = identityStore();
    const { items, pages } = await allPages(async (NextToken) => {
      const answer = await client.send(new ListUsersCommand({ IdentityStoreId, MaxResults: 4, NextToken, Extensions: [enterprise] }));
      return { items: answer.Users ?? [], ...(answer.NextToken === undefined ? {} : { NextToken: answer.NextToken }) };
    });
    expect(pages).toBe(2);
    expect(items.map((user) => user.UserName).sort()).toEqual([
      'alice.martin@example.com', 'bruno.costa@example.com', 'chen.wei@example.com', 'dana.okafor@example.com', 'eva.lindqvist@example.com', 'frank.moreau@example.com',
    ]);
    expect(items.every((user: User) => user.Extensions?.[enterprise] !== undefined)).toBe(true);
    const plain = await client.send(new ListUsersCommand({ IdentityStoreId }));
    expect(plain.Users?.some((user) => user.Extensions !== undefined)).toBe(false);
    expect(plain.NextToken).toBeUndefined();
  });

  it('ListUsers filters by UserName; MaxResults outside 1..100 and a token of another list are ValidationException', async () => {
    const { client } = identityStore();
    const filtered = await client.send(new ListUsersCommand({ IdentityStoreId, Filters: [{ AttributePath: 'UserName', AttributeValue: 'chen.wei@example.com' }] }));
    expect(filtered.Users?.map((user) => user.UserName)).toEqual(['chen.wei@example.com']);
    for (const MaxResults of [0, 101]) expect(await rejection(client.send(new ListUsersCommand({ IdentityStoreId, MaxResults })))).toBeInstanceOf(ValidationException);
    const groupsToken = (await client.send(new ListGroupsCommand({ IdentityStoreId, MaxResults: 1 }))).NextToken;
    expect(await rejection(client.send(new ListUsersCommand({ IdentityStoreId, NextToken: groupsToken })))).toBeInstanceOf(ValidationException);
  });

  it('a user added between two pages is neither repeated nor hides another', async () => {
    const { client } = identityStore();
    const first = await client.send(new ListUsersCommand({ IdentityStoreId, MaxResults: 3 }));
    await client.send(new CreateUserCommand({ IdentityStoreId, UserName: 'gina.rossi@example.com', DisplayName: 'Gina Rossi' }));
    const rest = await allPages(async (NextToken) => {
      const answer = await client.send(new ListUsersCommand({ IdentityStoreId, MaxResults: 3, NextToken: NextToken ?? first.NextToken }));
      return { items: answer.Users ?? [], ...(answer.NextToken === undefined ? {} : { NextToken: answer.NextToken }) };
    });
    const names = [...(first.Users ?? []), ...rest.items].map((user) => user.UserName);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((name) => name !== 'gina.rossi@example.com')).toHaveLength(6);
  });

  it('CreateUser stores the user (ENABLED, with its extension); a taken UserName is ConflictException 409 and changes nothing', async () => {
    const { account, client } = identityStore();
    const created = await client.send(new CreateUserCommand({
      IdentityStoreId,
      UserName: 'gina.rossi@example.com',
      DisplayName: 'Gina Rossi',
      Name: { GivenName: 'Gina', FamilyName: 'Rossi' },
      Title: 'Finance-Analyst',
      Extensions: { [enterprise]: { department: 'Finance' } },
    }));
    expect(created.UserId).toMatch(/^93677a1b2c-[0-9a-f-]{36}$/);
    const described = await client.send(new DescribeUserCommand({ IdentityStoreId, UserId: created.UserId, Extensions: [enterprise] }));
    expect(described).toMatchObject({ UserName: 'gina.rossi@example.com', UserStatus: 'ENABLED', Title: 'Finance-Analyst', Extensions: { [enterprise]: { department: 'Finance' } } });

    const before = account.snapshot().identityStore;
    const duplicate = await rejection(client.send(new CreateUserCommand({ IdentityStoreId, UserName: 'gina.rossi@example.com' })));
    expect(duplicate).toBeInstanceOf(ConflictException);
    expect(duplicate).toMatchObject({ Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION', $metadata: { httpStatusCode: 409 } });
    expect(await rejection(client.send(new CreateUserCommand({ IdentityStoreId, UserName: 'Administrator' })))).toBeInstanceOf(ValidationException);
    expect(await rejection(client.send(new CreateUserCommand({ IdentityStoreId, DisplayName: 'no name' })))).toBeInstanceOf(ValidationException);
    expect(account.snapshot().identityStore).toEqual(before);
  });

  it('UpdateUser applies its operations (a value sets, none removes) all or nothing', async () => {
    const { account, client } = identityStore();
    await client.send(new UpdateUserCommand({
      IdentityStoreId,
      UserId: alice,
      Operations: [{ AttributePath: 'title', AttributeValue: 'Finance-Manager' }, { AttributePath: 'name.givenName', AttributeValue: 'Alicia' }, { AttributePath: 'locale' }],
    }));
    const updated = await client.send(new DescribeUserCommand({ IdentityStoreId, UserId: alice }));
    expect(updated).toMatchObject({ Title: 'Finance-Manager', Name: { GivenName: 'Alicia', FamilyName: 'Martin' } });
    expect(updated.Locale).toBeUndefined();

    const before = account.snapshot().identityStore;
    const refused = await rejection(client.send(new UpdateUserCommand({
      IdentityStoreId,
      UserId: alice,
      Operations: [{ AttributePath: 'title', AttributeValue: 'Sales-Analyst' }, { AttributePath: 'userName', AttributeValue: 'bruno.costa@example.com' }],
    })));
    expect(refused).toBeInstanceOf(ConflictException);
    expect(await rejection(client.send(new UpdateUserCommand({ IdentityStoreId, UserId: alice, Operations: [] })))).toBeInstanceOf(ValidationException);
    expect(await rejection(client.send(new UpdateUserCommand({ IdentityStoreId, UserId: alice, Operations: [{ AttributePath: 'salary', AttributeValue: '1' }] })))).toBeInstanceOf(ValidationException);
    expect(account.snapshot().identityStore).toEqual(before);
  });

  it('DeleteUser removes the user and its memberships; a second delete is ResourceNotFoundException', async () => {
    const { client, groupId } = identityStore();
    const finance = await groupId('Finance');
    await client.send(new DeleteUserCommand({ IdentityStoreId, UserId: alice }));
    expect(await rejection(client.send(new DescribeUserCommand({ IdentityStoreId, UserId: alice })))).toBeInstanceOf(ResourceNotFoundException);
    const members = await client.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId: finance }));
    expect(members.GroupMemberships?.map((membership) => membership.MemberId?.UserId)).not.toContain(alice);
    expect(members.GroupMemberships).toHaveLength(1);
    expect(await rejection(client.send(new DeleteUserCommand({ IdentityStoreId, UserId: alice })))).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'USER' });
  });

  it('GetUserId finds a user by userName, emails.value or external id', async () => {
    const { client } = identityStore();
    const byName = await client.send(new GetUserIdCommand({ IdentityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice.martin@example.com' } } }));
    const byEmail = await client.send(new GetUserIdCommand({ IdentityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: 'alice.martin@example.com' } } }));
    const byExternalId = await client.send(new GetUserIdCommand({ IdentityStoreId, AlternateIdentifier: { ExternalId: { Issuer: 'https://login.example.com/scim', Id: '00u1a2b3c4d5e6f7g8h9' } } }));
    expect([byName.UserId, byEmail.UserId, byExternalId.UserId]).toEqual([alice, alice, alice]);
    expect(await rejection(client.send(new GetUserIdCommand({ IdentityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'nobody' } } })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('identitystore groups and memberships', () => {
  it('DescribeGroup, ListGroups (paged and filtered by DisplayName)', async () => {
    const { client, groupId } = identityStore();
    const sales = await groupId('Sales');
    expect(await client.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: sales }))).toMatchObject({ GroupId: sales, DisplayName: 'Sales', Description: 'Sales department', IdentityStoreId });
    const { items, pages } = await allPages(async (NextToken) => {
      const answer = await client.send(new ListGroupsCommand({ IdentityStoreId, MaxResults: 2, NextToken }));
      return { items: answer.Groups ?? [], ...(answer.NextToken === undefined ? {} : { NextToken: answer.NextToken }) };
    });
    expect(pages).toBe(2);
    expect(items.map((group) => group.DisplayName).sort()).toEqual(['Engineering', 'Finance', 'Sales']);
    const filtered = await client.send(new ListGroupsCommand({ IdentityStoreId, Filters: [{ AttributePath: 'DisplayName', AttributeValue: 'Finance' }] }));
    expect(filtered.Groups?.map((group) => group.DisplayName)).toEqual(['Finance']);
    expect(await rejection(client.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: '93677a1b2c-00000000-0000-4000-8000-000000000000' })))).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP' });
  });

  it('ListGroupMemberships pages a group\'s members; ListGroupMembershipsForMember and IsMemberInGroups read a member\'s groups', async () => {
    const { client, groupId } = identityStore();
    const [sales, finance] = [await groupId('Sales'), await groupId('Finance')];
    const { items, pages } = await allPages(async (NextToken) => {
      const answer = await client.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId: sales, MaxResults: 2, NextToken }));
      return { items: answer.GroupMemberships ?? [], ...(answer.NextToken === undefined ? {} : { NextToken: answer.NextToken }) };
    });
    expect(pages).toBe(2);
    expect(items).toHaveLength(3);
    expect(items.every((membership) => membership.GroupId === sales && membership.IdentityStoreId === IdentityStoreId)).toBe(true);

    const aliceGroups = await client.send(new ListGroupMembershipsForMemberCommand({ IdentityStoreId, MemberId: { UserId: alice } }));
    expect(aliceGroups.GroupMemberships?.map((membership) => membership.GroupId)).toEqual([finance]);
    const checked = await client.send(new IsMemberInGroupsCommand({ IdentityStoreId, MemberId: { UserId: alice }, GroupIds: [finance, sales] }));
    expect(checked.Results?.map((result) => [result.GroupId, result.MembershipExists])).toEqual([[finance, true], [sales, false]]);
  });

  it('CreateGroup and CreateGroupMembership create; a second of either is ConflictException; DeleteGroupMembership removes, then is ResourceNotFoundException', async () => {
    const { client } = identityStore();
    const { GroupId } = await client.send(new CreateGroupCommand({ IdentityStoreId, DisplayName: 'Analysts', Description: 'every analyst' }));
    expect(await rejection(client.send(new CreateGroupCommand({ IdentityStoreId, DisplayName: 'Analysts' })))).toBeInstanceOf(ConflictException);
    const { MembershipId } = await client.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId, MemberId: { UserId: alice } }));
    expect(await rejection(client.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId, MemberId: { UserId: alice } })))).toBeInstanceOf(ConflictException);
    expect(await client.send(new DescribeGroupMembershipCommand({ IdentityStoreId, MembershipId }))).toMatchObject({ GroupId, MemberId: { UserId: alice } });
    expect((await client.send(new GetGroupMembershipIdCommand({ IdentityStoreId, GroupId, MemberId: { UserId: alice } }))).MembershipId).toBe(MembershipId);
    const unknownUser = await rejection(client.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId, MemberId: { UserId: '93677a1b2c-00000000-0000-4000-8000-000000000000' } })));
    expect(unknownUser).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'USER' });

    await client.send(new DeleteGroupMembershipCommand({ IdentityStoreId, MembershipId }));
    expect((await client.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId }))).GroupMemberships).toEqual([]);
    expect(await rejection(client.send(new DeleteGroupMembershipCommand({ IdentityStoreId, MembershipId })))).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP_MEMBERSHIP' });
  });
});

describe('identitystore faults and provisioning', () => {
  it('a ThrottlingException fault fails the chosen call with the modeled class and status, and changes nothing', async () => {
    const { account, client } = identityStore({ faults: [{ service: 'identitystore', operation: 'CreateGroupMembership', error: 'ThrottlingException', nth: [1] }] });
    const { GroupId } = await client.send(new CreateGroupCommand({ IdentityStoreId, DisplayName: 'Analysts' }));
    const throttled = await rejection(client.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId, MemberId: { UserId: alice } })));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    expect((await client.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId }))).GroupMemberships).toEqual([]);
    await client.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId, MemberId: { UserId: alice } }));
    expect(account.callCount('identitystore', 'CreateGroupMembership')).toBe(2);
  });

  it('faults apply to every operation of the service, with any code', async () => {
    const { client } = identityStore({ faults: [{ service: 'identitystore', error: 'InternalServerException' }] });
    const failed = await rejection(client.send(new ListUsersCommand({ IdentityStoreId })));
    expect(failed).toBeInstanceOf(IdentitystoreServiceException);
    expect(failed).toMatchObject({ name: 'InternalServerException', $fault: 'server', $metadata: { httpStatusCode: 500 } });
  });

  it('provisionIdentityStoreUser changes a user as SCIM provisioning does, without recording a call', async () => {
    const { account, client } = identityStore();
    account.provisionIdentityStoreUser(alice, { Title: 'Sales-Analyst', UserStatus: 'DISABLED', Extensions: { [enterprise]: { department: 'Sales' } } });
    expect(await client.send(new DescribeUserCommand({ IdentityStoreId, UserId: alice, Extensions: [enterprise] }))).toMatchObject({ Title: 'Sales-Analyst', UserStatus: 'DISABLED', Extensions: { [enterprise]: { department: 'Sales' } } });
    expect(account.callCount('identitystore')).toBe(1);
    expect(() => account.provisionIdentityStoreUser(alice, { UserName: 'x' })).toThrow('provisionIdentityStoreUser: UserName cannot be changed');
    expect(() => account.provisionIdentityStoreUser('93677a1b2c-00000000-0000-4000-8000-000000000000', { Title: 'x' })).toThrow('no identity store user');
  });
});
