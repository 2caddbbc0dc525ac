import { describe, expect, it } from 'vitest';
import { definitionHash } from '../../../engine/engine.ts';
import { InvalidDefinition, UnknownWorkflow } from '../../../engine/errors.ts';
import type { Trigger } from '../../../workflows/types.ts';
import { createEngine, fakeFunction, loadFixture, workflow } from '../../fixtures/engine/harness.ts';

const echo = fakeFunction(async (event) => event);
const startRequested: Trigger = { kind: 'event', id: 'StartRequested', description: 'someone asked', pattern: { source: ['opsflow.start'] } };
const thingHappened: Trigger = { kind: 'event', id: 'ThingHappened', description: 'a thing happened', pattern: { source: ['opsflow.test'] } };

describe('building only the workflows a caller needs (EngineOptions.build)', () => {
  it('builds the named workflow and the ones its definition starts, and no other', async () => {
    const modules = [workflow('placeholders', 'Placeholders', { substitutions: () => ({ Threshold: 1 }) }), workflow('child', 'ChildMachine'), workflow('invalid-definition', 'Broken')];
    const engine = await createEngine({ workflows: modules, functions: { echo }, build: ['placeholders'] });

    expect(engine.workflowNames()).toEqual(['placeholders', 'child']);
    expect(engine.machineBuilds).toBe(2);
    expect((await engine.run('placeholders', {})).status).toBe('SUCCEEDED');
    expect(() => engine.start('invalid-definition', {})).toThrow(UnknownWorkflow);
  });

  it('refuses a name that is not a workflow', async () => {
    await expect(createEngine({ workflows: [workflow('child', 'ChildMachine')], build: ['nope'] })).rejects.toThrow(UnknownWorkflow);
  });

  it('still routes every workflow, and drops with a warning an event for one it did not build', async () => {
    const emitter = workflow('emitter', 'Emitter', { triggers: [startRequested] });
    const listener = workflow('listener', 'Listener', { triggers: [thingHappened] });
    const engine = await createEngine({ workflows: [emitter, listener], build: ['emitter'] });

    expect(engine.routes({ source: 'opsflow.test' })).toEqual([{ workflow: 'listener', trigger: 'ThingHappened' }]);
    const record = await engine.run('emitter', { detail: { thing: 'disk full' } });

    expect(record.status).toBe('SUCCEEDED');
    expect(engine.executions.map((execution) => execution.workflow)).toEqual(['emitter']);
    expect(engine.warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/^dropped Thing Happened from opsflow\.test \(event id .+\): it would start listener, which this engine did not build$/)]);
  });
});

describe('skipping schema validation of definitions already validated (EngineOptions.validatedDefinitions)', () => {
  const broken = workflow('invalid-definition', 'Broken');

  it('validates a definition it has not seen, and records it once it passed', async () => {
    const validatedDefinitions = new Set<string>();
    await expect(createEngine({ workflows: [broken], validatedDefinitions })).rejects.toThrow(InvalidDefinition);
    expect(validatedDefinitions.size).toBe(0);

    await createEngine({ workflows: [workflow('child', 'ChildMachine')], validatedDefinitions });
    expect([...validatedDefinitions]).toEqual([definitionHash(await loadFixture({ name: 'child' }))]);
  });

  it('builds without the schema validation a definition whose hash is recorded', async () => {
    const validatedDefinitions = new Set([definitionHash(await loadFixture(broken))]);
    const engine = await createEngine({ workflows: [broken], validatedDefinitions });

    expect(engine.workflowNames()).toEqual(['invalid-definition']);
  });
});
