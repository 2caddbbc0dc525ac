import { describe, expect, it } from 'vitest';
import { unsupportedConstructs } from '../../../engine/asl.ts';
import { UnsupportedConstruct } from '../../../engine/errors.ts';
import type { JsonObject, JsonValue } from '../../../workflows/types.ts';
import { createEngine, fakeFunction, workflow } from '../../fixtures/engine/harness.ts';

/** What aws-local-stepfunctions cannot run is refused with one line; what it runs differently is rewritten. */

const subject = workflow('constructs', 'Constructs');

const task = (extra: JsonObject): JsonObject => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::aws-sdk:route53:getChange',
  Parameters: { Id: 'C1' },
  TimeoutSeconds: 30,
  End: true,
  ...extra,
});
const inlineMap = (extra: JsonObject, processor: JsonObject = {}): JsonObject => ({
  Type: 'Map',
  ItemProcessor: { ...processor, StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } },
  End: true,
  ...extra,
});
const machine = (state: JsonObject): JsonValue => ({ StartAt: 'Subject', States: { Subject: state } });

const distributed = 'a Distributed Map field; the local engine runs Inline Map states only';

describe('constructs the local engine refuses to build', () => {
  it.each<[string, JsonObject, string]>([
    ['Assign', { Type: 'Pass', Assign: { total: 1 }, End: true }, 'Assign (workflow variables) is not run by the local engine (aws-local-stepfunctions 3.x has no variables)'],
    ['Output', { Type: 'Pass', Output: { a: 1 }, End: true }, 'Output is a JSONata field, and the local engine runs JSONPath only'],
    ['Arguments', task({ Arguments: { Id: 'C1' } }), 'Arguments is a JSONata field, and the local engine runs JSONPath only'],
    ['Credentials', task({ Credentials: { RoleArn: 'arn:aws:iam::123456789012:role/other' } }), 'Credentials (a Task that assumes another role) is not run by the local engine'],
    ['HeartbeatSecondsPath', task({ HeartbeatSecondsPath: '$.beat' }), 'HeartbeatSecondsPath is not run by the local engine; write HeartbeatSeconds'],
    ['ItemReader', inlineMap({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } } }), `ItemReader is ${distributed}`],
    ['ItemBatcher', inlineMap({ ItemBatcher: { MaxItemsPerBatch: 10 } }), `ItemBatcher is ${distributed}`],
    ['ResultWriter', inlineMap({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' } } }), `ResultWriter is ${distributed}`],
    ['ToleratedFailureCount', inlineMap({ ToleratedFailureCount: 1 }), `ToleratedFailureCount is ${distributed}`],
    ['ToleratedFailurePercentage', inlineMap({ ToleratedFailurePercentage: 5 }), `ToleratedFailurePercentage is ${distributed}`],
    ['Label', inlineMap({ Label: 'batch' }), `Label is ${distributed}`],
    [
      'a Distributed Map',
      inlineMap({}, { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' } }),
      'a Distributed Map (ProcessorConfig Mode DISTRIBUTED) is not run by the local engine; write an Inline Map',
    ],
    [
      'Assign in a Catch',
      task({ Catch: [{ ErrorEquals: ['States.ALL'], Assign: { failed: true }, Next: 'Subject' }] }),
      'Assign (workflow variables) is not run by the local engine (aws-local-stepfunctions 3.x has no variables)',
    ],
    [
      'Condition in a Choice rule',
      { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'Subject' }], Default: 'Subject' },
      'Condition is a JSONata field, and the local engine runs JSONPath only',
    ],
  ])('%s', async (_construct, state, message) => {
    const build = createEngine({ workflows: [subject], loadDefinition: async () => machine(state) });

    await expect(build).rejects.toThrow(new UnsupportedConstruct(`constructs: state Subject: ${message}`));
  });

  it('lists every use, nested machines included, for opsflow validate', () => {
    const definition = machine({
      Type: 'Parallel',
      Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Pass', Assign: { x: 1 }, End: true } } }],
      Assign: { y: 2 },
      End: true,
    });

    expect(unsupportedConstructs(definition)).toEqual([
      { state: 'Subject', message: 'Assign (workflow variables) is not run by the local engine (aws-local-stepfunctions 3.x has no variables)' },
      { state: 'Inner', message: 'Assign (workflow variables) is not run by the local engine (aws-local-stepfunctions 3.x has no variables)' },
    ]);
  });

  it('reads $$.Map.Item.Key in paths, not in a Comment that mentions it', () => {
    expect(unsupportedConstructs(machine(inlineMap({ Comment: 'no $$.Map.Item.Key here: Inline Maps have none' })))).toEqual([]);
    expect(unsupportedConstructs(machine(inlineMap({ ItemSelector: { 'key.$': '$$.Map.Item.Key' } })))).toEqual([
      { state: 'Subject', message: '$$.Map.Item.Key exists only in a Distributed Map, which the local engine does not run' },
    ]);
  });

  it('builds an Inline Map with ProcessorConfig Mode INLINE', async () => {
    const engine = await createEngine({ workflows: [subject], loadDefinition: async () => machine(inlineMap({}, { ProcessorConfig: { Mode: 'INLINE' } })) });

    expect(await engine.run('constructs', [1, 2])).toMatchObject({ status: 'SUCCEEDED', output: [1, 2] });
  });
});

describe('ResultPath "$"', () => {
  const engineWith = () =>
    createEngine({
      workflows: [workflow('result-path-root', 'ResultPathRoot')],
      functions: {
        echo: fakeFunction(async (event) => {
          if ((event as { work: { kept: boolean } }).work.kept) throw new Refused('kept');
          return event;
        }),
      },
    });

  it('replaces the whole input with the result, on a Pass and on a Task, as Step Functions does (the executor would write it under a key "$")', async () => {
    const record = await (await engineWith()).run('result-path-root', { input: 'gone' });

    expect(record).toMatchObject({ status: 'SUCCEEDED', output: { echoed: { work: { kept: false } } } });
  });

  it("replaces the whole input with a Catcher's error output", async () => {
    const engine = await createEngine({
      workflows: [workflow('result-path-root', 'ResultPathRoot')],
      functions: { echo: fakeFunction(async () => Promise.reject(new Refused('refused'))) },
    });

    const record = await engine.run('result-path-root', { input: 'gone' });

    expect(record).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'Refused' } });
    expect(Object.keys(record.output as object).sort()).toEqual(['Cause', 'Error']);
  });
});

class Refused extends Error {
  override readonly name = 'Refused';
}

describe('a Pass state Result', () => {
  it('outputs false, 0, "" and null as Step Functions does (the executor would output its input)', async () => {
    const engine = await createEngine({ workflows: [workflow('pass-results', 'PassResults')] });

    const record = await engine.run('pass-results', { kept: true });

    expect(record.output).toEqual({ kept: true, false: false, zero: 0, empty: '', null: null });
  });

  it('replaces the whole input when it has no ResultPath', async () => {
    const engine = await createEngine({ workflows: [workflow('pass-results', 'PassResults')] });

    expect((await engine.run('pass-results', { replace: { anything: 1 } })).output).toBe(0);
  });
});
