import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import * as z from 'zod/mini';
import { MAX_LISTED_INDICES, OPSFLOW_SEARCH_SOURCE, OpsflowSearchDetailType, type ApprovalRequestedDetail } from '../../../events/opsflow-search.ts';
import type { Runtime } from '../../shared/runtime.ts';
import { ApprovalRequestNotPublished, ApprovalRequestThrottled } from '../errors.ts';
import { runbookPlanSchema } from '../runbook.ts';

const isoTime = z.iso.datetime({ offset: true });

/**
 * The AwaitApproval state's Payload (`.waitForTaskToken`): the plan, the execution, the task token
 * the answer must carry, and when the wait times out: `expiresAt`, or `requestedAt` (the state's
 * `$$.State.EnteredTime`) and `timeoutSeconds` (its TimeoutSeconds), from which `expiresAt` is
 * computed (JSONPath ASL has no date arithmetic). The token is only checked to be there: it is
 * never published, logged, or part of an error message.
 */
export const requestSearchApprovalInput = z.pipe(
  z
    .looseObject({
      plan: runbookPlanSchema,
      executionArn: z.string().check(z.minLength(1)),
      taskToken: z.string().check(z.minLength(1)),
      expiresAt: z.optional(isoTime),
      requestedAt: z.optional(isoTime),
      timeoutSeconds: z.optional(z.int().check(z.positive())),
    })
    .check(z.refine((input) => input.expiresAt !== undefined || (input.requestedAt !== undefined && input.timeoutSeconds !== undefined), 'needs expiresAt, or requestedAt and timeoutSeconds')),
  z.transform((input) => ({ ...input, expiresAt: input.expiresAt ?? new Date(Date.parse(input.requestedAt ?? '') + (input.timeoutSeconds ?? 0) * 1000).toISOString() })),
);
export type RequestSearchApprovalInput = z.infer<typeof requestSearchApprovalInput>;

/** The PutEvents calls the task needs: a client of this Region. */
export type EventPublisher = Pick<EventBridgeClient, 'send'>;

/** An EventBridge client for `region`, one attempt per call (the state's Retry retries, by name), with the local engine's plugins. */
export function eventPublisher(runtime: Pick<Runtime, 'sdkPlugins' | 'sdkPluginsFor'>, region: string): EventPublisher {
  const client = new EventBridgeClient({ region, maxAttempts: 1 });
  for (const plugin of runtime.sdkPluginsFor?.(region) ?? runtime.sdkPlugins) client.middlewareStack.use(plugin);
  return client;
}

/** What an approver reads (events/opsflow-search.ts): the plan's summary, never the token. */
export function approvalDetail(input: RequestSearchApprovalInput): ApprovalRequestedDetail {
  const { plan } = input;
  return {
    executionArn: input.executionArn,
    runbook: plan.runbook,
    region: plan.region,
    domainName: plan.domainName,
    engineVersion: plan.engineVersion,
    reason: plan.reason,
    snapshot: plan.snapshot,
    snapshotTakenAt: plan.snapshotTakenAt,
    sourceRegion: plan.sourceRegion,
    sourceDomain: plan.sourceDomain,
    indices: plan.indices.slice(0, MAX_LISTED_INDICES).map(({ index, restoreAs }) => ({ index, restoreAs })),
    indexCount: plan.indices.length,
    conflicts: plan.conflicts.slice(0, MAX_LISTED_INDICES),
    conflictOption: plan.conflictOption,
    dns: plan.dns,
    finalSnapshot: plan.finalSnapshot,
    expiresAt: input.expiresAt,
  };
}

/** PutEvents' per-entry codes that say "try again" (PutEvents API reference: ThrottlingException, InternalFailure). */
const TRANSIENT_ENTRY_CODES = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);

/**
 * Publishes a `Search Runbook Approval Requested` event (source `opsflow.search`) on this Region's
 * default bus, its resources the execution ARN, so that whoever approves learns what is asked; the
 * execution then waits for SendTaskSuccess `{approved: true, by, at}` or SendTaskFailure
 * `RunbookRejected`. One PutEvents call. EventBridge reports a failed entry inside a successful answer
 * (PutEvents API reference: FailedEntryCount, each entry's ErrorCode): throttling and internal
 * failures, in the entry or as the call's error, raise ApprovalRequestThrottled (transient, retried
 * with a fresh token); anything else ApprovalRequestNotPublished with EventBridge's code.
 * Returns the event's id.
 */
export async function requestSearchApproval(input: RequestSearchApprovalInput, events: EventPublisher): Promise<{ eventId: string }> {
  const entry = {
    Source: OPSFLOW_SEARCH_SOURCE,
    DetailType: OpsflowSearchDetailType.ApprovalRequested,
    Detail: JSON.stringify(approvalDetail(input)),
    Resources: [input.executionArn],
    EventBusName: 'default',
  };
  let answer;
  try {
    answer = await events.send(new PutEventsCommand({ Entries: [entry] }));
  } catch (error) {
    const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const line = `PutEvents ${OpsflowSearchDetailType.ApprovalRequested}: ${failure.name ?? 'Error'} (${failure.$metadata?.httpStatusCode ?? 'no status'}) ${failure.message ?? ''}`.trim();
    const sdkError = error as Parameters<typeof isThrottlingError>[0];
    if (isThrottlingError(sdkError) || isServerError(sdkError) || isTransientError(sdkError)) throw new ApprovalRequestThrottled(line, { cause: error });
    throw new ApprovalRequestNotPublished(line, { cause: error });
  }
  const result = answer.Entries?.[0];
  if ((answer.FailedEntryCount ?? 0) > 0 || !result?.EventId) {
    const code = result?.ErrorCode ?? 'NoEventId';
    const line = `PutEvents ${OpsflowSearchDetailType.ApprovalRequested}: entry failed: ${code} ${result?.ErrorMessage ?? ''}`.trim();
    if (TRANSIENT_ENTRY_CODES.has(code)) throw new ApprovalRequestThrottled(line);
    throw new ApprovalRequestNotPublished(line);
  }
  return { eventId: result.EventId };
}
