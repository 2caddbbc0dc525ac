import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DiagramMarkersMissing, describeCondition, replaceDiagram, toMermaid } from '../../../cli/graph.ts';

const sampleFolder = fileURLToPath(new URL('../../fixtures/asl/good/workflows/sample-dns/', import.meta.url));

async function sampleDefinition(): Promise<object> {
  return JSON.parse(await readFile(`${sampleFolder}definition.asl.json`, 'utf8')) as object;
}

function lines(mermaid: string): string[] {
  return mermaid.split('\n').map((line) => line.trim());
}

describe('toMermaid', () => {
  it('starts a flowchart with the title as front matter and a start marker pointing at StartAt', async () => {
    const mermaid = toMermaid(await sampleDefinition(), { title: 'sample-dns' });
    expect(mermaid.startsWith('---\ntitle: "sample-dns"\n---\nflowchart TD\n')).toBe(true);
    expect(lines(mermaid)).toContain('start(("Start"))');
    expect(lines(mermaid)).toContain('start --> ParseDnsEvent');
  });

  it('omits the front matter without a title', async () => {
    expect(toMermaid(await sampleDefinition()).startsWith('flowchart TD\n')).toBe(true);
  });

  it('labels Tasks with what they call and the retries they make', async () => {
    const all = lines(toMermaid(await sampleDefinition()));
    expect(all).toContain('ParseDnsEvent["ParseDnsEvent<br/>lambda: parseDnsEvent<br/>retry: Lambda transient errors ×3"]');
    expect(all).toContain('PlanChange["PlanChange<br/>lambda: planChange<br/>retry: Lambda transient errors ×3<br/>retry: RecordConflict ×2"]');
    expect(all).toContain(
      'ChangeRecord["ChangeRecord<br/>route53:changeResourceRecordSets<br/>retry: Route53.ThrottlingException, Route53.PriorRequestNotCompleteException, Route53.Route53Exception ×6"]',
    );
    expect(all).toContain(
      'StartAudit["StartAudit<br/>states:startExecution.sync:2<br/>retry: StepFunctions.AWSStepFunctionsException, StepFunctions.ExecutionLimitExceededException ×3"]',
    );
  });

  it('shapes each state by its type and styles Fail apart from Succeed', async () => {
    const all = lines(toMermaid(await sampleDefinition()));
    expect(all).toContain('RouteVerdict{"RouteVerdict"}');
    expect(all).toContain('WaitForSync{{"WaitForSync<br/>wait 5 s"}}');
    expect(all).toContain('RecordApplied("RecordApplied")');
    expect(all).toContain('NothingToDo(["NothingToDo"])');
    expect(all).toContain('RejectEvent(["RejectEvent<br/>error: EventRejected"])');
    expect(all).toContain('class NothingToDo,Done succeed');
    expect(all).toContain('class RejectEvent,RecordFailure fail');
    expect(all.find((line) => line.startsWith('classDef fail'))).toContain('stroke:#d93025');
  });

  it('draws Next, Choice rules with readable conditions, Default, and dashed Catch edges named by error', async () => {
    const all = lines(toMermaid(await sampleDefinition()));
    expect(all).toContain('ParseDnsEvent --> PlanChange');
    expect(all).toContain('RouteVerdict -->|"$.plan.verdict == #quot;change#quot;"| ApplyToGroups');
    expect(all).toContain('RouteVerdict -->|"$.plan.verdict == #quot;skip#quot; and $.parsed.event.retries #gt; 2"| NothingToDo');
    expect(all).toContain('RouteVerdict -->|"not ($.plan.groups is present)"| RejectEvent');
    expect(all).toContain('RouteVerdict -->|"default"| NothingToDo');
    expect(all).toContain('PlanChange -.->|"GuardRefused, InvalidInput"| RejectEvent');
    expect(all).toContain('ApplyToGroups -.->|"States.ALL"| RecordFailure');
  });

  it('draws a Map as a subgraph around its processor and a Parallel as one subgraph per branch', async () => {
    const mermaid = toMermaid(await sampleDefinition());
    expect(mermaid).toContain(
      [
        '  subgraph ApplyToGroups["ApplyToGroups<br/>map: each of $.plan.groups, 2 at a time"]',
        '    ApplyToGroups_start((" "))',
        '    ChangeRecord[',
      ].join('\n'),
    );
    expect(mermaid).toContain(
      [
        '  subgraph ReportAndNotify["ReportAndNotify<br/>parallel: 2 branches"]',
        '    subgraph ReportAndNotify_branch_1["branch 1"]',
        '      ReportAndNotify_start((" "))',
        '      PublishOutcome["PublishOutcome<br/>events:putEvents.waitForTaskToken<br/>retry: EventBridge.FailedEntry, EventBridge.AmazonEventBridgeException, EventBridge.InternalException, EventBridge.ThrottlingException ×3"]',
        '    end',
        '    subgraph ReportAndNotify_branch_2["branch 2"]',
      ].join('\n'),
    );
    const all = lines(mermaid);
    expect(all).toContain('ApplyToGroups_start --> ChangeRecord');
    expect(all).toContain('ReportAndNotify_start_2 --> StartAudit');
    expect(all).toContain('ApplyToGroups --> ReportAndNotify');
  });

  it('gives the same text for the same definition', async () => {
    expect(toMermaid(await sampleDefinition(), { title: 't' })).toBe(toMermaid(await sampleDefinition(), { title: 't' }));
  });

  it('turns any state name into a unique Mermaid id while keeping the name as the label', () => {
    const definition = {
      StartAt: 'Check instance',
      States: {
        'Check instance': { Type: 'Pass', Next: 'end' },
        end: { Type: 'Pass', Next: 'a-b' },
        'a-b': { Type: 'Pass', Next: 'a_b' },
        a_b: { Type: 'Pass', Next: '1st' },
        '1st': { Type: 'Pass', Next: 'start' },
        start: { Type: 'Succeed' },
      },
    };
    const all = lines(toMermaid(definition));
    expect(all).toContain('Check_instance("Check instance")');
    expect(all).toContain('state_end("end")');
    expect(all).toContain('a_b("a-b")');
    expect(all).toContain('a_b_2("a_b")');
    expect(all).toContain('state_1st("1st")');
    expect(all).toContain('start(["start"])');
    expect(all).toContain('start_2(("Start"))');
    expect(all).toContain('start_2 --> Check_instance');
    const nodeIds = all.filter((line) => /^[^ ]+[[({]/.test(line) && !line.startsWith('class')).map((line) => /^([^[({]+)/.exec(line)?.[1]);
    expect(nodeIds).toHaveLength(7);
    for (const id of nodeIds) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(new Set(nodeIds).size).toBe(nodeIds.length);
  });

  it('escapes quotes, # and angle brackets so a label cannot break the diagram', () => {
    const mermaid = toMermaid({ StartAt: 'Say "hi" #1 <now>', States: { 'Say "hi" #1 <now>': { Type: 'Succeed' } } });
    expect(lines(mermaid)).toContain('Say__hi___1__now_(["Say #quot;hi#quot; #35;1 #lt;now#gt;"])');
  });

  it('ends top-level End states at an end marker', () => {
    const all = lines(toMermaid({ StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } }));
    expect(all).toContain('stop(("End"))');
    expect(all).toContain('Only --> stop');
  });
});

describe('describeCondition', () => {
  it('renders comparisons, path comparisons, type tests and their combinations', () => {
    expect(describeCondition({ Variable: '$.n', NumericLessThanEquals: 3 })).toBe('$.n <= 3');
    expect(describeCondition({ Variable: '$.a', TimestampGreaterThanPath: '$.b' })).toBe('$.a > $.b');
    expect(describeCondition({ Variable: '$.name', StringMatches: 'web-*' })).toBe('$.name matches "web-*"');
    expect(describeCondition({ Variable: '$.flag', BooleanEquals: false })).toBe('$.flag == false');
    expect(describeCondition({ Variable: '$.x', IsPresent: false })).toBe('$.x is absent');
    expect(
      describeCondition({
        Or: [{ And: [{ Variable: '$.a', IsNull: false }, { Variable: '$.b', StringEquals: 'y' }] }, { Not: { Variable: '$.c', NumericEquals: 1 } }],
      }),
    ).toBe('($.a is not null and $.b == "y") or not ($.c == 1)');
  });
});

describe('replaceDiagram', () => {
  const readme = ['# Title', '', '<!-- diagram:start -->', '```mermaid', 'flowchart TD', '  old', '```', '<!-- diagram:end -->', '', 'After.', ''].join('\n');

  it('replaces the block between the markers and keeps everything else', () => {
    const updated = replaceDiagram(readme, 'flowchart TD\n  new\n');
    expect(updated).toBe(
      ['# Title', '', '<!-- diagram:start -->', '', '```mermaid', 'flowchart TD', '  new', '```', '', '<!-- diagram:end -->', '', 'After.', ''].join('\n'),
    );
  });

  it('is idempotent', () => {
    const once = replaceDiagram(readme, 'flowchart TD\n  new\n');
    expect(replaceDiagram(once, 'flowchart TD\n  new\n')).toBe(once);
  });

  it('refuses a README without exactly one pair of markers in order', () => {
    expect(() => replaceDiagram('# No markers', 'flowchart TD')).toThrow(DiagramMarkersMissing);
    expect(() => replaceDiagram('<!-- diagram:end -->\n<!-- diagram:start -->', 'flowchart TD')).toThrow(DiagramMarkersMissing);
    expect(() => replaceDiagram(`${readme}\n<!-- diagram:start -->`, 'flowchart TD')).toThrow(DiagramMarkersMissing);
  });

  it('keeps the fixture README current with its definition', async () => {
    const current = await readFile(`${sampleFolder}README.md`, 'utf8');
    expect(replaceDiagram(current, toMermaid(await sampleDefinition(), { title: 'sample-dns' }))).toBe(current);
  });
});
