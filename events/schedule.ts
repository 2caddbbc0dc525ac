import * as z from 'zod/mini';
import { eventBridgeEventSchema } from './eventbridge.ts';

/** The event an EventBridge schedule rule sends (sample: events/samples/schedule/). */
export const SCHEDULE_SOURCE = 'aws.events';

export const ScheduleDetailType = {
  ScheduledEvent: 'Scheduled Event',
} as const;

/** Empty in AWS's sample: a schedule carries no detail of its own. */
export const ScheduledEventDetailSchema = z.looseObject({});

export const ScheduledEventSchema = eventBridgeEventSchema(
  SCHEDULE_SOURCE, ScheduleDetailType.ScheduledEvent, ScheduledEventDetailSchema);

export type ScheduledEvent = z.infer<typeof ScheduledEventSchema>;
