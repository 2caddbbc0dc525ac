import { AutoScalingServiceException, ResourceContentionFault } from '@aws-sdk/client-auto-scaling';
import { PriorRequestNotComplete } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { createEngine, fakeAccount, region, workflow } from '../../fixtures/engine/harness.ts';

const route53 = workflow('sdk-route53', 'Route53Call');
const autoScaling = workflow('sdk-autoscaling', 'AutoScalingCall');

describe('aws-sdk integrations', () => {
  it('sends the command of that name with the parameters and returns the output without $metadata, dates as ISO strings', async () => {
    const account = fakeAccount();
    account.answers.ChangeResourceRecordSetsCommand = () => ({
      ChangeInfo: { Id: '/change/C0001', Status: 'PENDING', SubmittedAt: new Date('2024-01-02T03:04:05.000Z') },
    });
    const engine = await createEngine({ workflows: [route53], target: account });

    const record = await engine.run('sdk-route53', { zoneId: 'Z0123456789ABCDEFGHIJ' });

    expect(record.status).toBe('SUCCEEDED');
    expect((record.output as { change: unknown }).change).toEqual({
      ChangeInfo: { Id: '/change/C0001', Status: 'PENDING', SubmittedAt: '2024-01-02T03:04:05.000Z' },
    });
    expect(account.calls).toEqual([
      {
        command: 'ChangeResourceRecordSetsCommand',
        client: 'Route53Client',
        input: {
          HostedZoneId: 'Z0123456789ABCDEFGHIJ',
          ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'admin.corp.internal.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.5' }] } }] },
        },
      },
    ]);
  });

  it('names a modeled exception <Service>.<Name>Exception', async () => {
    const account = fakeAccount();
    account.answers.ChangeResourceRecordSetsCommand = () => {
      throw new PriorRequestNotComplete({ message: 'The request was rejected because Route 53 was still processing a prior request.', $metadata: {} });
    };
    const engine = await createEngine({ workflows: [route53], target: account });

    const record = await engine.run('sdk-route53', { zoneId: 'Z0123456789ABCDEFGHIJ' });

    expect((record.output as { failure: unknown }).failure).toEqual({
      Error: 'Route53.PriorRequestNotCompleteException',
      Cause: 'The request was rejected because Route 53 was still processing a prior request.',
    });
    expect(record.states[0]).toMatchObject({ name: 'ChangeRecord', status: 'caught', error: 'Route53.PriorRequestNotCompleteException' });
  });

  it('keeps the Exception suffix a modeled name already has and appends it to a Fault', async () => {
    const account = fakeAccount();
    account.answers.DescribeAutoScalingGroupsCommand = () => {
      throw new ResourceContentionFault({ message: 'busy', $metadata: {} });
    };
    const engine = await createEngine({ workflows: [autoScaling], target: account });

    const record = await engine.run('sdk-autoscaling', { group: 'weblogic-admin' });

    expect((record.output as { failure: { Error: string } }).failure.Error).toBe('AutoScaling.ResourceContentionFaultException');
  });

  it('names an unmodeled service error <Prefix>.<Prefix>Exception', async () => {
    const account = fakeAccount();
    account.answers.DescribeAutoScalingGroupsCommand = () => {
      throw new AutoScalingServiceException({ name: 'ValidationError', $fault: 'client', message: 'Group names are invalid', $metadata: {} });
    };
    const engine = await createEngine({ workflows: [autoScaling], target: account });

    const record = await engine.run('sdk-autoscaling', { group: 'weblogic-admin' });

    expect((record.output as { failure: unknown }).failure).toEqual({ Error: 'AutoScaling.AutoScalingException', Cause: 'Group names are invalid' });
    expect(account.calls[0]?.input).toEqual({ AutoScalingGroupNames: ['weblogic-admin'] });
  });

  it('reports an error that never reached the service as States.TaskFailed', async () => {
    const account = fakeAccount();
    account.answers.DescribeAutoScalingGroupsCommand = () => {
      throw new TypeError('socket hang up');
    };
    const engine = await createEngine({ workflows: [autoScaling], target: account });

    const record = await engine.run('sdk-autoscaling', { group: 'weblogic-admin' });

    expect((record.output as { failure: unknown }).failure).toEqual({ Error: 'States.TaskFailed', Cause: 'socket hang up' });
  });

  it('speaks camelCase to a camelCase client and answers in PascalCase', async () => {
    const account = fakeAccount();
    account.answers.DescribeExecutionCommand = (input) => ({
      executionArn: input.executionArn,
      status: 'SUCCEEDED',
      startDate: new Date('2024-03-04T05:06:07.000Z'),
    });
    const engine = await createEngine({ workflows: [workflow('sdk-sfn', 'SfnCall')], target: account });
    const arn = `arn:aws:states:${region}:123456789012:execution:other:run-1`;

    const record = await engine.run('sdk-sfn', { arn });

    expect(account.calls[0]?.input).toEqual({ executionArn: arn });
    expect(record.output).toEqual({ ExecutionArn: arn, Status: 'SUCCEEDED', StartDate: '2024-03-04T05:06:07.000Z' });
  });

  it("answers DescribeExecution of its own state machines' executions itself, as Step Functions would", async () => {
    const account = fakeAccount();
    const engine = await createEngine({ workflows: [workflow('sdk-sfn', 'SfnCall')], target: account });
    await engine.run('sdk-sfn', { arn: 'arn:aws:states:eu-west-1:123456789012:execution:other:run-1' });
    const own = engine.executions[0]?.executionArn ?? '';

    const record = await engine.run('sdk-sfn', { arn: own });

    expect(record.output).toMatchObject({ ExecutionArn: own, Name: engine.executions[0]?.name, Status: engine.executions[0]?.status, Input: JSON.stringify(engine.executions[0]?.input) });
    expect(account.calls.map((call) => call.input)).toEqual([{ executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:other:run-1' }]);
  });

  it('names an unknown execution of its own state machines ExecutionDoesNotExist', async () => {
    const engine = await createEngine({ workflows: [workflow('sdk-sfn', 'SfnCall')], target: fakeAccount() });
    const missing = `arn:aws:states:${region}:123456789012:execution:opsflow-test-SfnCall:missing`;

    const record = await engine.run('sdk-sfn', { arn: missing });

    expect(record).toMatchObject({ status: 'FAILED', error: 'Sfn.ExecutionDoesNotExistException' });
  });
});
