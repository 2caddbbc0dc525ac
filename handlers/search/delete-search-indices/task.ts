import * as z from 'zod/mini';
import { errorType, namedSearchError, send, segment, type OpenSearchTransport } from '../rest.ts';
import { userIndexName } from '../restores.ts';

/**
 * The domain (DescribeDomain's endpoint and its Region) and the indices to delete, each one name:
 * no wildcard, list or `_all`, and never a name starting with `.` (system indices).
 */
export const deleteSearchIndicesInput = z.looseObject({
  endpoint: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  indices: z.array(userIndexName),
});
export type DeleteSearchIndicesInput = z.infer<typeof deleteSearchIndicesInput>;

/**
 * Deletes each index, one `DELETE /<index>` apiece (OpenSearch API reference, "Delete index":
 * `{"acknowledged": true}`), so one already gone does not stop the others: its 404
 * index_not_found_exception is "already done" (`absent`). Names given twice are deleted once.
 * Bad names are refused by the input schema (InvalidInput) before anything is sent. Raises
 * rest.ts's names; what was deleted before a failure stays deleted, and a retry finds it absent.
 */
export async function deleteSearchIndices(input: DeleteSearchIndicesInput, transport: OpenSearchTransport): Promise<{ deleted: string[]; absent: string[] }> {
  const deleted: string[] = [];
  const absent: string[] = [];
  for (const index of new Set(input.indices)) {
    const path = `/${segment(index)}`;
    const answer = await send(transport, 'DELETE', path, { accept: [404] });
    if (answer.statusCode !== 404) deleted.push(index);
    else if (errorType(answer.body).type === 'index_not_found_exception') absent.push(index);
    else throw namedSearchError(answer.statusCode, answer.body, `DELETE ${path}`);
  }
  return { deleted, absent };
}
