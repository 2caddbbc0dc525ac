import type * as z from 'zod/mini';
import {
  AUTOSCALING_SOURCE, AutoScalingDetailType,
  LaunchLifecycleActionEventSchema, LaunchSuccessfulEventSchema, LaunchUnsuccessfulEventSchema,
  TerminateLifecycleActionEventSchema, TerminateSuccessfulEventSchema, TerminateUnsuccessfulEventSchema,
} from './autoscaling.ts';
import {
  CLOUDTRAIL_API_CALL, IdentityEventBridgeSource, IdentityStoreApiCallEventSchema, ScimApiCallEventSchema, SsoDirectoryApiCallEventSchema,
} from './identity.ts';
import { GUARDDUTY_SOURCE, GuardDutyDetailType, GuardDutyFindingEventSchema } from './guardduty.ts';
import { SCHEDULE_SOURCE, ScheduleDetailType, ScheduledEventSchema } from './schedule.ts';
import {
  FindingsCustomActionEventSchema, FindingsImportedEventSchema, SECURITYHUB_SOURCE, SecurityHubDetailType,
} from './securityhub.ts';

/**
 * Every event the project consumes, by source and detail type, for the CLI and tests.
 * Handlers import the one schema they need from its own module instead, to stay small.
 */
export interface EventCatalogEntry {
  readonly source: string;
  readonly detailType: string;
  readonly schema: z.ZodMiniType;
}

export const eventCatalog: readonly EventCatalogEntry[] = [
  { source: AUTOSCALING_SOURCE, detailType: AutoScalingDetailType.LaunchLifecycleAction, schema: LaunchLifecycleActionEventSchema },
  { source: AUTOSCALING_SOURCE, detailType: AutoScalingDetailType.TerminateLifecycleAction, schema: TerminateLifecycleActionEventSchema },
  { source: AUTOSCALING_SOURCE, detailType: AutoScalingDetailType.LaunchSuccessful, schema: LaunchSuccessfulEventSchema },
  { source: AUTOSCALING_SOURCE, detailType: AutoScalingDetailType.LaunchUnsuccessful, schema: LaunchUnsuccessfulEventSchema },
  { source: AUTOSCALING_SOURCE, detailType: AutoScalingDetailType.TerminateSuccessful, schema: TerminateSuccessfulEventSchema },
  { source: AUTOSCALING_SOURCE, detailType: AutoScalingDetailType.TerminateUnsuccessful, schema: TerminateUnsuccessfulEventSchema },
  { source: SCHEDULE_SOURCE, detailType: ScheduleDetailType.ScheduledEvent, schema: ScheduledEventSchema },
  { source: SECURITYHUB_SOURCE, detailType: SecurityHubDetailType.FindingsImported, schema: FindingsImportedEventSchema },
  { source: SECURITYHUB_SOURCE, detailType: SecurityHubDetailType.FindingsCustomAction, schema: FindingsCustomActionEventSchema },
  { source: GUARDDUTY_SOURCE, detailType: GuardDutyDetailType.Finding, schema: GuardDutyFindingEventSchema },
  { source: IdentityEventBridgeSource.Scim, detailType: CLOUDTRAIL_API_CALL, schema: ScimApiCallEventSchema },
  { source: IdentityEventBridgeSource.IdentityStore, detailType: CLOUDTRAIL_API_CALL, schema: IdentityStoreApiCallEventSchema },
  { source: IdentityEventBridgeSource.SsoDirectory, detailType: CLOUDTRAIL_API_CALL, schema: SsoDirectoryApiCallEventSchema },
];

/** The schema for an event's source and detail type, or undefined when the project does not consume it. */
export function findEventSchema(source: string, detailType: string): z.ZodMiniType | undefined {
  return eventCatalog.find((entry) => entry.source === source && entry.detailType === detailType)?.schema;
}
