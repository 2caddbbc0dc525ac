import * as z from 'zod/mini';

/**
 * What ParseDnsEvent decides from an event and config, carried through the state machine as
 * `$.target`: which record, what to do with it, and the lifecycle action to complete.
 */
/**
 * `upsert`: point the record at `instanceId`; `remove`: remove it while it points at `instanceId`
 * (or in any case when `instanceId` is null); `ignore`: the event concerns an instance that is not
 * entering service (a warm pool launch); `follow-group`: the event's instance is gone, so the record
 * follows the group's present state, its single InService instance or none (the state machine reads
 * the group and sets `instanceId` to the instance it chose).
 */
export const DnsAction = { Upsert: 'upsert', Remove: 'remove', Ignore: 'ignore', FollowGroup: 'follow-group' } as const;

export const DnsTrigger = {
  LaunchLifecycle: 'launch-lifecycle',
  Launch: 'launch',
  TerminateLifecycle: 'terminate-lifecycle',
  Terminate: 'terminate',
  Reconcile: 'reconcile',
} as const;

export const lifecycleSchema = z.object({
  autoScalingGroupName: z.string(),
  hookName: z.string(),
  token: z.string(),
  instanceId: z.string(),
  resultOnFailure: z.enum(['CONTINUE', 'ABANDON']),
});

export const dnsTargetSchema = z.object({
  trigger: z.enum([
    DnsTrigger.LaunchLifecycle,
    DnsTrigger.Launch,
    DnsTrigger.TerminateLifecycle,
    DnsTrigger.Terminate,
    DnsTrigger.Reconcile,
  ]),
  action: z.enum([DnsAction.Upsert, DnsAction.Remove, DnsAction.Ignore, DnsAction.FollowGroup]),
  autoScalingGroupName: z.string(),
  instanceId: z.nullable(z.string()),
  hostedZoneId: z.string(),
  recordName: z.string(),
  ttl: z.number(),
  allowedCidrs: z.array(z.string()),
  dryRun: z.boolean(),
  lifecycle: z.nullable(lifecycleSchema),
  sync: z.object({ pollSeconds: z.number(), maxPolls: z.number() }),
  retries: z.object({ conflicts: z.number(), polls: z.number() }),
});

export type DnsTarget = z.infer<typeof dnsTargetSchema>;
