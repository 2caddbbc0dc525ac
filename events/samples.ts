import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidSample, SampleNotFound } from './errors.ts';

/**
 * Real AWS event samples for tests, the CLI and the demo; handlers never import this (it reads
 * the file system). Paths are relative to events/samples/, e.g. 'autoscaling/instance-launch-successful.json'.
 */
export const SAMPLES_DIR = fileURLToPath(new URL('./samples/', import.meta.url));

/** An event whose `detail` is an object, as every EventBridge sample here is. */
export type SampleEvent = Record<string, unknown> & { detail: Record<string, unknown> };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function samplePath(relativePath: string): string {
  const resolved = path.resolve(SAMPLES_DIR, relativePath);
  if (!resolved.startsWith(SAMPLES_DIR) || !resolved.endsWith('.json')) {
    throw new InvalidSample(`Sample path must name a .json file under events/samples/: ${relativePath}`);
  }
  return resolved;
}

/** Every sample file, as sorted paths relative to events/samples/ with '/' separators. */
export function listSamples(): string[] {
  return readdirSync(SAMPLES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => entry.split(path.sep).join('/'))
    .sort();
}

/** Reads and parses one sample; each call returns a fresh object. */
export function loadSample(relativePath: string): unknown {
  const file = samplePath(relativePath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SampleNotFound(`No sample at events/samples/${relativePath}`, { cause: error });
    }
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidSample(`Sample events/samples/${relativePath} is not valid JSON`, { cause: error });
  }
}

/**
 * A copy of a sample with some `detail` fields replaced (top-level keys of `detail`), for aiming
 * a real event at a sandbox resource. Neither the sample nor `detailOverrides` is shared with
 * the result.
 */
export function sampleWith(relativePath: string, detailOverrides: Record<string, unknown>): SampleEvent {
  const sample = loadSample(relativePath);
  if (!isRecord(sample) || !isRecord(sample.detail)) {
    throw new InvalidSample(`Sample events/samples/${relativePath} has no object "detail" to override`);
  }
  return { ...sample, detail: { ...sample.detail, ...structuredClone(detailOverrides) } };
}
