import 'aws-sdk-client-mock-vitest/extend';
import {
  AccessDeniedException, CreateGroupCommand, CreateGroupMembershipCommand, DeleteGroupMembershipCommand, DeleteUserCommand, DescribeUserCommand,
  InternalFailureException, ListUserGroupsCommand, QuickSightClient, RegisterUserCommand, ResourceExistsException, ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentitySyncConfig } from '../../../../handlers/shared/config.ts';
import { applyQuickSightChange } from '../../../../handlers/identity/apply-quick-sight-change/task.ts';
import { readQuickSightUser } from '../../../../handlers/identity/read-quick-sight-user/task.ts';
import { quickSightClient } from '../../../../handlers/identity/shared/quicksight.ts';
import { identityConfig } from './events.ts';

const sync = identityConfig().identitySync as IdentitySyncConfig;
const quickSight = mockClient(QuickSightClient);
const client = new QuickSightClient({ region: 'us-east-1' });
const NAME = 'QuickSightReader/jane@example.com';
const jane = { UserId: 'u-1', Title: 'Sales-Manager', Emails: [{ Value: 'jane@example.com', Primary: true }] };
const where = { AwsAccountId: '123456789012', Namespace: 'default' };
const meta = { $metadata: { httpStatusCode: 400 } };

afterEach(() => quickSight.reset());

describe('quickSightClient', () => {
  it('calls QuickSight in its identity Region, once per call', async () => {
    const made = quickSightClient({ sdkPlugins: [] }, sync);
    expect(await made.config.region()).toBe('us-east-1');
    expect(await made.config.maxAttempts()).toBe(1);
  });
});

describe('readQuickSightUser', () => {
  it('reads the user and every page of its groups', async () => {
    quickSight.on(DescribeUserCommand).resolves({ User: { UserName: NAME, Email: 'jane@example.com', Role: 'READER' } });
    quickSight.on(ListUserGroupsCommand, { NextToken: undefined }).resolves({ GroupList: [{ GroupName: 'qs-Old' }], NextToken: 't2' });
    quickSight.on(ListUserGroupsCommand, { NextToken: 't2' }).resolves({ GroupList: [{ GroupName: 'Admins' }] });

    const state = await readQuickSightUser({ identityUser: jane }, sync, client);

    expect(state).toEqual({ userName: NAME, user: { Email: 'jane@example.com', Role: 'READER' }, groups: ['qs-Old', 'Admins'] });
    expect(quickSight).toHaveReceivedCommandWith(DescribeUserCommand, { ...where, UserName: NAME });
    expect(quickSight).toHaveReceivedCommandTimes(ListUserGroupsCommand, 2);
  });

  it('answers no user when QuickSight has none', async () => {
    quickSight.on(DescribeUserCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));
    expect(await readQuickSightUser({ identityUser: jane }, sync, client)).toEqual({ userName: NAME, user: null, groups: [] });
    expect(quickSight).not.toHaveReceivedCommand(ListUserGroupsCommand);
  });

  it.each([
    [new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }), 'QuickSightThrottled'],
    [new InternalFailureException({ message: 'oops', $metadata: { httpStatusCode: 500 } }), 'QuickSightUnavailable'],
    [new AccessDeniedException({ message: 'Operation is being called from endpoint eu-west-1, but your identity region is us-east-1. Please use the us-east-1 endpoint.', ...meta }), 'IdentityRegionRefused'],
    [new AccessDeniedException({ message: 'not authorized', ...meta }), 'QuickSightRequestFailed'],
  ])('names %s as %s', async (error, name) => {
    quickSight.on(DescribeUserCommand).rejects(error);
    await expect(readQuickSightUser({ identityUser: jane }, sync, client)).rejects.toMatchObject({ name });
  });
});

describe('applyQuickSightChange', () => {
  it('registers a federated user with the role and its e-mail as session name', async () => {
    quickSight.on(RegisterUserCommand).resolves({});
    const result = await applyQuickSightChange({ change: { action: 'RegisterUser', userName: NAME, email: 'jane@example.com', sessionName: 'jane@example.com', role: 'READER' } }, sync, client);
    expect(result).toEqual({ action: 'RegisterUser', userName: NAME, outcome: 'done' });
    expect(quickSight).toHaveReceivedCommandWith(RegisterUserCommand, {
      ...where, IdentityType: 'IAM', Email: 'jane@example.com', UserRole: 'READER', IamArn: 'arn:aws:iam::123456789012:role/QuickSightReader', SessionName: 'jane@example.com',
    });
  });

  it('takes "already exists" on create and "not found" on delete as done', async () => {
    quickSight.on(RegisterUserCommand).rejects(new ResourceExistsException({ message: 'exists', ...meta }));
    quickSight.on(DeleteGroupMembershipCommand).rejects(new ResourceNotFoundException({ message: 'gone', ...meta }));
    quickSight.on(DeleteUserCommand).rejects(new ResourceNotFoundException({ message: 'gone', ...meta }));
    await expect(applyQuickSightChange({ change: { action: 'RegisterUser', userName: NAME, email: 'jane@example.com', sessionName: 'jane@example.com', role: 'READER' } }, sync, client)).resolves.toMatchObject({ outcome: 'already-done' });
    await expect(applyQuickSightChange({ change: { action: 'DeleteGroupMembership', userName: NAME, groupName: 'qs-Old' } }, sync, client)).resolves.toMatchObject({ outcome: 'already-done' });
    await expect(applyQuickSightChange({ change: { action: 'DeleteUser', userName: NAME } }, sync, client)).resolves.toMatchObject({ outcome: 'already-done' });
  });

  it('creates a missing managed group, then adds the member', async () => {
    quickSight.on(CreateGroupMembershipCommand).rejectsOnce(new ResourceNotFoundException({ message: 'no group', ...meta })).resolves({});
    quickSight.on(CreateGroupCommand).resolves({});
    const result = await applyQuickSightChange({ change: { action: 'CreateGroupMembership', userName: NAME, groupName: 'qs-Sales-Manager' } }, sync, client);
    expect(result).toEqual({ action: 'CreateGroupMembership', userName: NAME, groupName: 'qs-Sales-Manager', outcome: 'done', groupCreated: true });
    expect(quickSight).toHaveReceivedCommandWith(CreateGroupCommand, { ...where, GroupName: 'qs-Sales-Manager' });
    expect(quickSight).toHaveReceivedCommandTimes(CreateGroupMembershipCommand, 2);
  });

  it('raises throttling by its name, so the state retries it', async () => {
    quickSight.on(DeleteGroupMembershipCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    await expect(applyQuickSightChange({ change: { action: 'DeleteGroupMembership', userName: NAME, groupName: 'qs-Old' } }, sync, client)).rejects.toMatchObject({ name: 'QuickSightThrottled' });
  });
});
