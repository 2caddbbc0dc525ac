import 'aws-sdk-client-mock-vitest/extend';
import { AutoScalingClient, CompleteLifecycleActionCommand, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client, Route53ServiceException } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { Clock } from '../../../engine/clock.ts';
import { Engine } from '../../../engine/engine.ts';
import { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { awsTarget, sandboxTarget } from '../../../engine/target.ts';
import { accountId, createEngine, fakeFunction, workflow } from '../../fixtures/engine/harness.ts';
import { devConfig, launchLifecycleEvent } from '../../workflows/harness.ts';

/**
 * `--aws`: the same bridge with plain SDK clients (default credential chain). aws-sdk-client-mock
 * stands in for AWS, so this checks exactly which commands instance-dns sends and with what.
 */
const ec2 = mockClient(EC2Client);
const autoScaling = mockClient(AutoScalingClient);
const route53 = mockClient(Route53Client);

afterEach(() => {
  ec2.reset();
  autoScaling.reset();
  route53.reset();
});

const INSTANCE = 'i-0123456789abcdef0';

function answerLaunch(): void {
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        Instances: [{ InstanceId: INSTANCE, State: { Name: 'running', Code: 16 }, PrivateIpAddress: '10.20.3.4', Tags: [{ Key: 'aws:autoscaling:groupName', Value: 'weblogic-admin' }] }],
      },
    ],
  });
  autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({
    AutoScalingInstances: [{ InstanceId: INSTANCE, AutoScalingGroupName: 'weblogic-admin', LifecycleState: 'Pending:Wait', AvailabilityZone: 'eu-west-1a', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false }],
  });
  route53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [{ Name: 'admin.weblogic.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.20.1.15' }] }],
    IsTruncated: false,
    MaxItems: 1,
  });
  route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C2XAMPLE', Status: 'PENDING', SubmittedAt: new Date('2026-01-01T00:00:00Z') } });
  route53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C2XAMPLE', Status: 'INSYNC', SubmittedAt: new Date('2026-01-01T00:00:00Z') } });
  autoScaling.on(CompleteLifecycleActionCommand).resolves({});
}

async function engine(): Promise<Engine> {
  const config = devConfig();
  // A simulated clock: the mocks answer at once, and the 5 s sync polls and retry intervals need not be waited out here.
  return Engine.create({ config, target: awsTarget(config.region, { accountId: '123456789012', clock: Clock.simulated() }) });
}

describe('instance-dns against AWS (--aws), with the SDK clients mocked', () => {
  it('sends the exact change batch and completes the lifecycle action after INSYNC', async () => {
    answerLaunch();

    const [execution] = await (await engine()).send(launchLifecycleEvent(INSTANCE, 'token-7'));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, { Filters: [{ Name: 'instance-id', Values: [INSTANCE] }] });
    expect(route53).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: 'Z0OPSFLOWINTERNAL01',
      ChangeBatch: {
        Comment: `opsflow instance-dns launch-lifecycle weblogic-admin ${INSTANCE}`,
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: { Name: 'admin.weblogic.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.20.1.15' }] } },
          { Action: 'CREATE', ResourceRecordSet: { Name: 'admin.weblogic.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.20.3.4' }] } },
        ],
      },
    });
    expect(route53).toHaveReceivedCommandWith(GetChangeCommand, { Id: '/change/C2XAMPLE' });
    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, {
      AutoScalingGroupName: 'weblogic-admin',
      LifecycleHookName: 'opsflow-dns-launch',
      LifecycleActionToken: 'token-7',
      InstanceId: INSTANCE,
      LifecycleActionResult: 'CONTINUE',
    });
  });

  it('names Route 53 throttling as Step Functions does once retries are spent, and never writes twice', async () => {
    answerLaunch();
    // Route 53 throttles with the unmodeled code Throttling (HTTP 400), which the SDK throws as its service exception.
    const throttling = new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
    route53.on(ChangeResourceRecordSetsCommand).rejects(throttling);

    const [execution] = await (await engine()).send(launchLifecycleEvent(INSTANCE, 'token-8'));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Route53.Route53Exception' });
    expect(route53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 6);
    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, { LifecycleActionResult: 'CONTINUE', LifecycleActionToken: 'token-8' });
  });
});

describe('the clock of a target', () => {
  const succeeds = fakeFunction(async () => ({ done: true }));
  const engines: Engine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
  });

  it('an AWS target runs on a real-time clock: a 1 s Wait takes a second, none of it simulated, and the ARN names the account', async () => {
    const engine = await createEngine({ workflows: [workflow('wait-short', 'WaitShort')], functions: { flaky: succeeds }, target: awsTarget('eu-west-1', { accountId: '210987654321' }) });
    engines.push(engine);

    const began = Date.now();
    const record = await engine.run('wait-short', {});

    expect(engine.clock.realTime).toBe(true);
    expect(record).toMatchObject({ status: 'SUCCEEDED', simulatedSeconds: 0 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(950);
    expect(record.executionArn).toMatch(/^arn:aws:states:eu-west-1:210987654321:execution:/);
  });

  it('a sandbox target keeps its simulated clock: the same Wait is a second on it', async () => {
    const sandbox = SandboxAccount.fromSeed({ accountId, region: 'eu-west-1' });
    const engine = await createEngine({ workflows: [workflow('wait-short', 'WaitShort')], functions: { flaky: succeeds }, target: sandboxTarget(sandbox) });
    engines.push(engine);

    const record = await engine.run('wait-short', {});

    expect(engine.clock.realTime).toBe(false);
    expect(engine.clock).toBe(sandbox.clock);
    expect(record).toMatchObject({ status: 'SUCCEEDED', simulatedSeconds: 1 });
  });
});
