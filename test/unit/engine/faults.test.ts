import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/engine.ts';
import type { FaultRule } from '../../../engine/faults.ts';
import { InvalidSandboxOptions } from '../../../engine/sandbox/index.ts';
import { createEngine, fakeAccount, fakeFunction, workflow } from '../../fixtures/engine/harness.ts';

const sites = workflow('fault-sites', 'FaultSites');
const child = workflow('child', 'ChildMachine');
const requestId = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

async function engineWith(faults: FaultRule[] = []): Promise<{ engine: Engine; account: ReturnType<typeof fakeAccount> }> {
  const account = fakeAccount();
  account.answers.ChangeResourceRecordSetsCommand = () => ({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
  const engine = await createEngine({
    workflows: [sites, child],
    target: account,
    functions: { echo: fakeFunction(async (event) => event) },
    faults,
  });
  return { engine, account };
}

type Failure = { Error: string; Cause: string } | undefined;

async function run(engine: Engine): Promise<Record<string, Failure> & Record<string, unknown>> {
  const record = await engine.run('fault-sites', {});
  expect(record.status).toBe('SUCCEEDED');
  return record.output as Record<string, Failure> & Record<string, unknown>;
}

describe('engine fault injection: every kind of Task the engine bridges fails as its integration would', () => {
  it('runs every Task when no rule fires', async () => {
    const { engine, account } = await engineWith();
    const output = await run(engine);
    expect(output).toMatchObject({ child: { status: 'SUCCEEDED' }, described: { status: 'RUNNING' }, change: { id: '/change/C1' } });
    expect(Object.keys(output).filter((key) => key.endsWith('Error'))).toEqual([]);
    expect(account.published).toHaveLength(1);
  });

  it("fails a Lambda invoke with Lambda's own modeled error and a Java SDK v1 Cause", async () => {
    const { engine } = await engineWith([{ service: 'lambda', operation: 'Invoke', error: 'TooManyRequestsException', times: 1 }]);
    const output = await run(engine);
    expect(output.invokeError?.Error).toBe('Lambda.TooManyRequestsException');
    expect(output.invokeError?.Cause).toMatch(
      new RegExp(`^Too Many Requests \\(Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: ${requestId}; Proxy: null\\)$`),
    );
    expect(output.invoked).toBeUndefined();
  });

  it('names a Lambda error its model does not know Lambda.AWSLambdaException, and the documented client-side ones by their own names', async () => {
    const { engine } = await engineWith([
      { service: 'lambda', error: 'InternalFailure', nth: [1] },
      { service: 'lambda', error: 'SdkClientException', nth: [2] },
    ]);
    expect((await run(engine)).invokeError?.Error).toBe('Lambda.AWSLambdaException');
    expect((await run(engine)).invokeError?.Error).toBe('Lambda.SdkClientException');
    expect((await run(engine)).invokeError).toBeUndefined();
  });

  it('fails a child execution before it starts, named as the optimized Step Functions integration names it', async () => {
    const { engine } = await engineWith([{ service: 'sfn', operation: 'StartExecution', error: 'ThrottlingException' }]);
    const output = await run(engine);
    expect(output.childError?.Error).toBe('StepFunctions.AWSStepFunctionsException');
    expect(output.childError?.Cause).toContain('(Service: AWSStepFunctions; Status Code: 400; Error Code: ThrottlingException;');
    expect(engine.executions.filter((execution) => execution.workflow === 'child')).toEqual([]);
  });

  it("fails the engine's own DescribeExecution as the aws-sdk integration would (Java SDK v2 Cause)", async () => {
    const { engine } = await engineWith([{ service: 'sfn', operation: 'DescribeExecution', error: 'ThrottlingException' }]);
    const output = await run(engine);
    expect(output.describeError?.Error).toBe('Sfn.SfnException');
    expect(output.describeError?.Cause).toMatch(new RegExp(`^Rate exceeded \\(Service: Sfn, Status Code: 400, Request ID: ${requestId}\\)$`));
  });

  it('fails a PutEvents entry by entry, inside a successful answer, which the integration reports as EventBridge.FailedEntry', async () => {
    const { engine, account } = await engineWith([{ service: 'eventbridge', state: 'Announce', error: 'ThrottlingException' }]);
    const output = await run(engine);
    expect(output.announceError?.Error).toBe('EventBridge.FailedEntry');
    expect(JSON.parse(output.announceError?.Cause ?? '{}')).toEqual({
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'The request failed because it exceeded a throttling quota.' }],
      FailedEntryCount: 1,
    });
    expect(account.published).toEqual([]);
  });

  it('fails any Task picked by workflow and state, with the service error as its model names it, before the call is sent', async () => {
    const { engine, account } = await engineWith([
      { service: 'route53', workflow: 'fault-sites', state: 'ChangeRecord', error: 'Throttling', nth: [1] },
      { service: 'route53', state: 'ChangeRecord', error: 'PriorRequestNotComplete', nth: [2] },
    ]);
    const first = await run(engine);
    expect(first.changeError).toEqual({
      Error: 'Route53.Route53Exception',
      Cause: expect.stringMatching(new RegExp(`^Rate exceeded \\(Service: Route53, Status Code: 400, Request ID: ${requestId}\\)$`)) as unknown as string,
    });
    expect((await run(engine)).changeError?.Error).toBe('Route53.PriorRequestNotCompleteException');
    expect((await run(engine)).changeError).toBeUndefined();
    expect(account.calls.filter((call) => call.command === 'ChangeResourceRecordSetsCommand')).toHaveLength(1);
  });

  it('stops failing once the rules are cleared', async () => {
    const { engine } = await engineWith([{ service: 'lambda', error: 'ServiceException' }]);
    expect((await run(engine)).invokeError?.Error).toBe('Lambda.ServiceException');
    engine.clearFaults();
    expect((await run(engine)).invokeError).toBeUndefined();
  });

  it('refuses a rule that cannot fire, naming the field', async () => {
    const { engine } = await engineWith();
    const refused = (rule: FaultRule): string => {
      try {
        engine.injectFault(rule);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidSandboxOptions);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ service: 'route53', error: 'Throttling' })).toMatch(/^fault\.service: the engine answers lambda, sfn itself; a rule for route53 goes to the sandbox/);
    expect(refused({ service: 'sfn', operation: 'StopExecution', error: 'ThrottlingException' })).toMatch(/^fault\.operation: the engine answers sfn StartExecution, DescribeExecution, ListExecutions, not StopExecution/);
    expect(refused({ service: 'route53', state: 'ChangeRecrod', error: 'Throttling' })).toBe('fault.state: no Task state named ChangeRecrod');
    expect(refused({ service: 'ec2', state: 'ChangeRecord', error: 'RequestLimitExceeded' })).toBe(
      'fault.service: those Task states call route53 ChangeResourceRecordSets, not ec2',
    );
    expect(refused({ service: 'lambda', workflow: 'nope', error: 'ServiceException' })).toBe('fault.workflow: no workflow named nope');
    expect(refused({ service: 'lambda', error: 'ServiceException', times: -1 })).toMatch(/^fault\.times: /);
  });

  it("takes a rule for a workflow this engine does not build (another command's, another Region's), which never fires; an unknown one is still refused", async () => {
    const account = fakeAccount();
    const engine = await createEngine({ workflows: [sites, child], build: ['child'], target: account, functions: { echo: fakeFunction(async (event) => event) } });

    expect(() => engine.injectFault({ service: 'lambda', workflow: 'fault-sites', state: 'Invoke', error: 'ServiceException' })).not.toThrow();
    expect(() => engine.injectFault({ service: 'lambda', workflow: 'instance-dns', state: 'PlanDnsChange', error: 'TooManyRequestsException' })).not.toThrow();
    expect(() => engine.injectFault({ service: 'lambda', workflow: 'nope', error: 'ServiceException' })).toThrow('fault.workflow: no workflow named nope');
    expect((await engine.run('child', { n: 1, fail: false })).status).toBe('SUCCEEDED');
  });
});
