import 'aws-sdk-client-mock-vitest/extend';
import { AutoScalingClient, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { CredentialsProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { engineFor } from '../../../cli/executions.ts';
import { main } from '../../../cli/main.ts';
import { devConfig } from '../../workflows/harness.ts';

/**
 * `--aws` as the CLI builds it: the account id from STS GetCallerIdentity (mocked with
 * aws-sdk-client-mock), a real-time clock, and each way the lookup fails as one line.
 */
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const autoScaling = mockClient(AutoScalingClient);
const route53 = mockClient(Route53Client);

afterEach(() => {
  for (const mock of [sts, ec2, autoScaling, route53]) mock.reset();
});

const ACCOUNT = '210987654321';
const INSTANCE = 'i-0b7e4d1c8a6f52001';
const event = 'test/fixtures/cli/reports-launch-successful.json';

const silent = { out: () => {}, err: () => {} };

async function opsflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err };
}

function identity(): void {
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/operator`, UserId: 'AIDAEXAMPLEOPERATOR01' });
}

/** reports-admin's instance already has the record: instance-dns reads three things and changes nothing. */
function inSyncAccount(): void {
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [{ Instances: [{ InstanceId: INSTANCE, State: { Name: 'running', Code: 16 }, PrivateIpAddress: '10.30.2.25', Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'reports-admin' }] }] }],
  });
  autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({
    AutoScalingInstances: [{ InstanceId: INSTANCE, AutoScalingGroupName: 'reports-admin', LifecycleState: 'InService', AvailabilityZone: 'eu-west-1b', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false }],
  });
  route53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [{ Name: 'admin.reports.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.30.2.25' }] }],
    IsTruncated: false,
    MaxItems: 1,
  });
}

describe('--aws', () => {
  it("asks STS GetCallerIdentity once, in the run's Region, and builds the execution's ARN with the account it names", async () => {
    identity();
    inSyncAccount();

    const result = await opsflow('run', 'instance-dns', '--event', event, '--aws', '--json');

    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
    expect(sts).toHaveReceivedCommandWith(GetCallerIdentityCommand, {});
    expect(await sts.call(0).thisValue.config.region()).toBe('eu-west-1');
    const report = JSON.parse(result.out) as { status: string; executionArn: string; output: { plan: { verdict: string } } };
    expect(report).toMatchObject({ status: 'SUCCEEDED', output: { plan: { verdict: 'in-sync' } } });
    expect(report.executionArn).toMatch(new RegExp(`^arn:aws:states:eu-west-1:${ACCOUNT}:execution:`));
    expect(report.executionArn).not.toContain('unknown');
  });

  it('says how long the run took in real time, since its clock is real', async () => {
    identity();
    inSyncAccount();

    const result = await opsflow('run', 'instance-dns', '--event', event, '--aws');

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\ninstance-dns SUCCEEDED (at \w+ )?in \d+ transitions, \d+(\.\d)? s\n/);
    expect(result.out).not.toContain('simulated clock');
  });

  it('asks in the Region --region names', async () => {
    identity();

    const { engine } = await engineFor({ aws: true, json: true, region: 'eu-central-1' }, devConfig(), silent, []);
    await engine.close();

    expect(await sts.call(0).thisValue.config.region()).toBe('eu-central-1');
  });

  it('runs the engine on a real-time clock; the sandbox keeps its simulated one', async () => {
    identity();

    const aws = await engineFor({ aws: true, json: true }, devConfig(), silent, []);
    const sandbox = await engineFor({ json: true }, devConfig(), silent, []);
    await Promise.all([aws.engine.close(), sandbox.engine.close()]);

    expect(aws.engine.clock.realTime).toBe(true);
    expect(sandbox.engine.clock.realTime).toBe(false);
    expect(sandbox.engine.clock).toBe(sandbox.sandbox?.clock);
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
  });

  const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
  it.each([
    {
      failure: 'no credentials',
      error: new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false }),
      code: 2,
      line: 'opsflow: no usable AWS credentials from the default credential chain (CredentialsProviderError: Could not load credentials from any providers): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    },
    {
      failure: 'an expired session token',
      error: new STSServiceException({ name: 'ExpiredToken', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'The security token included in the request is expired' }),
      code: 2,
      line: 'opsflow: the AWS credentials have expired (ExpiredToken: The security token included in the request is expired): refresh them (aws sso login, or a new session) and run again',
    },
    {
      failure: 'an unknown access key',
      error: new STSServiceException({ name: 'InvalidClientTokenId', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'The security token included in the request is invalid.' }),
      code: 2,
      line: 'opsflow: AWS refused the credentials (InvalidClientTokenId: The security token included in the request is invalid.)',
    },
    {
      failure: 'STS unreachable',
      error: unreachable,
      code: 1,
      line: 'opsflow: cannot tell the AWS account: STS GetCallerIdentity in eu-west-1 failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4566)',
    },
  ])('refuses to run with $failure: exit $code, one line, no other call', async ({ error, code, line }) => {
    sts.on(GetCallerIdentityCommand).rejects(error);

    const result = await opsflow('run', 'instance-dns', '--event', event, '--aws');

    expect(result).toEqual({ code, out: '', err: [line] });
    expect(ec2).not.toHaveReceivedAnyCommand();
    expect(route53).not.toHaveReceivedAnyCommand();
  });

  it('refuses an answer without an account id as one line, exit 1', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::210987654321:user/operator' });

    const result = await opsflow('send', event, '--aws');

    expect(result).toEqual({ code: 1, out: '', err: ['opsflow: STS GetCallerIdentity in eu-west-1 answered without a 12-digit account id (got null)'] });
  });
});
