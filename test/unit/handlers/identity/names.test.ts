import { describe, expect, it } from 'vitest';
import { GroupAttribute, type IdentitySyncConfig } from '../../../../handlers/shared/config.ts';
import { UserNotMappable } from '../../../../handlers/identity/errors.ts';
import {
  ENTERPRISE_EXTENSION, extensionsFor, GROUP_NAME_RULE, isManagedGroup, mappedGroupName, quickSightIdentity, quickSightName, SESSION_NAME_RULE,
} from '../../../../handlers/identity/shared/names.ts';
import { identityConfig } from './events.ts';

const sync = identityConfig().identitySync as IdentitySyncConfig;
const withGroups = (groups: Partial<IdentitySyncConfig['groups']>): IdentitySyncConfig => ({ ...sync, groups: { ...sync.groups, ...groups } });

describe('the name rule', () => {
  it('keeps a name QuickSight already accepts exactly as it is', () => {
    expect(quickSightName('Sales-Manager é ü', GROUP_NAME_RULE)).toBe('Sales-Manager é ü');
    expect(quickSightName('jane.doe+qs@example.com', SESSION_NAME_RULE)).toBe('jane.doe+qs@example.com');
  });

  it('replaces a refused character by what its decomposition keeps, else by the replacement', () => {
    expect(quickSightName('Őrs-Łódź-漢字', GROUP_NAME_RULE)).toBe('Ors-_ódz-__');
    expect(quickSightName("o'brien@example.com", SESSION_NAME_RULE)).toBe('o-brien@example.com');
    expect(quickSightName('zoë@example.com', SESSION_NAME_RULE)).toBe('zoe@example.com');
    expect(quickSightName('ﬁnance', SESSION_NAME_RULE)).toBe('finance');
  });

  it('cuts at the maximum length and refuses what ends too short', () => {
    expect(quickSightName('a'.repeat(80), SESSION_NAME_RULE)).toHaveLength(64);
    expect(quickSightName('g'.repeat(200), GROUP_NAME_RULE)).toHaveLength(128);
    expect(quickSightName('x', SESSION_NAME_RULE)).toBeUndefined();
  });

  it('is idempotent', () => {
    const once = quickSightName('Ærø Łukasz 漢', GROUP_NAME_RULE) ?? '';
    expect(quickSightName(once, GROUP_NAME_RULE)).toBe(once);
  });
});

describe('mapping a user', () => {
  const user = { UserId: 'u-1', Title: 'Sales-Manager', Emails: [{ Value: 'other@example.com' }, { Value: 'jane@example.com', Primary: true }] };

  it('names the federated QuickSight user <role>/<primary e-mail>', () => {
    expect(quickSightIdentity(user, sync)).toEqual({ userName: 'QuickSightReader/jane@example.com', sessionName: 'jane@example.com', email: 'jane@example.com' });
  });

  it('names a QUICKSIGHT identity by the mapped e-mail', () => {
    const config = { ...sync, registration: { ...sync.registration, identityType: 'QUICKSIGHT' as const } };
    expect(quickSightIdentity(user, config)).toEqual({ userName: 'jane@example.com', sessionName: null, email: 'jane@example.com' });
  });

  it('refuses a user without an e-mail address', () => {
    expect(() => quickSightIdentity({ UserId: 'u-2' }, sync)).toThrow(UserNotMappable);
  });

  it('maps Title to the prefixed group, and department + title joined', () => {
    expect(mappedGroupName(user, sync)).toBe('qs-Sales-Manager');
    const config = withGroups({ attributes: [GroupAttribute.Department, GroupAttribute.Title], separator: '-' });
    const enterprise = { ...user, Title: 'Manager', Extensions: { [ENTERPRISE_EXTENSION]: { department: 'Sales' } } };
    expect(mappedGroupName(enterprise, config)).toBe('qs-Sales-Manager');
    expect(extensionsFor(config)).toEqual([ENTERPRISE_EXTENSION]);
    expect(extensionsFor(sync)).toEqual([]);
  });

  it('maps no group when an attribute is empty', () => {
    expect(mappedGroupName({ ...user, Title: '  ' }, sync)).toBeUndefined();
  });

  it('manages only the prefix or the listed groups', () => {
    expect(isManagedGroup('qs-Sales', sync)).toBe(true);
    expect(isManagedGroup('Admins', sync)).toBe(false);
    const listed = withGroups({ prefix: '', managedGroups: ['Sales-Manager'] });
    expect(isManagedGroup('Sales-Manager', listed)).toBe(true);
    expect(isManagedGroup('qs-Sales', listed)).toBe(false);
  });
});
