import type { OpsflowConfig } from '../handlers/shared/config.ts';
import type { DeploymentEnvironment, Trigger, WorkflowModule } from '../workflows/types.ts';
import { isJsonObject } from './asl.ts';
import { ValidationException } from './errors.ts';
import { maxJsonDepth, measureJson, unacceptablePayload } from './limits.ts';
import { scheduleRuleArn } from './naming.ts';
import { matchesPattern } from './router/pattern.ts';

/**
 * The local bus: which workflows an event starts (their EventBridge rules, evaluated locally),
 * and the chains of executions an event sets off, so that a caller can wait for everything an
 * execution caused and an event loop is cut after a bounded number of hops.
 */

/** Events an execution causes start executions one hop deeper; deeper than this is dropped. */
export const maxEventHops = 8;

/**
 * What one PutEvents request may carry: the sum of its entries' sizes, in bytes.
 * The figure changed on 2026-01-29 and AWS's pages disagree since: the user guide's "Calculating
 * PutEvents event entry size" still says "The total entry size must be less than 256KB"; the
 * PutEvents API reference (as @aws-sdk/client-eventbridge 3.1169.0 carries it) says "the total entry
 * size must be less than 1MB", and AWS announced "Amazon EventBridge increases event payload size
 * from 256 KB to 1 MB" ("More room to build: serverless services now support payloads up to 1 MB",
 * https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb/).
 * The limit is on the request, not on each entry, and a request of exactly 1,048,576 bytes is
 * accepted, one byte more refused (measured against AWS on 2026-03-28 in a published lab).
 */
export const maxPutEventsBytes = 1_048_576;

/**
 * EventBridge's answer to a request over that size: the whole call fails with ValidationException
 * "Total size of the entries in the request is over the limit." (as AWS answered it,
 * github.com/awslabs/aws-service-catalog-puppet issue 563; the same lab for the 1 MB limit).
 */
export const putEventsTooLargeMessage = 'Total size of the entries in the request is over the limit.';

/** A PutEvents entry, by the fields its size counts. */
export interface SizedPutEventsEntry {
  readonly Time?: unknown;
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Resources?: readonly (string | null | undefined)[];
}

/**
 * An entry's size as EventBridge computes it: "If specified, the Time parameter is 14 bytes. The
 * Source and DetailType parameters are the number of bytes for their UTF-8 encoded forms. If
 * specified, the Detail parameter is the number of bytes for its UTF-8 encoded form. If specified,
 * each entry of the Resources parameter is the number of bytes for its UTF-8 encoded forms."
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html).
 */
export function putEventsEntrySize(entry: SizedPutEventsEntry): number {
  const utf8 = (text: string | null | undefined): number => (text ? Buffer.byteLength(text) : 0);
  let size = entry.Time === undefined || entry.Time === null ? 0 : 14;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8(resource);
  return size;
}

/**
 * An event entering the local bus (Engine.send, or an event the account emitted), held to what
 * EventBridge takes from the PutEvents entry that would carry it: JSON the engine takes
 * (PayloadTooDeep, PayloadNotJson; EventBridge "will only process nested JSON up to 1000 levels
 * deep") and at most `maxPutEventsBytes` (ValidationException, in EventBridge's words).
 */
export function checkBusEvent(event: unknown): void {
  const unacceptable = unacceptablePayload(measureJson(event, Number.POSITIVE_INFINITY, maxJsonDepth), 'the event');
  if (unacceptable) throw unacceptable;
  const fields = isJsonObject(event) ? event : {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const size = putEventsEntrySize({
    Time: fields.time,
    Source: text(fields.source),
    DetailType: text(fields['detail-type']),
    Detail: fields.detail === undefined ? undefined : JSON.stringify(fields.detail),
    Resources: Array.isArray(fields.resources) ? fields.resources.map(text) : [],
  });
  if (size > maxPutEventsBytes) throw new ValidationException(putEventsTooLargeMessage);
}

export interface Route {
  readonly workflow: string;
  readonly trigger: Trigger;
}

export interface RoutableWorkflow {
  readonly module: WorkflowModule;
  readonly triggers: readonly Trigger[];
}

export function routableWorkflow(module: WorkflowModule, config: OpsflowConfig): RoutableWorkflow {
  return { module, triggers: module.triggers(config) };
}

/**
 * The rules an event matches: event triggers by their pattern, schedule triggers when the event
 * is the Scheduled Event of their rule (EventBridge names the rule in `resources`). Disabled
 * schedules match nothing, as a disabled rule does.
 */
export function routeEvent(workflows: readonly RoutableWorkflow[], event: unknown, env: DeploymentEnvironment): Route[] {
  const routes: Route[] = [];
  for (const { module, triggers } of workflows) {
    for (const trigger of triggers) {
      const matches =
        trigger.kind === 'event'
          ? matchesPattern(trigger.pattern, event)
          : trigger.enabled && isScheduledEventOf(event, scheduleRuleArn(env, module.name, trigger.id));
      if (matches) routes.push({ workflow: module.name, trigger });
    }
  }
  return routes;
}

/** Whether the event is the Scheduled Event EventBridge sends for the rule `ruleArn`. */
export function isScheduledEventOf(event: unknown, ruleArn: string): boolean {
  return (
    isJsonObject(event) &&
    event.source === 'aws.events' &&
    event['detail-type'] === 'Scheduled Event' &&
    Array.isArray(event.resources) &&
    event.resources.includes(ruleArn)
  );
}

/**
 * Every execution started by one `run`/`send`, by what those executions started (children and
 * the events they emitted), and so on: `settled()` waits for all of them, however late they
 * join, and returns them in start order.
 */
export class ExecutionChain<T> {
  private readonly started: { readonly done: Promise<T> }[] = [];

  track(done: Promise<T>): void {
    this.started.push({ done });
  }

  async settled(): Promise<T[]> {
    let count: number;
    do {
      count = this.started.length;
      await Promise.all(this.started.map((entry) => entry.done));
    } while (count !== this.started.length);
    return Promise.all(this.started.map((entry) => entry.done));
  }
}
