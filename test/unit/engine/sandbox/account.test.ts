import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateHostedZoneCommand, GetHostedZoneCommand, ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidSandboxSeed, SandboxAccount, SandboxUnsupportedOperation } from '../../../../engine/sandbox/index.ts';
import { fixturePath, fixtureSeed, rejection, sandbox, zoneId } from './sandbox-clients.ts';

describe('SandboxAccount plugin', () => {
  const credentialVariables = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_EC2_METADATA_DISABLED',
  ];
  let saved: Record<string, string | undefined> = {};

  beforeEach(() => {
    saved = Object.fromEntries(credentialVariables.map((name) => [name, process.env[name]]));
    for (const name of credentialVariables) delete process.env[name];
    // Without the plugin these make a call fail at once with a missing-credentials error.
    process.env.AWS_CONFIG_FILE = join(tmpdir(), 'opsflow-no-such-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmpdir(), 'opsflow-no-such-credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('answers a client built with a region only, with no AWS credentials anywhere', async () => {
    const account = SandboxAccount.fromSeed(fixtureSeed());
    const client = new Route53Client({ region: 'eu-west-1' });
    client.middlewareStack.use(account.plugin());
    const output = await client.send(new GetHostedZoneCommand({ Id: zoneId }));
    expect(output.HostedZone?.Name).toBe('corp.internal.');
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('is needed: the same client without the plugin fails for want of credentials', async () => {
    const client = new Route53Client({ region: 'eu-west-1', maxAttempts: 1 });
    const error = await rejection(client.send(new GetHostedZoneCommand({ Id: zoneId })));
    expect(error.name).toBe('CredentialsProviderError');
  });

  it('refuses operations and clients it does not simulate, by name', async () => {
    const { account, route53 } = sandbox();
    const operation = await rejection(route53.send(new CreateHostedZoneCommand({ Name: 'new.internal.', CallerReference: 'x' })));
    expect(operation).toBeInstanceOf(SandboxUnsupportedOperation);
    expect(operation.name).toBe('SandboxUnsupportedOperation');
    expect(operation.message).toMatch(/^The sandbox does not simulate route53 CreateHostedZone;/);

    const sfn = new SFNClient({ region: 'eu-west-1' });
    sfn.middlewareStack.use(account.plugin());
    const client = await rejection(sfn.send(new ListStateMachinesCommand({})));
    expect(client).toBeInstanceOf(SandboxUnsupportedOperation);
    expect(client.message).toContain('SFNClient');

    const parameter = await rejection(route53.send(new ListHostedZonesCommand({ DelegationSetId: 'N1PA6795SAMPLE' })));
    expect(parameter.message).toBe('The sandbox does not simulate route53 ListHostedZones with DelegationSetId');
    expect(account.calls.map((call) => [call.service, call.operation, call.error])).toEqual([
      ['route53', 'CreateHostedZone', 'SandboxUnsupportedOperation'],
      ['SFNClient', 'ListStateMachines', 'SandboxUnsupportedOperation'],
      ['route53', 'ListHostedZones', 'SandboxUnsupportedOperation'],
    ]);
  });
});

describe('SandboxAccount calls and snapshot', () => {
  it('records every call in order and counts them by service and operation', async () => {
    const { account, route53 } = sandbox();
    await route53.send(new GetHostedZoneCommand({ Id: zoneId }));
    await route53.send(new ListHostedZonesCommand({}));
    await rejection(route53.send(new GetHostedZoneCommand({ Id: 'Z404' })));
    expect(account.calls).toEqual([
      { service: 'route53', operation: 'GetHostedZone', input: { Id: zoneId } },
      { service: 'route53', operation: 'ListHostedZones', input: {} },
      { service: 'route53', operation: 'GetHostedZone', input: { Id: 'Z404' }, error: 'NoSuchHostedZone' },
    ]);
    expect(account.callCount()).toBe(3);
    expect(account.callCount('route53', 'GetHostedZone')).toBe(2);
    expect(account.callCount('ec2')).toBe(0);
  });

  it('returns a deep, JSON-serialisable copy', () => {
    const { account } = sandbox();
    const snapshot = account.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);

    snapshot.route53.hostedZones[0]?.records.splice(0);
    snapshot.ec2.instances[1]!.tags.Name = 'changed';
    expect(account.snapshot().route53.hostedZones[0]?.records).toHaveLength(4);
    expect(account.snapshot().ec2.instances[1]?.tags.Name).toBe('weblogic-admin');

    const before = account.snapshot();
    account.setRecord(zoneId, { name: 'later.corp.internal.', type: 'A', ttl: 60, values: ['10.20.0.9'] });
    expect(before.route53.hostedZones[0]?.records).toHaveLength(4);
  });
});

describe('SandboxAccount seed', () => {
  const invalid = (mutate: (seed: ReturnType<typeof fixtureSeed>) => void): string => {
    const seed = fixtureSeed();
    mutate(seed);
    try {
      SandboxAccount.fromSeed(seed);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidSandboxSeed);
      return (error as Error).message;
    }
    return expect.unreachable('the seed should have been refused');
  };

  it('names the wrong field in one line', () => {
    const message = invalid((seed) => {
      seed.route53!.hostedZones![0]!.records![1]!.ttl = ('60' as unknown) as number;
    });
    expect(message).toBe('seed: route53.hostedZones.0.records.1.ttl: Invalid input: expected number, received string');
    expect(message).not.toContain('\n');
  });

  it('refuses unknown fields and broken references', () => {
    expect(invalid((seed) => Object.assign(seed, { ec2s: {} }))).toBe('seed: (root): Unrecognized key: "ec2s"');
    expect(
      invalid((seed) => {
        seed.autoScaling!.groups![1]!.instances![0]!.instanceId = 'i-0123456789abcdef0';
      })
    ).toBe('seed: autoScaling.groups.1.instances.0.instanceId: i-0123456789abcdef0 is not in ec2.instances');
    expect(
      invalid((seed) => {
        seed.autoScaling!.pendingLifecycleActions = [
          { group: 'weblogic-admin', hook: 'opsflow-dns-launch', instanceId: 'i-0a3f5c2e9b7d41001' },
        ];
      })
    ).toBe(
      'seed: autoScaling.pendingLifecycleActions.0.instanceId: i-0a3f5c2e9b7d41001 is InService; an open action on autoscaling:EC2_INSTANCE_LAUNCHING needs Pending:Wait'
    );
  });

  it('loads the documented fixture from its file and reports a broken file by path', async () => {
    const account = await SandboxAccount.fromSeedFile(fixturePath);
    expect(account.snapshot().autoScaling.groups.map((group) => group.name)).toEqual(['weblogic-admin', 'reports-admin', 'bastion']);

    const directory = mkdtempSync(join(tmpdir(), 'opsflow-sandbox-'));
    const broken = join(directory, 'broken.json');
    writeFileSync(broken, '{ "accountId": ');
    try {
      await expect(SandboxAccount.fromSeedFile(broken)).rejects.toThrow(new RegExp(`^${broken}: not valid JSON`));
    } finally {
      rmSync(directory, { recursive: true });
    }
  });

  it('accepts an empty seed as an empty account in the default account and Region', () => {
    expect(SandboxAccount.fromSeed({}).snapshot()).toEqual({
      accountId: '123456789012',
      region: 'eu-west-1',
      ec2: { instances: [] },
      autoScaling: { groups: [], lifecycleActions: [] },
      route53: { insyncAfterSeconds: 60, hostedZones: [], changes: [] },
      eventBridge: { published: [] },
      securityHub: { findings: [], unprocessed: [] },
      detective: {
        graphs: [],
        investigationSeconds: 120,
        outcomes: [],
        defaultOutcome: { status: 'SUCCESSFUL', severity: 'INFORMATIONAL', indicators: [] },
        investigations: [],
      },
      iam: { users: [], roles: [] },
      identityStore: { identityStoreId: 'd-1234567890', users: [], groups: [], memberships: [] },
      quickSight: {
        identityRegion: 'eu-west-1',
        namespaces: [{ name: 'default', arn: 'arn:aws:quicksight:eu-west-1:123456789012:namespace/default', capacityRegion: 'eu-west-1', creationStatus: 'CREATED', identityStore: 'QUICKSIGHT' }],
        users: [],
        groups: [],
        memberships: [],
      },
      openSearch: { domains: [], buckets: [], snapshots: [], objects: [] },
    });
  });

  it('adds the SOA and NS records Route 53 creates with every zone', () => {
    const { account } = sandbox();
    expect(account.record(zoneId, 'corp.internal.', 'SOA')?.ttl).toBe(900);
    expect(account.record(zoneId, 'corp.internal', 'NS')?.values).toHaveLength(4);
  });
});
