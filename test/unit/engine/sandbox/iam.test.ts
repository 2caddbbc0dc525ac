import { readFileSync } from 'node:fs';
import { GetRoleCommand, GetUserCommand, IAMClient, IAMServiceException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { InvalidSandboxSeed, SandboxAccount, type SandboxOptions, type SandboxSeed } from '../../../../engine/sandbox/index.ts';
import { Clock } from '../../../../engine/clock.ts';
import { now, rejection } from './sandbox-clients.ts';

const fixturePath = new URL('../../../fixtures/sandbox/findings.json', import.meta.url).pathname;
const SSO_ROLE = 'AWSReservedSSO_DatabaseAdministrator_1234567890abcdef';

function findingsSeed(): SandboxSeed {
  return JSON.parse(readFileSync(fixturePath, 'utf8')) as SandboxSeed;
}

function iamSandbox(options: SandboxOptions = {}, seed: unknown = findingsSeed()) {
  const account = SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now), ...options });
  const iam = new IAMClient({ region: 'eu-west-1' });
  iam.middlewareStack.use(account.plugin());
  return { account, iam };
}

describe('IAM GetUser and GetRole', () => {
  it('answer the ARN with its path, whatever the case of the name', async () => {
    const { iam } = iamSandbox();
    const { User } = await iam.send(new GetUserCommand({ UserName: 'analyst-alice' }));
    expect(User).toEqual({
      Path: '/',
      UserName: 'analyst-alice',
      UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
      Arn: 'arn:aws:iam::123456789012:user/analyst-alice',
      CreateDate: new Date('2024-03-11T09:20:41Z'),
    });
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: SSO_ROLE.toLowerCase() }));
    expect(Role).toMatchObject({
      Path: '/aws-reserved/sso.amazonaws.com/eu-west-2/',
      RoleName: SSO_ROLE,
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-2/${SSO_ROLE}`,
    });
  });

  it('answer an unknown name with NoSuchEntity, modeled, 404, in IAM\'s words', async () => {
    const { iam } = iamSandbox();
    const user = await rejection(iam.send(new GetUserCommand({ UserName: 'mallory' })));
    expect(user).toBeInstanceOf(NoSuchEntityException);
    expect(user.message).toBe('The user with name mallory cannot be found.');
    expect(user.$metadata).toMatchObject({ httpStatusCode: 404 });
    const role = await rejection(iam.send(new GetRoleCommand({ RoleName: 'deleted-role' })));
    expect(role).toBeInstanceOf(NoSuchEntityException);
    expect(role.message).toBe('The role with name deleted-role cannot be found.');
  });

  it('refuse a malformed name, and GetUser without a name from a role, with ValidationError', async () => {
    const { iam } = iamSandbox();
    const spaced = await rejection(iam.send(new GetRoleCommand({ RoleName: 'has space' })));
    expect(spaced).toBeInstanceOf(IAMServiceException);
    expect(spaced).toMatchObject({ name: 'ValidationError', message: expect.stringContaining("Value 'has space' at 'roleName' failed to satisfy constraint") });
    expect(await rejection(iam.send(new GetRoleCommand({ RoleName: 'r'.repeat(65) })))).toMatchObject({ name: 'ValidationError' });
    expect(await rejection(iam.send(new GetUserCommand({})))).toMatchObject({ name: 'ValidationError', message: 'Must specify userName when calling with non-User credentials' });
  });

  it('throttle with IAM\'s unmodeled Throttling code when a fault says so', async () => {
    const { account, iam } = iamSandbox({ faults: [{ service: 'iam', operation: 'GetRole', error: 'Throttling', times: 1 }] });
    const throttled = await rejection(iam.send(new GetRoleCommand({ RoleName: 'ci-deployer' })));
    expect(throttled).toBeInstanceOf(IAMServiceException);
    expect(throttled).not.toBeInstanceOf(NoSuchEntityException);
    expect(throttled).toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    expect((await iam.send(new GetRoleCommand({ RoleName: 'ci-deployer' }))).Role?.Arn).toBe('arn:aws:iam::123456789012:role/ci-deployer');
    expect(account.callCount('iam')).toBe(2);
  });
});

describe('IAM seed', () => {
  it('refuses names that differ only by case, and malformed paths, naming the field', () => {
    const seed = findingsSeed();
    const twice = { ...seed, iam: { users: [{ userName: 'alice' }, { userName: 'ALICE' }] } };
    expect(() => SandboxAccount.fromSeed(twice)).toThrow(new InvalidSandboxSeed('seed: iam.users.1.userName: alice appears twice (IAM names ignore case)'));
    const badPath = { ...seed, iam: { roles: [{ roleName: 'admin', path: 'ops' }] } };
    expect(() => SandboxAccount.fromSeed(badPath)).toThrow(/iam\.roles\.0\.path: must be an IAM path/);
  });

  it('defaults to the root path and the clock for the creation date', async () => {
    const { iam } = iamSandbox({}, { iam: { users: [{ userName: 'carol' }] } });
    expect((await iam.send(new GetUserCommand({ UserName: 'carol' }))).User).toMatchObject({ Path: '/', Arn: 'arn:aws:iam::123456789012:user/carol', CreateDate: now });
  });
});
