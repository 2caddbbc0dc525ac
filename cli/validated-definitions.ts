import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The definitions (by Engine's definitionHash) that passed aws-local-stepfunctions' schema
 * validation on this install, kept between commands so `run` and `send` validate a definition once
 * rather than on every call (`opsflow validate` checks every definition fully, every time). Kept
 * under node_modules/.cache, where tools keep their caches: `npm ci` starts it afresh, so a new
 * version of the library validates again.
 */
const cacheFile = fileURLToPath(new URL('../node_modules/.cache/opsflow/validated-definitions.json', import.meta.url));

/** The hashes recorded so far; none when the file is missing or unreadable (a cache never fails a command). */
export async function loadValidatedDefinitions(): Promise<Set<string>> {
  try {
    const hashes: unknown = JSON.parse(await readFile(cacheFile, 'utf8'));
    return new Set(Array.isArray(hashes) ? hashes.filter((hash): hash is string => typeof hash === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Records the hashes when the set grew; written whole and renamed into place, so a reader never sees half a file. */
export async function saveValidatedDefinitions(hashes: ReadonlySet<string>, before: number): Promise<void> {
  if (hashes.size === before) return;
  try {
    await mkdir(dirname(cacheFile), { recursive: true });
    const partial = `${cacheFile}.${process.pid}`;
    await writeFile(partial, JSON.stringify([...hashes].sort()));
    await rename(partial, cacheFile);
  } catch {
    // A read-only install only loses the time saved.
  }
}
