import { describe, expect, it } from 'vitest';
import {
  DuplicateTaskState,
  ExecutionAlreadyExists,
  InvalidDefinition,
  UnknownFunction,
  UnknownWorkflow,
  UnresolvedPlaceholder,
  UnsupportedTaskResource,
} from '../../../engine/errors.ts';
import { accountId, createEngine, fakeFunction, region, workflow } from '../../fixtures/engine/harness.ts';

const echo = fakeFunction(async (event) => event);

describe('building the engine', () => {
  it.each([
    ['unsupported-resource', UnsupportedTaskResource, /state Enqueue: no local bridge for this resource \(Resource arn:aws:states:::sqs:sendMessage\)/],
    ['sdk-unknown-service', UnsupportedTaskResource, /state Call: no local bridge for the AWS SDK service 'dynamodb'/],
    ['sdk-unknown-action', UnsupportedTaskResource, /state Call: @aws-sdk\/client-route-53 has no TeleportRecordCommand/],
    ['unresolved-placeholder', UnresolvedPlaceholder, /unresolved-placeholder: nothing resolves the placeholder \$\{MissingTableName\}/],
    ['unknown-function', UnknownFunction, /state Call: no registry function is deployed as opsflow-test-ghost/],
    ['duplicate-task', DuplicateTaskState, /two Task states are named Call/],
    ['invalid-definition', InvalidDefinition, /invalid-definition: State machine definition is invalid/],
  ])('refuses %s with a named error', async (name, errorClass, message) => {
    const build = createEngine({ workflows: [workflow(name, 'Broken')], functions: { echo } });

    await expect(build).rejects.toThrow(errorClass);
    await expect(build).rejects.toThrow(message);
  });

  it('substitutes function and state machine ARNs, pseudo-parameters and the workflow substitutions', async () => {
    const placeholders = workflow('placeholders', 'Placeholders', { substitutions: () => ({ Threshold: 42 }) });
    const engine = await createEngine({ workflows: [placeholders, workflow('child', 'ChildMachine')], functions: { echo } });

    const record = await engine.run('placeholders', {});

    expect(record.output).toEqual({
      region,
      account: accountId,
      stage: 'test',
      partition: 'aws',
      function: `arn:aws:lambda:${region}:${accountId}:function:opsflow-test-echo`,
      machine: `arn:aws:states:${region}:${accountId}:stateMachine:opsflow-test-ChildMachine`,
      custom: 42,
      embedded: `opsflow-test-${region}`,
    });
  });

  it('names the workflows, refuses an unknown one and a reused execution name', async () => {
    const engine = await createEngine({ workflows: [workflow('child', 'ChildMachine'), workflow('scheduled', 'Scheduled')] });

    expect(engine.workflowNames()).toEqual(['child', 'scheduled']);
    await expect(engine.run('nope', {})).rejects.toThrow(UnknownWorkflow);
    await engine.run('scheduled', {}, { name: 'once' });
    await expect(engine.run('scheduled', {}, { name: 'once' })).rejects.toThrow(ExecutionAlreadyExists);
  });
});
