import * as eventBridgeSdk from '@aws-sdk/client-eventbridge';
import {
  EventBridgeServiceException,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { maxPutEventsBytes, putEventsEntrySize, putEventsTooLargeMessage } from '../../bus.ts';
import { measureJson } from '../../limits.ts';
import { awsError } from '../errors.ts';
import { eventEnvelope } from '../events.ts';
import { operation, sdkExceptions, type SandboxService } from '../service.ts';
import { required } from '../validation.ts';

export const defaultEventBus = 'default';

/** PutEvents takes a bus name or ARN; listeners are told the name. */
function busName(nameOrArn: string | undefined): string {
  if (!nameOrArn) return defaultEventBus;
  const arnMatch = /^arn:aws[a-z-]*:events:[^:]*:\d{12}:event-bus\/(.+)$/.exec(nameOrArn);
  return arnMatch?.[1] ?? nameOrArn;
}

function parseDetail(detail: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function invalidArgument(member: 'Source' | 'DetailType' | 'Detail'): PutEventsResultEntry {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.` };
}

/** EventBridge rejects entries one by one (the call itself succeeds): the first problem of the entry. */
function entryFailure(entry: PutEventsRequestEntry): PutEventsResultEntry | undefined {
  if (!entry.Source) return invalidArgument('Source');
  if (!entry.DetailType) return invalidArgument('DetailType');
  if (!entry.Detail) return invalidArgument('Detail');
  const detail = parseDetail(entry.Detail);
  // "PutEvents will only process nested JSON up to 1000 levels deep" (PutEvents API reference).
  if (!detail || measureJson(detail, Number.POSITIVE_INFINITY).kind === 'tooDeep') return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  if (entry.Source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  return undefined;
}

export const eventBridgeService: SandboxService = {
  key: 'eventbridge',
  clientName: 'EventBridgeClient',
  regions: 'each',
  exceptions: sdkExceptions(eventBridgeSdk, EventBridgeServiceException),
  operations: {
    PutEvents: operation<PutEventsCommandInput, PutEventsCommandOutput>(['Entries'], (input, context) => {
      const entries = required(input.Entries, 'ValidationException', 'entries');
      if (entries.length < 1 || entries.length > 10) {
        const bound = entries.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10';
        throw awsError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`);
      }
      const size = entries.reduce((total, entry) => total + putEventsEntrySize(entry), 0);
      if (size > maxPutEventsBytes) throw awsError('ValidationException', putEventsTooLargeMessage);
      const results = entries.map((entry): PutEventsResultEntry => {
        const failure = entryFailure(entry);
        if (failure) return failure;
        const event = eventEnvelope(context, {
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          resources: entry.Resources ?? [],
          detail: parseDetail(entry.Detail ?? '') ?? {},
          // Bridged Step Functions parameters arrive as ISO strings rather than Dates.
          ...(entry.Time === undefined ? {} : { time: new Date(entry.Time) }),
        });
        context.publish(event, busName(entry.EventBusName));
        return { EventId: event.id };
      });
      return { FailedEntryCount: results.filter((result) => result.ErrorCode !== undefined).length, Entries: results };
    }),
  },
};
