import type { SortedTable } from '../store.ts';

/**
 * A page of a range of a sorted table: the entities at positions [from, to) after the one a
 * token names. The token carries the sort key of the last entity it gave, not a position, so a
 * page is a binary search and a slice (its cost is its size, never the table's), and an entity
 * added or removed between two pages neither repeats nor hides another.
 */
export function sortedPage<V extends P, P extends object>(
  table: SortedTable<V, P>,
  range: { readonly from: number; readonly to: number },
  { scope, maxResults, nextToken }: { readonly scope: string; readonly maxResults: number; readonly nextToken: string | undefined },
  invalidToken: () => Error,
): { page: V[]; nextToken?: string } {
  let start = range.from;
  if (nextToken !== undefined) {
    const resume = tokenKey(nextToken, scope);
    if (resume === undefined) throw invalidToken();
    start = Math.max(start, table.lowerBoundOfKey(resume));
    const at = table.at(start);
    if (at !== undefined && table.sortKey(at) === resume) start += 1;
  }
  const end = Math.min(range.to, start + maxResults);
  const page = start < end ? table.slice(start, end) : [];
  const last = page.at(-1);
  return { page, ...(end < range.to && last !== undefined ? { nextToken: pageToken(scope, table.sortKey(last)) } : {}) };
}

/** The range of entities whose sort keys start with `prefix` (a group's memberships, a namespace's users). */
export function prefixRange<V extends P, P extends object>(table: SortedTable<V, P>, prefix: string): { from: number; to: number } {
  // U+FFFF sorts after every character a name can hold.
  return { from: table.lowerBoundOfKey(prefix), to: table.lowerBoundOfKey(`${prefix}\uffff`) };
}

export function wholeRange(table: { readonly size: number }): { from: number; to: number } {
  return { from: 0, to: table.size };
}

function pageToken(scope: string, sortKey: string): string {
  return Buffer.from(JSON.stringify([scope, sortKey]), 'utf8').toString('base64url');
}

function tokenKey(token: string, scope: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === scope && typeof parsed[1] === 'string') return parsed[1];
  } catch {
    return undefined;
  }
  return undefined;
}
