import * as z from 'zod/mini';

export const Outcome = {
  InSync: 'in-sync',
  Changed: 'changed',
  WouldChange: 'would-change',
  Skipped: 'skipped',
  Refused: 'refused',
  Failed: 'failed',
} as const;

/** One group's result as the reconcile Map reports it: the plan's verdict, or why there was none. */
export const groupResultSchema = z.object({
  autoScalingGroupName: z.string(),
  verdict: z.enum(['in-sync', 'change', 'skip', 'refused', 'failed']),
  reason: z.string(),
});

export const summarizeDnsReconcileInput = z.looseObject({
  dryRun: z.boolean(),
  results: z.array(groupResultSchema),
});

export type SummarizeDnsReconcileInput = z.infer<typeof summarizeDnsReconcileInput>;
type Outcome = (typeof Outcome)[keyof typeof Outcome];

export interface GroupOutcome {
  autoScalingGroupName: string;
  outcome: Outcome;
  reason: string;
}

export interface ReconcileReport {
  dryRun: boolean;
  counts: Record<Outcome, number>;
  groups: GroupOutcome[];
  /** The groups whose check or repair failed (an error past its retries, a guard): the run fails with them. */
  failed: GroupOutcome[];
  summary: string;
}

const outcomeOfVerdict = {
  'in-sync': Outcome.InSync,
  skip: Outcome.Skipped,
  refused: Outcome.Refused,
  failed: Outcome.Failed,
} as const;

/** What reconcile found and what it changed, counted by outcome, with one line for people. */
export function summarizeDnsReconcile(input: SummarizeDnsReconcileInput): ReconcileReport {
  const groups = input.results.map(({ autoScalingGroupName, verdict, reason }): GroupOutcome => ({
    autoScalingGroupName,
    outcome: verdict === 'change' ? (input.dryRun ? Outcome.WouldChange : Outcome.Changed) : outcomeOfVerdict[verdict],
    reason,
  }));
  const counts = Object.fromEntries(Object.values(Outcome).map((outcome) => [outcome, 0])) as ReconcileReport['counts'];
  for (const group of groups) counts[group.outcome] += 1;
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`);
  const summary = `${input.dryRun ? 'dry run: ' : ''}${input.results.length} group(s): ${parts.join(', ') || 'nothing to do'}`;
  return { dryRun: input.dryRun, counts, groups, failed: groups.filter((group) => group.outcome === Outcome.Failed), summary };
}
