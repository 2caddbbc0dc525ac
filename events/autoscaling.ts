import * as z from 'zod/mini';
import { eventBridgeEventSchema } from './eventbridge.ts';

/**
 * Amazon EC2 Auto Scaling events delivered by EventBridge, as documented in the Auto Scaling
 * event reference and the warm pool event pages (samples: events/samples/autoscaling/).
 */
export const AUTOSCALING_SOURCE = 'aws.autoscaling';

export const AutoScalingDetailType = {
  LaunchLifecycleAction: 'EC2 Instance-launch Lifecycle Action',
  TerminateLifecycleAction: 'EC2 Instance-terminate Lifecycle Action',
  LaunchSuccessful: 'EC2 Instance Launch Successful',
  LaunchUnsuccessful: 'EC2 Instance Launch Unsuccessful',
  TerminateSuccessful: 'EC2 Instance Terminate Successful',
  TerminateUnsuccessful: 'EC2 Instance Terminate Unsuccessful',
} as const;
export type AutoScalingDetailType = (typeof AutoScalingDetailType)[keyof typeof AutoScalingDetailType];

export const LifecycleTransition = {
  Launching: 'autoscaling:EC2_INSTANCE_LAUNCHING',
  Terminating: 'autoscaling:EC2_INSTANCE_TERMINATING',
} as const;

/** Values of a lifecycle action's `Origin` and `Destination`, as the warm pool page lists them. */
export const InstanceLocation = {
  EC2: 'EC2',
  AutoScalingGroup: 'AutoScalingGroup',
  WarmPool: 'WarmPool',
} as const;

/** Scaling-activity status codes the samples show (`InProgress` on success, `Failed` otherwise). */
export const ScalingActivityStatusCode = {
  InProgress: 'InProgress',
  Failed: 'Failed',
} as const;

function lifecycleActionDetailSchema<const Transition extends string>(transition: Transition) {
  return z.looseObject({
    LifecycleActionToken: z.string(),
    AutoScalingGroupName: z.string(),
    LifecycleHookName: z.string(),
    EC2InstanceId: z.string(),
    LifecycleTransition: z.literal(transition),
    // Present only when the hook was given metadata.
    NotificationMetadata: z.optional(z.string()),
    // Sent "if that information is available": always with a warm pool, not always without.
    Origin: z.optional(z.string()),
    Destination: z.optional(z.string()),
  });
}

export const LaunchLifecycleActionDetailSchema = lifecycleActionDetailSchema(LifecycleTransition.Launching);
export const TerminateLifecycleActionDetailSchema = lifecycleActionDetailSchema(LifecycleTransition.Terminating);

/** The detail of the four "EC2 Instance Launch/Terminate (Un)successful" events. */
export const ScalingActivityDetailSchema = z.looseObject({
  StatusCode: z.string(),
  // The Unsuccessful samples carry no Description.
  Description: z.optional(z.string()),
  AutoScalingGroupName: z.string(),
  ActivityId: z.string(),
  Details: z.looseObject({
    'Availability Zone': z.optional(z.string()),
    'Subnet ID': z.optional(z.string()),
  }),
  RequestId: z.string(),
  StatusMessage: z.string(),
  EndTime: z.string(),
  EC2InstanceId: z.string(),
  StartTime: z.string(),
  Cause: z.string(),
});

export const LaunchLifecycleActionEventSchema = eventBridgeEventSchema(
  AUTOSCALING_SOURCE, AutoScalingDetailType.LaunchLifecycleAction, LaunchLifecycleActionDetailSchema);
export const TerminateLifecycleActionEventSchema = eventBridgeEventSchema(
  AUTOSCALING_SOURCE, AutoScalingDetailType.TerminateLifecycleAction, TerminateLifecycleActionDetailSchema);
export const LaunchSuccessfulEventSchema = eventBridgeEventSchema(
  AUTOSCALING_SOURCE, AutoScalingDetailType.LaunchSuccessful, ScalingActivityDetailSchema);
export const LaunchUnsuccessfulEventSchema = eventBridgeEventSchema(
  AUTOSCALING_SOURCE, AutoScalingDetailType.LaunchUnsuccessful, ScalingActivityDetailSchema);
export const TerminateSuccessfulEventSchema = eventBridgeEventSchema(
  AUTOSCALING_SOURCE, AutoScalingDetailType.TerminateSuccessful, ScalingActivityDetailSchema);
export const TerminateUnsuccessfulEventSchema = eventBridgeEventSchema(
  AUTOSCALING_SOURCE, AutoScalingDetailType.TerminateUnsuccessful, ScalingActivityDetailSchema);

/** Every Auto Scaling event above, told apart by `detail-type`. */
export const AutoScalingEventSchema = z.discriminatedUnion('detail-type', [
  LaunchLifecycleActionEventSchema,
  TerminateLifecycleActionEventSchema,
  LaunchSuccessfulEventSchema,
  LaunchUnsuccessfulEventSchema,
  TerminateSuccessfulEventSchema,
  TerminateUnsuccessfulEventSchema,
]);

export type LaunchLifecycleActionDetail = z.infer<typeof LaunchLifecycleActionDetailSchema>;
export type TerminateLifecycleActionDetail = z.infer<typeof TerminateLifecycleActionDetailSchema>;
export type ScalingActivityDetail = z.infer<typeof ScalingActivityDetailSchema>;
export type LaunchLifecycleActionEvent = z.infer<typeof LaunchLifecycleActionEventSchema>;
export type TerminateLifecycleActionEvent = z.infer<typeof TerminateLifecycleActionEventSchema>;
export type LaunchSuccessfulEvent = z.infer<typeof LaunchSuccessfulEventSchema>;
export type LaunchUnsuccessfulEvent = z.infer<typeof LaunchUnsuccessfulEventSchema>;
export type TerminateSuccessfulEvent = z.infer<typeof TerminateSuccessfulEventSchema>;
export type TerminateUnsuccessfulEvent = z.infer<typeof TerminateUnsuccessfulEventSchema>;
export type AutoScalingEvent = z.infer<typeof AutoScalingEventSchema>;
