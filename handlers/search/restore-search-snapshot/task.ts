import * as z from 'zod/mini';
import { InvalidInput } from '../../shared/errors.ts';
import { send, segment, type OpenSearchTransport } from '../rest.ts';
import { IndicesConflict } from '../errors.ts';
import { listIndices, recoveries, renamedAs, restoredFrom, restoreError, restorePlanSchema } from '../restores.ts';

export const restoreSearchSnapshotInput = z.looseObject({ plan: restorePlanSchema });
export type RestoreSearchSnapshotInput = z.infer<typeof restoreSearchSnapshotInput>;

export interface RestoreSearchSnapshotResult {
  /** The names (restoreAs) this call asked OpenSearch to restore, in the plan's order. */
  readonly requested: string[];
  /** The names that already exist, restored (or recovering) from this snapshot: a retried task or a replayed run. */
  readonly alreadyRestored: string[];
}

/**
 * Restores the plan's indices from its snapshot into this Region's domain, once:
 * `POST _snapshot/<repo>/<snapshot>/_restore` with `{indices, ignore_unavailable: false,
 * include_global_state: false, include_aliases}` (and the plan's rename_pattern/rename_replacement),
 * not waiting for completion. Aliases are restored only without a rename: renamed copies (a drill,
 * conflicts "rename") must not take the live indices' aliases.
 *
 * Idempotent: an index whose primaries recover (or recovered) from this snapshot's copy of the same
 * index (`GET <indices>/_recovery`) is not restored again. Nothing is requested when an open index
 * of a planned name exists that this snapshot did not restore (created since the preflight, or left
 * by conflicts "delete"): IndicesConflict lists them all; OpenSearch's own refusal of a conflict (a
 * race) is IndicesConflict too. Raises InvalidInput when the plan's rename does not give its
 * restoreAs names, SnapshotMissing, SnapshotNotRestorable, and rest.ts's transient names.
 */
export async function restoreSearchSnapshot(input: RestoreSearchSnapshotInput, transport: OpenSearchTransport): Promise<RestoreSearchSnapshotResult> {
  const { plan } = input;
  for (const entry of plan.indices) {
    const renamed = renamedAs(plan, entry.index);
    if (renamed !== entry.restoreAs) throw new InvalidInput(`plan.indices: ${entry.index} would be restored as ${renamed} by the plan's rename, not ${entry.restoreAs}`);
  }

  const present = await listIndices(transport);
  const open = plan.indices.filter((entry) => present.get(entry.restoreAs) === 'open');
  const recovered = await recoveries(transport, open.map((entry) => entry.restoreAs));
  const ours = open.filter((entry) => restoredFrom(recovered.get(entry.restoreAs) ?? [], plan.repository.name, plan.snapshot, entry.index));
  const inTheWay = open.filter((entry) => !ours.includes(entry)).map((entry) => entry.restoreAs);
  if (inTheWay.length > 0) {
    throw new IndicesConflict(`open indices with the names to restore exist on ${plan.endpoint} and were not restored from ${plan.snapshot} (conflicts: ${plan.conflictOption}): ${inTheWay.join(', ')}`);
  }

  const wanted = plan.indices.filter((entry) => !ours.includes(entry));
  if (wanted.length > 0) {
    const path = `/_snapshot/${segment(plan.repository.name)}/${segment(plan.snapshot)}/_restore`;
    const renaming = plan.renamePattern !== null;
    const body = {
      indices: wanted.map((entry) => entry.index),
      ignore_unavailable: false,
      include_global_state: false,
      include_aliases: !renaming,
      ...(renaming ? { rename_pattern: plan.renamePattern, rename_replacement: plan.renameReplacement ?? '' } : {}),
    };
    // Answers OpenSearch refuses with are mapped here: a conflict (500) must not read as a server error to retry.
    const answer = await send(transport, 'POST', path, { body, accept: [400, 404, 500] });
    if (answer.statusCode >= 300) throw restoreError(answer.statusCode, answer.body, `POST ${path}`);
  }
  return { requested: wanted.map((entry) => entry.restoreAs), alreadyRestored: ours.map((entry) => entry.restoreAs) };
}
