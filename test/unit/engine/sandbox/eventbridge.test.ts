import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent, EventDelivery } from '../../../../engine/sandbox/index.ts';
import { rejection, sandbox } from './sandbox-clients.ts';

function listening(options = {}) {
  const fixture = sandbox(options);
  const heard: { event: EventBridgeEvent; delivery: EventDelivery }[] = [];
  fixture.account.onEvent((event, delivery) => heard.push({ event, delivery }));
  return { ...fixture, heard };
}

describe('EventBridge PutEvents', () => {
  it('delivers each entry to listeners as an EventBridge envelope', async () => {
    const { eventBridge, heard } = listening();
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'opsflow.instance-dns',
            DetailType: 'Instance DNS Updated',
            Detail: JSON.stringify({ record: 'admin.weblogic.corp.internal.' }),
          },
          {
            Source: 'opsflow.instance-dns',
            DetailType: 'Instance DNS Skipped',
            Detail: '{"reason":"not the newest instance"}',
            Resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-0a3f5c2e9b7d41001'],
            EventBusName: 'arn:aws:events:eu-west-1:123456789012:event-bus/opsflow',
            Time: new Date('2025-01-31T23:59:58.500Z'),
          },
        ],
      })
    );

    expect(result.FailedEntryCount).toBe(0);
    expect(heard).toHaveLength(2);
    expect(heard[0]?.event).toEqual({
      version: '0',
      id: result.Entries?.[0]?.EventId,
      'detail-type': 'Instance DNS Updated',
      source: 'opsflow.instance-dns',
      account: '123456789012',
      time: '2025-02-01T12:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { record: 'admin.weblogic.corp.internal.' },
    });
    expect(heard[0]?.delivery).toEqual({ eventBusName: 'default' });
    expect(heard[1]?.event).toMatchObject({
      time: '2025-01-31T23:59:58Z',
      resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-0a3f5c2e9b7d41001'],
    });
    expect(heard[1]?.delivery).toEqual({ eventBusName: 'opsflow' });
  });

  it('fails bad entries one by one, as EventBridge does, and delivers the rest', async () => {
    const { eventBridge, heard, account } = listening();
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'opsflow.test', Detail: '{}' },
          { Source: 'opsflow.test', DetailType: 'Bad', Detail: '{"unterminated"' },
          { Source: 'aws.autoscaling', DetailType: 'EC2 Instance Launch Successful', Detail: '{}' },
          { Source: 'opsflow.test', DetailType: 'Good', Detail: '{"ok":true}' },
        ],
      })
    );
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries?.slice(0, 3)).toEqual([
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
    ]);
    expect(heard.map(({ event }) => event['detail-type'])).toEqual(['Good']);
    expect(account.snapshot().eventBridge.published).toHaveLength(1);
  });

  it('refuses more than 10 entries with ValidationException and delivers nothing', async () => {
    const { eventBridge, heard } = listening();
    const entries = Array.from({ length: 11 }, (_, index) => ({
      Source: 'opsflow.test',
      DetailType: 'Many',
      Detail: JSON.stringify({ index }),
    }));
    const error = await rejection(eventBridge.send(new PutEventsCommand({ Entries: entries })));
    expect(error).toBeInstanceOf(EventBridgeServiceException);
    expect(error.name).toBe('ValidationException');
    expect(heard).toEqual([]);
  });

  it("answers in every Region, stamping each event with the Region of the client that put it", async () => {
    const { account, eventBridge, heard } = listening();
    const frankfurt = new EventBridgeClient({ region: 'eu-central-1' });
    frankfurt.middlewareStack.use(account.plugin({ region: 'eu-central-1' }));
    const put = (client: EventBridgeClient, DetailType: string) => client.send(new PutEventsCommand({ Entries: [{ Source: 'opsflow.search', DetailType, Detail: '{}' }] }));

    await put(frankfurt, 'Runbook Completed');
    await put(eventBridge, 'Snapshot Taken');

    expect(heard.map(({ event, delivery }) => [event['detail-type'], event.region, delivery.eventBusName])).toEqual([
      ['Runbook Completed', 'eu-central-1', 'default'],
      ['Snapshot Taken', 'eu-west-1', 'default'],
    ]);
    expect(account.snapshot().eventBridge.published.map(({ event }) => event.region)).toEqual(['eu-central-1', 'eu-west-1']);
    expect(account.calls.filter((call) => call.service === 'eventbridge')).toHaveLength(2);
  });

  it('stops delivering to a listener once it unsubscribes', async () => {
    const { account, eventBridge } = sandbox();
    const heard: string[] = [];
    const unsubscribe = account.onEvent((event) => heard.push(event['detail-type']));
    const put = (DetailType: string) =>
      eventBridge.send(new PutEventsCommand({ Entries: [{ Source: 'opsflow.test', DetailType, Detail: '{}' }] }));
    await put('first');
    unsubscribe();
    await put('second');
    expect(heard).toEqual(['first']);
  });
});
