import { createHash } from 'node:crypto';
import * as iamSdk from '@aws-sdk/client-iam';
import {
  IAMServiceException,
  type GetRoleCommandInput,
  type GetRoleCommandOutput,
  type GetUserCommandInput,
  type GetUserCommandOutput,
} from '@aws-sdk/client-iam';
import { awsError, type SimulatedAwsError } from '../errors.ts';
import { operation, sdkExceptions, type SandboxService } from '../service.ts';
import type { IamRoleState, IamUserState, SandboxStore } from '../state.ts';

/**
 * IAM as finding-enrichment reads it: GetUser and GetRole by name, which answer the entity's ARN
 * with its path. Names are unique in an account and "are not distinguished by case" (IAM API
 * reference, CreateRole RoleName), so a name finds its entity whatever the case. An unknown name
 * is IAM's `NoSuchEntity` (HTTP 404), with IAM's wording: "The role with name X cannot be found."
 * (seen in AWS CLI output, e.g. aws-samples/amazon-eks-security-immersion-day#54); the user
 * message follows the same pattern.
 */

/** The `[\w+=,.@-]+` pattern and lengths of the IAM API reference (GetUser UserName, GetRole RoleName). */
export const iamNamePattern = /^[\w+=,.@-]+$/;
export const IamLimit = { userNameLength: 128, roleNameLength: 64 } as const;

/**
 * The IAM path (API reference, CreateUser/CreateRole Path): a slash alone, or a string of at most
 * 512 printable ASCII characters that begins and ends with one.
 */
export const iamPathPattern = /^(\/|\/[\u0021-\u007E]{0,510}\/)$/;

/** The ARN IAM gives a user or role: its path is part of it. */
export function iamEntityArn(accountId: string, kind: 'user' | 'role', path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${kind}${path}${name}`;
}

function validationError(value: string, member: string, pattern: string, maxLength: number): SimulatedAwsError {
  return awsError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}; Member must have length less than or equal to ${maxLength}`,
  );
}

function checkedName(value: string | undefined, member: string, maxLength: number): string {
  if (value === undefined || value === '') {
    throw awsError('ValidationError', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  if (value.length > maxLength || !iamNamePattern.test(value)) throw validationError(value, member, '[\\w+=,.@-]+', maxLength);
  return value;
}

/** How users and roles are keyed: by name whatever its case. */
export const iamNameKey = (name: string): string => name.toLowerCase();

function userOrThrow(state: SandboxStore, userName: string): IamUserState {
  const user = state.iam.users.get(iamNameKey(userName));
  if (!user) throw awsError('NoSuchEntity', `The user with name ${userName} cannot be found.`);
  return user;
}

function roleOrThrow(state: SandboxStore, roleName: string): IamRoleState {
  const role = state.iam.roles.get(iamNameKey(roleName));
  if (!role) throw awsError('NoSuchEntity', `The role with name ${roleName} cannot be found.`);
  return role;
}

/** A unique id of IAM's form (`AIDA…` for users, `AROA…` for roles, 21 characters) fixed by the entity's ARN. */
export function stableIamId(prefix: 'AIDA' | 'AROA', arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + [...digest.subarray(0, 17)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export const iamService: SandboxService = {
  key: 'iam',
  clientName: 'IAMClient',
  regions: 'global',
  exceptions: sdkExceptions(iamSdk, IAMServiceException),
  operations: {
    /** Without UserName, IAM answers the calling user; a state machine's role is not a user. */
    GetUser: operation<GetUserCommandInput, GetUserCommandOutput>(['UserName'], (input, { state }) => {
      if (input.UserName === undefined) throw awsError('ValidationError', 'Must specify userName when calling with non-User credentials');
      const user = userOrThrow(state, checkedName(input.UserName, 'userName', IamLimit.userNameLength));
      return { User: { Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: new Date(user.createDate) } };
    }),
    GetRole: operation<GetRoleCommandInput, GetRoleCommandOutput>(['RoleName'], (input, { state }) => {
      const role = roleOrThrow(state, checkedName(input.RoleName, 'roleName', IamLimit.roleNameLength));
      return { Role: { Path: role.path, RoleName: role.roleName, RoleId: role.roleId, Arn: role.arn, CreateDate: new Date(role.createDate) } };
    }),
  },
};
