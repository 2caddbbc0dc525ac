import { loadSample, sampleWith, type SampleEvent } from '../../../../events/samples.ts';
import type { OpsflowConfig } from '../../../../handlers/shared/config.ts';
import { devConfig } from '../../../workflows/harness.ts';

/**
 * Identity Center CloudTrail events for tests. Real: AWS's published SCIM records
 * (events/samples/identity/). Variants, where AWS publishes none, from documented fields only
 * (events/samples/README.md): a successful SCIM call is the published failed one without
 * errorCode/errorMessage; an Identity Store or console call carries the Identity Store API's request
 * members in requestParameters.
 */

export const STORE = 'd-9067a1b2c3';
export const USER_ID = '906752a1b4-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
export const OTHER_USER_ID = '906752a1b4-aaaabbbb-cccc-dddd-eeee-ffff00001111';
export const GROUP_ID = '906752a1b4-0a0b0c0d-1e1f-2a2b-3c3d-4e4f5a5b6c6d';

/** AWS's SCIM CreateUser record, naming the given user in `responseElements.id`. */
export function scimCreateUser(userId = USER_ID): SampleEvent {
  const event = sampleWith('identity/scim-create-user.json', {});
  return { ...event, detail: { ...event.detail, responseElements: { ...(event.detail.responseElements as object), id: userId } } };
}

function succeeded(sample: string, eventName: string, id: string): SampleEvent {
  const event = loadSample(sample) as SampleEvent;
  const { errorCode: _code, errorMessage: _message, ...detail } = event.detail;
  return { ...event, detail: { ...detail, eventName, requestParameters: { ...(detail.requestParameters as object), id } } };
}

/** A successful SCIM PatchUser / PutUser / DeleteUser: the published failed PatchUser without its error. */
export function scimUserCall(eventName: 'PatchUser' | 'PutUser' | 'DeleteUser', userId = USER_ID): SampleEvent {
  return succeeded('identity/scim-patch-user-failed.json', eventName, userId);
}

/** A successful SCIM PatchGroup: members masked, only the group's id. */
export function scimPatchGroup(groupId = GROUP_ID): SampleEvent {
  return succeeded('identity/scim-patch-group-failed.json', 'PatchGroup', groupId);
}

/** The published failed SCIM PatchUser (errorCode ValidationException). */
export function scimFailedPatchUser(): SampleEvent {
  return loadSample('identity/scim-patch-user-failed.json') as SampleEvent;
}

/** An Identity Store API or console call, the SCIM envelope with its own source and the API's request members. */
export function apiCall(
  eventSource: 'identitystore.amazonaws.com' | 'sso-directory.amazonaws.com',
  eventName: string,
  requestParameters: Record<string, unknown>,
): SampleEvent {
  const event = scimCreateUser();
  const source = eventSource === 'identitystore.amazonaws.com' ? 'aws.identitystore' : 'aws.sso-directory';
  return { ...event, source, detail: { ...event.detail, eventSource, eventName, requestParameters, responseElements: null } };
}

/**
 * The dev config with an identitySync section of its own for unit tests: managed groups by the
 * prefix `qs-`, QuickSight's identity Region us-east-1 (the stack's is eu-west-1), store STORE.
 */
export function identityConfig(change: (sync: Record<string, unknown>) => void = () => {}): OpsflowConfig {
  return devConfig((raw) => {
    const sync: Record<string, unknown> = {
      identityStoreId: STORE,
      quickSight: { accountId: '123456789012', identityRegion: 'us-east-1' },
      registration: { identityType: 'IAM', iamRoleArn: 'arn:aws:iam::123456789012:role/QuickSightReader' },
      groups: { attributes: ['title'], prefix: 'qs-' },
    };
    change(sync);
    raw.identitySync = sync;
  });
}
