import { ArnSource, EntityType } from './work.ts';

/**
 * Turns what a finding says about the identity involved into the IAM user or role Detective
 * investigates (StartInvestigation's EntityArn), or says why there is none. Detective
 * investigations cover IAM users and roles only: the root user and federated sessions are not
 * entities it can investigate.
 *
 * A user or role is named by its kind and name in its account (IAM names are unique in an account
 * and "not distinguished by case", IAM API reference, CreateRole). Its ARN also holds its path,
 * which findings often leave out: the workflow reads the ARN from IAM (GetUser/GetRole) in its own
 * account. For another account, or when IAM cannot answer, it falls back on what the finding
 * carries: a whole ARN, a name and path, or a name alone, placed on AWS's reserved path when the
 * name is one IAM Identity Center gives its roles, and on the root path otherwise.
 */

export const IamKind = { User: 'user', Role: 'role' } as const;
export type IamKind = (typeof IamKind)[keyof typeof IamKind];

/** The sources a finding alone can give; every source but `iam` is the finding's word, not IAM's. */
export type FallbackSource = Exclude<ArnSource, typeof ArnSource.Iam>;

/** A user or role as the findings name it, before IAM is asked. */
export interface PrincipalRef {
  /** `<partition>:<account>:<kind>:<name in lower case>`: one principal, however the findings spell it. */
  readonly key: string;
  readonly kind: IamKind;
  readonly name: string;
  readonly account: string;
  readonly partition: string;
  /** The ARN to investigate when IAM does not answer. */
  readonly fallbackArn: string;
  readonly fallbackSource: FallbackSource;
}

/** A principal that can be investigated, or the reason it cannot. */
export type PrincipalResolution = { readonly ref: PrincipalRef } | { readonly unsupported: string };

/** What the caller knows about where the finding comes from. */
export interface IamResourceContext {
  readonly partition: string;
  readonly account: string;
  /** The Region of the organization's IAM Identity Center instance (config), else the finding's. */
  readonly identityCenterRegion: string;
}

const IAM_ENTITY_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):(user|role)(\/(?:[^/]+\/)*)([^/]+)$/;

/**
 * IAM Identity Center names each permission set's role `AWSReservedSSO_<permission set>_<suffix>`,
 * at `arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<aws-region>/<name>`, with no
 * Region "if your identity source in IAM Identity Center is hosted in us-east-1" (IAM Identity
 * Center user guide, "Referencing permission sets in resource policies, Amazon EKS, and AWS KMS",
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
 */
export const IDENTITY_CENTER_ROLE_PREFIX = 'AWSReservedSSO_';
const IDENTITY_CENTER_PATH = '/aws-reserved/sso.amazonaws.com/';
const IDENTITY_CENTER_REGION_FREE = 'us-east-1';

export function identityCenterRolePath(identityCenterRegion: string): string {
  return identityCenterRegion === IDENTITY_CENTER_REGION_FREE ? IDENTITY_CENTER_PATH : `${IDENTITY_CENTER_PATH}${identityCenterRegion}/`;
}

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
  if (kind === IamKind.User) return EntityType.IamUser;
  if (kind === IamKind.Role) return EntityType.IamRole;
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

export function principalKey(partition: string, account: string, kind: IamKind, name: string): string {
  return `${partition}:${account}:${kind}:${name.toLowerCase()}`;
}

/** IAM paths start and end with a slash; an absent path is the root path. */
function normalizedPath(path: string): string {
  let normalized = path.length > 0 ? path : '/';
  if (!normalized.startsWith('/')) normalized = `/${normalized}`;
  if (!normalized.endsWith('/')) normalized = `${normalized}/`;
  return normalized;
}

function ref(kind: IamKind, name: string, partition: string, account: string, fallbackArn: string, fallbackSource: FallbackSource): PrincipalResolution {
  return { ref: { key: principalKey(partition, account, kind, name), kind, name, account, partition, fallbackArn, fallbackSource } };
}

/** A whole user or role ARN the finding carries. */
export function fromEntityArn(arn: string, kind?: IamKind): PrincipalResolution | undefined {
  const match = IAM_ENTITY_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition = '', account = '', found, , name = ''] = match;
  if (kind !== undefined && found !== kind) return undefined;
  return ref(found as IamKind, name, partition, account, arn, ArnSource.Finding);
}

/** A user or role the finding names, with its path when the finding gives one. */
export function fromName(kind: IamKind, name: string, path: string | undefined, context: IamResourceContext, account = context.account): PrincipalResolution {
  const build = (where: string): string => `arn:${context.partition}:iam::${account}:${kind}${where}${name}`;
  if (path !== undefined) return ref(kind, name, context.partition, account, build(normalizedPath(path)), ArnSource.Finding);
  if (kind === IamKind.Role && name.startsWith(IDENTITY_CENTER_ROLE_PREFIX)) {
    return ref(kind, name, context.partition, account, build(identityCenterRolePath(context.identityCenterRegion)), ArnSource.ReservedPath);
  }
  return ref(kind, name, context.partition, account, build('/'), ArnSource.RootPath);
}

/** ASFF AwsIamUser: its Id is the user ARN; otherwise its name (and path) come from Details.AwsIamUser. */
export function fromAwsIamUser(
  resource: { Id: string; Details?: { AwsIamUser?: { UserName?: string; Path?: string } } },
  context: IamResourceContext,
): PrincipalResolution {
  const carried = fromEntityArn(resource.Id, IamKind.User);
  if (carried) return carried;
  const details = resource.Details?.AwsIamUser;
  if (details?.UserName) return fromName(IamKind.User, details.UserName, details.Path, context);
  return { unsupported: `AwsIamUser resource ${resource.Id} is not a user ARN and has no Details.AwsIamUser.UserName` };
}

/** ASFF AwsIamRole: its Id is the role ARN; otherwise its name (and path) come from Details.AwsIamRole. */
export function fromAwsIamRole(
  resource: { Id: string; Details?: { AwsIamRole?: { RoleName?: string; Path?: string } } },
  context: IamResourceContext,
): PrincipalResolution {
  const carried = fromEntityArn(resource.Id, IamKind.Role);
  if (carried) return carried;
  const details = resource.Details?.AwsIamRole;
  if (details?.RoleName) return fromName(IamKind.Role, details.RoleName, details.Path, context);
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
 * key to the user. The issuer's ARN is exact (it keeps the IAM path); a name alone is placed as
 * `fromName` places it.
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
      const carried = issuer?.Arn === undefined ? undefined : fromEntityArn(issuer.Arn, IamKind.Role);
      if (carried) return carried;
      const roleName = issuer?.UserName ?? name;
      if (roleName) return fromName(IamKind.Role, roleName, undefined, context, issuer?.AccountId ?? account);
      return { unsupported: 'assumed-role access key without a session issuer or principal name' };
    }
    case PrincipalType.IamUser: {
      const carried = issuer?.Arn === undefined ? undefined : fromEntityArn(issuer.Arn, IamKind.User);
      if (carried) return carried;
      if (name) return fromName(IamKind.User, name, undefined, context, account);
      return { unsupported: 'IAM user access key without a principal name' };
    }
    default:
      return fromIssuer(issuer, details.PrincipalType);
  }
}

/** Without a known PrincipalType, the session issuer alone can still name the role or user. */
function fromIssuer(issuer: { Type?: string; Arn?: string } | undefined, principalType: string | undefined): PrincipalResolution {
  if (issuer?.Type === IssuerType.Root) return { unsupported: ROOT };
  const kind = issuer?.Type === IssuerType.Role ? IamKind.Role : issuer?.Type === IssuerType.IamUser ? IamKind.User : undefined;
  const carried = kind === undefined || issuer?.Arn === undefined ? undefined : fromEntityArn(issuer.Arn, kind);
  return carried ?? { unsupported: `access key of principal type ${principalType ?? '(none)'}: not an IAM user or role` };
}

/** GuardDuty's resource.accessKeyDetails: for an AssumedRole, userName is the role's name. */
export function fromGuardDutyAccessKey(details: { userType?: string; userName?: string }, context: IamResourceContext): PrincipalResolution {
  switch (details.userType) {
    case PrincipalType.IamUser:
      return details.userName ? fromName(IamKind.User, details.userName, undefined, context) : { unsupported: 'IAM user access key without a userName' };
    case PrincipalType.AssumedRole:
      return details.userName ? fromName(IamKind.Role, details.userName, undefined, context) : { unsupported: 'assumed-role access key without a userName' };
    case PrincipalType.Root:
      return { unsupported: ROOT };
    case PrincipalType.FederatedUser:
    case PrincipalType.Federated:
      return { unsupported: FEDERATED };
    default:
      return { unsupported: `access key of user type ${details.userType ?? '(none)'}: not an IAM user or role` };
  }
}

/** One ref per principal: where findings disagree, a whole ARN or path they carry beats a name placed by assumption. */
export function mergeRefs(refs: readonly PrincipalRef[]): PrincipalRef[] {
  const byKey = new Map<string, PrincipalRef>();
  for (const next of refs) {
    const kept = byKey.get(next.key);
    if (!kept || (kept.fallbackSource !== ArnSource.Finding && next.fallbackSource === ArnSource.Finding)) byKey.set(next.key, next);
  }
  return [...byKey.values()];
}
