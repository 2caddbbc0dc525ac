/**
 * Why an event matches an EventBridge pattern or not, field by field (`opsflow routes --explain`).
 * EventBridge's TestEventPattern answers only true or false; this walks the same compiled pattern
 * (engine/router/compile.ts) with the same search as the matcher (pattern.ts), array consistency
 * included, so its verdict is the matcher's, and on a miss it names the first field that failed in
 * the `$or` branch that got furthest, with the pattern's value against the event's.
 */
import type { DeploymentEnvironment } from '../../workflows/types.ts';
import { isJsonObject } from '../asl.ts';
import { isScheduledEventOf, type RoutableWorkflow } from '../bus.ts';
import { scheduleRuleArn } from '../naming.ts';
import type { FieldCondition, LeafValue } from './compile.ts';
import { collectFields, combine, compiled, noMembership, type EventFields, type Membership } from './pattern.ts';

export const MismatchReason = {
  /** The event has no value at the field's path. */
  Missing: 'missing',
  /** The event has values there, and the pattern accepts none of them. */
  NoValueMatches: 'no-value-matches',
  /** The pattern accepts the event's value, but only from another element of an array another field was matched in. */
  OtherArrayElement: 'other-array-element',
} as const;

export type MismatchReasonName = (typeof MismatchReason)[keyof typeof MismatchReason];

/** The first field of a branch the event does not satisfy. */
export interface FieldMismatch {
  /** Dotted path with `[]` after each array the event holds on the way (`detail.findings[].Resources[].Type`). */
  readonly field: string;
  readonly reason: MismatchReasonName;
  /** The pattern's array for the field, as written. */
  readonly wanted: readonly unknown[];
  /** The event's leaf values at the path, in event order; empty when missing. */
  readonly found: readonly LeafValue[];
  /** One line for people: `detail.LifecycleTransition: wanted one of [...], event has "..."`. */
  readonly message: string;
}

export interface BranchExplanation {
  readonly matched: boolean;
  /** When not matched: the first field, in the matcher's order, that no choice of values satisfies. */
  readonly mismatch?: FieldMismatch;
  /** How many of the branch's fields held before it failed (all of them when matched). */
  readonly fieldsMatched: number;
}

export interface PatternExplanation {
  readonly matched: boolean;
  /** One per alternative the pattern expands to (one without `$or`), in the matcher's order. */
  readonly branches: readonly BranchExplanation[];
  /** The first matching branch, else the one that got furthest (the first of equals). */
  readonly closest: number;
}

/**
 * Explains `matchesPattern(pattern, event)`: the same verdict, and for each branch the first field
 * that failed and why. Throws InvalidEventPattern for a pattern EventBridge would refuse.
 */
export function explainPattern(pattern: unknown, event: unknown): PatternExplanation {
  const compiledPattern = compiled(pattern);
  const fields = collectFields(event, compiledPattern);
  const branches = compiledPattern.alternatives.map((conditions) => explainBranch(conditions, fields, event));
  const firstMatch = branches.findIndex((branch) => branch.matched);
  let closest = firstMatch;
  if (closest < 0) {
    closest = 0;
    branches.forEach((branch, index) => {
      if (branch.fieldsMatched > (branches[closest]?.fieldsMatched ?? 0)) closest = index;
    });
  }
  return { matched: firstMatch >= 0, branches, closest };
}

function explainBranch(conditions: readonly FieldCondition[], fields: EventFields, event: unknown): BranchExplanation {
  let deepest = 0;
  // The matcher's search (pattern.ts satisfies), noting how far any consistent choice of values got.
  const search = (position: number, chosen: Membership): boolean => {
    deepest = Math.max(deepest, position);
    const condition = conditions[position];
    if (!condition) return true;
    let presentHere = false;
    for (const field of fields.get(condition.path) ?? []) {
      const membership = combine(chosen, field.membership);
      if (!membership) continue;
      presentHere = true;
      if (condition.accepts(field.value) && search(position + 1, membership)) return true;
    }
    return condition.matchesWhenAbsent && !presentHere && search(position + 1, chosen);
  };
  if (search(0, noMembership)) return { matched: true, fieldsMatched: conditions.length };
  const failed = conditions[deepest];
  if (!failed) return { matched: false, fieldsMatched: deepest };
  return { matched: false, fieldsMatched: deepest, mismatch: describeMismatch(failed, fields, event) };
}

function describeMismatch(condition: FieldCondition, fields: EventFields, event: unknown): FieldMismatch {
  const found = (fields.get(condition.path) ?? []).map((field) => field.value);
  const where = locate(event, condition.path.split('.'));
  const wanted = `wanted one of ${JSON.stringify(condition.wanted)}`;
  const base = { field: where.field, wanted: condition.wanted, found };
  if (found.length === 0) {
    const detail = where.stop ?? 'no value there';
    return { ...base, reason: MismatchReason.Missing, message: `${where.field}: ${wanted}, event has ${detail}` };
  }
  const values = found.map((value) => JSON.stringify(value)).join(', ');
  if (found.some((value) => condition.accepts(value))) {
    return {
      ...base,
      reason: MismatchReason.OtherArrayElement,
      message: `${where.field}: event has ${values}, but no wanted value in the same array element as the fields matched before it (${wanted})`,
    };
  }
  return { ...base, reason: MismatchReason.NoValueMatches, message: `${where.field}: ${wanted}, event has ${values}` };
}

/**
 * The path as the event holds it (`[]` after arrays), and for a path the event lacks, what stops
 * it: `nothing at detail.findings[].ProductFields` or `an object` where a value was wanted.
 */
function locate(event: unknown, segments: readonly string[]): { field: string; stop?: string } {
  const shown: string[] = [];
  let nodes: unknown[] = [event];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const node of flatten(nodes)) {
      if (isJsonObject(node) && Object.hasOwn(node, segment)) next.push(node[segment]);
    }
    if (next.length === 0) {
      const field = [...shown, segment, ...segments.slice(shown.length + 1)].join('.');
      return { field, stop: `nothing at ${[...shown, segment].join('.')}` };
    }
    shown.push(next.some(Array.isArray) ? `${segment}[]` : segment);
    nodes = next;
  }
  const leaves = flatten(nodes);
  if (leaves.length === 0) return { field: shown.join('.'), stop: 'an empty array' };
  const nested = leaves.every((leaf) => typeof leaf === 'object' && leaf !== null);
  return { field: shown.join('.'), ...(nested ? { stop: 'an object, not a value' } : {}) };
}

function flatten(nodes: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (Array.isArray(node) && depth < 100) node.forEach((element) => visit(element, depth + 1));
    else out.push(node);
  };
  nodes.forEach((node) => visit(node, 0));
  return out;
}

/** One rule (trigger) of one workflow, and whether and why the event matches it. */
export interface TriggerExplanation {
  readonly workflow: string;
  readonly trigger: string;
  readonly kind: 'event' | 'schedule';
  readonly matched: boolean;
  /** For an event rule. */
  readonly pattern?: PatternExplanation;
  /** One line for people: the mismatch of the closest branch, the branch that matched, or what a schedule rule takes. */
  readonly message: string;
}

/**
 * Every rule of every workflow against the event, with the verdict `routeEvent` (engine/bus.ts)
 * gives: an event rule by its pattern, a schedule rule by its own Scheduled Event (EventBridge
 * names the rule in `resources`), a disabled schedule never.
 */
export function explainRoutes(workflows: readonly RoutableWorkflow[], event: unknown, env: DeploymentEnvironment): TriggerExplanation[] {
  return workflows.flatMap(({ module, triggers }) =>
    triggers.map((trigger): TriggerExplanation => {
      const base = { workflow: module.name, trigger: trigger.id, kind: trigger.kind };
      if (trigger.kind === 'event') {
        const pattern = explainPattern(trigger.pattern, event);
        return { ...base, matched: pattern.matched, pattern, message: patternMessage(pattern) };
      }
      if (!trigger.enabled) return { ...base, matched: false, message: `schedule ${trigger.schedule} is disabled in config` };
      const ruleArn = scheduleRuleArn(env, module.name, trigger.id);
      const matched = isScheduledEventOf(event, ruleArn);
      const message = matched
        ? `the Scheduled Event of its rule ${ruleArn}`
        : `schedule ${trigger.schedule}: starts only on its own Scheduled Event (source aws.events, resources holding ${ruleArn})`;
      return { ...base, matched, message };
    }),
  );
}

function patternMessage(pattern: PatternExplanation): string {
  const branch = pattern.branches[pattern.closest];
  const count = pattern.branches.length;
  const which = count > 1 ? `$or branch ${pattern.closest + 1} of ${count}` : 'its pattern';
  if (pattern.matched) return `matches ${which}`;
  const mismatch = branch?.mismatch?.message ?? 'no branch matches';
  return count > 1 ? `${mismatch} (closest: ${which})` : mismatch;
}
