import * as z from 'zod/mini';
import { send, type OpenSearchTransport } from '../rest.ts';
import { searchPlanSchema } from '../schemas.ts';

export const checkRunningSnapshotsInput = z.looseObject({ plan: searchPlanSchema });
export type CheckRunningSnapshotsInput = z.infer<typeof checkRunningSnapshotsInput>;

/** At most this many running snapshots are named in the output (the state stays small). */
const SHOWN = 5;

/**
 * `GET _snapshot/_status`: the snapshots running now in any repository, the service's hourly
 * automated ones (`cs-automated`, `cs-automated-enc`) included. `ours` when this run's own snapshot is
 * among them (a replayed run: poll it rather than take another); `busy` when another one is.
 */
export async function checkRunningSnapshots(input: CheckRunningSnapshotsInput, transport: OpenSearchTransport): Promise<{ busy: boolean; ours: boolean; running: { repository: string; snapshot: string; state: string }[] }> {
  const answer = await send(transport, 'GET', '/_snapshot/_status');
  const snapshots = ((answer.body as { snapshots?: unknown[] } | null)?.snapshots ?? []) as { repository?: string; snapshot?: string; state?: string }[];
  const running = snapshots.map((entry) => ({ repository: entry.repository ?? '', snapshot: entry.snapshot ?? '', state: entry.state ?? '' }));
  const isOurs = (entry: { repository: string; snapshot: string }) => entry.repository === input.plan.repository.name && entry.snapshot === input.plan.snapshotName;
  const ours = running.some(isOurs);
  return { busy: !ours && running.length > 0, ours, running: running.slice(0, SHOWN) };
}
