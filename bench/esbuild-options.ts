import { readFile } from 'node:fs/promises';
import type { BuildOptions } from 'esbuild';
import { parse } from 'yaml';
import * as z from 'zod';
import { BenchSetupError } from './errors.ts';

/**
 * custom.esbuild of serverless.yml, strictly: an option added there that this reader does not
 * know fails the bench instead of being left out of the measured bundles.
 */
const serverlessEsbuildSettings = z.strictObject({
  bundle: z.boolean(),
  minify: z.boolean(),
  sourcemap: z.boolean(),
  format: z.enum(['esm', 'cjs', 'iife']),
  platform: z.enum(['node', 'browser', 'neutral']),
  target: z.string(),
  outputFileExtension: z.enum(['.js', '.mjs', '.cjs']),
  mainFields: z.array(z.string()),
  banner: z.optional(z.strictObject({ js: z.string() })),
});

export interface LambdaBuildSettings {
  /** Options for esbuild's build(), without entry points or output. */
  readonly options: BuildOptions;
  readonly outputFileExtension: string;
}

/** Reads the esbuild options osls uses to bundle every function, as serverless-esbuild would pass them to esbuild. */
export async function lambdaBuildSettings(serverlessYmlPath = 'serverless.yml'): Promise<LambdaBuildSettings> {
  const document: unknown = parse(await readFile(serverlessYmlPath, 'utf8'));
  const custom = z.object({ custom: z.object({ esbuild: z.unknown() }) }).safeParse(document);
  if (!custom.success) throw new BenchSetupError(`${serverlessYmlPath}: no custom.esbuild section`);
  const settings = serverlessEsbuildSettings.safeParse(custom.data.custom.esbuild);
  if (!settings.success) throw new BenchSetupError(`${serverlessYmlPath} custom.esbuild: ${z.prettifyError(settings.error)}`);
  const { outputFileExtension, ...options } = settings.data;
  return {
    // serverless-esbuild's default `exclude` (the v2 SDK, which no handler imports) becomes `external`.
    options: { ...options, external: ['aws-sdk'] },
    outputFileExtension,
  };
}
