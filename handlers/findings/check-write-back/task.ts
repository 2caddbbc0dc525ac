import * as z from 'zod/mini';
import { FindingSource } from '../work.ts';

/**
 * Security Hub leaves a finding unprocessed with an ErrorCode (BatchUpdateFindings API reference,
 * UnprocessedFindings): only a concurrent update or an internal failure can go through if sent
 * again, and a finding not found only while it is still on its way into Security Hub.
 */
export const UnprocessedCode = {
  ConcurrentUpdateError: 'ConcurrentUpdateError',
  InternalFailure: 'InternalFailure',
  FindingNotFound: 'FindingNotFound',
} as const;

const RETRIED_CODES: ReadonlySet<string> = new Set([UnprocessedCode.ConcurrentUpdateError, UnprocessedCode.InternalFailure]);

/** BatchUpdateFindings is sent at most three times for a concurrent update, two seconds apart. */
export const MAX_WRITE_ROUNDS = 3;
export const RETRY_WAIT_SECONDS = 2;

/**
 * "When GuardDuty creates a new finding, it is usually sent to Security Hub CSPM within five
 * minutes" (GuardDuty user guide, "Integrating with AWS Security Hub CSPM", Latency for sending
 * new findings, https://docs.aws.amazon.com/guardduty/latest/ug/securityhub-integration.html).
 * A finding the direct GuardDuty trigger enriched is looked for once a minute, for twice that
 * lag, before the run gives up on it.
 */
export const IMPORT_WAIT_SECONDS = 60;
export const IMPORT_WAIT_BUDGET_SECONDS = 600;

const identifierSchema = z.looseObject({ Id: z.string(), ProductArn: z.string() });
const requestSchema = z.looseObject({ FindingIdentifiers: z.array(identifierSchema) });
const unprocessedSchema = z.looseObject({
  FindingIdentifier: identifierSchema,
  ErrorCode: z.optional(z.string()),
  ErrorMessage: z.optional(z.string()),
});

/** One iteration of the write-back Map: the request, and Security Hub's answer or the error that ended it. */
const writeSchema = z.looseObject({
  request: requestSchema,
  result: z.optional(z.looseObject({ processed: z.array(identifierSchema), unprocessed: z.array(unprocessedSchema) })),
  error: z.optional(z.looseObject({ Error: z.string(), Cause: z.optional(z.string()) })),
});

export const checkWriteBackInput = z.looseObject({
  /** Where the findings came from: only a direct GuardDuty finding may not be in Security Hub yet. */
  source: z.enum(FindingSource),
  round: z.int().check(z.gte(1)),
  updated: z.int().check(z.gte(0)),
  /** Rounds so far that sent findings again after a concurrent update. */
  retriedRounds: z.int().check(z.gte(0)),
  importWaitedSeconds: z.int().check(z.gte(0)),
  /** Findings earlier rounds gave up on. */
  unprocessed: z.array(unprocessedSchema),
  results: z.array(writeSchema),
});

export type CheckWriteBackInput = z.infer<typeof checkWriteBackInput>;
type Request = z.infer<typeof requestSchema>;
type Unprocessed = z.infer<typeof unprocessedSchema>;

export interface WriteBackState {
  /** Requests to send again: each the same update, for the findings left unprocessed. */
  pending: Request[];
  /** How long to wait before sending them. */
  waitSeconds: number;
  round: number;
  updated: number;
  retriedRounds: number;
  importWaitedSeconds: number;
  /** Findings not updated and not to be sent again, with Security Hub's reason (or the error that ended the request). */
  unprocessed: Unprocessed[];
}

/**
 * After each round of BatchUpdateFindings: counts what was updated, and turns what Security Hub
 * left unprocessed into the next round's requests, as long as sending again can help: after a
 * concurrent update (three rounds at most), or while a GuardDuty finding may still be on its way
 * into Security Hub (ten minutes at most). A request that failed outright (after its own retries)
 * leaves all its findings unprocessed with the error that ended it.
 */
export function checkWriteBack(input: CheckWriteBackInput): WriteBackState {
  const awaitImport = input.source === FindingSource.GuardDuty && input.importWaitedSeconds + IMPORT_WAIT_SECONDS <= IMPORT_WAIT_BUDGET_SECONDS;
  const retryConcurrent = input.retriedRounds + 1 < MAX_WRITE_ROUNDS;
  let updated = input.updated;
  const pending: Request[] = [];
  const unprocessed: Unprocessed[] = [...input.unprocessed];
  let waitingForImport = false;
  let retried = false;
  for (const write of input.results) {
    updated += write.result?.processed.length ?? 0;
    if (!write.result) {
      unprocessed.push(...write.request.FindingIdentifiers.map((identifier) => ({ FindingIdentifier: identifier, ErrorCode: write.error?.Error, ErrorMessage: write.error?.Cause })));
      continue;
    }
    const again: Unprocessed[] = [];
    for (const left of write.result.unprocessed) {
      const notImportedYet = left.ErrorCode === UnprocessedCode.FindingNotFound && awaitImport;
      const transient = RETRIED_CODES.has(left.ErrorCode ?? '') && retryConcurrent;
      if (notImportedYet) waitingForImport = true;
      if (transient) retried = true;
      if (notImportedYet || transient) again.push(left);
      else unprocessed.push(left);
    }
    if (again.length > 0) pending.push({ ...write.request, FindingIdentifiers: again.map((item) => item.FindingIdentifier) });
  }
  return {
    pending,
    waitSeconds: waitingForImport ? IMPORT_WAIT_SECONDS : RETRY_WAIT_SECONDS,
    round: input.round + 1,
    updated,
    retriedRounds: input.retriedRounds + (retried ? 1 : 0),
    importWaitedSeconds: input.importWaitedSeconds + (waitingForImport ? IMPORT_WAIT_SECONDS : 0),
    unprocessed,
  };
}
