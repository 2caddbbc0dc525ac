import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/engine.ts';
import { apiCall, identityConfig, scimCreateUser, scimFailedPatchUser, scimPatchGroup, scimUserCall, STORE, USER_ID } from '../unit/handlers/identity/events.ts';
import { world } from './harness.ts';

const ROUTE = (trigger: string) => [{ workflow: 'identity-sync', trigger }];

describe('identity-sync routes', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = (await world({ config: identityConfig() })).engine;
  });

  it('routes every user and membership change of SCIM, the Identity Store API and the console', () => {
    expect(engine.routes(scimCreateUser())).toEqual(ROUTE('ScimChange'));
    for (const eventName of ['PatchUser', 'PutUser', 'DeleteUser'] as const) expect(engine.routes(scimUserCall(eventName))).toEqual(ROUTE('ScimChange'));
    expect(engine.routes(scimPatchGroup())).toEqual(ROUTE('ScimChange'));
    for (const eventName of ['CreateUser', 'UpdateUser', 'DeleteUser', 'CreateGroupMembership', 'DeleteGroupMembership']) {
      expect(engine.routes(apiCall('identitystore.amazonaws.com', eventName, { IdentityStoreId: STORE, UserId: USER_ID }))).toEqual(ROUTE('IdentityStoreChange'));
    }
    expect(engine.routes(apiCall('identitystore.amazonaws.com', 'UpdateUser', { identityStoreId: `arn:aws:identitystore::123456789012:identitystore/${STORE}`, userId: USER_ID }))).toEqual(ROUTE('IdentityStoreChange'));
    for (const eventName of ['CreateUser', 'UpdateUser', 'DeleteUser', 'DisableUser', 'EnableUser', 'AddMemberToGroup', 'RemoveMemberFromGroup']) {
      expect(engine.routes(apiCall('sso-directory.amazonaws.com', eventName, { UserId: USER_ID }))).toEqual(ROUTE('ConsoleChange'));
    }
  });

  it('does not route a failed call, a read, or another identity store', () => {
    expect(engine.routes(scimFailedPatchUser())).toEqual([]);
    expect(engine.routes(apiCall('identitystore.amazonaws.com', 'DescribeUser', { IdentityStoreId: STORE, UserId: USER_ID }))).toEqual([]);
    expect(engine.routes(apiCall('identitystore.amazonaws.com', 'UpdateUser', { IdentityStoreId: 'd-0000000000', UserId: USER_ID }))).toEqual([]);
  });

  it('routes SCIM calls of the configured tenant only, when one is configured', async () => {
    const config = identityConfig((sync) => (sync.scimTenantId = 'xxxx'));
    const scoped = (await world({ config })).engine;
    expect(scoped.routes(scimCreateUser())).toEqual(ROUTE('ScimChange'));
    const other = scimCreateUser();
    expect(scoped.routes({ ...other, detail: { ...other.detail, requestParameters: { tenantId: 'another' } } })).toEqual([]);
  });
});
