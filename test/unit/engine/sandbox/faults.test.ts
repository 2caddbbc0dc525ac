import { AutoScalingServiceException, CompleteLifecycleActionCommand, DescribeAutoScalingGroupsCommand, ResourceContentionFault } from '@aws-sdk/client-auto-scaling';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeInstancesCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand, NoSuchHostedZone, PriorRequestNotComplete, ThrottlingException } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { InvalidSandboxOptions, type FaultRule, type SandboxOptions } from '../../../../engine/sandbox/index.ts';
import { rejection, sandbox, weblogicInstance, zoneId } from './sandbox-clients.ts';

const upsertAdmin = (address: string) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'admin.weblogic.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: address }] } }] },
  });

const adminAddress = (fixture: ReturnType<typeof sandbox>) => fixture.account.record(zoneId, 'admin.weblogic.corp.internal.', 'A')?.values[0];

/** Outcome of each of `count` GetHostedZone calls: true when it failed. */
async function faultPattern(options: SandboxOptions, count: number): Promise<boolean[]> {
  const { route53 } = sandbox(options);
  const outcomes: boolean[] = [];
  for (let call = 0; call < count; call += 1) {
    outcomes.push(
      await route53.send(new GetHostedZoneCommand({ Id: zoneId })).then(
        () => false,
        () => true,
      ),
    );
  }
  return outcomes;
}

describe('fault injection', () => {
  it('fails the nth call with the SDK modeled exception and changes nothing', async () => {
    const fixture = sandbox({ faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'ThrottlingException', nth: [2] }] });
    await fixture.route53.send(upsertAdmin('10.20.1.21'));

    const error = await rejection(fixture.route53.send(upsertAdmin('10.20.1.22')));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded' });
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    expect(adminAddress(fixture)).toBe('10.20.1.21');
    expect(fixture.account.snapshot().route53.changes).toHaveLength(1);

    await fixture.route53.send(upsertAdmin('10.20.1.23'));
    expect(adminAddress(fixture)).toBe('10.20.1.23');
    expect(fixture.account.calls.map((call) => call.error)).toEqual([undefined, 'ThrottlingException', undefined]);
  });

  it('fails the first `times` calls, here with PriorRequestNotComplete', async () => {
    const fixture = sandbox({ faults: [{ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'PriorRequestNotComplete', times: 2 }] });
    for (const attempt of [1, 2]) {
      const error = await rejection(fixture.route53.send(upsertAdmin(`10.20.1.${attempt}`)));
      expect(error).toBeInstanceOf(PriorRequestNotComplete);
    }
    expect(adminAddress(fixture)).toBe('10.20.1.15');
    await fixture.route53.send(upsertAdmin('10.20.1.3'));
    expect(adminAddress(fixture)).toBe('10.20.1.3');
  });

  it('fails a deterministic fraction of calls, fixed by randomSeed', async () => {
    const rule: FaultRule = { service: 'route53', operation: 'GetHostedZone', error: 'ThrottlingException', fraction: 0.5 };
    const first = await faultPattern({ faults: [rule], randomSeed: 7 }, 40);
    const again = await faultPattern({ faults: [rule], randomSeed: 7 }, 40);
    const otherSeed = await faultPattern({ faults: [rule], randomSeed: 8 }, 40);
    const failures = first.filter(Boolean).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it('throws the service exception named by the AWS code when the SDK has no model for it', async () => {
    const fixture = sandbox();
    const { lifecycleActionToken } = fixture.account.launchInstance({ group: 'weblogic-admin', instanceId: 'i-0a3f5c2e9b7d41002', privateIpAddress: '10.20.2.30' });
    fixture.account.injectFault({ service: 'autoscaling', operation: 'CompleteLifecycleAction', error: 'Throttling', times: 1 });
    fixture.account.injectFault({ service: 'ec2', error: 'RequestLimitExceeded', nth: [1] });
    const complete = new CompleteLifecycleActionCommand({
      AutoScalingGroupName: 'weblogic-admin',
      LifecycleHookName: 'opsflow-dns-launch',
      LifecycleActionToken: lifecycleActionToken,
      LifecycleActionResult: 'CONTINUE',
    });

    const throttled = await rejection(fixture.autoScaling.send(complete));
    expect(throttled).toBeInstanceOf(AutoScalingServiceException);
    expect(throttled).toMatchObject({ name: 'Throttling', $fault: 'client' });
    expect(fixture.account.snapshot().autoScaling.lifecycleActions).toHaveLength(1);
    await fixture.autoScaling.send(complete);
    expect(fixture.account.snapshot().autoScaling.lifecycleActions).toHaveLength(0);

    const limited = await rejection(fixture.ec2.send(new DescribeInstancesCommand({ InstanceIds: [weblogicInstance] })));
    expect(limited).toBeInstanceOf(EC2ServiceException);
    expect(limited.name).toBe('RequestLimitExceeded');
    expect((limited.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(503);
    expect((throttled.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    expect(fixture.account.calls.map((call) => call.error).filter(Boolean)).toEqual(['Throttling', 'RequestLimitExceeded']);
  });

  it("raises a modeled error by its wire code, as the model's class with the model's status", async () => {
    const fixture = sandbox({ faults: [{ service: 'autoscaling', operation: 'DescribeAutoScalingGroups', error: 'ResourceContention', times: 1 }] });
    const contention = await rejection(fixture.autoScaling.send(new DescribeAutoScalingGroupsCommand({})));
    expect(contention).toBeInstanceOf(ResourceContentionFault);
    expect(contention).toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(fixture.account.calls[0]?.error).toBe('ResourceContention');

    const missing = await rejection(fixture.route53.send(new GetHostedZoneCommand({ Id: 'Z0NOSUCHZONE0000001' })));
    expect(missing).toBeInstanceOf(NoSuchHostedZone);
    expect((missing.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(404);
  });

  it('fails PutEvents entry by entry inside a successful answer for the codes EventBridge reports per entry, and publishes nothing', async () => {
    const fixture = sandbox({ faults: [{ service: 'eventbridge', operation: 'PutEvents', error: 'ThrottlingException', times: 1 }] });
    const published: unknown[] = [];
    fixture.account.onEvent((event) => published.push(event));
    const entry = { Source: 'opsflow.test', DetailType: 'Thing Happened', Detail: '{}' };

    const throttled = await fixture.eventBridge.send(new PutEventsCommand({ Entries: [entry, entry] }));
    expect(throttled).toMatchObject({
      FailedEntryCount: 2,
      Entries: [
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'The request failed because it exceeded a throttling quota.' },
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'The request failed because it exceeded a throttling quota.' },
      ],
    });
    expect(published).toEqual([]);

    const accepted = await fixture.eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
    expect(accepted.FailedEntryCount).toBe(0);
    expect(published).toHaveLength(1);
  });

  it("refuses a rule that picks a workflow or a Task state: that is the engine's to apply", () => {
    expect(() => sandbox({ faults: [{ service: 'route53', state: 'ApplyChange', error: 'Throttling' }] })).toThrow(/^faults\.0\.state: a rule that picks a workflow or a Task state is the engine's/);
  });

  it('refuses malformed rules, naming the field', () => {
    expect(() => sandbox({ faults: [{ service: 'sqs', error: 'Throttling' }] })).toThrow(new InvalidSandboxOptions('faults.0.service: sqs is not simulated (one of ec2, autoscaling, route53, eventbridge, securityhub, detective, iam, identitystore, quicksight, opensearch, s3, or es for the domains\' REST API)'));
    expect(() => sandbox({ faults: [{ service: 'route53', operation: 'ChangeRecords', error: 'Throttling' }] })).toThrow(/faults\.0\.operation: route53 has no simulated operation ChangeRecords/);
    expect(() => sandbox({ faults: [{ service: 'route53', error: 'Throttling', fraction: 2 }] })).toThrow(/^faults\.0\.fraction: /);
  });
});
