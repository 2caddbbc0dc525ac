import { GroupAttribute, QuickSightIdentityType, type IdentitySyncConfig } from '../../shared/config.ts';
import { UserNotMappable } from '../errors.ts';

/**
 * The one rule that turns an Identity Center value into a name QuickSight accepts, applied the same
 * way to group names and to session (user) names:
 *  1. every character QuickSight accepts is kept as it is (a valid name never changes);
 *  2. any other character is replaced by the characters of its Unicode compatibility decomposition
 *     (NFKD) that QuickSight accepts (`Ő` becomes `O`, `ﬁ` becomes `fi`), or by the replacement
 *     character when none is left (`Ł`, `ł`, `漢` become `_` in a group, `-` in a session name);
 *  3. the result is cut at the maximum length.
 * Deterministic and idempotent, so identity-sync and identity-reconcile always agree; two different
 * values can map to one name, which the plan refuses (UserNameCollision) rather than merge.
 *
 * What QuickSight accepts: GroupName `[\u0020-\u00FF]+`, 1 to 128 characters
 * (https://docs.aws.amazon.com/quicksight/latest/APIReference/API_CreateGroup.html); an STS role
 * session name `[\w+=,.@-]*`, 2 to 64 characters
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, RoleSessionName), which
 * RegisterUser's SessionName and the `<role>/<session>` user name follow.
 */
export interface NameRule {
  readonly allowed: RegExp;
  readonly replacement: string;
  readonly minLength: number;
  readonly maxLength: number;
}

export const GROUP_NAME_RULE: NameRule = { allowed: /^[\u0020-\u00FF]$/u, replacement: '_', minLength: 1, maxLength: 128 };
export const SESSION_NAME_RULE: NameRule = { allowed: /^[\w+=,.@-]$/u, replacement: '-', minLength: 2, maxLength: 64 };

/** Applies the rule; undefined when the result is shorter than the rule's minimum. */
export function quickSightName(value: string, rule: NameRule): string | undefined {
  let mapped = '';
  for (const character of value) {
    if (rule.allowed.test(character)) {
      mapped += character;
      continue;
    }
    const kept = [...character.normalize('NFKD')].filter((part) => rule.allowed.test(part)).join('');
    mapped += kept === '' ? rule.replacement : kept;
  }
  const cut = [...mapped].slice(0, rule.maxLength).join('');
  return cut.length >= rule.minLength ? cut : undefined;
}

/** What the plan reads of an Identity Store user (DescribeUser's output; the enterprise extension when asked for). */
export interface IdentityUser {
  readonly UserId: string;
  readonly UserName?: string | undefined;
  readonly Title?: string | undefined;
  readonly UserType?: string | undefined;
  /** ENABLED or DISABLED; absent from older answers, which means enabled. */
  readonly UserStatus?: string | undefined;
  readonly Emails?: readonly { readonly Value?: string | undefined; readonly Primary?: boolean | undefined }[] | undefined;
  readonly Extensions?: Readonly<Record<string, unknown>> | undefined;
}

export const ENTERPRISE_EXTENSION = 'aws:identitystore:enterprise';

/** The DescribeUser `Extensions` request the mapping needs: the enterprise extension when an attribute comes from it. */
export function extensionsFor(config: Pick<IdentitySyncConfig, 'groups'>): string[] {
  return config.groups.attributes.some((attribute) => attribute.startsWith('enterprise.')) ? [ENTERPRISE_EXTENSION] : [];
}

/** The user's primary e-mail address (the first one when none is marked primary), or undefined. */
export function primaryEmail(user: IdentityUser): string | undefined {
  const emails = user.Emails ?? [];
  return (emails.find((email) => email.Primary === true) ?? emails[0])?.Value?.trim() || undefined;
}

function attributeValue(user: IdentityUser, attribute: GroupAttribute): string | undefined {
  switch (attribute) {
    case GroupAttribute.Title:
      return user.Title;
    case GroupAttribute.UserType:
      return user.UserType;
    default: {
      const enterprise = user.Extensions?.[ENTERPRISE_EXTENSION];
      const field = attribute.slice('enterprise.'.length);
      const value = typeof enterprise === 'object' && enterprise !== null ? (enterprise as Record<string, unknown>)[field] : undefined;
      return typeof value === 'string' ? value : undefined;
    }
  }
}

/** Whether opsflow manages a QuickSight group: it starts with the prefix, or config lists it. */
export function isManagedGroup(groupName: string, config: Pick<IdentitySyncConfig, 'groups'>): boolean {
  const { prefix, managedGroups } = config.groups;
  return (prefix !== '' && groupName.startsWith(prefix)) || managedGroups.includes(groupName);
}

/**
 * The group a user's attributes map to: the configured attributes' values, trimmed, joined with the
 * separator, prefixed, through the name rule. Undefined when an attribute is empty (the user
 * belongs in no managed group) or the name maps to nothing.
 */
export function mappedGroupName(user: IdentityUser, config: Pick<IdentitySyncConfig, 'groups'>): string | undefined {
  const values = config.groups.attributes.map((attribute) => attributeValue(user, attribute)?.trim());
  if (values.some((value) => value === undefined || value === '')) return undefined;
  return quickSightName(`${config.groups.prefix}${values.join(config.groups.separator)}`, GROUP_NAME_RULE);
}

/** The role name of a role ARN (its last path segment), as QuickSight names federated users `<role name>/<session>`. */
export function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

export interface QuickSightIdentity {
  /** The QuickSight user name: `<role name>/<session name>` (IAM) or the mapped e-mail (QUICKSIGHT). */
  readonly userName: string;
  /** The session name (IAM), or null. */
  readonly sessionName: string | null;
  readonly email: string;
}

/**
 * The QuickSight user an Identity Store user is: named from its primary e-mail address through the
 * session-name rule. Raises UserNotMappable when the user has no e-mail address or it maps to
 * fewer than two characters.
 */
export function quickSightIdentity(user: IdentityUser, config: Pick<IdentitySyncConfig, 'registration'>): QuickSightIdentity {
  const email = primaryEmail(user);
  if (!email) throw new UserNotMappable(`user ${user.UserId} has no e-mail address to name its QuickSight user after`);
  const mapped = quickSightName(email, SESSION_NAME_RULE);
  if (!mapped) throw new UserNotMappable(`user ${user.UserId}: e-mail address ${email} maps to no QuickSight name`);
  const { identityType, iamRoleArn } = config.registration;
  if (identityType === QuickSightIdentityType.Iam && iamRoleArn) {
    return { userName: `${roleName(iamRoleArn)}/${mapped}`, sessionName: mapped, email };
  }
  return { userName: mapped, sessionName: null, email };
}
