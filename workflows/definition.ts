import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { JsonValue, WorkflowModule } from './types.ts';

/**
 * Definitions refer to what differs between AWS and the local engine (function ARNs, state
 * machine ARNs, config values) as `${Name}` placeholders; each side resolves them its own way.
 */
const placeholderPattern = /\$\{([A-Za-z][A-Za-z0-9_.:-]*)\}/g;
const wholePlaceholder = /^\$\{([A-Za-z][A-Za-z0-9_.:-]*)\}$/;

export function definitionPath(workflowName: string): string {
  return fileURLToPath(new URL(`./${workflowName}/definition.asl.json`, import.meta.url));
}

export async function loadDefinition(module: Pick<WorkflowModule, 'name'>): Promise<JsonValue> {
  return JSON.parse(await readFile(definitionPath(module.name), 'utf8')) as JsonValue;
}

/**
 * Replaces every string that is exactly `${Name}` with the resolved value (which may be any JSON
 * value), and `${Name}` inside a longer string with the value's string form.
 */
export function substitutePlaceholders(value: JsonValue, resolve: (name: string) => JsonValue): JsonValue {
  if (typeof value === 'string') {
    const whole = wholePlaceholder.exec(value);
    if (whole?.[1]) return resolve(whole[1]);
    return value.replace(placeholderPattern, (_match, name: string) => {
      const resolved = resolve(name);
      return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    });
  }
  if (Array.isArray(value)) return value.map((item) => substitutePlaceholders(item, resolve));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitutePlaceholders(item, resolve)]));
  }
  return value;
}

/** Every placeholder name a definition uses, sorted. */
export function listPlaceholders(value: JsonValue): string[] {
  const names = new Set<string>();
  substitutePlaceholders(value, (name) => {
    names.add(name);
    return '';
  });
  return [...names].sort();
}
