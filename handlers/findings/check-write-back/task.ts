import * as z from 'zod/mini';

/** BatchUpdateFindings makes three attempts at a finding Security Hub leaves unprocessed. */
export const MAX_WRITE_ROUNDS = 3;

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
  round: z.int().check(z.gte(1)),
  updated: z.int().check(z.gte(0)),
  results: z.array(writeSchema),
});

export type CheckWriteBackInput = z.infer<typeof checkWriteBackInput>;
type Request = z.infer<typeof requestSchema>;
type Unprocessed = z.infer<typeof unprocessedSchema>;

export interface WriteBackState {
  /** Requests to send again: each the same update, for the findings left unprocessed. */
  pending: Request[];
  round: number;
  updated: number;
  /** Findings still not updated after the last round, with Security Hub's reason. */
  unprocessed: Unprocessed[];
}

/**
 * After each round of BatchUpdateFindings: counts what was updated, and turns what Security Hub
 * left unprocessed (a concurrent update, say) into the next round's requests, up to the last round.
 * A request that failed outright (after its own retries) leaves all its findings unprocessed.
 */
export function checkWriteBack(input: CheckWriteBackInput): WriteBackState {
  let updated = input.updated;
  const retry: Request[] = [];
  const unprocessed: Unprocessed[] = [];
  for (const write of input.results) {
    const left: Unprocessed[] = write.result
      ? write.result.unprocessed
      : write.request.FindingIdentifiers.map((identifier) => ({ FindingIdentifier: identifier, ErrorCode: write.error?.Error, ErrorMessage: write.error?.Cause }));
    updated += write.result?.processed.length ?? 0;
    if (left.length === 0) continue;
    if (write.result && input.round < MAX_WRITE_ROUNDS) retry.push({ ...write.request, FindingIdentifiers: left.map((item) => item.FindingIdentifier) });
    else unprocessed.push(...left);
  }
  return { pending: retry, round: input.round + 1, updated, unprocessed };
}
