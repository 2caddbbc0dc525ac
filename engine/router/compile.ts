/**
 * Checks an EventBridge event pattern and compiles it into flat alternatives, the way
 * EventBridge's engine (Event Ruler) does: every leaf becomes a condition on a dotted field
 * path, and each `$or` forks the conditions gathered so far into one alternative per branch.
 * Checking and compiling are one pass, so what validatePattern accepts is exactly what the
 * matcher runs.
 */
import { InvalidEventPattern } from './errors.ts';
import { cidrContains, parseCidr } from './ip.ts';
import { compileWildcard, wildcardSyntaxError } from './wildcard.ts';

export type LeafValue = string | number | boolean | null;
export type ValueTest = (value: LeafValue) => boolean;

export interface FieldCondition {
  /** Dotted path from the event root; `$or` never appears in it. */
  readonly path: string;
  /** True when some present value at the path satisfies the field's array of alternatives. */
  readonly accepts: ValueTest;
  readonly hasValueTests: boolean;
  /** `{"exists": false}` is among the alternatives: the field may be missing. */
  readonly matchesWhenAbsent: boolean;
  /** The pattern's array for this field, as written: what `opsflow routes --explain` shows as wanted. */
  readonly wanted: readonly unknown[];
}

export interface CompiledPattern {
  /** The pattern matches when every condition of any one alternative holds. */
  readonly alternatives: readonly (readonly FieldCondition[])[];
  /** Every condition path and each of its dotted ancestors: the only parts of an event worth reading. */
  readonly traversed: ReadonlySet<string>;
  readonly leafPaths: ReadonlySet<string>;
}

/** Event Ruler refuses these as field names inside `$or`, so a typo cannot silently become a field. */
const reservedInsideOr = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

const operators = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'] as const;
const anythingButOperators = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;
const numericOperators = new Set(['=', '<', '<=', '>', '>=']);

/** Documented numeric range and precision: ±5.0e9, six digits after the decimal point. */
const numericLimit = 5e9;
const maxCombinations = 1_000;
const maxDepth = 64;

type Draft = Map<string, FieldCondition>;
type Expression = { readonly kind: 'test'; readonly test: ValueTest } | { readonly kind: 'exists'; readonly present: boolean };

function fail(where: string, reason: string): never {
  throw new InvalidEventPattern(where === '' ? `Invalid event pattern: ${reason}` : `Invalid event pattern at "${where}": ${reason}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function extend(where: string, key: string): string {
  return where === '' ? key : `${where}.${key}`;
}

const fold = (text: string): string => text.toLowerCase();

/** A number EventBridge can compare: finite, within ±5.0e9, at most six decimals. */
function checkComparable(value: unknown, where: string, role: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, `${role} must be a number, got ${describe(value)}`);
  if (Math.abs(value) > numericLimit) fail(where, `${role} ${value} is outside the supported range -5.0e9 to 5.0e9`);
  if (Number(value.toFixed(6)) !== value) fail(where, `${role} ${value} has more than six digits after the decimal point`);
  return value;
}

function singleOperator(expression: Record<string, unknown>, where: string, context: string): [string, unknown] {
  const keys = Object.keys(expression);
  const [operator] = keys;
  if (operator === undefined) fail(where, `${context} is an empty object; name one operator`);
  if (keys.length > 1) fail(where, `${context} takes exactly one operator, found ${keys.map((key) => `"${key}"`).join(', ')}`);
  return [operator, expression[operator]];
}

function compileAffix(operator: 'prefix' | 'suffix', operand: unknown, where: string): ValueTest {
  const atStart = operator === 'prefix';
  if (typeof operand === 'string') {
    return atStart
      ? (value) => typeof value === 'string' && value.startsWith(operand)
      : (value) => typeof value === 'string' && value.endsWith(operand);
  }
  if (isPlainObject(operand)) {
    const [inner, innerOperand] = singleOperator(operand, where, operator);
    if (inner !== 'equals-ignore-case') fail(where, `${operator} supports only a nested "equals-ignore-case", found "${inner}"`);
    if (typeof innerOperand !== 'string') fail(where, `${operator} equals-ignore-case must be a string, got ${describe(innerOperand)}`);
    const folded = fold(innerOperand);
    return atStart
      ? (value) => typeof value === 'string' && fold(value).startsWith(folded)
      : (value) => typeof value === 'string' && fold(value).endsWith(folded);
  }
  return fail(where, `${operator} must be a string or {"equals-ignore-case": "..."}, got ${describe(operand)}`);
}

function compileWildcardOperand(operand: unknown, where: string, context: string): (value: string) => boolean {
  if (typeof operand !== 'string') fail(where, `${context} must be a string, got ${describe(operand)}`);
  const syntaxError = wildcardSyntaxError(operand);
  if (syntaxError !== undefined) fail(where, syntaxError);
  return compileWildcard(operand);
}

function compileNestedAnythingBut(operand: Record<string, unknown>, where: string): ValueTest {
  const [inner, innerOperand] = singleOperator(operand, where, 'anything-but');
  if (!(anythingButOperators as readonly string[]).includes(inner)) {
    fail(where, `anything-but cannot hold "${inner}"; it takes a value, a list, or one of ${anythingButOperators.join(', ')}`);
  }
  const context = `anything-but ${inner}`;
  const operands = Array.isArray(innerOperand) ? innerOperand : [innerOperand];
  if (operands.length === 0) fail(where, `${context} must not be an empty list`);
  const strings = operands.map((candidate) => {
    if (typeof candidate !== 'string') fail(where, `${context} takes a string or a list of strings, got ${describe(candidate)}`);
    if (candidate === '' && (inner === 'prefix' || inner === 'suffix')) fail(where, `${context} must not be empty`);
    return candidate;
  });
  switch (inner) {
    case 'prefix':
      return (value) => !(typeof value === 'string' && strings.some((prefix) => value.startsWith(prefix)));
    case 'suffix':
      return (value) => !(typeof value === 'string' && strings.some((suffix) => value.endsWith(suffix)));
    case 'equals-ignore-case': {
      const excluded = new Set(strings.map(fold));
      return (value) => !(typeof value === 'string' && excluded.has(fold(value)));
    }
    default: {
      const matchers = strings.map((candidate) => compileWildcardOperand(candidate, where, context));
      return (value) => !(typeof value === 'string' && matchers.some((matches) => matches(value)));
    }
  }
}

function compileAnythingBut(operand: unknown, where: string): ValueTest {
  if (isPlainObject(operand)) return compileNestedAnythingBut(operand, where);
  if (Array.isArray(operand)) {
    if (operand.length === 0) fail(where, 'anything-but must not be an empty list');
    const allStrings = operand.every((candidate) => typeof candidate === 'string');
    const allNumbers = operand.every((candidate) => typeof candidate === 'number');
    if (!allStrings && !allNumbers) fail(where, 'an anything-but list must hold only strings or only numbers');
    if (allNumbers) operand.forEach((candidate) => checkComparable(candidate, where, 'anything-but value'));
    const excluded = new Set<unknown>(operand);
    return (value) => !excluded.has(value);
  }
  if (typeof operand === 'string') return (value) => value !== operand;
  if (typeof operand === 'number') {
    const excluded = checkComparable(operand, where, 'anything-but value');
    return (value) => value !== excluded;
  }
  return fail(where, `anything-but takes a string, a number, a list of either, or {prefix|suffix|equals-ignore-case|wildcard: ...}, got ${describe(operand)}`);
}

function compileNumeric(operand: unknown, where: string): ValueTest {
  const example = 'e.g. [">", 0, "<=", 5]';
  if (!Array.isArray(operand)) fail(where, `numeric must be an array such as ${example}, got ${describe(operand)}`);
  const [first, low, second, high] = operand;
  if (typeof first !== 'string') fail(where, `numeric must start with an operator (=, <, <=, >, >=), got ${describe(first)}`);
  if (!numericOperators.has(first)) fail(where, `numeric operator "${first}" is not one of =, <, <=, >, >=`);
  if (operand.length < 2) fail(where, `numeric "${first}" needs a number after it`);
  const bound = checkComparable(low, where, `numeric "${first}" operand`);
  const inRange = (value: LeafValue): value is number => typeof value === 'number' && Math.abs(value) <= numericLimit;
  if (operand.length === 2) {
    switch (first) {
      case '=': return (value) => inRange(value) && value === bound;
      case '<': return (value) => inRange(value) && value < bound;
      case '<=': return (value) => inRange(value) && value <= bound;
      case '>': return (value) => inRange(value) && value > bound;
      default: return (value) => inRange(value) && value >= bound;
    }
  }
  if (first !== '>' && first !== '>=') {
    fail(where, `numeric "${first}" takes exactly one number; a range starts with ">" or ">=", ${example}`);
  }
  if (operand.length > 4) fail(where, `numeric has too many terms; a range is ${example}`);
  if (second !== '<' && second !== '<=') fail(where, `numeric range upper bound must use "<" or "<=", got ${describe(second)}`);
  if (operand.length < 4) fail(where, `numeric "${second}" needs a number after it`);
  const top = checkComparable(high, where, `numeric "${second}" operand`);
  if (!(bound < top)) fail(where, `numeric range lower bound ${bound} must be less than upper bound ${top}`);
  const aboveLow = first === '>' ? (value: number) => value > bound : (value: number) => value >= bound;
  const belowHigh = second === '<' ? (value: number) => value < top : (value: number) => value <= top;
  return (value) => inRange(value) && aboveLow(value) && belowHigh(value);
}

function compileCidr(operand: unknown, where: string): ValueTest {
  if (typeof operand !== 'string') fail(where, `cidr must be a string such as "10.0.0.0/24", got ${describe(operand)}`);
  const block = parseCidr(operand);
  if (typeof block === 'string') fail(where, block);
  return (value) => typeof value === 'string' && cidrContains(block, value);
}

function compileExpression(expression: Record<string, unknown>, where: string): Expression {
  const [operator, operand] = singleOperator(expression, where, 'a match expression');
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return { kind: 'test', test: compileAffix(operator, operand, where) };
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') fail(where, `equals-ignore-case must be a string, got ${describe(operand)}`);
      const folded = fold(operand);
      return { kind: 'test', test: (value) => typeof value === 'string' && fold(value) === folded };
    }
    case 'wildcard': {
      const matches = compileWildcardOperand(operand, where, 'wildcard');
      return { kind: 'test', test: (value) => typeof value === 'string' && matches(value) };
    }
    case 'anything-but':
      return { kind: 'test', test: compileAnythingBut(operand, where) };
    case 'numeric':
      return { kind: 'test', test: compileNumeric(operand, where) };
    case 'cidr':
      return { kind: 'test', test: compileCidr(operand, where) };
    case 'exists':
      if (typeof operand !== 'boolean') fail(where, `exists must be true or false, got ${describe(operand)}`);
      return { kind: 'exists', present: operand };
    default:
      return fail(where, `unknown operator "${operator}" (operators are case-sensitive: ${operators.join(', ')})`);
  }
}

const anyValue: ValueTest = () => true;

function compileLeaf(alternatives: unknown[], path: string, where: string): FieldCondition {
  if (alternatives.length === 0) fail(where, 'empty arrays are not allowed; list at least one value to match');
  const exact = new Set<LeafValue>();
  const tests: ValueTest[] = [];
  let matchesWhenAbsent = false;
  for (const alternative of alternatives) {
    if (typeof alternative === 'string' || typeof alternative === 'boolean' || alternative === null) {
      exact.add(alternative);
    } else if (typeof alternative === 'number' && Number.isFinite(alternative)) {
      exact.add(alternative);
    } else if (isPlainObject(alternative)) {
      const expression = compileExpression(alternative, where);
      if (expression.kind === 'test') tests.push(expression.test);
      else if (expression.present) tests.push(anyValue);
      else matchesWhenAbsent = true;
    } else {
      fail(where, `a value to match must be a string, number, true, false, null or an operator object, got ${describe(alternative)}`);
    }
  }
  const hasValueTests = exact.size > 0 || tests.length > 0;
  let accepts: ValueTest;
  if (tests.length === 0) accepts = (value) => exact.has(value);
  else if (exact.size === 0) accepts = tests.length === 1 && tests[0] ? tests[0] : (value) => tests.some((test) => test(value));
  else accepts = (value) => exact.has(value) || tests.some((test) => test(value));
  return { path, accepts, hasValueTests, matchesWhenAbsent, wanted: alternatives };
}

interface Walk {
  readonly segments: readonly string[];
  readonly where: string;
  readonly insideOr: boolean;
  readonly depth: number;
}

function compileObject(node: Record<string, unknown>, walk: Walk, drafts: Draft[]): Draft[] {
  if (walk.depth > maxDepth) fail(walk.where, `the pattern is nested more than ${maxDepth} levels deep`);
  const keys = Object.keys(node);
  if (keys.length === 0) fail(walk.where, 'empty objects are not allowed');
  let current = drafts;
  for (const key of keys) {
    const value = node[key];
    const where = extend(walk.where, key);
    if (key === '$or') {
      current = compileOr(value, { ...walk, where }, current);
      continue;
    }
    if (walk.insideOr && reservedInsideOr.has(key)) {
      fail(where, `"${key}" is an operator name and cannot be used as a field name inside $or`);
    }
    const segments = [...walk.segments, key];
    if (Array.isArray(value)) {
      const condition = compileLeaf(value, segments.join('.'), where);
      // Last write wins, as in EventBridge: a path given twice keeps its later alternatives.
      for (const draft of current) draft.set(condition.path, condition);
    } else if (isPlainObject(value)) {
      current = compileObject(value, { segments, where, insideOr: walk.insideOr, depth: walk.depth + 1 }, current);
    } else {
      fail(where, `must be an array of values to match or an object of nested fields, got ${describe(value)}`);
    }
  }
  return current;
}

function compileOr(members: unknown, walk: Walk, drafts: Draft[]): Draft[] {
  if (!Array.isArray(members) || members.length < 2) {
    fail(walk.where, `$or must be an array of at least two objects, got ${Array.isArray(members) ? `${members.length} item(s)` : describe(members)}`);
  }
  const branches: Draft[] = [];
  members.forEach((member, index) => {
    const where = `${walk.where}[${index}]`;
    if (!isPlainObject(member)) fail(where, `$or may hold only objects, got ${describe(member)}`);
    const forks = drafts.map((draft) => new Map(draft));
    branches.push(...compileObject(member, { segments: walk.segments, where, insideOr: true, depth: walk.depth + 1 }, forks));
    if (branches.length > maxCombinations) fail(walk.where, `$or expands to more than ${maxCombinations} combinations`);
  });
  return branches;
}

/** Positive conditions first, so array-element choices are made before a missing field is judged. */
function evaluationOrder(condition: FieldCondition): number {
  if (!condition.matchesWhenAbsent) return 0;
  return condition.hasValueTests ? 1 : 2;
}

export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) fail('', `the pattern must be a JSON object, got ${describe(pattern)}`);
  const drafts = compileObject(pattern, { segments: [], where: '', insideOr: false, depth: 0 }, [new Map()]);
  const alternatives = drafts.map((draft) => [...draft.values()].sort((a, b) => evaluationOrder(a) - evaluationOrder(b)));
  const traversed = new Set<string>();
  const leafPaths = new Set<string>();
  for (const condition of alternatives.flat()) {
    leafPaths.add(condition.path);
    const segments = condition.path.split('.');
    for (let length = 1; length <= segments.length; length += 1) traversed.add(segments.slice(0, length).join('.'));
  }
  return { alternatives, traversed, leafPaths };
}
