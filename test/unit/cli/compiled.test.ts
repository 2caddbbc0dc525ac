import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript without types: it runs before anything can load TypeScript.
import { BUILD_DIR, ENTRY, MANIFEST, freshBuild } from '../../../bin/compiled.js';

describe('whether bin/opsflow.js may use the install-time build (bin/compiled.js freshBuild)', () => {
  const builtAt = new Date('2026-01-01T00:00:00Z');
  const before = new Date('2025-12-31T00:00:00Z');
  const after = new Date('2026-01-02T00:00:00Z');
  let root: string;

  const file = (path: string, mtime: Date, text = ''): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    utimesSync(join(root, path), mtime, mtime);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'opsflow-build-'));
    for (const source of ['cli/main.ts', 'engine/engine.ts', 'package.json', 'node_modules/.package-lock.json']) file(source, before);
    file(`${BUILD_DIR}/${ENTRY}`, builtAt);
    file(`${BUILD_DIR}/${MANIFEST}`, builtAt, JSON.stringify({ builtAtMs: builtAt.getTime(), sources: ['cli/main.ts', 'engine/engine.ts'] }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('gives the entry while nothing changed since the build', () => {
    expect(freshBuild(root)).toBe(pathToFileURL(join(root, BUILD_DIR, ENTRY)).href);
  });

  it.each(['engine/engine.ts', 'package.json', 'node_modules/.package-lock.json'])('refuses it once %s changed after the build', (path) => {
    file(path, after);
    expect(freshBuild(root)).toBeUndefined();
  });

  it('refuses it when a source it was built from is gone', () => {
    rmSync(join(root, 'engine/engine.ts'));
    expect(freshBuild(root)).toBeUndefined();
  });

  it('refuses it when there is no build, or its manifest is not what the build writes', () => {
    file(`${BUILD_DIR}/${MANIFEST}`, builtAt, '{"sources": []}');
    expect(freshBuild(root)).toBeUndefined();
    rmSync(join(root, BUILD_DIR), { recursive: true });
    expect(freshBuild(root)).toBeUndefined();
  });
});
