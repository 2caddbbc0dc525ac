import * as z from 'zod/mini';
import type { IdentitySyncConfig } from '../../shared/config.ts';
import { SyncNotConverged } from '../errors.ts';
import { desiredUser, planUserChanges, type QuickSightChange } from '../shared/plan.ts';
import { identityUserSchema } from '../shared/schemas.ts';

/** What ApplyQuickSightChange reports for one change. */
export const appliedChangeSchema = z.looseObject({
  action: z.string(),
  userName: z.string(),
  groupName: z.optional(z.string()),
  outcome: z.enum(['done', 'already-done']),
  groupCreated: z.optional(z.boolean()),
});
export type AppliedChange = z.infer<typeof appliedChangeSchema>;

const quickSightStateSchema = z.looseObject({
  userName: z.string(),
  user: z.nullable(z.looseObject({ Email: z.optional(z.string()), Role: z.optional(z.string()) })),
  groups: z.array(z.string()),
});

export const planIdentitySyncInput = z.looseObject({
  target: z.looseObject({ maxRounds: z.int().check(z.gte(1)) }),
  identityUser: identityUserSchema,
  quickSight: quickSightStateSchema,
  /**
   * The previous round: its number (0 before the first), what was applied before it, and what it
   * applied (the ApplyChanges Map's results).
   */
  plan: z.looseObject({ round: z.int().check(z.gte(0)), report: z.array(appliedChangeSchema), applied: z._default(z.array(appliedChangeSchema), []) }),
});
export type PlanIdentitySyncInput = z.infer<typeof planIdentitySyncInput>;

export const PlanVerdict = { InSync: 'in-sync', Change: 'change' } as const;

export interface IdentitySyncPlan {
  readonly verdict: (typeof PlanVerdict)[keyof typeof PlanVerdict];
  readonly reason: string;
  readonly userName: string;
  /** 1 for the first plan, one more after each round of changes applied. */
  readonly round: number;
  readonly changes: QuickSightChange[];
  /** Every change applied so far in this run, in order. */
  readonly report: AppliedChange[];
  /** The group the attributes map to when it is not a managed group (nothing is done with it). */
  readonly unmanagedGroup: string | null;
}

/**
 * Plans one round: the desired QuickSight user from the Identity Store user, against QuickSight's.
 * Runs for one user converge because every round re-reads both sides: a run that applied its changes
 * plans again, and ends only when nothing is left to change (the newest state wins), or raises
 * SyncNotConverged after `maxRounds` rounds. Also raises UserNameCollision and UserNotMappable.
 */
export function planIdentitySync(input: PlanIdentitySyncInput, config: IdentitySyncConfig): IdentitySyncPlan {
  const round = input.plan.round + 1;
  const report = [...input.plan.report, ...input.plan.applied];
  const desired = desiredUser(input.identityUser, config);
  const changes = planUserChanges(desired, input.quickSight, config);
  const base = { userName: desired.userName, round, report, unmanagedGroup: desired.unmanagedGroup };
  if (changes.length === 0) {
    const state = desired.active ? `in ${desired.group ?? 'no managed group'}` : 'deprovisioned';
    return { ...base, verdict: PlanVerdict.InSync, reason: `QuickSight user ${desired.userName} is ${state}`, changes };
  }
  if (round > input.target.maxRounds) {
    throw new SyncNotConverged(`after ${input.target.maxRounds} rounds QuickSight user ${desired.userName} still needs ${changes.map((change) => change.action).join(', ')}`);
  }
  return { ...base, verdict: PlanVerdict.Change, reason: `${changes.length} change(s) for QuickSight user ${desired.userName}`, changes };
}
