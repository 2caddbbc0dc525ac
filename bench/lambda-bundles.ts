import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { functionRegistry } from '../handlers/registry.ts';
import { lambdaBuildSettings, type LambdaBuildSettings } from './esbuild-options.ts';
import { BenchMeasurementError, BenchSetupError } from './errors.ts';
import { code, kilobytes, milliseconds, table } from './markdown.ts';
import type { BenchContext, BenchSection, Goal, SectionReport } from './section.ts';
import { median, range } from './stats.ts';

const MAX_KILOBYTES = 400;
const MAX_IMPORT_MS = 120;
const IMPORT_RUNS = 5;
const TOP_INPUTS = 3;

const runFile = promisify(execFile);

interface BundleMeasurement {
  readonly key: string;
  readonly bytes: number;
  readonly importMs: readonly number[];
  readonly topInputs: readonly { path: string; bytes: number }[];
}

/** 'handlers/dns/parse-dns-event/handler.handler' → 'handlers/dns/parse-dns-event/handler.ts' */
function entryOf(key: string, handler: string, root: string): string {
  const entry = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
  if (!existsSync(path.join(root, entry))) throw new BenchSetupError(`functionRegistry.${key}: handler ${handler} has no source file ${entry}`);
  return entry;
}

/** What each input contributes to the bundle after minification, largest first. */
function largestInputs(output: Metafile['outputs'][string]): { path: string; bytes: number }[] {
  return Object.entries(output.inputs)
    .map(([input, { bytesInOutput }]) => ({ path: input.replace(/^node_modules\//, ''), bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, TOP_INPUTS);
}

/** Import time of the bundle in a fresh Node process, measured inside it (process start-up excluded). */
async function coldImportMs(file: string): Promise<number> {
  const script = `const started = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - started);`;
  const { stdout } = await runFile(process.execPath, ['--input-type=module', '-e', script], { env: process.env });
  const value = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isFinite(value)) throw new BenchMeasurementError(`importing ${file} printed ${JSON.stringify(stdout)}, not a duration`);
  return value;
}

async function bundle(key: string, handler: string, settings: LambdaBuildSettings, outDir: string, root: string): Promise<BundleMeasurement> {
  const entry = entryOf(key, handler, root);
  const outfile = path.join(outDir, `${key}${settings.outputFileExtension}`);
  const result = await build({ ...settings.options, entryPoints: [entry], outfile, metafile: true, logLevel: 'silent', absWorkingDir: root });
  const [output, ...others] = Object.values(result.metafile.outputs);
  if (!output || others.length > 0) throw new BenchMeasurementError(`${key}: expected one output file, esbuild wrote ${others.length + (output ? 1 : 0)}`);
  const importMs: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run += 1) importMs.push(await coldImportMs(outfile));
  return { key, bytes: (await stat(outfile)).size, importMs, topInputs: largestInputs(output) };
}

function report(measurements: readonly BundleMeasurement[], settings: LambdaBuildSettings): SectionReport {
  const rows = measurements.map((measured) => {
    const { min, max } = range(measured.importMs);
    return [
      code(measured.key),
      kilobytes(measured.bytes),
      milliseconds(median(measured.importMs)),
      `${milliseconds(min)}–${milliseconds(max)}`,
      measured.topInputs.map((input) => `${input.path} (${kilobytes(input.bytes)})`).join('\n'),
    ];
  });
  const largest = measurements.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slowest = measurements.reduce((a, b) => (median(b.importMs) > median(a.importMs) ? b : a));
  const oversized = measurements.filter((measured) => measured.bytes / 1024 > MAX_KILOBYTES).map((measured) => measured.key);
  const slow = measurements.filter((measured) => median(measured.importMs) > MAX_IMPORT_MS).map((measured) => measured.key);
  const goals: Goal[] = [
    {
      goal: `every bundle ≤ ${MAX_KILOBYTES} KB`,
      measured: `largest ${kilobytes(largest.bytes)} KB (${largest.key})${oversized.length > 0 ? `; over: ${oversized.join(', ')}` : ''}`,
      met: oversized.length === 0,
    },
    {
      goal: `every cold import ≤ ${MAX_IMPORT_MS} ms (median of ${IMPORT_RUNS})`,
      measured: `slowest ${milliseconds(median(slowest.importMs))} ms (${slowest.key})${slow.length > 0 ? `; over: ${slow.join(', ')}` : ''}`,
      met: slow.length === 0,
    },
  ];
  const { options } = settings;
  const body = [
    `One bundle per \`functionRegistry\` entry, built with esbuild's JS API and the options of \`serverless.yml\` custom.esbuild ` +
      `(read from the file: bundle ${options.bundle}, minify ${options.minify}, format ${options.format}, platform ${options.platform}, ` +
      `target ${options.target}, mainFields ${(options.mainFields ?? []).join(',')}, the createRequire banner, outfile ${settings.outputFileExtension}; ` +
      `plus serverless-esbuild's default external \`aws-sdk\`) into \`bench/.out/lambdas/\`. ` +
      `Cold import: \`await import()\` of the bundle timed inside a fresh \`node --input-type=module\` process ` +
      `(process start-up excluded), ${IMPORT_RUNS} runs each; the median is the figure judged. KB = 1024 bytes. ` +
      `Top inputs: the bytes each source file contributes to the minified bundle (esbuild metafile \`bytesInOutput\`). ` +
      `Measured on ${process.version}; Lambda runs nodejs22.x.`,
    '',
    table(['function', 'KB', 'import ms (median)', 'import ms (min–max)', `top ${TOP_INPUTS} inputs (KB)`], rows, ['KB', 'import ms (median)', 'import ms (min–max)']),
  ].join('\n');
  const summary = [
    `${measurements.length} bundles: largest ${kilobytes(largest.bytes)} KB (${largest.key}), slowest cold import ${milliseconds(median(slowest.importMs))} ms (${slowest.key})`,
  ];
  return { body, goals, summary };
}

export const lambdaBundles: BenchSection = {
  title: 'Lambda bundles: size and cold import',
  async run(context: BenchContext): Promise<SectionReport> {
    const settings = await lambdaBuildSettings(path.join(context.root, 'serverless.yml'));
    const outDir = path.join(context.outDir, 'lambdas');
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const measurements: BundleMeasurement[] = [];
    for (const [key, spec] of Object.entries(functionRegistry)) {
      context.progress(`bundling ${key}`);
      measurements.push(await bundle(key, spec.handler, settings, outDir, context.root));
    }
    if (measurements.length === 0) throw new BenchSetupError('functionRegistry has no functions to bundle');
    return report(measurements, settings);
  },
};
