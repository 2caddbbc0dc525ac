import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deployedStage, executionHistory, executionNamed, workflowOfStateMachine } from '../../../cli/deployed.ts';
import { UsageError } from '../../../cli/errors.ts';

/** What the deployed-stage commands share (cli/deployed.ts), with CloudFormation and Step Functions mocked. */
const cloudFormation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);

afterEach(() => {
  cloudFormation.reset();
  sfn.reset();
});

const ACCOUNT = '210987654321';

describe('executionNamed', () => {
  it('reads an execution ARN, its Region and state machine, without calling AWS', async () => {
    const stage = await deployedStage({});
    const arn = `arn:aws:states:eu-central-1:${ACCOUNT}:execution:opsflow-dev-SearchFailover:failover-1`;

    expect(await executionNamed(arn, stage)).toEqual({
      executionArn: arn,
      region: 'eu-central-1',
      stateMachineArn: `arn:aws:states:eu-central-1:${ACCOUNT}:stateMachine:opsflow-dev-SearchFailover`,
      stateMachineName: 'opsflow-dev-SearchFailover',
      name: 'failover-1',
    });
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it("builds <workflow>/<name> from the stack's state machine in the stage's Region", async () => {
    const machine = `arn:aws:states:eu-central-1:${ACCOUNT}:stateMachine:opsflow-dev-SearchFailover`;
    cloudFormation.on(DescribeStackResourceCommand).resolves({
      StackResourceDetail: { LogicalResourceId: 'SearchFailoverStateMachine', PhysicalResourceId: machine, ResourceType: 'AWS::StepFunctions::StateMachine', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
    });
    const stage = await deployedStage({ region: 'eu-central-1' });

    const named = await executionNamed('search-failover/failover-1', stage);

    expect(named.executionArn).toBe(`arn:aws:states:eu-central-1:${ACCOUNT}:execution:opsflow-dev-SearchFailover:failover-1`);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStackResourceCommand, { StackName: 'opsflow-dev', LogicalResourceId: 'SearchFailoverStateMachine' });
    expect(await cloudFormation.call(0).thisValue.config.region()).toBe('eu-central-1');
  });

  it.each([
    ['failover-1', 'names no execution: give its ARN, or <workflow>/<execution name>'],
    ['search-failover/', 'names no execution'],
    ['/failover-1', 'names no execution'],
    ['nope/failover-1', 'unknown workflow nope'],
    [`arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:opsflow-dev-DnsReconcile`, "is not a Standard workflow execution's ARN"],
    ['arn:aws:states:eu-west-1:12345:execution:m:n', "is not a Standard workflow execution's ARN"],
  ])('refuses %j with one line and calls nothing', async (argument, message) => {
    const stage = await deployedStage({});

    const refused = executionNamed(argument, stage);

    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(message);
    expect(cloudFormation.calls()).toHaveLength(0);
  });
});

describe('workflowOfStateMachine', () => {
  it("knows the stage's state machines by name, and no other stage's", async () => {
    const stage = await deployedStage({});

    expect(workflowOfStateMachine(stage, 'opsflow-dev-DnsReconcile')?.name).toBe('dns-reconcile');
    expect(workflowOfStateMachine(stage, 'opsflow-prod-DnsReconcile')).toBeUndefined();
    expect(workflowOfStateMachine(stage, 'someone-elses-machine')).toBeUndefined();
  });
});

describe('executionHistory', () => {
  it('follows nextToken through every page, with execution data, oldest first', async () => {
    const arn = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:opsflow-dev-DnsReconcile:x`;
    const at = new Date('2026-11-30T02:00:00Z');
    sfn
      .on(GetExecutionHistoryCommand, { nextToken: undefined })
      .resolves({ events: [{ id: 1, previousEventId: 0, timestamp: at, type: 'ExecutionStarted' }], nextToken: 't2' })
      .on(GetExecutionHistoryCommand, { nextToken: 't2' })
      .resolves({ events: [{ id: 2, previousEventId: 1, timestamp: at, type: 'PassStateEntered' }] });

    const events = await executionHistory(new SFNClient({ region: 'eu-west-1' }), arn);

    expect(events.map((event) => event.id)).toEqual([1, 2]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: arn, maxResults: 1000, includeExecutionData: true },
      { executionArn: arn, maxResults: 1000, includeExecutionData: true, nextToken: 't2' },
    ]);
  });
});

describe('a call to an endpoint that accepts connections and never answers', () => {
  it('ends in one line naming the timeout, exit 1, after the SDK retried it, instead of hanging', async () => {
    const { createServer } = await import('node:net');
    const { awsCallTimeouts } = await import('../../../engine/aws-calls.ts');
    const { main } = await import('../../../cli/main.ts');
    const held: import('node:net').Socket[] = [];
    const silent = createServer((socket) => held.push(socket)).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    const saved = { ...awsCallTimeouts };
    sfn.restore();
    vi.stubEnv('AWS_ENDPOINT_URL', `http://127.0.0.1:${port}`);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAOPSFLOWTEST00001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'opsflow-test-secret');
    Object.assign(awsCallTimeouts, { connectionMs: 500, requestMs: 300 });
    try {
      const err: string[] = [];
      const code = await main(['watch', `arn:aws:states:eu-west-1:${ACCOUNT}:execution:opsflow-dev-DnsReconcile:x`], { out: () => {}, err: (line) => err.push(line) });

      expect(code).toBe(1);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^opsflow: states:GetExecutionHistory arn:\S+ failed \((TimeoutError|ETIMEDOUT): [^\n]*300 ms requestTimeout/);
      expect(held.length).toBeGreaterThanOrEqual(3);
    } finally {
      Object.assign(awsCallTimeouts, saved);
      vi.unstubAllEnvs();
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 20_000);
});
