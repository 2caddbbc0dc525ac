import * as z from 'zod/mini';
import { describeIndicators, indicatorSummarySchema } from '../indicators.ts';
import { summarizeIndicators, summarizeIndicatorsInput } from '../summarize-indicators/task.ts';
import { arnOriginSchema, investigationScopeSchema, PrincipalStatus, principalRefSchema, severityLabelSchema, type PrincipalOutcome } from '../work.ts';

/**
 * The state of an investigate-principal run when its investigation has SUCCEEDED and the last
 * page of indicators has been read: the principal and window it was started with, the ARN it
 * resolved, `run` from PlanInvestigation or StartInvestigation, `result` from the last
 * GetInvestigation (absent when a finished investigation was reused, whose severity
 * ListInvestigations already gave), the summary of the earlier pages, and the last page.
 */
export const finishPrincipalInput = z.looseObject({
  principal: principalRefSchema,
  scope: investigationScopeSchema,
  resolved: z.looseObject({ arn: z.string().check(z.minLength(1)), origin: arnOriginSchema }),
  run: z.looseObject({
    id: z.string().check(z.minLength(1)),
    reused: z.boolean(),
    finishedSeverity: z.optional(z.nullable(severityLabelSchema)),
  }),
  result: z.optional(z.looseObject({ Severity: z.optional(severityLabelSchema) })),
  folded: z.looseObject({ value: z.nullable(indicatorSummarySchema) }),
  page: summarizeIndicatorsInput.shape.page,
});

export type FinishPrincipalInput = z.infer<typeof finishPrincipalInput>;

/**
 * Folds the last page and reports Detective's verdict for the principal: the counts of the
 * indicator types found (a type not listed was not found) and the indicators that matter most in
 * words, not the summary's details, so the outcome stays small in every execution that takes it.
 */
export function finishPrincipal(input: FinishPrincipalInput): PrincipalOutcome {
  const summary = summarizeIndicators({ summary: input.folded.value, page: input.page });
  return {
    key: input.principal.key,
    kind: input.principal.kind,
    name: input.principal.name,
    entityArn: input.resolved.arn,
    arnOrigin: input.resolved.origin,
    scope: input.scope,
    investigationId: input.run.id,
    reused: input.run.reused,
    status: PrincipalStatus.Successful,
    severity: input.result?.Severity ?? input.run.finishedSeverity ?? null,
    counts: Object.fromEntries(Object.entries(summary.counts).filter(([, count]) => count > 0)),
    indicators: describeIndicators(summary),
    error: null,
  };
}
