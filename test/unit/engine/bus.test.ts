import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { UnknownTrigger } from '../../../engine/errors.ts';
import { maxEventHops } from '../../../engine/bus.ts';
import type { Trigger } from '../../../workflows/types.ts';
import { accountId, createEngine, fakeAccount, region, workflow } from '../../fixtures/engine/harness.ts';

const thingHappened: Trigger = {
  kind: 'event',
  id: 'ThingHappened',
  description: 'a thing happened',
  pattern: { source: ['opsflow.test'], 'detail-type': ['Thing Happened'] },
};
const startRequested: Trigger = {
  kind: 'event',
  id: 'StartRequested',
  description: 'someone asked',
  pattern: { source: ['opsflow.start'] },
};
const nightly: Trigger = {
  kind: 'schedule',
  id: 'Nightly',
  description: 'every night',
  schedule: 'cron(0 2 * * ? *)',
  input: { mode: 'sweep', dryRun: true },
  enabled: true,
};
const paused: Trigger = { ...nightly, id: 'Paused', input: { mode: 'paused' }, enabled: false };

const emitter = workflow('emitter', 'Emitter', { triggers: [startRequested] });
const listener = workflow('listener', 'Listener', { triggers: [thingHappened] });
const scheduled = workflow('scheduled', 'Scheduled', { triggers: [nightly, paused] });

function busEvent(source: string, detailType: string, detail: unknown, resources: string[] = []) {
  return { version: '0', id: `event-${source}`, 'detail-type': detailType, source, account: accountId, time: '2024-01-01T00:00:00Z', region, resources, detail };
}

describe('the local bus', () => {
  it('routes an event a task puts to the workflow whose rule matches, and run() waits for it', async () => {
    const account = fakeAccount();
    const engine = await createEngine({ workflows: [emitter, listener], target: account });

    const record = await engine.run('emitter', { detail: { thing: 'disk full' } });

    expect((record.output as { put: unknown }).put).toEqual({ Entries: [{ EventId: account.published[0]?.id }], FailedEntryCount: 0 });
    const heard = engine.executions.find((execution) => execution.workflow === 'listener');
    expect(heard).toMatchObject({ status: 'SUCCEEDED', output: { thing: 'disk full' }, triggeredBy: { trigger: 'ThingHappened', eventId: account.published[0]?.id } });
    // The task's Detail was serialized, and Step Functions appended its machine and execution to Resources.
    expect(account.calls[0]?.input).toEqual({
      Entries: [
        {
          Source: 'opsflow.test',
          DetailType: 'Thing Happened',
          Detail: JSON.stringify({ thing: 'disk full' }),
          Resources: [record.stateMachineArn, record.executionArn],
        },
      ],
    });
  });

  it('send() starts every matching workflow and returns all executions the event caused', async () => {
    const engine = await createEngine({ workflows: [emitter, listener] });

    const records = await engine.send(busEvent('opsflow.start', 'Start', { thing: 'fan failure' }));

    expect(records.map((record) => [record.workflow, record.status])).toEqual([
      ['emitter', 'SUCCEEDED'],
      ['listener', 'SUCCEEDED'],
    ]);
    expect(records[0]?.input).toMatchObject({ source: 'opsflow.start', detail: { thing: 'fan failure' } });
    expect(records[0]?.triggeredBy).toEqual({ trigger: 'StartRequested', eventId: 'event-opsflow.start' });
    expect(records[1]?.output).toEqual({ thing: 'fan failure' });
  });

  it('sends nothing anywhere for an event no rule matches', async () => {
    const engine = await createEngine({ workflows: [emitter, listener] });

    expect(engine.routes(busEvent('aws.ec2', 'EC2 Instance State-change Notification', {}))).toEqual([]);
    expect(await engine.send(busEvent('aws.ec2', 'EC2 Instance State-change Notification', {}))).toEqual([]);
    expect(engine.executions).toEqual([]);
  });

  it('cuts an event loop after the hop bound and records a warning', async () => {
    const looping: Trigger = { kind: 'event', id: 'Loop', description: 'itself', pattern: { source: ['opsflow.loop'] } };
    const engine = await createEngine({ workflows: [workflow('looper', 'Looper', { triggers: [looping] })] });

    await engine.run('looper', {});

    expect(engine.executions).toHaveLength(maxEventHops + 1);
    expect(engine.executions.every((execution) => execution.status === 'SUCCEEDED')).toBe(true);
    expect(engine.warnings).toHaveLength(1);
    expect(engine.warnings[0]?.message).toContain(`exceed the bound of ${maxEventHops}`);
    expect(engine.warnings[0]?.message).toContain('looper/Loop');
  });

  it('routes the Scheduled Event of an enabled schedule rule, and runs a schedule with its input', async () => {
    const engine = await createEngine({ workflows: [scheduled, listener] });
    const ruleArn = (trigger: string) => `arn:aws:events:${region}:${accountId}:rule/opsflow-test-scheduled-${trigger}`;

    expect(engine.routes(busEvent('aws.events', 'Scheduled Event', {}, [ruleArn('Nightly')]))).toEqual([{ workflow: 'scheduled', trigger: 'Nightly' }]);
    expect(engine.routes(busEvent('aws.events', 'Scheduled Event', {}, [ruleArn('Paused')]))).toEqual([]);
    expect(engine.routes(busEvent('opsflow.test', 'Thing Happened', {}))).toEqual([{ workflow: 'listener', trigger: 'ThingHappened' }]);

    const [fromEvent] = await engine.send(busEvent('aws.events', 'Scheduled Event', {}, [ruleArn('Nightly')]));
    expect(fromEvent?.input).toEqual({ mode: 'sweep', dryRun: true });

    const record = await engine.runSchedule('scheduled', 'Paused');
    expect(record).toMatchObject({ status: 'SUCCEEDED', input: { mode: 'paused' }, triggeredBy: { trigger: 'Paused' } });
    expect((await engine.runSchedule('scheduled')).input).toEqual({ mode: 'sweep', dryRun: true });
    await expect(engine.runSchedule('listener')).rejects.toThrow(UnknownTrigger);
  });

  it('starts the workflows of an event the account emits on its own, and idle() waits for them', async () => {
    const account = fakeAccount();
    const engine = await createEngine({ workflows: [emitter, listener], target: account });
    const client = new EventBridgeClient({ region });
    for (const plugin of account.sdkPlugins) client.middlewareStack.use(plugin);

    await client.send(new PutEventsCommand({ Entries: [{ Source: 'opsflow.test', DetailType: 'Thing Happened', Detail: JSON.stringify({ thing: 'outside' }) }] }));
    await engine.idle();

    expect(engine.executions.map(({ workflow, status, output }) => ({ workflow, status, output }))).toEqual([
      { workflow: 'listener', status: 'SUCCEEDED', output: { thing: 'outside' } },
    ]);
  });
});
