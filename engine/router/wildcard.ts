/**
 * The EventBridge `wildcard` operand: `*` matches zero or more characters, `\*` is a literal
 * asterisk, `\\` a literal backslash; any other escape and two consecutive `*` are refused.
 * Matching is a linear scan over the literal runs between stars rather than a regular
 * expression, so no operand can make a match backtrack exponentially.
 */

export type WildcardMatcher = (value: string) => boolean;

/** Why EventBridge would refuse this operand, or undefined when it is well formed. */
export function wildcardSyntaxError(operand: string): string | undefined {
  for (let index = 0; index < operand.length; index += 1) {
    const char = operand[index];
    if (char === '\\') {
      const next = operand[index + 1];
      if (next !== '*' && next !== '\\') {
        return `invalid escape at position ${index + 1} of wildcard "${operand}" (only \\* and \\\\ are allowed)`;
      }
      index += 1;
    } else if (char === '*' && operand[index + 1] === '*') {
      return `consecutive wildcard characters at position ${index + 1} of wildcard "${operand}"`;
    }
  }
  return undefined;
}

/** The literal runs between unescaped stars: `a*b\*c` gives ["a", "b*c"]. */
function literalRuns(operand: string): string[] {
  const runs: string[] = [];
  let current = '';
  for (let index = 0; index < operand.length; index += 1) {
    const char = operand[index];
    if (char === '\\') {
      current += operand[index + 1] ?? '';
      index += 1;
    } else if (char === '*') {
      runs.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  runs.push(current);
  return runs;
}

function buildMatcher(operand: string): WildcardMatcher {
  const runs = literalRuns(operand);
  const first = runs[0] ?? '';
  if (runs.length === 1) return (value) => value === first;
  const last = runs[runs.length - 1] ?? '';
  const middle = runs.slice(1, -1).filter((run) => run.length > 0);
  const fixedLength = first.length + last.length;
  return (value) => {
    if (value.length < fixedLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    const end = value.length - last.length;
    let position = first.length;
    for (const run of middle) {
      const found = value.indexOf(run, position);
      if (found < 0 || found + run.length > end) return false;
      position = found + run.length;
    }
    return true;
  };
}

const matcherCache = new Map<string, WildcardMatcher>();
const matcherCacheLimit = 2_000;

/** A matcher for an operand already checked with wildcardSyntaxError; built once per operand. */
export function compileWildcard(operand: string): WildcardMatcher {
  const cached = matcherCache.get(operand);
  if (cached) return cached;
  if (matcherCache.size >= matcherCacheLimit) matcherCache.clear();
  const matcher = buildMatcher(operand);
  matcherCache.set(operand, matcher);
  return matcher;
}
