import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApprovalRequestedDetailSchema } from '../../../../events/opsflow-search.ts';
import { handler } from '../../../../handlers/search/request-search-approval/handler.ts';
import { requestSearchApproval, type RequestSearchApprovalInput } from '../../../../handlers/search/request-search-approval/task.ts';
import { parseConfig } from '../../../../handlers/shared/config.ts';
import { withRuntime } from '../../../../handlers/shared/runtime.ts';
import { executionArn, plan } from './runbook-plan.ts';

const taskToken = 'AQCEAAAAKgAAAAMAAAAAAAAAAdHvSECRETTOKEN';

describe('requestSearchApproval', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const events = new EventBridgeClient({ region: 'eu-central-1' });
  const input: RequestSearchApprovalInput = { plan: plan(), executionArn, taskToken, expiresAt: '2026-11-30T13:00:00.000Z' };
  const awsError = (name: string, status: number) => Object.assign(new Error(`${name} happened`), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });

  beforeEach(() => eventBridge.reset());

  it("publishes the plan's summary on this Region's default bus, about the execution, never the token", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    expect(await requestSearchApproval(input, events)).toEqual({ eventId: 'e-1' });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entry = calls[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ Source: 'opsflow.search', DetailType: 'Search Runbook Approval Requested', Resources: [executionArn], EventBusName: 'default' });
    expect(JSON.stringify(calls[0]?.args[0].input)).not.toContain(taskToken);
    const detail = ApprovalRequestedDetailSchema.parse(JSON.parse(entry?.Detail ?? ''));
    expect(detail).toMatchObject({
      executionArn, runbook: 'failover', snapshot: 'opsflow-20261130t1000z', indexCount: 2, conflicts: ['orders'], conflictOption: 'delete',
      indices: [{ index: 'orders', restoreAs: 'orders' }, { index: 'customers', restoreAs: 'customers' }], expiresAt: '2026-11-30T13:00:00.000Z',
    });
  });

  it("through the Lambda handler: computes expiresAt from the gate's requestedAt and timeoutSeconds (what the ASL can give)", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-3' }] });
    const config = parseConfig({ region: 'eu-central-1', instanceDns: { groups: [] } }, 'test');
    const { expiresAt: _expiresAt, ...gate } = input;
    const invoke = (event: unknown) => withRuntime({ config, region: 'eu-central-1', sdkPlugins: [], now: () => new Date() }, () => handler(event, {} as Context));
    expect(await invoke({ ...gate, requestedAt: '2026-11-30T12:00:00.000Z', timeoutSeconds: 3600 })).toEqual({ eventId: 'e-3' });
    const detail = JSON.parse(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail ?? '') as { expiresAt: string };
    expect(detail.expiresAt).toBe('2026-11-30T13:00:00.000Z');
    await expect(invoke(gate)).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('needs expiresAt, or requestedAt and timeoutSeconds') });
  });

  it('lists at most 100 indices, with their whole number beside them', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const many = Array.from({ length: 250 }, (_unused, n) => ({ index: `logs-${n}`, restoreAs: `logs-${n}`, before: 1, after: 1 }));
    await requestSearchApproval({ ...input, plan: plan({ indices: many }) }, events);
    const detail = JSON.parse(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail ?? '') as { indices: unknown[]; indexCount: number };
    expect(detail.indices).toHaveLength(100);
    expect(detail.indexCount).toBe(250);
  });

  it.each([
    [{ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] }, 'ApprovalRequestThrottled', /entry failed: ThrottlingException Rate exceeded/],
    [{ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] }, 'ApprovalRequestThrottled', /InternalFailure/],
    [{ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] }, 'ApprovalRequestNotPublished', /MalformedDetail/],
  ])('a failed entry %j raises %s', async (answer, name, message) => {
    eventBridge.on(PutEventsCommand).resolves(answer);
    await expect(requestSearchApproval(input, events)).rejects.toMatchObject({ name, message: expect.stringMatching(message) });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it.each([
    ['ThrottlingException', 400, 'ApprovalRequestThrottled'],
    ['InternalException', 500, 'ApprovalRequestThrottled'],
    ['AccessDeniedException', 400, 'ApprovalRequestNotPublished'],
    ['ResourceNotFoundException', 400, 'ApprovalRequestNotPublished'],
  ])('a call failing with %s (%i) raises %s, one attempt, no token in the message', async (code, status, name) => {
    eventBridge.on(PutEventsCommand).rejects(awsError(code, status));
    const failure = (await requestSearchApproval(input, events).catch((caught: unknown) => caught)) as Error;
    expect(failure).toMatchObject({ name, message: expect.stringContaining(code) });
    expect(failure.message).not.toContain(taskToken);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it("through the Lambda handler: publishes with a client of the runtime's Region; a bad payload fails InvalidInput without the token", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });
    const config = parseConfig({ region: 'eu-central-1', instanceDns: { groups: [] } }, 'test');
    const invoke = (event: unknown) => withRuntime({ config, region: 'eu-central-1', sdkPlugins: [], now: () => new Date() }, () => handler(event, {} as Context));
    expect(await invoke(input)).toEqual({ eventId: 'e-2' });
    expect(await eventBridge.commandCalls(PutEventsCommand)[0]?.thisValue.config.region()).toBe('eu-central-1');
    const failure = (await invoke({ ...input, plan: { runbook: 'failover' } }).catch((caught: unknown) => caught)) as Error;
    expect(failure).toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(/^plan\./) });
    expect(failure.message).not.toContain(taskToken);
  });
});
