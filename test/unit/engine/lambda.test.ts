import { describe, expect, it } from 'vitest';
import { InvalidInput, OpsflowError } from '../../../handlers/shared/errors.ts';
import { currentRuntime } from '../../../handlers/shared/runtime.ts';
import { accountId, createEngine, fakeFunction, region, testConfig, workflow } from '../../fixtures/engine/harness.ts';

class Throttled extends OpsflowError {
  override readonly name = 'Throttled';
}

/** Fails with Throttled `throttles` times per execution, then refuses or answers. */
function flakyFunction() {
  const calls = new Map<string, number>();
  return fakeFunction(async (event) => {
    const input = event as { id: string; throttles: number; refuse?: boolean };
    const count = (calls.get(input.id) ?? 0) + 1;
    calls.set(input.id, count);
    if (count <= input.throttles) throw new Throttled(`slow down (call ${count})`);
    if (input.refuse) throw new InvalidInput('group: must name a known Auto Scaling group');
    return { calls: count };
  });
}

describe('lambda:invoke', () => {
  it('returns the function result in the envelope Step Functions gives, after a JSON round trip', async () => {
    const echo = fakeFunction(
      async (event, context) => ({
        event,
        at: new Date('2024-05-06T07:08:09.000Z'),
        dropped: undefined,
        context: {
          functionName: context.functionName,
          functionVersion: context.functionVersion,
          invokedFunctionArn: context.invokedFunctionArn,
          memoryLimitInMB: context.memoryLimitInMB,
          remainingPositive: context.getRemainingTimeInMillis() > 0,
          logGroupName: context.logGroupName,
        },
        runtimeRegion: currentRuntime().region,
        runtimeConfigRegion: currentRuntime().config.region,
      }),
      { memorySize: 256 },
    );
    const engine = await createEngine({ workflows: [workflow('lambda-envelope', 'Envelope')], functions: { echo } });

    const record = await engine.run('lambda-envelope', { hello: 'world' });

    expect(record.status).toBe('SUCCEEDED');
    const output = record.output as Record<string, unknown>;
    expect(output).toMatchObject({ ExecutedVersion: '$LATEST', StatusCode: 200, SdkHttpMetadata: { HttpStatusCode: 200 } });
    expect(output.SdkResponseMetadata).toEqual({ RequestId: expect.any(String) });
    const functionName = 'opsflow-test-echo';
    expect(output.Payload).toEqual({
      event: { hello: 'world' },
      at: '2024-05-06T07:08:09.000Z',
      context: {
        functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
        memoryLimitInMB: '256',
        remainingPositive: true,
        logGroupName: `/aws/lambda/${functionName}`,
      },
      runtimeRegion: region,
      runtimeConfigRegion: testConfig.region,
    });
  });

  it('retries a thrown error by its name, then catches the next one, the intervals waited on the simulated clock', async () => {
    const engine = await createEngine({ workflows: [workflow('lambda-retry-catch', 'RetryCatch')], functions: { flaky: flakyFunction() } });

    const record = await engine.run('lambda-retry-catch', { id: 'a', throttles: 2, refuse: true });

    expect(record.status).toBe('SUCCEEDED');
    const failure = (record.output as { failure: { Error: string; Cause: string } }).failure;
    expect(failure.Error).toBe('InvalidInput');
    const cause = JSON.parse(failure.Cause) as Record<string, unknown>;
    expect(Object.keys(cause)).toEqual(['errorMessage', 'errorType', 'trace']);
    expect(cause).toMatchObject({ errorMessage: 'group: must name a known Auto Scaling group', errorType: 'InvalidInput' });
    expect(cause.trace).toEqual(expect.arrayContaining([expect.stringContaining('InvalidInput: group: must name')]));

    expect(record.states.map(({ name, status, retries, error }) => ({ name, status, retries, error }))).toEqual([
      { name: 'CallFlaky', status: 'caught', retries: 2, error: 'InvalidInput' },
      { name: 'Refused', status: 'succeeded', retries: 0, error: undefined },
    ]);
    // Two states entered plus two retries, which waited 600 s then 1200 s.
    expect(record.transitions).toBe(4);
    expect(record.simulatedSeconds).toBe(1800);
  });

  it('fails the execution with the error name once the retries are exhausted', async () => {
    const engine = await createEngine({ workflows: [workflow('lambda-retry-catch', 'RetryCatch')], functions: { flaky: flakyFunction() } });

    const record = await engine.run('lambda-retry-catch', { id: 'b', throttles: 10 });

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('Throttled');
    expect(JSON.parse(record.cause ?? '{}')).toMatchObject({ errorType: 'Throttled', errorMessage: 'slow down (call 4)' });
    expect(record.states[0]).toMatchObject({ name: 'CallFlaky', status: 'failed', retries: 3 });
    expect(record.simulatedSeconds).toBe(600 + 1200 + 2400);
  });

  it('passes the result through unchanged when it succeeds on a later attempt', async () => {
    const engine = await createEngine({ workflows: [workflow('lambda-retry-catch', 'RetryCatch')], functions: { flaky: flakyFunction() } });

    const record = await engine.run('lambda-retry-catch', { id: 'c', throttles: 1 });

    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ id: 'c', throttles: 1, result: { value: { calls: 2 } } });
    expect(record.states.map((state) => state.name)).toEqual(['CallFlaky', 'Done']);
  });

  it('returns the bare function output for a function ARN as Resource', async () => {
    const echo = fakeFunction(async (event) => ({ echoed: event }));
    const engine = await createEngine({ workflows: [workflow('lambda-legacy', 'Legacy')], functions: { echo } });

    const record = await engine.run('lambda-legacy', { n: 1 });

    expect(record.output).toEqual({ echoed: { n: 1 } });
  });

  it('times a function out after its configured timeout as Sandbox.Timedout', async () => {
    const never = fakeFunction(() => new Promise(() => undefined), { timeoutSeconds: 1 });
    const engine = await createEngine({ workflows: [workflow('lambda-legacy', 'Legacy')], functions: { echo: never } });

    const record = await engine.run('lambda-legacy', {});

    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('Sandbox.Timedout');
    expect(JSON.parse(record.cause ?? '{}').errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
  });
});
