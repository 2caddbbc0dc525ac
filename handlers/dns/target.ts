import * as z from 'zod/mini';

/**
 * What ParseDnsEvent decides from an event and config, carried through the state machine as
 * `$.target`: which record, what to do with it, and the lifecycle action to complete.
 */
/** `ignore`: the event concerns an instance that is not entering service (a warm pool launch). */
export const DnsAction = { Upsert: 'upsert', Remove: 'remove', Ignore: 'ignore' } as const;

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
  action: z.enum([DnsAction.Upsert, DnsAction.Remove, DnsAction.Ignore]),
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
