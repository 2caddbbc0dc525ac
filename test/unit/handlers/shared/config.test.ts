import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFromEnvironment, parseConfig } from '../../../../handlers/shared/config.ts';

const group = { autoScalingGroupName: 'a', hostedZoneId: 'Z1', recordName: 'a.corp.internal.', allowedCidrs: ['10.0.0.0/8'] };

describe('config', () => {
  it('parses the committed dev config with its defaults', () => {
    const config = parseConfig(JSON.parse(readFileSync('config/dev.json', 'utf8')), 'config/dev.json');
    expect(config.instanceDns.groups.map((g) => g.autoScalingGroupName)).toEqual(['weblogic-admin', 'reports-admin']);
    expect(config.instanceDns.groups[1]?.lifecycleResultOnFailure).toBe('CONTINUE');
  });

  it.each([
    [{ region: 'eu-west-1', instanceDns: { groups: [{ ...group, allowedCidrs: ['10.0.0.0/33'] }] } }, 'instanceDns.groups.0.allowedCidrs.0: must be an IPv4 CIDR such as 10.0.0.0/16'],
    [{ region: 'eu-west-1', instanceDns: { groups: [{ ...group, recordName: 'A.corp.internal' }] } }, 'instanceDns.groups.0.recordName: must be a lower-case DNS name ending with a dot'],
    [{ region: 'eu-west-1', instanceDns: { groups: [group, group] } }, 'instanceDns.groups: each autoScalingGroupName may appear once'],
    [{ region: 'eu-west-1', instanceDns: { groups: [], extra: 1 } }, 'instanceDns: Unrecognized key'],
    [{ region: 'Europe', instanceDns: { groups: [] } }, 'region: must be an AWS Region'],
  ])('names the wrong field in one line (%#)', (raw, message) => {
    expect(() => parseConfig(raw, 'stage.json')).toThrowError(expect.objectContaining({ name: 'InvalidConfig', message: expect.stringContaining(`stage.json: ${message}`) }));
  });

  it('reads the Lambda environment once and names a missing variable', () => {
    expect(() => configFromEnvironment({})).toThrowError('OPSFLOW_CONFIG is not set');
    expect(configFromEnvironment({ OPSFLOW_CONFIG: JSON.stringify({ region: 'eu-west-1', instanceDns: { groups: [group] } }) }).instanceDns.sync).toEqual({
      pollSeconds: 5,
      maxPolls: 24,
    });
  });
});
