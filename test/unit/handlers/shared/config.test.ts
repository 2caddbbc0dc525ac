import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFromEnvironment, parseConfig } from '../../../../handlers/shared/config.ts';

const identity = {
  identityStoreId: 'd-1234567890',
  quickSight: { accountId: '123456789012', identityRegion: 'us-east-1' },
  registration: { identityType: 'QUICKSIGHT' },
  groups: { attributes: ['title'], prefix: 'qs-' },
};
const group = { autoScalingGroupName: 'a', hostedZoneId: 'Z1', recordName: 'a.corp.internal.', allowedCidrs: ['10.0.0.0/8'] };

describe('config', () => {
  it('parses the committed dev config with its defaults', () => {
    const config = parseConfig(JSON.parse(readFileSync('config/dev.json', 'utf8')), 'config/dev.json');
    expect(config.instanceDns.groups.map((g) => g.autoScalingGroupName)).toEqual(['weblogic-admin', 'reports-admin']);
    expect(config.instanceDns.groups[1]?.lifecycleResultOnFailure).toBe('CONTINUE');
  });

  it.each<[unknown, string]>([
    [{ region: 'eu-west-1', instanceDns: { groups: [{ ...group, allowedCidrs: ['10.0.0.0/33'] }] } }, 'instanceDns.groups.0.allowedCidrs.0: must be an IPv4 CIDR such as 10.0.0.0/16'],
    [{ region: 'eu-west-1', instanceDns: { groups: [{ ...group, recordName: 'A.corp.internal' }] } }, 'instanceDns.groups.0.recordName: must be a lower-case DNS name ending with a dot'],
    [{ region: 'eu-west-1', instanceDns: { groups: [group, group] } }, 'instanceDns.groups: each autoScalingGroupName may appear once'],
    [{ region: 'eu-west-1', instanceDns: { groups: [], extra: 1 } }, 'instanceDns: Unrecognized key'],
    [{ region: 'Europe', instanceDns: { groups: [] } }, 'region: must be an AWS Region'],
    ...['0.0.0.0/0', '8.8.8.0/24', '10.0.0.0/7', '172.16.0.0/11', '192.168.0.0/15'].map((range): [unknown, string] => [
      { region: 'eu-west-1', instanceDns: { groups: [{ ...group, allowedCidrs: ['10.1.0.0/16', range] }] } },
      'instanceDns.groups.0.allowedCidrs.1: must be a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)',
    ]),
    [{ region: 'eu-west-1', instanceDns: { groups: [{ ...group, launchHookName: 'dns', terminateHookName: 'dns' }] } }, 'instanceDns.groups.0.terminateHookName: must differ from launchHookName'],
    [
      { region: 'eu-west-1', instanceDns: { groups: [] }, findingEnrichment: { polling: { firstWaitSeconds: 600, maxWaitSeconds: 60 } } },
      'findingEnrichment.polling.firstWaitSeconds: must not exceed maxWaitSeconds',
    ],
    [
      { region: 'eu-west-1', instanceDns: { groups: [] }, findingEnrichment: { polling: { firstWaitSeconds: 600, maxWaitSeconds: 900, deadlineMinutes: 1 } } },
      'findingEnrichment.polling.firstWaitSeconds: must come before the deadline',
    ],
    [
      { region: 'eu-west-1', instanceDns: { groups: [] }, identitySync: { ...identity, registration: { identityType: 'IAM' } } },
      'identitySync.registration.iamRoleArn: is required when identityType is IAM',
    ],
    [
      { region: 'eu-west-1', instanceDns: { groups: [] }, identitySync: { ...identity, groups: { attributes: ['title'] } } },
      'identitySync.groups.prefix: name a prefix or list managedGroups',
    ],
    [
      { region: 'eu-west-1', instanceDns: { groups: [] }, identitySync: { ...identity, groups: { attributes: ['title'], managedGroups: ['Łódź'] } } },
      'identitySync.groups.managedGroups.0: must be 1 to 128 Latin-1 characters',
    ],
    [{ region: 'eu-west-1', instanceDns: { groups: [] }, identitySync: { ...identity, identityStoreId: 'store' } }, 'identitySync.identityStoreId: must be an identity store id'],
  ])('names the wrong field in one line (%#)', (raw, message) => {
    expect(() => parseConfig(raw, 'stage.json')).toThrowError(expect.objectContaining({ name: 'InvalidConfig', message: expect.stringContaining(`stage.json: ${message}`) }));
  });

  it.each([['10.0.0.0/8'], ['10.20.0.0/16'], ['172.31.0.0/16'], ['192.168.1.0/24'], ['10.20.1.15/32']])('takes the private range %s', (range) => {
    expect(parseConfig({ region: 'eu-west-1', instanceDns: { groups: [{ ...group, allowedCidrs: [range] }] } }, 'stage.json').instanceDns.groups[0]?.allowedCidrs).toEqual([range]);
  });

  it('fills identitySync defaults: default namespace, READER, memberships removed but users kept, 3 rounds', () => {
    const config = parseConfig({ region: 'eu-west-1', instanceDns: { groups: [] }, identitySync: identity }, 'stage.json');
    expect(config.identitySync).toMatchObject({
      quickSight: { namespace: 'default' },
      registration: { defaultRole: 'READER' },
      groups: { separator: '-', managedGroups: [] },
      deprovision: { deleteUser: false },
      maxRounds: 3,
      reconcile: { schedule: 'rate(1 day)', enabled: true, maxRemovalShare: 0.1 },
    });
    expect(parseConfig({ region: 'eu-west-1', instanceDns: { groups: [] } }, 'stage.json').identitySync).toBeUndefined();
  });

  it('reads the Lambda environment once and names a missing variable', () => {
    expect(() => configFromEnvironment({})).toThrowError('OPSFLOW_CONFIG is not set');
    expect(configFromEnvironment({ OPSFLOW_CONFIG: JSON.stringify({ region: 'eu-west-1', instanceDns: { groups: [group] } }) }).instanceDns.sync).toEqual({
      pollSeconds: 5,
      maxPolls: 24,
    });
  });
});
