import { AutoScalingServiceException, ResourceContentionFault } from '@aws-sdk/client-auto-scaling';
import { PriorRequestNotComplete, Route53ServiceException } from '@aws-sdk/client-route-53';
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

  it('names a modeled exception <Service>.<Code>Exception, its Cause the message, service, status and request id as Step Functions writes it', async () => {
    const account = fakeAccount();
    account.answers.ChangeResourceRecordSetsCommand = () => {
      throw new PriorRequestNotComplete({
        message: 'The request was rejected because Route 53 was still processing a prior request.',
        $metadata: { httpStatusCode: 400, requestId: 'b7d1e6c2-0f3a-4d5e-9a8b-1c2d3e4f5a6b' },
      });
    };
    const engine = await createEngine({ workflows: [route53], target: account });

    const record = await engine.run('sdk-route53', { zoneId: 'Z0123456789ABCDEFGHIJ' });

    expect((record.output as { failure: unknown }).failure).toEqual({
      Error: 'Route53.PriorRequestNotCompleteException',
      Cause:
        'The request was rejected because Route 53 was still processing a prior request. (Service: Route53, Status Code: 400, Request ID: b7d1e6c2-0f3a-4d5e-9a8b-1c2d3e4f5a6b)',
    });
    expect(record.states[0]).toMatchObject({ name: 'ChangeRecord', status: 'caught', error: 'Route53.PriorRequestNotCompleteException' });
  });

  it("names an awsQuery service's modeled error by its wire code, not its SDK class: ResourceContentionFault is AutoScaling.ResourceContentionException", async () => {
    const account = fakeAccount();
    account.answers.DescribeAutoScalingGroupsCommand = () => {
      throw new ResourceContentionFault({ message: 'busy', $metadata: { httpStatusCode: 500, requestId: 'r-1' } });
    };
    const engine = await createEngine({ workflows: [autoScaling], target: account });

    const record = await engine.run('sdk-autoscaling', { group: 'weblogic-admin' });

    expect((record.output as { failure: unknown }).failure).toEqual({
      Error: 'AutoScaling.ResourceContentionException',
      Cause: 'busy (Service: AutoScaling, Status Code: 500, Request ID: r-1)',
    });
  });

  it('names an unmodeled service error <Prefix>.<Prefix>Exception', async () => {
    const account = fakeAccount();
    account.answers.DescribeAutoScalingGroupsCommand = () => {
      throw new AutoScalingServiceException({ name: 'ValidationError', $fault: 'client', message: 'Group names are invalid', $metadata: { httpStatusCode: 400, requestId: 'r-2' } });
    };
    const engine = await createEngine({ workflows: [autoScaling], target: account });

    const record = await engine.run('sdk-autoscaling', { group: 'weblogic-admin' });

    expect((record.output as { failure: unknown }).failure).toEqual({
      Error: 'AutoScaling.AutoScalingException',
      Cause: 'Group names are invalid (Service: AutoScaling, Status Code: 400, Request ID: r-2)',
    });
    expect(account.calls[0]?.input).toEqual({ AutoScalingGroupNames: ['weblogic-admin'] });
  });

  it("names Route 53's throttling by its real code, Throttling, which the model does not know: Route53.Route53Exception", async () => {
    const account = fakeAccount();
    account.answers.ChangeResourceRecordSetsCommand = () => {
      throw new Route53ServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode: 400, requestId: 'r-3' } });
    };
    const engine = await createEngine({ workflows: [route53], target: account });

    const record = await engine.run('sdk-route53', { zoneId: 'Z0123456789ABCDEFGHIJ' });

    expect((record.output as { failure: unknown }).failure).toEqual({
      Error: 'Route53.Route53Exception',
      Cause: 'Rate exceeded (Service: Route53, Status Code: 400, Request ID: r-3)',
    });
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
    expect(record.cause).toMatch(new RegExp(`^Execution Does Not Exist: '${missing}' \\(Service: Sfn, Status Code: 400, Request ID: [0-9a-f-]{36}\\)$`));
  });
});
