import * as z from 'zod/mini';
import { errorType, namedSearchError, send, segment, type OpenSearchTransport } from '../rest.ts';
import { DONE, listIndices, recoveries, recoveryProgress, restorePlanSchema } from '../restores.ts';

export const checkSearchRestoreInput = z.looseObject({ plan: restorePlanSchema });
export type CheckSearchRestoreInput = z.infer<typeof checkSearchRestoreInput>;

export interface RestoreProgress {
  /** The restored name (the plan's restoreAs). */
  readonly index: string;
  /** The stage of its least advanced primary shard (INIT, INDEX, VERIFY_INDEX, TRANSLOG, FINALIZE, DONE), or MISSING / CLOSED when the index was deleted or closed since it was restored. */
  readonly stage: string;
  /** Mean recovered bytes of its primaries, in percent (0–100). */
  readonly percent: number;
  /** Whether `_count` answers: its primaries are started. */
  readonly searchable: boolean;
}

const MISSING = 'MISSING';
const CLOSED = 'CLOSED';

/** Only this `_count` refusal means "not started yet"; any other 503 is the domain's. */
const NOT_STARTED = 'search_phase_execution_exception';

/** `GET <index>/_count` answered, or 503 search_phase_execution_exception (no shard started yet: false). */
async function searchable(transport: OpenSearchTransport, index: string): Promise<boolean> {
  const path = `/${segment(index)}/_count`;
  const answer = await send(transport, 'GET', path, { accept: [503] });
  if (answer.statusCode < 300) return true;
  if (errorType(answer.body).type === NOT_STARTED) return false;
  throw namedSearchError(answer.statusCode, answer.body, `GET ${path}`);
}

/**
 * Where the restore of the plan's indices stands (`GET _cat/indices`, `GET <indices>/_recovery`,
 * then `GET <index>/_count` once an index's primaries are DONE). `done` when no index is still
 * recovering: every index is DONE and answers counts, or is MISSING or CLOSED (deleted or closed since
 * it was restored, which VerifySearchRestore refuses, so the wait does not run to its bound for nothing). Raises
 * rest.ts's names.
 */
export async function checkSearchRestore(input: CheckSearchRestoreInput, transport: OpenSearchTransport): Promise<{ done: boolean; indices: RestoreProgress[] }> {
  const names = input.plan.indices.map((entry) => entry.restoreAs);
  const present = await listIndices(transport);
  const recovered = await recoveries(transport, names.filter((name) => present.get(name) === 'open'));
  const indices: RestoreProgress[] = [];
  for (const name of names) {
    const status = present.get(name);
    if (status !== 'open') {
      indices.push({ index: name, stage: status === 'close' ? CLOSED : MISSING, percent: 0, searchable: false });
      continue;
    }
    const progress = recoveryProgress(recovered.get(name) ?? []);
    indices.push({ index: name, ...progress, searchable: progress.stage === DONE && (await searchable(transport, name)) });
  }
  return { done: indices.every((entry) => entry.searchable || entry.stage === MISSING || entry.stage === CLOSED), indices };
}
