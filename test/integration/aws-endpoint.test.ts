import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateSubnetCommand, CreateVpcCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, DeleteHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { freePort, motoAvailable, opsflow, skippedBecause, startMoto, type CliResult, type Moto } from './moto.ts';

/**
 * `opsflow run … --aws` over real HTTP against moto (python3 -m moto.server) on 127.0.0.1: the
 * real CLI as a child process, the SDK's serialization and SigV4 signing (moto checks every
 * signature once its IAM authentication is on), the endpoint taken from the SDK's standard
 * settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, a profile's endpoint_url; AWS SDKs and
 * Tools Reference Guide, "Service-specific endpoints"). Outcomes are read back from moto.
 *
 * The paths moto has: instance-dns on the plain Auto Scaling events of a group without lifecycle
 * hooks (moto has no CompleteLifecycleAction), and dns-reconcile. Where moto answers otherwise
 * than AWS documents, opsflow follows AWS:
 * - moto's hosted zone ids are 22 random capitals and digits; Route 53's begin with "Z"
 *   (`/hostedzone/Z1PA6795UKMFR9` in the Route 53 Developer Guide's "REST Responses"), which opsflow's
 *   config requires. The test asks for zones until moto hands out such an id.
 * - moto answers ChangeResourceRecordSets with INSYNC at once; Route 53 answers PENDING, INSYNC
 *   only once every DNS server has the change (API_ChangeResourceRecordSets), so WaitForSync and
 *   GetChange run here once.
 * - moto validates each change of a batch against the zone as it was before the batch, and checks a
 *   CREATE only when that same change was made before. So it refuses ("already exists") the batch
 *   opsflow repairs a record with, DELETE of the value read then CREATE of the right one, whenever
 *   that CREATE was sent once already (a record edited by hand, repaired back to its instance):
 *   Route 53 validates the batch as a whole and applies it in one operation (API_ChangeResourceRecordSets,
 *   "Change Batches and Transactional Changes"). The drift repaired here is an instance replaced while
 *   its event was lost, whose CREATE is new. And moto takes a CREATE of a record that exists when the
 *   change is new, and a DELETE whose values match any earlier CREATE or UPSERT rather than the
 *   record's present values, both of which Route 53 refuses (InvalidChangeBatch): opsflow's conflict
 *   path (CountConflict) cannot be shown against moto.
 */

if (!motoAvailable) console.warn(`test/integration/aws-endpoint.test.ts skipped: ${skippedBecause}`);

const REGION = 'eu-west-1';
const GROUP = 'weblogic-admin';
const RECORD = 'admin.weblogic.corp.internal.';
const TTL = 60;
/** Fake static credentials for seeding: moto takes any until its authentication is turned on. */
const SEEDING = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** Exactly what instance-dns and dns-reconcile call on this path (STS GetCallerIdentity needs no permission). */
const OPERATOR_ACTIONS = [
  'ec2:DescribeInstances',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeAutoScalingInstances',
  'route53:ListResourceRecordSets',
  'route53:ChangeResourceRecordSets',
  'route53:GetChange',
];
/** What the test itself does once authentication is on: read outcomes, make drift, terminate. */
const TEST_ACTIONS = ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets', 'autoscaling:TerminateInstanceInAutoScalingGroup', 'autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances'];

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface RunReport {
  readonly status: string;
  readonly output?: { plan?: { verdict: string }; report?: { counts: Record<string, number>; summary: string } };
  readonly states: readonly { name: string }[];
  readonly executions: readonly { workflow: string; status: string; states: readonly { name: string }[] }[];
}

async function privateIpOf(ec2: EC2Client, instance: string): Promise<string> {
  const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance] }));
  const address = Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress ?? '';
  expect(address).toMatch(/^10\.20\.1\.\d+$/);
  return address;
}

function reportOf(result: CliResult): RunReport {
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as RunReport;
}

describe.skipIf(!motoAvailable)(`opsflow run --aws over HTTP against moto on 127.0.0.1${motoAvailable ? '' : ` (skipped: ${skippedBecause})`}`, () => {
  let moto: Moto | undefined;
  let endpoint = '';
  let work = '';
  let admin: { route53: Route53Client; autoScaling: AutoScalingClient; ec2: EC2Client } | undefined;
  let operator: Credentials = SEEDING;
  let hostedZoneId = '';
  /** The group's instance and its address (a replacement changes both). */
  let instanceId = '';
  let privateIp = '';
  let baseEnv: Record<string, string> = {};
  let subnetId = '';
  const files = { config: '' };

  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;

    const seeding = { region: REGION, endpoint, credentials: SEEDING };
    const ec2 = new EC2Client(seeding);
    const autoScaling = new AutoScalingClient(seeding);
    const route53 = new Route53Client(seeding);
    const iam = new IAMClient(seeding);

    // A group of one instance in 10.20.0.0/16, without lifecycle hooks.
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: '10.20.1.0/24', AvailabilityZone: `${REGION}a` }));
    subnetId = Subnet?.SubnetId ?? '';
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'weblogic-admin', LaunchTemplateData: { ImageId: 'ami-1e749f67', InstanceType: 't3.micro' } }));
    await autoScaling.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: GROUP, LaunchTemplate: { LaunchTemplateName: 'weblogic-admin' }, MinSize: 0, MaxSize: 1, DesiredCapacity: 1, VPCZoneIdentifier: subnetId,
    }));
    const { AutoScalingGroups } = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
    instanceId = AutoScalingGroups?.[0]?.Instances?.[0]?.InstanceId ?? '';
    privateIp = await privateIpOf(ec2, instanceId);

    // A private zone whose id starts with Z, as Route 53's do (see above): moto's others are deleted.
    for (let attempt = 0; !hostedZoneId; attempt += 1) {
      if (attempt === 1000) assert.fail('moto handed out no hosted zone id starting with Z in 1000 zones');
      const { HostedZone } = await route53.send(new CreateHostedZoneCommand({
        Name: 'corp.internal.', CallerReference: `opsflow-${attempt}`, HostedZoneConfig: { PrivateZone: true }, VPC: { VPCRegion: REGION, VPCId: Vpc?.VpcId },
      }));
      const id = (HostedZone?.Id ?? '').replace('/hostedzone/', '');
      if (id.startsWith('Z')) hostedZoneId = id;
      else await route53.send(new DeleteHostedZoneCommand({ Id: id }));
    }

    // Two identities, then moto's IAM authentication on: from here every request's signature is checked.
    const user = async (name: string, actions: readonly string[]): Promise<Credentials> => {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new PutUserPolicyCommand({
        UserName: name, PolicyName: name, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
      }));
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      return { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
    };
    operator = await user('opsflow-operator', OPERATOR_ACTIONS);
    const tester = await user('opsflow-test', TEST_ACTIONS);
    const authentication = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '0' });
    expect(authentication.status).toBe(200);
    for (const client of [ec2, autoScaling, route53, iam]) client.destroy();
    const signed = { region: REGION, endpoint, credentials: tester };
    admin = { route53: new Route53Client(signed), autoScaling: new AutoScalingClient(signed), ec2: new EC2Client(signed) };

    work = await mkdtemp(join(tmpdir(), 'opsflow-moto-'));
    const config = JSON.parse(readFileSync('config/dev.json', 'utf8')) as { instanceDns: Record<string, unknown> };
    config.instanceDns.groups = [{ autoScalingGroupName: GROUP, hostedZoneId, recordName: RECORD, ttl: TTL, allowedCidrs: ['10.20.0.0/16'] }];
    config.instanceDns.sync = { pollSeconds: 1, maxPolls: 5 };
    files.config = join(work, 'config.json');
    await writeFile(files.config, JSON.stringify(config));
    baseEnv = {
      HOME: work,
      AWS_CONFIG_FILE: join(work, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
      AWS_REGION: REGION,
    };
  }, 120_000);

  afterAll(async () => {
    for (const client of Object.values(admin ?? {})) client.destroy();
    await moto?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  const withKeys = (credentials: Credentials) => ({ AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });

  /** AWS's sample event (events/samples/autoscaling/) with moto's names and ids in place of the sample's. */
  async function eventFile(sample: 'instance-launch-successful.json' | 'instance-terminate-successful.json', instance: string): Promise<string> {
    const event = JSON.parse(readFileSync(`events/samples/autoscaling/${sample}`, 'utf8')) as { detail: Record<string, unknown> };
    const path = join(work, `${instance}-${sample}`);
    await writeFile(path, JSON.stringify({
      ...event,
      region: REGION,
      detail: {
        ...event.detail,
        AutoScalingGroupName: GROUP,
        EC2InstanceId: instance,
        Description: String(event.detail.Description).replace(/i-[0-9a-f]+/, instance),
        Details: { 'Availability Zone': `${REGION}a`, 'Subnet ID': subnetId },
      },
    }));
    return path;
  }

  async function record(): Promise<{ values: string[]; ttl: number | undefined } | undefined> {
    const { ResourceRecordSets } = await admin!.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, StartRecordName: RECORD, StartRecordType: 'A', MaxItems: 1 }));
    const found = ResourceRecordSets?.find((set) => set.Name === RECORD && set.Type === 'A');
    return found && { values: (found.ResourceRecords ?? []).map((item) => item.Value ?? ''), ttl: found.TTL };
  }

  it('a plain Launch Successful of a group without hooks points the A record at its instance (signed requests over HTTP, AWS_ENDPOINT_URL)', { timeout: 60_000 }, async () => {
    expect(await record()).toBeUndefined();

    const result = await opsflow(['run', 'instance-dns', '--aws', '--config', files.config, '--event', await eventFile('instance-launch-successful.json', instanceId), '--json'], {
      ...baseEnv, ...withKeys(operator), AWS_ENDPOINT_URL: endpoint,
    });

    expect(result.code, `${result.stderr}${result.stdout.slice(-3000)}`).toBe(0);
    const report = reportOf(result);
    expect(report.status).toBe('SUCCEEDED');
    expect(report.states.map((state) => state.name)).toContain('ApplyChange');
    expect(await record()).toEqual({ values: [privateIp], ttl: TTL });
  });

  it("a replayed launch changes nothing (endpoint and keys from a profile's endpoint_url; the Node-version warning stays off with its variable empty)", { timeout: 60_000 }, async () => {
    await writeFile(baseEnv.AWS_CONFIG_FILE!, `[profile moto]\nregion = ${REGION}\nendpoint_url = ${endpoint}\n`);
    await writeFile(baseEnv.AWS_SHARED_CREDENTIALS_FILE!, `[moto]\naws_access_key_id = ${operator.accessKeyId}\naws_secret_access_key = ${operator.secretAccessKey}\n`);

    const result = await opsflow(['run', 'instance-dns', '--aws', '--config', files.config, '--event', await eventFile('instance-launch-successful.json', instanceId), '--json'], {
      ...baseEnv, AWS_PROFILE: 'moto', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '',
    });

    expect(result.code, `${result.stderr}${result.stdout.slice(-3000)}`).toBe(0);
    const report = reportOf(result);
    expect(report).toMatchObject({ status: 'SUCCEEDED', output: { plan: { verdict: 'in-sync' } } });
    expect(report.states.map((state) => state.name)).not.toContain('ApplyChange');
    expect(await record()).toEqual({ values: [privateIp], ttl: TTL });
  });

  it('dns-reconcile --schedule repairs a record left at a replaced instance, its TTL edited (per-service AWS_ENDPOINT_URL_<SERVICE> over an AWS_ENDPOINT_URL nothing listens on)', { timeout: 60_000 }, async () => {
    // The group replaces its instance and the events are lost; someone edits the TTL by hand.
    await admin!.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: false }));
    const { AutoScalingGroups } = await admin!.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
    const replacement = AutoScalingGroups?.[0]?.Instances?.find((instance) => instance.LifecycleState === 'InService')?.InstanceId ?? '';
    expect(replacement).toMatch(/^i-/);
    expect(replacement).not.toBe(instanceId);
    instanceId = replacement;
    const previousIp = privateIp;
    privateIp = await privateIpOf(admin!.ec2, replacement);
    expect(privateIp).not.toBe(previousIp);
    await admin!.route53.send(new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: RECORD, Type: 'A', TTL: 300, ResourceRecords: [{ Value: previousIp }] } }] },
    }));
    const nowhere = `http://127.0.0.1:${await freePort()}`;

    const result = await opsflow(['run', 'dns-reconcile', '--aws', '--config', files.config, '--schedule', '--json'], {
      ...baseEnv, ...withKeys(operator),
      AWS_ENDPOINT_URL: nowhere,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ENDPOINT_URL_EC2: endpoint,
      AWS_ENDPOINT_URL_AUTO_SCALING: endpoint,
      AWS_ENDPOINT_URL_ROUTE_53: endpoint,
    });

    expect(result.code, `${result.stderr}${result.stdout.slice(-3000)}`).toBe(0);
    const report = reportOf(result);
    expect(report).toMatchObject({ status: 'SUCCEEDED', output: { report: { counts: { changed: 1, failed: 0 } } } });
    expect(report.executions.map((execution) => [execution.workflow, execution.status])).toEqual([['instance-dns', 'SUCCEEDED']]);
    expect(await record()).toEqual({ values: [privateIp], ttl: TTL });
  });

  it('a second dns-reconcile changes nothing', { timeout: 60_000 }, async () => {
    const result = await opsflow(['run', 'dns-reconcile', '--aws', '--config', files.config, '--schedule', '--json'], {
      ...baseEnv, ...withKeys(operator), AWS_ENDPOINT_URL: endpoint,
    });

    expect(result.code, `${result.stderr}${result.stdout.slice(-3000)}`).toBe(0);
    const report = reportOf(result);
    expect(report).toMatchObject({ status: 'SUCCEEDED', output: { report: { counts: { 'in-sync': 1, changed: 0, failed: 0 } } } });
    expect(report.executions.flatMap((execution) => execution.states.map((state) => state.name))).not.toContain('ApplyChange');
    expect(await record()).toEqual({ values: [privateIp], ttl: TTL });
  });

  it("a request signed with the wrong secret key is refused by moto's signature check: one line, exit 2, nothing changed", { timeout: 60_000 }, async () => {
    const result = await opsflow(['run', 'dns-reconcile', '--aws', '--config', files.config, '--schedule', '--json'], {
      ...baseEnv, ...withKeys({ accessKeyId: operator.accessKeyId, secretAccessKey: 'not-the-secret-key-moto-issued' }), AWS_ENDPOINT_URL: endpoint,
    });

    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^opsflow: AWS refused the credentials \(SignatureDoesNotMatch: [^\n]*\)\n$/);
    expect(await record()).toEqual({ values: [privateIp], ttl: TTL });
  });

  it("a plain Terminate Successful of the group's last instance removes the record", { timeout: 60_000 }, async () => {
    await admin!.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: true }));

    const result = await opsflow(['run', 'instance-dns', '--aws', '--config', files.config, '--event', await eventFile('instance-terminate-successful.json', instanceId), '--json'], {
      ...baseEnv, ...withKeys(operator), AWS_ENDPOINT_URL: endpoint,
    });

    expect(result.code, `${result.stderr}${result.stdout.slice(-3000)}`).toBe(0);
    expect(reportOf(result)).toMatchObject({ status: 'SUCCEEDED', output: { plan: { verdict: 'change' } } });
    expect(await record()).toBeUndefined();
  });
});
