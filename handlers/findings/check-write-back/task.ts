import * as z from 'zod/mini';
import { InvalidInput } from '../../shared/errors.ts';

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
const count = z.int().check(z.gte(0));

/**
 * One iteration of the write-back Map, for the request at the same index of `pending`: how many
 * findings Security Hub processed and those it did not, or the error that ended the request.
 */
const writeSchema = z.looseObject({
  processed: z.optional(count),
  unprocessed: z.optional(z.array(unprocessedSchema)),
  error: z.optional(z.looseObject({ Error: z.string(), Cause: z.optional(z.string()) })),
});

/** A batch's write-back after a round (compose-finding-updates starts it); fields it does not read are carried over. */
export const checkWriteBackInput = z.looseObject({
  /** Whether a finding may not be in Security Hub yet (the direct GuardDuty trigger). */
  awaitImport: z.boolean(),
  round: z.int().check(z.gte(1)),
  updated: count,
  /** Rounds so far that sent findings again after a concurrent update. */
  retriedRounds: count,
  importWaitedSeconds: count,
  /** Findings earlier rounds gave up on. */
  unprocessed: z.array(unprocessedSchema),
  /** The requests this round sent. */
  pending: z.array(requestSchema),
  /** What became of each, in the same order. */
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
 * leaves all its findings unprocessed with the error that ended it. Returns the input with these
 * fields advanced and the round's results dropped; raises InvalidInput when the results do not
 * match the requests sent.
 */
export function checkWriteBack<T extends CheckWriteBackInput>(input: T): Omit<T, 'results'> & WriteBackState {
  if (input.results.length !== input.pending.length) {
    throw new InvalidInput(`results: ${input.results.length} results for ${input.pending.length} requests sent`);
  }
  const awaitImport = input.awaitImport && input.importWaitedSeconds + IMPORT_WAIT_SECONDS <= IMPORT_WAIT_BUDGET_SECONDS;
  const retryConcurrent = input.retriedRounds + 1 < MAX_WRITE_ROUNDS;
  let updated = input.updated;
  const pending: Request[] = [];
  const unprocessed: Unprocessed[] = [...input.unprocessed];
  let waitingForImport = false;
  let retried = false;
  input.results.forEach((write, index) => {
    const request = input.pending[index] as Request;
    updated += write.processed ?? 0;
    if (write.error || write.unprocessed === undefined) {
      unprocessed.push(...request.FindingIdentifiers.map((identifier) => ({ FindingIdentifier: identifier, ErrorCode: write.error?.Error, ErrorMessage: write.error?.Cause })));
      return;
    }
    const again: Unprocessed[] = [];
    for (const left of write.unprocessed) {
      const notImportedYet = left.ErrorCode === UnprocessedCode.FindingNotFound && awaitImport;
      const transient = RETRIED_CODES.has(left.ErrorCode ?? '') && retryConcurrent;
      if (notImportedYet) waitingForImport = true;
      if (transient) retried = true;
      if (notImportedYet || transient) again.push(left);
      else unprocessed.push(left);
    }
    if (again.length > 0) pending.push({ ...request, FindingIdentifiers: again.map((item) => item.FindingIdentifier) });
  });
  const { results: _results, ...carried } = input;
  return {
    ...carried,
    pending,
    waitSeconds: waitingForImport ? IMPORT_WAIT_SECONDS : RETRY_WAIT_SECONDS,
    round: input.round + 1,
    updated,
    retriedRounds: input.retriedRounds + (retried ? 1 : 0),
    importWaitedSeconds: input.importWaitedSeconds + (waitingForImport ? IMPORT_WAIT_SECONDS : 0),
    unprocessed,
  };
}
