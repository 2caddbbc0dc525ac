import * as z from 'zod/mini';
import { InvalidInput } from '../../shared/errors.ts';
import type { InstanceDnsConfig } from '../../shared/config.ts';

/**
 * Input of a reconcile run: the schedule sends `{ dryRun }`; an operator may name groups. Strict:
 * a misspelt `dryrun` must be refused, not ignored into a run that changes records.
 */
export const startDnsReconcileInput = z.strictObject({
  dryRun: z.optional(z.boolean()),
  groups: z.optional(z.array(z.string()).check(z.minLength(1))),
});

export type StartDnsReconcileInput = z.infer<typeof startDnsReconcileInput>;

export interface ReconcilePlan {
  dryRun: boolean;
  groups: { autoScalingGroupName: string }[];
}

/** Chooses the groups to reconcile: every configured group, or the named ones, which must be configured. */
export function startDnsReconcile(input: StartDnsReconcileInput, config: InstanceDnsConfig): ReconcilePlan {
  const configured = config.groups.map((group) => group.autoScalingGroupName);
  const unknown = (input.groups ?? []).filter((name) => !configured.includes(name));
  if (unknown.length > 0) {
    throw new InvalidInput(`groups: ${unknown.join(', ')} not configured (configured: ${configured.join(', ') || 'none'})`);
  }
  const names = input.groups ?? configured;
  return {
    dryRun: input.dryRun ?? config.reconcile.dryRun,
    groups: names.map((autoScalingGroupName) => ({ autoScalingGroupName })),
  };
}
