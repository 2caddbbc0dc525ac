import * as z from 'zod/mini';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema } from '../schemas.ts';

export const readSnapshotInput = z.looseObject({ plan: searchPlanSchema });
export type ReadSnapshotInput = z.infer<typeof readSnapshotInput>;

/**
 * `GET _snapshot/<repo>/<name>`: the state of this run's snapshot (IN_PROGRESS, SUCCESS, FAILED,
 * PARTIAL, INCOMPATIBLE), its shard counts, the first failure's reason and its start time (ISO 8601,
 * from `start_time_in_millis`; null if OpenSearch gave none). Raises SnapshotMissing
 * when it is not there, and rest.ts's names.
 */
export async function readSnapshot(input: ReadSnapshotInput, transport: OpenSearchTransport): Promise<{ state: string; shards: { total: number; failed: number; successful: number }; reason: string; startTime: string | null }> {
  const answer = await send(transport, 'GET', `/_snapshot/${segment(input.plan.repository.name)}/${segment(input.plan.snapshotName)}`);
  const info = ((answer.body as { snapshots?: unknown[] }).snapshots?.[0] ?? {}) as {
    state?: string;
    reason?: string;
    shards?: { total?: number; failed?: number; successful?: number };
    failures?: { reason?: string }[];
    start_time_in_millis?: number;
  };
  return {
    state: info.state ?? 'UNKNOWN',
    shards: { total: info.shards?.total ?? 0, failed: info.shards?.failed ?? 0, successful: info.shards?.successful ?? 0 },
    reason: info.reason ?? info.failures?.[0]?.reason ?? '',
    startTime: typeof info.start_time_in_millis === 'number' ? new Date(info.start_time_in_millis).toISOString() : null,
  };
}
