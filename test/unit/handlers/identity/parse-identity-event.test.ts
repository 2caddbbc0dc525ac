import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../../handlers/identity/parse-identity-event/handler.ts';
import { parseIdentityEvent } from '../../../../handlers/identity/parse-identity-event/task.ts';
import { IdentityStoreNotConfigured } from '../../../../handlers/identity/errors.ts';
import { InvalidInput } from '../../../../handlers/shared/errors.ts';
import { withRuntime } from '../../../../handlers/shared/runtime.ts';
import { apiCall, GROUP_ID, identityConfig, scimCreateUser, scimFailedPatchUser, scimPatchGroup, scimUserCall, STORE, USER_ID } from './events.ts';

const config = identityConfig();

describe('parseIdentityEvent', () => {
  it('takes the new user id of a masked SCIM CreateUser from its response', () => {
    expect(parseIdentityEvent(scimCreateUser(), config)).toMatchObject({ verdict: 'sync-user', userId: USER_ID, identityStoreId: STORE, extensions: [], maxRounds: 3 });
  });

  it.each(['PatchUser', 'PutUser', 'DeleteUser'] as const)('takes the user id of a SCIM %s from its request', (eventName) => {
    expect(parseIdentityEvent(scimUserCall(eventName), config)).toMatchObject({ verdict: 'sync-user', userId: USER_ID, eventName });
  });

  it('names the group, and no user, of a SCIM PatchGroup', () => {
    expect(parseIdentityEvent(scimPatchGroup(), config)).toMatchObject({ verdict: 'group-only', userId: null, groupId: GROUP_ID });
  });

  it('ignores a call that failed', () => {
    expect(parseIdentityEvent(scimFailedPatchUser(), config)).toMatchObject({ verdict: 'ignore', reason: expect.stringContaining('ValidationException') });
  });

  it('reads Identity Store and console calls under either spelling of the request members', () => {
    expect(parseIdentityEvent(apiCall('identitystore.amazonaws.com', 'UpdateUser', { IdentityStoreId: STORE, UserId: USER_ID }), config)).toMatchObject({ userId: USER_ID });
    expect(parseIdentityEvent(apiCall('identitystore.amazonaws.com', 'CreateGroupMembership', { identityStoreId: `arn:aws:identitystore::123456789012:identitystore/${STORE}`, groupId: GROUP_ID, memberId: { userId: USER_ID } }), config)).toMatchObject({ userId: USER_ID, groupId: GROUP_ID });
    expect(parseIdentityEvent(apiCall('sso-directory.amazonaws.com', 'DisableUser', { UserId: USER_ID }), config)).toMatchObject({ verdict: 'sync-user', userId: USER_ID });
  });

  it('reports a membership deletion that names no user', () => {
    expect(parseIdentityEvent(apiCall('identitystore.amazonaws.com', 'DeleteGroupMembership', { IdentityStoreId: STORE, MembershipId: 'm-1' }), config)).toMatchObject({ verdict: 'no-user-named' });
  });

  it('refuses another identity store and another SCIM tenant', () => {
    expect(() => parseIdentityEvent(apiCall('identitystore.amazonaws.com', 'UpdateUser', { IdentityStoreId: 'd-0000000000', UserId: USER_ID }), config)).toThrow(IdentityStoreNotConfigured);
    const tenant = identityConfig((sync) => (sync.scimTenantId = 'tenant-1'));
    expect(() => parseIdentityEvent(scimCreateUser(), tenant)).toThrow(IdentityStoreNotConfigured);
  });

  it('refuses an id that is not an Identity Store id, and an event of another kind', () => {
    expect(() => parseIdentityEvent(scimUserCall('PatchUser', 'xxxx'), config)).toThrow(InvalidInput);
    expect(() => parseIdentityEvent({ 'detail-type': 'Scheduled Event', detail: {} }, config)).toThrow(InvalidInput);
  });

  it('asks DescribeUser for the enterprise extension when the mapping reads department', () => {
    const enterprise = identityConfig((sync) => (sync.groups = { attributes: ['enterprise.department', 'title'], prefix: 'qs-' }));
    expect(parseIdentityEvent(scimCreateUser(), enterprise).extensions).toEqual(['aws:identitystore:enterprise']);
  });

  it('fails named, in one line, through the Lambda handler', async () => {
    const invoke = (event: unknown) => withRuntime({ config, region: 'eu-west-1', sdkPlugins: [], now: () => new Date() }, () => handler(event, {} as Context));
    await expect(invoke({ nope: true })).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
