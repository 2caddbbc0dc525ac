// Whether the install-time build of the opsflow command (bin/build.js) can stand in for its
// TypeScript sources. Plain JavaScript: it runs before anything can load TypeScript.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What bin/build.js writes, under the repository root. */
export const BUILD_DIR = 'dist/cli';
export const ENTRY = 'main.js';
export const MANIFEST = 'manifest.json';

/**
 * Files whose change makes a build stale besides its own sources: the package manifest, the
 * installed tree (npm rewrites node_modules/.package-lock.json on every install) and the patches
 * applied to it.
 */
export const BUILD_INPUTS = ['package.json', 'node_modules/.package-lock.json', 'patches'];

/**
 * The build's entry (a file URL string) when it exists and no file it was built from, nor one of
 * BUILD_INPUTS, changed after it was built; undefined otherwise (missing, stale, unreadable).
 * Every path in the manifest is relative to `root`.
 */
export function freshBuild(root) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, BUILD_DIR, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
  const { builtAtMs, sources } = manifest;
  if (typeof builtAtMs !== 'number' || !Array.isArray(sources)) return undefined;
  for (const source of [...sources, ...BUILD_INPUTS]) {
    let modified;
    try {
      modified = statSync(join(root, source)).mtimeMs;
    } catch {
      // A build input that is gone (a source deleted, no patches) changes what the build would be.
      if (sources.includes(source)) return undefined;
      continue;
    }
    if (modified > builtAtMs) return undefined;
  }
  return pathToFileURL(join(root, BUILD_DIR, ENTRY)).href;
}
