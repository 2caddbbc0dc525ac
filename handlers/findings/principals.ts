import { EntityType } from './work.ts';

/**
 * Turns what a finding says about the identity involved into the IAM user or role ARN Detective
 * investigates (StartInvestigation's EntityArn), or says why there is none. Detective
 * investigations cover IAM users and roles only: the root user and federated sessions are not
 * entities it can investigate.
 */

/** A principal that can be investigated, or the reason it cannot. */
export type PrincipalResolution = { readonly arn: string } | { readonly unsupported: string };

const IAM_ENTITY_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):(user|role)\/.+$/;

/** CloudTrail userIdentity types, which GuardDuty's userType and ASFF's PrincipalType carry. */
const PrincipalType = {
  IamUser: 'IAMUser',
  AssumedRole: 'AssumedRole',
  Root: 'Root',
  FederatedUser: 'FederatedUser',
  Federated: 'Federated',
} as const;

/** CloudTrail sessionIssuer types: the identity a temporary session was issued by. */
const IssuerType = { Role: 'Role', IamUser: 'IAMUser', Root: 'Root' } as const;

const ROOT = 'root user credentials: Detective investigates IAM users and roles only';
const FEDERATED = 'federated user session: Detective investigates IAM users and roles only';

export function entityTypeOf(arn: string): EntityType | null {
  const kind = IAM_ENTITY_ARN.exec(arn)?.[3];
  if (kind === 'user') return EntityType.IamUser;
  if (kind === 'role') return EntityType.IamRole;
  return null;
}

/** `user/alice` or `role/path/Admin`: the part of the ARN people recognise. */
export function entityLabel(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource || arn;
}

/** The partition segment of any ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined for something else. */
export function partitionOf(arn: string): string | undefined {
  const [prefix, partition] = arn.split(':');
  return prefix === 'arn' && partition ? partition : undefined;
}

/** IAM paths start and end with a slash; an absent path is the root path. */
function iamArn(kind: 'user' | 'role', partition: string, account: string, name: string, path: string | undefined): string {
  let normalized = path && path.length > 0 ? path : '/';
  if (!normalized.startsWith('/')) normalized = `/${normalized}`;
  if (!normalized.endsWith('/')) normalized = `${normalized}/`;
  return `arn:${partition}:iam::${account}:${kind}${normalized}${name}`;
}

function isEntityOfType(arn: string | undefined, type: EntityType): arn is string {
  return arn !== undefined && entityTypeOf(arn) === type;
}

export interface IamResourceContext {
  readonly partition: string;
  readonly account: string;
}

/** ASFF AwsIamUser: its Id is the user ARN; otherwise the ARN is built from Details.AwsIamUser. */
export function fromAwsIamUser(
  resource: { Id: string; Details?: { AwsIamUser?: { UserName?: string; Path?: string } } },
  context: IamResourceContext,
): PrincipalResolution {
  if (isEntityOfType(resource.Id, EntityType.IamUser)) return { arn: resource.Id };
  const details = resource.Details?.AwsIamUser;
  if (details?.UserName) return { arn: iamArn('user', context.partition, context.account, details.UserName, details.Path) };
  return { unsupported: `AwsIamUser resource ${resource.Id} is not a user ARN and has no Details.AwsIamUser.UserName` };
}

/** ASFF AwsIamRole: its Id is the role ARN; otherwise the ARN is built from Details.AwsIamRole. */
export function fromAwsIamRole(
  resource: { Id: string; Details?: { AwsIamRole?: { RoleName?: string; Path?: string } } },
  context: IamResourceContext,
): PrincipalResolution {
  if (isEntityOfType(resource.Id, EntityType.IamRole)) return { arn: resource.Id };
  const details = resource.Details?.AwsIamRole;
  if (details?.RoleName) return { arn: iamArn('role', context.partition, context.account, details.RoleName, details.Path) };
  return { unsupported: `AwsIamRole resource ${resource.Id} is not a role ARN and has no Details.AwsIamRole.RoleName` };
}

export interface AwsIamAccessKeyDetails {
  PrincipalType?: string;
  PrincipalName?: string;
  /** Deprecated in ASFF in favour of PrincipalName; older findings still carry it. */
  UserName?: string;
  AccountId?: string;
  SessionContext?: { SessionIssuer?: { Type?: string; Arn?: string; UserName?: string; AccountId?: string } };
}

/**
 * ASFF AwsIamAccessKey: an assumed-role session maps to the role that issued it, an IAM user's
 * key to the user. The issuer's ARN is exact (it keeps the IAM path); a built ARN assumes the root path.
 */
export function fromAwsIamAccessKey(details: AwsIamAccessKeyDetails | undefined, context: IamResourceContext): PrincipalResolution {
  if (!details) return { unsupported: 'AwsIamAccessKey resource without Details.AwsIamAccessKey' };
  const issuer = details.SessionContext?.SessionIssuer;
  const account = details.AccountId ?? context.account;
  const name = details.PrincipalName ?? details.UserName;
  switch (details.PrincipalType) {
    case PrincipalType.Root:
      return { unsupported: ROOT };
    case PrincipalType.FederatedUser:
    case PrincipalType.Federated:
      return { unsupported: FEDERATED };
    case PrincipalType.AssumedRole: {
      if (isEntityOfType(issuer?.Arn, EntityType.IamRole)) return { arn: issuer.Arn };
      const roleName = issuer?.UserName ?? name;
      if (roleName) return { arn: iamArn('role', context.partition, issuer?.AccountId ?? account, roleName, undefined) };
      return { unsupported: 'assumed-role access key without a session issuer or principal name' };
    }
    case PrincipalType.IamUser:
      if (isEntityOfType(issuer?.Arn, EntityType.IamUser)) return { arn: issuer.Arn };
      if (name) return { arn: iamArn('user', context.partition, account, name, undefined) };
      return { unsupported: 'IAM user access key without a principal name' };
    default:
      return fromIssuer(issuer, details.PrincipalType);
  }
}

/** Without a known PrincipalType, the session issuer alone can still name the role or user. */
function fromIssuer(issuer: { Type?: string; Arn?: string } | undefined, principalType: string | undefined): PrincipalResolution {
  if (issuer?.Type === IssuerType.Root) return { unsupported: ROOT };
  if (issuer?.Type === IssuerType.Role && isEntityOfType(issuer.Arn, EntityType.IamRole)) return { arn: issuer.Arn };
  if (issuer?.Type === IssuerType.IamUser && isEntityOfType(issuer.Arn, EntityType.IamUser)) return { arn: issuer.Arn };
  return { unsupported: `access key of principal type ${principalType ?? '(none)'}: not an IAM user or role` };
}

/** GuardDuty's resource.accessKeyDetails: for an AssumedRole, userName is the role's name. */
export function fromGuardDutyAccessKey(
  details: { userType?: string; userName?: string },
  context: IamResourceContext,
): PrincipalResolution {
  switch (details.userType) {
    case PrincipalType.IamUser:
      return details.userName
        ? { arn: iamArn('user', context.partition, context.account, details.userName, undefined) }
        : { unsupported: 'IAM user access key without a userName' };
    case PrincipalType.AssumedRole:
      return details.userName
        ? { arn: iamArn('role', context.partition, context.account, details.userName, undefined) }
        : { unsupported: 'assumed-role access key without a userName' };
    case PrincipalType.Root:
      return { unsupported: ROOT };
    case PrincipalType.FederatedUser:
    case PrincipalType.Federated:
      return { unsupported: FEDERATED };
    default:
      return { unsupported: `access key of user type ${details.userType ?? '(none)'}: not an IAM user or role` };
  }
}
