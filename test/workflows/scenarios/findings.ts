import { readFileSync } from 'node:fs';
import type { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { sampleWith } from '../../../events/samples.ts';
import { devConfig, world } from '../harness.ts';
import { executionsOf, fivePastTheHour, type Scenario } from './scenario.ts';

const SEED = 'test/fixtures/sandbox/findings.json';

type Finding = Record<string, unknown> & { Id: string; ProductArn: string; UserDefinedFields?: Record<string, string>; Note?: { Text: string }; Severity?: { Label: string } };

const seeded = (): Finding[] => (JSON.parse(readFileSync(SEED, 'utf8')) as { securityHub: { findings: Finding[] } }).securityHub.findings;
const [alice, ci] = seeded() as [Finding, Finding];

/** A real Imported sample carrying the findings, flagged as the automation rule flags them. */
function imported(...findings: Finding[]) {
  return sampleWith('securityhub/findings-imported-guardduty-ssh-brute-force.json', {
    findings: findings.map((finding) => ({ ...finding, UserDefinedFields: { ...finding.UserDefinedFields, investigate: 'true' } })),
  });
}

/** What an analyst sees on each finding, and which findings were announced; investigation ids are left out (a new run may start another). */
function findingsOutcome(sandbox: SandboxAccount): unknown {
  const { securityHub, eventBridge } = sandbox.snapshot();
  const findings = securityHub.findings.map(({ finding }) => ({
    id: finding.Id,
    fields: withoutInvestigationIds(finding.UserDefinedFields as Record<string, string> | undefined),
    severity: (finding.Severity as { Label?: string } | undefined)?.Label ?? null,
    note: noteVerdict((finding.Note as { Text?: string } | undefined)?.Text ?? ''),
  }));
  const enriched = new Set(eventBridge.published.filter(({ event }) => event['detail-type'] === 'Finding Enriched').map(({ event }) => String(event.detail.findingId)));
  return { findings, enriched: [...enriched].sort() };
}

/**
 * The note as an analyst reads the verdict: without the investigation's id, and without how the
 * result was obtained (a fresh investigation's scope, or "reused" when a replay found the
 * investigation an earlier, failed run had started).
 */
function noteVerdict(text: string): string {
  return text.replace(/#investigations\/\d+/g, '#investigations/<id>').replace(/\), (?:reused|scope .*?)\. (?=\S)/, '). ');
}

function withoutInvestigationIds(fields: Record<string, string> | undefined): Record<string, string> | null {
  if (!fields) return null;
  const { detective_investigation_ids: _ids, ...rest } = fields;
  return rest;
}

async function enrichmentWorld(config: (raw: Record<string, unknown>) => void = () => {}, changeSeed?: (seed: Record<string, unknown>) => void, randomSeed?: number) {
  return world({ seed: SEED, config: devConfig(config), sandbox: { clock: fivePastTheHour() }, ...(changeSeed ? { changeSeed } : {}), randomSeed });
}

/** More indicators than one ListIndicators page (MaxResults 100) holds, so the run reads them page by page. */
function manyIndicators(seed: Record<string, unknown>): void {
  const detective = seed.detective as { outcomes: { entityArn: string; indicators: unknown[] }[] };
  const outcome = detective.outcomes.find((candidate) => candidate.entityArn.endsWith(':user/analyst-alice'));
  if (!outcome) return;
  outcome.indicators = Array.from({ length: 150 }, (_, index) => ({
    IndicatorType: 'FLAGGED_IP_ADDRESS',
    IndicatorDetail: { FlaggedIpAddressDetail: { IpAddress: `198.51.100.${index % 250}`, Reason: 'AWS_THREAT_INTELLIGENCE' } },
  }));
}

/** The configured behavior graph deleted: Detective answers ResourceNotFoundException for it. */
function graphGone(seed: Record<string, unknown>): void {
  const detective = seed.detective as { graphs: { arn: string }[] };
  detective.graphs = detective.graphs.map((graph) => ({ ...graph, arn: graph.arn.replace(/graph:.*/, `graph:${'0'.repeat(32)}`) }));
}

export const findingScenarios: readonly Scenario[] = [
  {
    name: 'an Imported event about two principals, one a user and one a role, writes every finding back',
    async setup(randomSeed) {
      const { engine, sandbox } = await enrichmentWorld(() => {}, undefined, randomSeed);
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(imported(alice, ci))) };
    },
    outcome: findingsOutcome,
  },
  {
    name: 'a principal with more indicators than one page reads them all',
    async setup() {
      const { engine, sandbox } = await enrichmentWorld(() => {}, manyIndicators);
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(imported(alice))) };
    },
    outcome: findingsOutcome,
  },
  {
    name: 'with no graph in config, the only behavior graph is listed and used',
    async setup() {
      const { engine, sandbox } = await enrichmentWorld((raw) => (raw.findingEnrichment = {}));
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(imported(alice))) };
    },
    outcome: findingsOutcome,
  },
  {
    name: 'a behavior graph that no longer exists: each principal fails named, its findings written back as failed',
    async setup() {
      const { engine, sandbox } = await enrichmentWorld(() => {}, graphGone);
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(imported(alice))) };
    },
    outcome: findingsOutcome,
  },
  {
    name: 'a second event about the same principal in the hour follows the first run',
    async setup() {
      const { engine, sandbox } = await enrichmentWorld();
      return {
        engine,
        sandbox,
        act: () =>
          executionsOf(engine, async () => {
            await engine.send(imported(alice));
            await engine.send(imported(alice));
          }),
      };
    },
    outcome: findingsOutcome,
  },
];
