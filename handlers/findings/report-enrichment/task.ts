import * as z from 'zod/mini';
import { UnprocessedCode } from '../check-write-back/task.ts';
import { PrincipalStatus } from '../compose-finding-updates/task.ts';
import { FindingSource } from '../work.ts';

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
   * Some principals could not be investigated (the run could not be started or followed, or
   * Detective failed past the retries): their findings say so, and the run fails after writing them.
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

/** One PutEvents call of the publish Map: sent, or failed after its retries. */
const publishedSchema = z.looseObject({
  sent: z.int().check(z.gte(0)),
  failed: z.int().check(z.gte(0)),
  findingIds: z.optional(z.array(z.string())),
  error: z.optional(errorSchema),
});

const count = z.int().check(z.gte(0));

/** The part of a principal's result the report reads; the rest is passed through. */
const principalSchema = z.looseObject({ entityArn: z.string(), status: z.string(), error: z.nullable(z.optional(errorSchema)) });

export const reportEnrichmentInput = z.looseObject({
  source: z.enum(FindingSource),
  summary: z.looseObject({ updates: count, events: count }),
  principals: z.array(principalSchema),
  skipped: z.array(z.unknown()),
  written: z.looseObject({ updated: count, unprocessed: z.array(unprocessedSchema), importWaitedSeconds: count }),
  published: z.array(publishedSchema),
});
export type ReportEnrichmentInput = z.infer<typeof reportEnrichmentInput>;

export interface EnrichmentReport {
  report: {
    summary: ReportEnrichmentInput['summary'];
    principals: unknown[];
    skipped: unknown[];
    written: { updated: number; unprocessed: ReportEnrichmentInput['written']['unprocessed'] };
    published: { sent: number; failed: number };
  };
  /** Null when every update was written and every event published. */
  failure: { Error: string; Cause: string } | null;
}

function someOf(items: readonly string[]): string {
  const named = items.slice(0, NAMED_IN_CAUSE).join(', ');
  return items.length > NAMED_IN_CAUSE ? `${named} and ${items.length - NAMED_IN_CAUSE} more` : named;
}

function writtenPart(input: ReportEnrichmentInput, notImported: readonly string[]): string {
  const { summary, written } = input;
  const done = `wrote ${written.updated} of ${summary.updates} finding updates back to Security Hub`;
  if (written.unprocessed.length === 0) return done;
  const refused = written.unprocessed.map((item) => `${item.FindingIdentifier.Id} (${item.ErrorCode ?? 'unknown'}${item.ErrorMessage ? `: ${item.ErrorMessage}` : ''})`);
  const waited = notImported.length > 0
    ? `; ${notImported.length} GuardDuty finding(s) still not in Security Hub after waiting ${written.importWaitedSeconds} s for the import (GuardDuty usually sends a new finding within five minutes)`
    : '';
  return `${done}; not written: ${someOf(refused)}${waited}`;
}

function investigatedPart(notInvestigated: ReportEnrichmentInput['principals']): string {
  if (notInvestigated.length === 0) return '';
  const principals = notInvestigated.map((principal) => `${principal.entityArn} (${principal.error?.Error ?? 'unknown'})`);
  return `; not investigated: ${someOf(principals)}`;
}

function publishedPart(input: ReportEnrichmentInput, sent: number, failed: number): string {
  const done = `published ${sent} of ${input.summary.events} Finding Enriched events`;
  if (failed === 0) return done;
  const calls = input.published.filter((call) => call.failed > 0);
  const findings = calls.flatMap((call) => call.findingIds ?? []);
  const errors = [...new Set(calls.map((call) => call.error?.Error ?? 'unknown'))].join(', ');
  return `${done}; not published after retries (${errors}) for ${someOf(findings)}`;
}

/** Sums up the run and decides whether it reached everything it set out to do. */
export function reportEnrichment(input: ReportEnrichmentInput): EnrichmentReport {
  const sent = input.published.reduce((total, call) => total + call.sent, 0);
  const failed = input.published.reduce((total, call) => total + call.failed, 0);
  const notImported = input.source === FindingSource.GuardDuty
    ? input.written.unprocessed.filter((item) => item.ErrorCode === UnprocessedCode.FindingNotFound).map((item) => item.FindingIdentifier.Id)
    : [];
  const report: EnrichmentReport['report'] = {
    summary: input.summary,
    principals: input.principals,
    skipped: input.skipped,
    written: { updated: input.written.updated, unprocessed: input.written.unprocessed },
    published: { sent, failed },
  };
  const notInvestigated = input.principals.filter((principal) => principal.status === PrincipalStatus.Error);
  const error =
    notImported.length > 0 ? EnrichmentIncomplete.FindingNotImported
    : input.written.unprocessed.length > 0 ? EnrichmentIncomplete.FindingsNotWritten
    : failed > 0 ? EnrichmentIncomplete.EnrichedEventsNotPublished
    : notInvestigated.length > 0 ? EnrichmentIncomplete.InvestigationsNotCompleted
    : null;
  if (error === null) return { report, failure: null };
  const cause = `${writtenPart(input, notImported)}; ${publishedPart(input, sent, failed)}${investigatedPart(notInvestigated)}`;
  return { report, failure: { Error: error, Cause: cause } };
}
