import * as z from 'zod/mini';
import { appliedChangeSchema } from '../plan-identity-sync/task.ts';

/** What one item of the ApplyChanges Map ends with: the applied change, or the change and the error that stopped it. */
const failedItemSchema = z.strictObject({
  failed: z.literal(true),
  change: z.looseObject({ action: z.string(), userName: z.string(), groupName: z.optional(z.string()) }),
  error: z.string(),
});
type FailedItem = z.infer<typeof failedItemSchema>;
const itemResultSchema = z.union([failedItemSchema, appliedChangeSchema]);
const isFailed = (result: unknown): result is FailedItem => (result as { failed?: unknown }).failed === true;

const countsSchema = z.strictObject({
  RegisterUser: z.int(),
  CreateGroupMembership: z.int(),
  DeleteGroupMembership: z.int(),
  DeleteUser: z.int(),
  alreadyDone: z.int(),
  groupsCreated: z.int(),
  failed: z.int(),
});

export const reconcileReportSchema = z.strictObject({
  applied: countsSchema,
  firstApplied: z.array(z.string()),
  firstFailed: z.array(z.string()),
  failed: z.int(),
  more: z.boolean(),
  failureCause: z.string(),
});
export type ReconcileReport = z.infer<typeof reconcileReportSchema>;

export const summarizeIdentityReconcileInput = z.looseObject({
  plan: z.looseObject({ round: z.int(), maxRounds: z.int(), remaining: z.int().check(z.gte(0)) }),
  /** The ApplyChanges Map's results: each user's results, in order. */
  results: z.array(z.array(itemResultSchema)),
  report: z.optional(z.nullable(reconcileReportSchema)),
});
export type SummarizeIdentityReconcileInput = z.infer<typeof summarizeIdentityReconcileInput>;

/** How many applied and failed changes a report names. */
export const FIRST_ITEMS = 10;

const empty: ReconcileReport = {
  applied: { RegisterUser: 0, CreateGroupMembership: 0, DeleteGroupMembership: 0, DeleteUser: 0, alreadyDone: 0, groupsCreated: 0, failed: 0 },
  firstApplied: [],
  firstFailed: [],
  failed: 0,
  more: false,
  failureCause: '',
};

const named = (change: { action: string; userName: string; groupName?: string | undefined }) => [change.action, change.userName, change.groupName].filter(Boolean).join(' ');

/**
 * Folds one batch's results into the run's report (counts per action, the first items applied and
 * failed) and says whether to plan again: changes were left for another round and the round bound
 * is not reached. A failed change is planned again by the next round (its state is re-read); the
 * run fails ChangesNotApplied when changes failed in the last round or were left after it, with
 * `failureCause` naming the first. `firstFailed` lists failures of every round.
 */
export function summarizeIdentityReconcile(input: SummarizeIdentityReconcileInput): ReconcileReport {
  const report = structuredClone(input.report ?? empty);
  const results = input.results.flat();
  for (const result of results) {
    if (isFailed(result)) {
      report.applied.failed += 1;
      if (report.firstFailed.length < FIRST_ITEMS) report.firstFailed.push(`${named(result.change)} (${result.error})`);
      continue;
    }
    if (result.outcome === 'already-done') report.applied.alreadyDone += 1;
    else if (result.action in report.applied) report.applied[result.action as keyof typeof report.applied] += 1;
    if (result.groupCreated === true) report.applied.groupsCreated += 1;
    if (report.firstApplied.length < FIRST_ITEMS) report.firstApplied.push(`${named(result)}: ${result.outcome}`);
  }
  const failedNow = results.flatMap((result) => (isFailed(result) ? [`${named(result.change)} (${result.error})`] : []));
  const more = input.plan.remaining > 0 && input.plan.round < input.plan.maxRounds;
  // A failure counts against the run only when no later round plans it again; changes left after the last round count too.
  const left = more ? 0 : input.plan.remaining;
  report.failed = more ? 0 : failedNow.length + left;
  report.more = more;
  report.failureCause = report.failed === 0 ? '' : [
    ...(failedNow.length > 0 ? [`${failedNow.length} change(s) failed past their retries; first: ${failedNow.slice(0, 3).join('; ')}`] : []),
    ...(left > 0 ? [`${left} change(s) left unapplied after ${input.plan.maxRounds} rounds`] : []),
  ].join('; ');
  return report;
}
