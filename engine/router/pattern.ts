/**
 * The EventBridge event-pattern language, evaluated locally.
 *
 * Semantics follow the EventBridge documentation and, where it is silent, Event Ruler (the
 * engine EventBridge runs): a pattern is compiled to alternatives of conditions on dotted field
 * paths; the event is read as the leaf values under those paths, each tagged with the array
 * elements it came from. A condition set matches only with values that come from the same
 * element of any array they share ("array consistency"), so
 * `{"employees": {"first": ["Anna"], "last": ["Jones"]}}` does not match Anna Smith and Peter Jones.
 *
 * Compiled patterns are cached per pattern object (and per JSON text), so a pattern must not be
 * mutated after it has been used.
 */
import { compilePattern } from './compile.ts';
import type { CompiledPattern, FieldCondition, LeafValue } from './compile.ts';
import { InvalidEventPattern } from './errors.ts';

/** The array elements a value sits in, as [array id, element index] pairs. */
export type Membership = readonly (readonly [number, number])[];

export interface EventField {
  readonly value: LeafValue;
  readonly membership: Membership;
}

export type EventFields = ReadonlyMap<string, readonly EventField[]>;

export const noMembership: Membership = [];
const noFields: readonly EventField[] = [];
/** Deeper array nesting than any real event; past it values are ignored rather than recursed into. */
const maxEventDepth = 100;

const compiledByObject = new WeakMap<object, CompiledPattern>();
const compiledByText = new Map<string, CompiledPattern>();
const compiledByTextLimit = 500;

function parsePatternText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidEventPattern(`Invalid event pattern: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** The compiled form of a pattern (an object, or its JSON text), built once per pattern; InvalidEventPattern as validatePattern. */
export function compiled(pattern: unknown): CompiledPattern {
  if (typeof pattern === 'string') {
    const cached = compiledByText.get(pattern);
    if (cached) return cached;
    const result = compilePattern(parsePatternText(pattern));
    if (compiledByText.size >= compiledByTextLimit) compiledByText.clear();
    compiledByText.set(pattern, result);
    return result;
  }
  if (typeof pattern === 'object' && pattern !== null) {
    const cached = compiledByObject.get(pattern);
    if (cached) return cached;
    const result = compilePattern(pattern);
    compiledByObject.set(pattern, result);
    return result;
  }
  return compilePattern(pattern);
}

function isLeafValue(value: unknown): value is LeafValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** The leaf values of the event under the pattern's paths; the rest of the event is never read. */
export function collectFields(event: unknown, pattern: CompiledPattern): EventFields {
  const fields = new Map<string, EventField[]>();
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return fields;
  let nextArrayId = 0;

  const visit = (node: unknown, path: string, membership: Membership, depth: number): void => {
    if (depth > maxEventDepth) return;
    if (Array.isArray(node)) {
      const arrayId = nextArrayId;
      nextArrayId += 1;
      node.forEach((element, index) => visit(element, path, [...membership, [arrayId, index]], depth + 1));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const childPath = path === '' ? key : `${path}.${key}`;
        if (pattern.traversed.has(childPath)) visit(child, childPath, membership, depth + 1);
      }
    } else if (isLeafValue(node) && pattern.leafPaths.has(path)) {
      const existing = fields.get(path);
      if (existing) existing.push({ value: node, membership });
      else fields.set(path, [{ value: node, membership }]);
    }
  };

  visit(event, '', noMembership, 0);
  return fields;
}

/** The union of two memberships, or undefined when they pick different elements of one array. */
export function combine(chosen: Membership, candidate: Membership): Membership | undefined {
  if (candidate.length === 0) return chosen;
  if (chosen.length === 0) return candidate;
  const added: (readonly [number, number])[] = [];
  for (const [arrayId, index] of candidate) {
    const same = chosen.find(([chosenId]) => chosenId === arrayId);
    if (!same) added.push([arrayId, index]);
    else if (same[1] !== index) return undefined;
  }
  return added.length === 0 ? chosen : [...chosen, ...added];
}

function satisfies(conditions: readonly FieldCondition[], position: number, fields: EventFields, chosen: Membership): boolean {
  const condition = conditions[position];
  if (!condition) return true;
  let presentHere = false;
  for (const field of fields.get(condition.path) ?? noFields) {
    const membership = combine(chosen, field.membership);
    if (!membership) continue;
    presentHere = true;
    if (condition.accepts(field.value) && satisfies(conditions, position + 1, fields, membership)) return true;
  }
  return condition.matchesWhenAbsent && !presentHere && satisfies(conditions, position + 1, fields, chosen);
}

/**
 * Whether `event` matches the EventBridge event pattern `pattern` (an object, or its JSON text).
 * Throws InvalidEventPattern for a pattern EventBridge would refuse; never throws for an odd event.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const compiledPattern = compiled(pattern);
  const fields = collectFields(event, compiledPattern);
  return compiledPattern.alternatives.some((alternative) => satisfies(alternative, 0, fields, noMembership));
}

/** Throws InvalidEventPattern, naming the field path and the problem, for a pattern EventBridge would refuse. */
export function validatePattern(pattern: unknown): void {
  compiled(pattern);
}
