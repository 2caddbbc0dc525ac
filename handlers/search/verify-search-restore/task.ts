import * as z from 'zod/mini';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { RestoreVerificationFailed } from '../errors.ts';
import { indexList, listIndices, restorePlanSchema } from '../restores.ts';

export const verifySearchRestoreInput = z.looseObject({ plan: restorePlanSchema });
export type VerifySearchRestoreInput = z.infer<typeof verifySearchRestoreInput>;

export interface VerifiedIndex {
  /** The restored name (the plan's restoreAs). */
  readonly index: string;
  readonly count: number;
  /** The manifest's range: the index's count just before and just after the snapshot (after null: unknown, count ≥ before). */
  readonly before: number;
  readonly after: number | null;
}

export type Health = 'green' | 'yellow' | 'red';

/** How long the health request may wait for an index OpenSearch does not know (it answers 408, red, when the time is up). */
const HEALTH_TIMEOUT = '5s';

/**
 * `GET _cluster/health/<indices>?level=indices`: the status of the restored indices together and of
 * each. A 408 is OpenSearch's answer for an index it does not know once the timeout ran out: red.
 */
async function health(transport: OpenSearchTransport, names: readonly string[]): Promise<{ status: Health; red: string[] }> {
  const answer = await send(transport, 'GET', `/_cluster/health/${indexList(names)}`, { query: { level: 'indices', timeout: HEALTH_TIMEOUT }, accept: [408] });
  const body = (answer.body ?? {}) as { status?: string; indices?: Record<string, { status?: string }> };
  const status: Health = answer.statusCode === 408 || body.status === 'red' || !body.status ? 'red' : body.status === 'yellow' ? 'yellow' : 'green';
  const red = names.filter((name) => body.indices?.[name]?.status === 'red');
  return { status, red: status === 'red' && red.length === 0 ? [...names] : red };
}

/**
 * Verifies the restore before anything depends on it: every restored index exists and is open, its
 * document count (`GET <index>/_count`) lies within the manifest's [before, after] (≥ before when
 * after is unknown), and the cluster health of the restored indices is not red (yellow, replicas
 * still allocating, is a working index). A 503 count (primaries not started) is
 * SearchDomainServerError, which the state retries. Raises RestoreVerificationFailed naming each index
 * that failed, with its count and range, and rest.ts's names. Changes nothing.
 */
export async function verifySearchRestore(input: VerifySearchRestoreInput, transport: OpenSearchTransport): Promise<{ indices: VerifiedIndex[]; health: Health }> {
  const { plan } = input;
  const present = await listIndices(transport);
  const failures: string[] = [];
  const indices: VerifiedIndex[] = [];
  const answered: string[] = [];
  for (const entry of plan.indices) {
    const status = present.get(entry.restoreAs);
    if (status !== 'open') {
      failures.push(`${entry.restoreAs} ${status === 'close' ? 'is closed' : 'is missing'}`);
      continue;
    }
    const answer = await send(transport, 'GET', `/${segment(entry.restoreAs)}/_count`, { accept: [404] });
    if (answer.statusCode === 404) {
      failures.push(`${entry.restoreAs} is missing`);
      continue;
    }
    answered.push(entry.restoreAs);
    const count = Number((answer.body as { count?: unknown } | null)?.count);
    const { before, after } = entry;
    if (before === null) failures.push(`${entry.restoreAs} has no count before in the plan to verify against`);
    else if (!Number.isInteger(count)) failures.push(`${entry.restoreAs} answered no count`);
    else if (count < before || (after !== null && count > after)) failures.push(`${entry.restoreAs} has ${count} documents, outside [${before}, ${after ?? '∞'}]`);
    else indices.push({ index: entry.restoreAs, count, before, after });
  }
  const checked = answered.length > 0 ? await health(transport, answered) : { status: 'red' as const, red: [] };
  if (checked.red.length > 0) failures.push(`health red: ${checked.red.join(', ')}`);
  if (failures.length > 0) {
    throw new RestoreVerificationFailed(`${plan.snapshot} restored into ${plan.endpoint} failed verification (${failures.length} ${failures.length === 1 ? 'problem' : 'problems'}): ${failures.join('; ')}`);
  }
  return { indices, health: checked.status };
}
