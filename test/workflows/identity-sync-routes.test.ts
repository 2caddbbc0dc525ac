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

  /**
   * The Identity Store's own notifications share `source` aws.identitystore with its CloudTrail records and differ by
   * `detail-type` (https://docs.aws.amazon.com/singlesignon/latest/userguide/setup-event-notifications.html, Step 1:
   * "User Created", "User Updated", "User Deleted"...). Only the envelope is built here: its fields are those
   * https://docs.aws.amazon.com/singlesignon/latest/userguide/eventbridge-event-message-structure.html lists; what the
   * notification's `detail` holds is left empty (events/samples/README.md says why).
   */
  it('does not start on the identity store\'s own notifications: the CloudTrail rules match only "AWS API Call via CloudTrail"', () => {
    for (const detailType of ['User Created', 'User Updated', 'User Deleted']) {
      const notification = {
        version: '0',
        id: '00000000-0000-0000-0000-000000000000',
        'detail-type': detailType,
        source: 'aws.identitystore',
        account: '123456789012',
        time: '2026-01-01T00:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: {},
      };
      expect(engine.routes(notification)).toEqual([]);
      // Only the detail-type keeps them apart: a routed CloudTrail record under a notification's detail-type starts nothing.
      const routed = apiCall('identitystore.amazonaws.com', 'UpdateUser', { IdentityStoreId: STORE, UserId: USER_ID });
      expect(engine.routes(routed)).toEqual(ROUTE('IdentityStoreChange'));
      expect(engine.routes({ ...routed, 'detail-type': detailType })).toEqual([]);
    }
  });

  it('routes SCIM calls of the configured tenant only, when one is configured', async () => {
    const config = identityConfig((sync) => (sync.scimTenantId = 'xxxx'));
    const scoped = (await world({ config })).engine;
    expect(scoped.routes(scimCreateUser())).toEqual(ROUTE('ScimChange'));
    const other = scimCreateUser();
    expect(scoped.routes({ ...other, detail: { ...other.detail, requestParameters: { tenantId: 'another' } } })).toEqual([]);
  });
});
