import { describe, expect, it } from 'vitest';
import { ExecutionAlreadyExists, InvalidName, ValidationException } from '../../../engine/errors.ts';
import { accountId, createEngine, deferred, fakeFunction, region, workflow } from '../../fixtures/engine/harness.ts';

/** Execution names as StartExecution takes them: 80 characters, the documented characters, unique per state machine. */

const child = workflow('child', 'ChildMachine');
const parent = workflow('parent-named', 'Parent');
const childArn = (name: string): string => `arn:aws:states:${region}:${accountId}:execution:opsflow-test-ChildMachine:${name}`;

describe('Engine.run and Engine.start', () => {
  it('take a name of 80 characters and refuse 81 with ValidationException, starting nothing', async () => {
    const engine = await createEngine({ workflows: [child] });
    const longest = 'n'.repeat(80);

    expect((await engine.run('child', { n: 1 }, { name: longest })).executionArn).toBe(childArn(longest));
    const tooLong = `${longest}n`;
    await expect(engine.run('child', { n: 1 }, { name: tooLong })).rejects.toThrow(
      new ValidationException(`1 validation error detected: Value '${tooLong}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`),
    );
    expect(engine.executions).toHaveLength(1);
  });

  it('refuse a name with a character Step Functions refuses with InvalidName', async () => {
    const engine = await createEngine({ workflows: [child] });

    await expect(engine.run('child', { n: 1 }, { name: 'nightly run' })).rejects.toThrow(new InvalidName("Invalid Name: 'nightly run'"));
    expect(() => engine.start('child', { n: 1 }, { name: 'a/b' })).toThrow(InvalidName);
    expect(engine.executions).toEqual([]);
  });

  it('return the running execution for the same name and input, and refuse another input or a finished one', async () => {
    const opened = deferred<string>();
    const notify = fakeFunction(async (event) => {
      opened.resolve((event as { token: string }).token);
      return {};
    });
    const engine = await createEngine({ workflows: [workflow('approval', 'Approval')], functions: { notify } });

    const first = engine.start('approval', { change: 'swap' }, { name: 'change-42' });
    const token = await opened.promise;
    const again = engine.start('approval', { change: 'swap' }, { name: 'change-42' });

    expect(again.executionArn).toBe(first.executionArn);
    expect(engine.executions).toHaveLength(1);
    expect(() => engine.start('approval', { change: 'other' }, { name: 'change-42' })).toThrow(
      new ExecutionAlreadyExists(`Execution Already Exists: '${first.executionArn}'`),
    );

    engine.sendTaskSuccess(token, { approved: true });
    expect(await again.done).toBe(await first.done);
    expect(() => engine.start('approval', { change: 'swap' }, { name: 'change-42' })).toThrow(ExecutionAlreadyExists);
    expect(engine.executions).toHaveLength(1);
  });
});

describe('states:startExecution names the same refusals as the integration reports them', () => {
  const causeOf = (message: string, code: string): RegExp =>
    new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Service: AWSStepFunctions; Status Code: 400; Error Code: ${code}; Request ID: [0-9a-f-]{36}; Proxy: null\\)$`);

  it.each([
    ['a name with white space', 'bad name', 'StepFunctions.InvalidNameException', "Invalid Name: 'bad name'", 'InvalidName'],
    [
      'a name of 81 characters',
      'n'.repeat(81),
      'StepFunctions.ValidationException',
      `1 validation error detected: Value '${'n'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
      'ValidationException',
    ],
  ])('%s', async (_what, name, error, message, code) => {
    const engine = await createEngine({ workflows: [parent, child] });

    const record = await engine.run('parent-named', { name, input: '{"n": 2}' });

    expect(record.status).toBe('SUCCEEDED');
    const caught = (record.output as { caught: { Error: string; Cause: string } }).caught;
    expect(caught.Error).toBe(error);
    expect(caught.Cause).toMatch(causeOf(message, code));
    expect(engine.executions.map((execution) => execution.workflow)).toEqual(['parent-named']);
  });

  it('a name already used by a finished child', async () => {
    const engine = await createEngine({ workflows: [parent, child] });
    await engine.run('child', { n: 1 }, { name: 'nightly' });

    const record = await engine.run('parent-named', { name: 'nightly', input: '{"n": 1}' });

    const caught = (record.output as { caught: { Error: string; Cause: string } }).caught;
    expect(caught.Error).toBe('StepFunctions.ExecutionAlreadyExistsException');
    expect(caught.Cause).toMatch(causeOf(`Execution Already Exists: '${childArn('nightly')}'`, 'ExecutionAlreadyExists'));
  });
});
