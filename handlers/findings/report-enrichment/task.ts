import * as z from 'zod/mini';
import { UnprocessedCode } from '../check-write-back/task.ts';
import { FindingSource, PrincipalStatus } from '../work.ts';

/**
 * The run's last word: what was investigated, written back and published, and whether anything
 * the run set out to do did not happen. A finding update that was not written or an event that
 * was not published fails the run with a name (so the failed-executions alarm fires) and a cause
 * that says what was done and what was not.
 */
export const EnrichmentIncomplete = {
  /** A finding of the direct GuardDuty trigger never arrived in Security Hub while the run waited. */
  FindingNotImported: 'FindingNotImported',
  /** Security Hub did not take some finding updates. */
  FindingsNotWritten: 'FindingsNotWritten',
  /** Some Finding Enriched events were not published after their retries. */
  EnrichedEventsNotPublished: 'EnrichedEventsNotPublished',
  /**
   * Some principals could not be investigated (their investigate-principal run failed, Detective
   * failing past the retries or refusing, or could not be started or followed): their findings say
   * so, with the run's error, and the run fails after writing them.
   * A FAILED or timed-out investigation is Detective's own answer, written as such, not this.
   */
  InvestigationsNotCompleted: 'InvestigationsNotCompleted',
} as const;

/** Findings named in a cause; the count covers the rest. */
const NAMED_IN_CAUSE = 5;

const identifierSchema = z.looseObject({ Id: z.string(), ProductArn: z.string() });
const unprocessedSchema = z.looseObject({
  FindingIdentifier: identifierSchema,
  ErrorCode: z.optional(z.string()),
  ErrorMessage: z.optional(z.string()),
});
const errorSchema = z.looseObject({ Error: z.string(), Cause: z.optional(z.string()) });
const count = z.int().check(z.gte(0));

/** One PutEvents call of the publish Map: sent, or failed after its retries. */
const publishedSchema = z.looseObject({
  sent: count,
  failed: count,
  findingIds: z.optional(z.array(z.string())),
  error: z.optional(errorSchema),
});

const batchSummarySchema = z.object({ findings: count, investigated: count, skipped: count, failed: count, updates: count, events: count });

/** How one batch ended: its summary, what its write-back rounds did, and its publish calls. */
const batchOutcomeSchema = z.looseObject({
  summary: batchSummarySchema,
  updated: count,
  unprocessed: z.array(unprocessedSchema),
  importWaitedSeconds: count,
  published: z.array(publishedSchema),
});

/** The part of a principal's outcome the report keeps. */
const principalSchema = z.looseObject({
  key: z.string(),
  kind: z.string(),
  name: z.string(),
  entityArn: z.nullable(z.string()),
  investigationId: z.nullable(z.string()),
  reused: z.boolean(),
  status: z.string(),
  error: z.nullable(errorSchema),
});

export const reportEnrichmentInput = z.looseObject({
  source: z.enum(FindingSource),
  principals: z.array(principalSchema),
  /** The batches normalize-findings made, for the findings it skipped. */
  batches: z.array(z.looseObject({ skipped: z.array(z.unknown()) })),
  /** How each batch ended, in the same order. */
  outcomes: z.array(batchOutcomeSchema),
});
export type ReportEnrichmentInput = z.infer<typeof reportEnrichmentInput>;

type Principal = z.infer<typeof principalSchema>;
type Unprocessed = z.infer<typeof unprocessedSchema>;
type Published = z.infer<typeof publishedSchema>;

export interface EnrichmentReport {
  report: {
    summary: z.infer<typeof batchSummarySchema> & { investigationsStarted: number; investigationsReused: number };
    principals: Pick<Principal, 'key' | 'kind' | 'name' | 'entityArn' | 'status' | 'reused' | 'investigationId' | 'error'>[];
    skipped: unknown[];
    written: { updated: number; unprocessed: Unprocessed[] };
    published: { sent: number; failed: number };
  };
  /** Null when every update was written and every event published. */
  failure: { Error: string; Cause: string } | null;
}

function someOf(items: readonly string[]): string {
  const named = items.slice(0, NAMED_IN_CAUSE).join(', ');
  return items.length > NAMED_IN_CAUSE ? `${named} and ${items.length - NAMED_IN_CAUSE} more` : named;
}

function writtenPart(report: EnrichmentReport['report'], importWaitedSeconds: number, notImported: readonly string[]): string {
  const { summary, written } = report;
  const done = `wrote ${written.updated} of ${summary.updates} finding updates back to Security Hub`;
  if (written.unprocessed.length === 0) return done;
  const refused = written.unprocessed.map((item) => `${item.FindingIdentifier.Id} (${item.ErrorCode ?? 'unknown'}${item.ErrorMessage ? `: ${item.ErrorMessage}` : ''})`);
  const waited = notImported.length > 0
    ? `; ${notImported.length} GuardDuty finding(s) still not in Security Hub after waiting ${importWaitedSeconds} s for the import (GuardDuty usually sends a new finding within five minutes)`
    : '';
  return `${done}; not written: ${someOf(refused)}${waited}`;
}

/** `user/bob in 123456789012`: a principal whose ARN no run resolved, by what its findings name (the key holds the account). */
function unresolvedLabel(principal: Principal): string {
  return `${principal.kind}/${principal.name} in ${principal.key.split(':')[1] ?? 'an unknown account'}`;
}

function investigatedPart(notInvestigated: readonly Principal[]): string {
  if (notInvestigated.length === 0) return '';
  const principals = notInvestigated.map((principal) => `${principal.entityArn ?? unresolvedLabel(principal)} (${principal.error?.Error ?? 'unknown'})`);
  return `; not investigated: ${someOf(principals)}`;
}

function publishedPart(report: EnrichmentReport['report'], calls: readonly Published[]): string {
  const { sent, failed } = report.published;
  const done = `published ${sent} of ${report.summary.events} Finding Enriched events`;
  if (failed === 0) return done;
  const failedCalls = calls.filter((call) => call.failed > 0);
  const findings = failedCalls.flatMap((call) => call.findingIds ?? []);
  const errors = [...new Set(failedCalls.map((call) => call.error?.Error ?? 'unknown'))].join(', ');
  return `${done}; not published after retries (${errors}) for ${someOf(findings)}`;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** Sums up the run over its batches and decides whether it reached everything it set out to do. */
export function reportEnrichment(input: ReportEnrichmentInput): EnrichmentReport {
  const { outcomes, principals } = input;
  const calls = outcomes.flatMap((outcome) => outcome.published);
  const unprocessed = outcomes.flatMap((outcome) => outcome.unprocessed);
  const summaryOf = (field: keyof z.infer<typeof batchSummarySchema>): number => sum(outcomes.map((outcome) => outcome.summary[field]));
  const report: EnrichmentReport['report'] = {
    summary: {
      findings: summaryOf('findings'),
      investigated: summaryOf('investigated'),
      skipped: summaryOf('skipped'),
      investigationsStarted: principals.filter((principal) => principal.investigationId !== null && !principal.reused).length,
      investigationsReused: principals.filter((principal) => principal.reused).length,
      failed: summaryOf('failed'),
      updates: summaryOf('updates'),
      events: summaryOf('events'),
    },
    principals: principals.map(({ key, kind, name, entityArn, status, reused, investigationId, error }) => ({ key, kind, name, entityArn, status, reused, investigationId, error })),
    skipped: input.batches.flatMap((batch) => batch.skipped),
    written: { updated: sum(outcomes.map((outcome) => outcome.updated)), unprocessed },
    published: { sent: sum(calls.map((call) => call.sent)), failed: sum(calls.map((call) => call.failed)) },
  };
  const notImported = input.source === FindingSource.GuardDuty
    ? unprocessed.filter((item) => item.ErrorCode === UnprocessedCode.FindingNotFound).map((item) => item.FindingIdentifier.Id)
    : [];
  const notInvestigated = principals.filter((principal) => principal.status === PrincipalStatus.Error);
  const error =
    notImported.length > 0 ? EnrichmentIncomplete.FindingNotImported
    : unprocessed.length > 0 ? EnrichmentIncomplete.FindingsNotWritten
    : report.published.failed > 0 ? EnrichmentIncomplete.EnrichedEventsNotPublished
    : notInvestigated.length > 0 ? EnrichmentIncomplete.InvestigationsNotCompleted
    : null;
  if (error === null) return { report, failure: null };
  const importWaitedSeconds = Math.max(0, ...outcomes.map((outcome) => outcome.importWaitedSeconds));
  const cause = `${writtenPart(report, importWaitedSeconds, notImported)}; ${publishedPart(report, calls)}${investigatedPart(notInvestigated)}`;
  return { report, failure: { Error: error, Cause: cause } };
}
