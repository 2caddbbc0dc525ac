import { OpsflowError } from '../handlers/shared/errors.ts';
import type { JsonObject, JsonValue } from '../workflows/types.ts';
import {
  catchers,
  describeTaskTarget,
  isJsonObject,
  nestedMachines,
  retriers,
  retriesLambdaTransientErrors,
  lambdaTransientErrors,
  statesOf,
  stringField,
  type ErrorHandler,
} from './asl.ts';

/** A README has no `<!-- diagram:start -->` … `<!-- diagram:end -->` pair to put the diagram in. */
export class DiagramMarkersMissing extends OpsflowError {
  override readonly name = 'DiagramMarkersMissing';
}

export const diagramStartMarker = '<!-- diagram:start -->';
export const diagramEndMarker = '<!-- diagram:end -->';

/** Markers of one named diagram, for a document holding several (the top-level README). */
export function diagramMarkers(name?: string): { start: string; end: string } {
  return name === undefined ? { start: diagramStartMarker, end: diagramEndMarker } : { start: `<!-- diagram:${name}:start -->`, end: `<!-- diagram:${name}:end -->` };
}

/** Step Functions' default when a retrier leaves MaxAttempts out. */
const defaultMaxAttempts = 3;

const NodeClass = {
  Task: 'task',
  Choice: 'choice',
  Wait: 'wait',
  Pass: 'pass',
  Succeed: 'succeed',
  Fail: 'fail',
  Marker: 'marker',
} as const;
type NodeClass = (typeof NodeClass)[keyof typeof NodeClass];

const classStyles: Record<NodeClass, string> = {
  task: 'fill:#e8f0fe,stroke:#1a73e8,color:#0b1f44',
  choice: 'fill:#fff4e5,stroke:#e8710a,color:#3d1f00',
  wait: 'fill:#f3e8fd,stroke:#8430ce,color:#2b0a45',
  pass: 'fill:#f1f3f4,stroke:#5f6368,color:#202124',
  succeed: 'fill:#e6f4ea,stroke:#1e8e3e,color:#0d3818',
  fail: 'fill:#fce8e6,stroke:#d93025,stroke-width:3px,color:#5c0f0a',
  marker: 'fill:#202124,stroke:#202124,color:#ffffff',
};

/** Words a flowchart parser reads as syntax, so never usable as node ids. */
const reservedIds = new Set([
  'end', 'graph', 'flowchart', 'subgraph', 'style', 'linkstyle', 'classdef', 'class', 'click', 'call', 'href', 'direction', 'default', 'interpolate',
]);

/** Hands out Mermaid-safe ids: readable (the state name where possible), unique, deterministic. */
class IdAllocator {
  private readonly used = new Set<string>();

  allocate(name: string): string {
    let base = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (base === '' || /^[0-9]/.test(base) || reservedIds.has(base.toLowerCase())) base = `state_${base}`;
    let id = base;
    for (let suffix = 2; this.used.has(id); suffix += 1) id = `${base}_${suffix}`;
    this.used.add(id);
    return id;
  }
}

/** Mermaid entity codes keep quotes, `#` and angle brackets literal inside a quoted label. */
function escapeText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function label(lines: readonly string[]): string {
  return `"${lines.map(escapeText).join('<br/>')}"`;
}

/** Strings quoted plainly rather than JSON-escaped: the label is for reading, not parsing. */
function renderValue(value: JsonValue | undefined): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value ?? null);
}

const comparisonOperators: Record<string, string> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
  Matches: 'matches',
};
const comparison = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/;
const typeTests: Record<string, [string, string]> = {
  IsPresent: ['is present', 'is absent'],
  IsNull: ['is null', 'is not null'],
  IsNumeric: ['is numeric', 'is not numeric'],
  IsString: ['is a string', 'is not a string'],
  IsBoolean: ['is a boolean', 'is not a boolean'],
  IsTimestamp: ['is a timestamp', 'is not a timestamp'],
};

/** A Choice rule as a short condition, e.g. `$.plan.verdict == "change"`. */
export function describeCondition(rule: JsonObject): string {
  const nested = (value: JsonValue | undefined): string => {
    if (!isJsonObject(value)) return '?';
    const text = describeCondition(value);
    return 'And' in value || 'Or' in value ? `(${text})` : text;
  };
  if (Array.isArray(rule.And)) return rule.And.map(nested).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map(nested).join(' or ');
  if (isJsonObject(rule.Not)) return `not (${describeCondition(rule.Not)})`;
  const condition = stringField(rule, 'Condition');
  if (condition !== undefined) return condition;
  const variable = stringField(rule, 'Variable') ?? '?';
  for (const [key, value] of Object.entries(rule)) {
    const match = comparison.exec(key);
    if (match?.[2]) {
      const operand = match[3] ? String(value) : renderValue(value);
      return `${variable} ${comparisonOperators[match[2]] ?? match[2]} ${operand}`;
    }
    const test = typeTests[key];
    if (test) return `${variable} ${value === false ? test[1] : test[0]}`;
  }
  return variable;
}

function describeRetry(handler: ErrorHandler): string {
  const transientOnly = retriesLambdaTransientErrors(handler) && handler.errorEquals.length === lambdaTransientErrors.length;
  const errors = transientOnly ? 'Lambda transient errors' : handler.errorEquals.join(', ');
  const attempts = typeof handler.entry.MaxAttempts === 'number' ? handler.entry.MaxAttempts : defaultMaxAttempts;
  return `retry: ${errors} ×${attempts}`;
}

function describeWait(state: JsonObject): string {
  if (state.Seconds !== undefined) return `wait ${String(state.Seconds)} s`;
  if (state.SecondsPath !== undefined) return `wait ${String(state.SecondsPath)} s`;
  const until = state.Timestamp ?? state.TimestampPath;
  return until === undefined ? 'wait' : `wait until ${String(until)}`;
}

function describeFail(state: JsonObject): string[] {
  const error = stringField(state, 'Error') ?? stringField(state, 'ErrorPath');
  return error === undefined ? [] : [`error: ${error}`];
}

function describeMap(state: JsonObject): string {
  const items = stringField(state, 'ItemsPath') ?? '$';
  const concurrency = typeof state.MaxConcurrency === 'number' && state.MaxConcurrency > 0 ? `, ${state.MaxConcurrency} at a time` : '';
  return `map: each of ${items}${concurrency}`;
}

interface Machine {
  readonly definition: JsonObject;
  /** The id of the marker that points at StartAt. */
  readonly startId: string;
  /** Where End: true leads: the top-level end marker; nested machines end at their subgraph's edge. */
  readonly endId: string | undefined;
}

class MermaidWriter {
  private readonly ids = new IdAllocator();
  private readonly stateIds = new Map<JsonObject, string>();
  private readonly classMembers = new Map<NodeClass, string[]>();
  private readonly nodeLines: string[] = [];
  private readonly edgeLines: string[] = [];

  render(definition: JsonObject, title: string | undefined): string {
    this.allocateStateIds(definition);
    const startId = this.ids.allocate('start');
    const endId = this.ids.allocate('stop');
    const hasEnd = statesOf(definition).some(([, state]) => state.End === true);
    this.node(startId, `((${label(['Start'])}))`, NodeClass.Marker, 1);
    this.writeMachine({ definition, startId, endId: hasEnd ? endId : undefined }, 1);
    if (hasEnd) this.node(endId, `((${label(['End'])}))`, NodeClass.Marker, 1);

    const header = title === undefined ? [] : ['---', `title: ${JSON.stringify(title)}`, '---'];
    const classLines: string[] = [];
    for (const nodeClass of Object.values(NodeClass)) {
      const members = this.classMembers.get(nodeClass);
      if (!members) continue;
      classLines.push(`  classDef ${nodeClass} ${classStyles[nodeClass]}`);
      classLines.push(`  class ${members.join(',')} ${nodeClass}`);
    }
    return [...header, 'flowchart TD', ...this.nodeLines, ...this.edgeLines, ...classLines].join('\n') + '\n';
  }

  /** First pass, so state ids keep their names and markers are the ones renamed on a clash. */
  private allocateStateIds(machine: JsonObject): void {
    for (const [name, state] of statesOf(machine)) {
      this.stateIds.set(state, this.ids.allocate(name));
      for (const nested of nestedMachines(state)) this.allocateStateIds(nested);
    }
  }

  private node(id: string, shape: string, nodeClass: NodeClass, depth: number): void {
    this.nodeLines.push(`${'  '.repeat(depth)}${id}${shape}`);
    const members = this.classMembers.get(nodeClass) ?? [];
    members.push(id);
    this.classMembers.set(nodeClass, members);
  }

  private edge(from: string, to: string, text?: string, dashed = false): void {
    const arrow = dashed ? '-.->' : '-->';
    this.edgeLines.push(text === undefined ? `  ${from} ${arrow} ${to}` : `  ${from} ${arrow}|${label([text])}| ${to}`);
  }

  private writeMachine(machine: Machine, depth: number): void {
    const states = statesOf(machine.definition);
    const idOf = new Map(states.map(([name, state]) => [name, this.stateIds.get(state) ?? name]));
    const target = (name: JsonValue | undefined): string | undefined => (typeof name === 'string' ? idOf.get(name) : undefined);

    const start = target(machine.definition.StartAt);
    if (start) this.edge(machine.startId, start);
    for (const [name, state] of states) {
      const id = idOf.get(name) ?? name;
      this.writeState(id, name, state, depth);
      const next = target(state.Next);
      if (next) this.edge(id, next);
      if (state.End === true && machine.endId) this.edge(id, machine.endId);
      if (Array.isArray(state.Choices)) {
        for (const rule of state.Choices.filter(isJsonObject)) {
          const choice = target(rule.Next);
          if (choice) this.edge(id, choice, describeCondition(rule));
        }
      }
      const fallback = target(state.Default);
      if (fallback) this.edge(id, fallback, 'default');
      for (const handler of catchers(state)) {
        const caught = target(handler.entry.Next);
        if (caught) this.edge(id, caught, handler.errorEquals.join(', '), true);
      }
    }
  }

  private writeState(id: string, name: string, state: JsonObject, depth: number): void {
    const retryLines = retriers(state).map(describeRetry);
    switch (state.Type) {
      case 'Task':
        return this.node(id, `[${label([name, describeTaskTarget(state), ...retryLines])}]`, NodeClass.Task, depth);
      case 'Choice':
        return this.node(id, `{${label([name])}}`, NodeClass.Choice, depth);
      case 'Wait':
        return this.node(id, `{{${label([name, describeWait(state)])}}}`, NodeClass.Wait, depth);
      case 'Pass':
        return this.node(id, `(${label([name])})`, NodeClass.Pass, depth);
      case 'Succeed':
        return this.node(id, `([${label([name])}])`, NodeClass.Succeed, depth);
      case 'Fail':
        return this.node(id, `([${label([name, ...describeFail(state)])}])`, NodeClass.Fail, depth);
      case 'Map':
        return this.writeSubgraph(id, [name, describeMap(state), ...retryLines], nestedMachines(state), depth);
      case 'Parallel': {
        const branches = nestedMachines(state);
        return this.writeSubgraph(id, [name, `parallel: ${branches.length} ${branches.length === 1 ? 'branch' : 'branches'}`, ...retryLines], branches, depth);
      }
      default:
        return this.node(id, `[${label([name, `${String(state.Type)} state`])}]`, NodeClass.Task, depth);
    }
  }

  /** A Map holds its processor directly; a Parallel holds one subgraph per branch. */
  private writeSubgraph(id: string, title: readonly string[], machines: readonly JsonObject[], depth: number): void {
    const indent = '  '.repeat(depth);
    this.nodeLines.push(`${indent}subgraph ${id}[${label(title)}]`);
    machines.forEach((definition, index) => {
      let innerDepth = depth + 1;
      if (machines.length > 1) {
        const branchId = this.ids.allocate(`${id}_branch_${index + 1}`);
        this.nodeLines.push(`${'  '.repeat(innerDepth)}subgraph ${branchId}[${label([`branch ${index + 1}`])}]`);
        innerDepth += 1;
      }
      const startId = this.ids.allocate(`${id}_start`);
      this.node(startId, `((${label([' '])}))`, NodeClass.Marker, innerDepth);
      this.writeMachine({ definition, startId, endId: undefined }, innerDepth);
      if (machines.length > 1) this.nodeLines.push(`${'  '.repeat(depth + 1)}end`);
    });
    this.nodeLines.push(`${indent}end`);
  }
}

/**
 * A Mermaid `flowchart TD` of a JSONPath ASL definition: one node per state shaped by its type,
 * Next/Default/Choice edges, dashed Catch edges, Retry noted on the node, Map and Parallel as
 * subgraphs. The same definition always gives the same text, so READMEs can be checked for drift.
 */
export function toMermaid(definition: object, options: { title?: string } = {}): string {
  const root = definition as JsonValue;
  return new MermaidWriter().render(isJsonObject(root) ? root : {}, options.title);
}

function occurrences(text: string, marker: string): number {
  return text.split(marker).length - 1;
}

/**
 * Replaces whatever sits between the diagram markers of a README (the generated ```mermaid
 * block) with the given diagram. Applying it twice gives the same text.
 */
export function replaceDiagram(markdown: string, mermaid: string, name?: string): string {
  const markers = diagramMarkers(name);
  const start = markdown.indexOf(markers.start);
  const end = markdown.indexOf(markers.end);
  if (occurrences(markdown, markers.start) !== 1 || occurrences(markdown, markers.end) !== 1 || end < start) {
    throw new DiagramMarkersMissing(`expected one ${markers.start} followed by one ${markers.end}`);
  }
  const block = `\n\n\`\`\`mermaid\n${mermaid.trimEnd()}\n\`\`\`\n\n`;
  return markdown.slice(0, start + markers.start.length) + block + markdown.slice(end);
}
