#!/usr/bin/env node
// `npm run build` (and after every `npm ci`/`npm install`, from postinstall): compiles the opsflow
// command into dist/cli, one ES module bundle split at every dynamic import, so that each command
// loads only what it uses and nothing is transpiled when it runs. bin/opsflow.js uses the build
// while it is fresh (bin/compiled.js) and the TypeScript sources through tsx otherwise; tests
// always run the sources. Without esbuild (an install without devDependencies) it builds nothing.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, ENTRY, MANIFEST } from './compiled.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, BUILD_DIR);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('opsflow: esbuild is not installed; the opsflow command runs from its TypeScript sources');
  process.exit(0);
}

/**
 * A module of ours that finds files next to itself (import.meta.url) would look beside the bundle
 * instead: its import.meta.url becomes its source file's URL, computed from the chunk's own, so the
 * checkout can move after the build. Every chunk sits directly in outdir (chunkNames below).
 */
const sourceLocation = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const contents = readFileSync(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return { contents, loader: 'ts' };
      const fromBundle = relative(outdir, args.path).split('\\').join('/');
      return { contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

const builtAtMs = Date.now();
rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { [ENTRY.replace(/\.js$/, '')]: 'cli/main.ts' },
  outdir,
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The AWS SDK's ES modules: smaller bundles that load about twice as fast (DESIGN.md, Toolchain).
  mainFields: ['module', 'main'],
  minify: true,
  // Error classes, and the libraries' own, are told apart by name.
  keepNames: true,
  legalComments: 'none',
  // tsx finds its loader beside its own files: `validate` registers it from node_modules (cli/commands/validate.ts).
  external: ['tsx', 'tsx/*'],
  banner: { js: "import { createRequire as __opsflowRequire } from 'node:module'; const require = __opsflowRequire(import.meta.url);" },
  plugins: [sourceLocation],
  metafile: true,
  logLevel: 'warning',
});

const patches = (() => {
  try {
    return readdirSync(join(root, 'patches')).map((name) => `patches/${name}`);
  } catch {
    return [];
  }
})();
// Installed packages count through node_modules/.package-lock.json (BUILD_INPUTS), wherever node_modules is linked from.
const sources = Object.keys(result.metafile.inputs).filter((input) => !input.split('/').includes('node_modules'));
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, MANIFEST), `${JSON.stringify({ builtAtMs, sources: [...sources, ...patches].sort() }, null, 1)}\n`);
console.log(`opsflow: compiled the opsflow command into ${BUILD_DIR} (${sources.length} sources)`);
