import * as z from 'zod/mini';
import { indicatorSummarySchema } from '../indicators.ts';
import { summarizeIndicators, summarizeIndicatorsInput } from '../summarize-indicators/task.ts';
import { runInvestigationSchema, severityLabelSchema } from '../work.ts';
import { PrincipalStatus, type PrincipalResult } from '../compose-finding-updates/task.ts';

/**
 * The state of one principal's Map iteration when its investigation has SUCCEEDED and the last
 * page of indicators has been read: `run` from PlanInvestigation or StartInvestigation, `result`
 * from the last GetInvestigation (absent when a finished investigation was reused, whose severity
 * ListInvestigations already gave), the summary of the earlier pages, and the last page.
 */
export const finishPrincipalInput = z.looseObject({
  investigation: runInvestigationSchema,
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

/** Folds the last page and reports Detective's verdict for the principal, as ComposeFindingUpdates reads it. */
export function finishPrincipal(input: FinishPrincipalInput): PrincipalResult {
  return {
    entityArn: input.investigation.entityArn,
    investigationId: input.run.id,
    reused: input.run.reused,
    status: PrincipalStatus.Successful,
    severity: input.result?.Severity ?? input.run.finishedSeverity ?? null,
    summary: summarizeIndicators({ summary: input.folded.value, page: input.page }),
    error: null,
  };
}
