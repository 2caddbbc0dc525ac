import { describe, expect, it, vi } from 'vitest';
import { loadSample, sampleWith } from '../../events/samples.ts';
import { maxPayloadBytes } from '../../engine/limits.ts';
import { largest, resetLargest } from './payload-meter.ts';
import { MAX_FINDINGS_PER_EVENT, MAX_PRINCIPALS_PER_EVENT } from '../../handlers/findings/work.ts';
import { devConfig, world } from './harness.ts';

/**
 * Step Functions' payload quota at the largest events finding-enrichment receives. Security Hub
 * sends at most 100 findings in an event (MAX_FINDINGS_PER_EVENT, with its sources), and Step
 * Functions starts no execution whose input is over 262,144 bytes, so the largest inputs are an
 * event at that size, and 100 findings about 100 principals. Both are built from the real samples
 * (GuardDuty's finding in ASFF, and the IAM user resource of the IAM.8 control finding), and run
 * through the real ASL; every state's input and output, and every task's result, is measured as
 * the engine checks it (engine/limits.ts), in both workflows.
 */

// The event itself, which the quota bounds, is NormalizeFindings' input; what the run makes of it is measured.
vi.mock('../../engine/limits.ts', async (importOriginal) => (await import('./payload-meter.ts')).meteredLimits(await importOriginal(), ['NormalizeFindings input']));

/**
 * The bound every state stays under at these events: 160 KiB, 62.5% of the quota. Measured when
 * this was written: 128,554 bytes (49% of the quota, at ForEachBatch: the findings in their
 * batches and the 100 principals' outcomes) for 100 findings about 100 principals, 77,374 for the
 * 60 full findings of an input at the limit; the bound leaves room for longer ids, titles and
 * indicator descriptions than the samples have.
 */
const BOUND_BYTES = 160 * 1024;

/** The longest Cause Step Functions records for a failure (ExecutionFailedEventDetails: "Maximum length of 32768"). */
const MAX_CAUSE_CHARACTERS = 32_768;
const LONG_MESSAGE_HEAD = 'The request "StartInvestigation" was refused:';

const ACCOUNT = '123456789012';
const SEED = 'test/fixtures/sandbox/findings.json';
const SAMPLE = 'securityhub/findings-imported-guardduty-ssh-brute-force.json';

type Json = Record<string, unknown>;
type Finding = Json & { Id: string; ProductArn: string; UserDefinedFields?: Record<string, string> };

const sampleFinding = (sample: string): Json => ((loadSample(sample) as { detail: { findings: Json[] } }).detail.findings[0] ?? {});

/**
 * GuardDuty's finding as the sample has it, about an IAM user of this account (the IAM.8 sample's
 * resource, renamed). `lean` leaves out what ASFF does not require (ProductFields, SourceUrl, the
 * user's details), so that 100 of them fit in one input.
 */
function findingAbout(index: number, lean: boolean): Finding {
  const { ProductFields: _fields, SourceUrl: _url, ...required } = sampleFinding(SAMPLE);
  const finding = lean ? required : sampleFinding(SAMPLE);
  const [resource] = sampleFinding('securityhub/findings-imported-afsbp-iam-8-user.json').Resources as [Json & { Details: { AwsIamUser: Json } }];
  const name = `burst-user-${index}`;
  const user = { ...resource, Id: `arn:aws:iam::${ACCOUNT}:user/${name}` };
  return {
    ...finding,
    Id: `${String(finding.Id)}-${index}`,
    ProductArn: String(finding.ProductArn),
    AwsAccountId: ACCOUNT,
    Resources: [lean ? { ...user, Details: undefined } : { ...user, Details: { AwsIamUser: { ...resource.Details.AwsIamUser, UserName: name } } }],
  };
}

/** The real Imported sample carrying the findings, flagged as the automation rule flags them. */
const importedEvent = (findings: Finding[]) => sampleWith(SAMPLE, { findings: findings.map((finding) => ({ ...finding, UserDefinedFields: { investigate: 'true' } })) });
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** As many findings as fit in one execution input, up to the 100 an event carries at most. */
function largestEvent(lean: boolean): { event: Json; findings: Finding[] } {
  const findings: Finding[] = [];
  while (findings.length < MAX_FINDINGS_PER_EVENT) {
    const next = findingAbout(findings.length, lean);
    if (bytes(importedEvent([...findings, next])) > maxPayloadBytes) break;
    findings.push(next);
  }
  return { event: importedEvent(findings), findings };
}

async function burstWorld(findings: Finding[]) {
  const { sandbox, engine } = await world({
    seed: SEED,
    config: devConfig(),
    changeSeed: (seed) => {
      const detective = seed.detective as { outcomes: { entityArn: string; indicators: unknown[] }[]; defaultOutcome?: unknown };
      const alice = detective.outcomes.find((outcome) => outcome.entityArn.endsWith(':user/analyst-alice'));
      detective.defaultOutcome = { status: 'SUCCESSFUL', severity: 'HIGH', indicators: alice?.indicators ?? [] };
      const iam = seed.iam as { users: { userName: string; path: string; createDate: string }[] };
      iam.users.push(...findings.map((_, index) => ({ userName: `burst-user-${index}`, path: '/', createDate: '2024-03-11T09:20:41Z' })));
    },
  });
  sandbox.importFindings(findings);
  return { sandbox, engine };
}

describe('finding-enrichment: every state stays within 256 KiB at the largest events', () => {
  it.each([
    ['an event at the input limit, of findings as the sample has them', false],
    [`${MAX_FINDINGS_PER_EVENT} findings about ${MAX_PRINCIPALS_PER_EVENT} principals, the most one event carries`, true],
  ] as const)('%s: every finding written, every state under the bound', async (_name, lean) => {
    const { event, findings } = largestEvent(lean);
    expect(bytes(event)).toBeLessThanOrEqual(maxPayloadBytes);
    if (lean) expect(findings).toHaveLength(MAX_FINDINGS_PER_EVENT);
    else expect(bytes(importedEvent([...findings, findingAbout(findings.length, false)]))).toBeGreaterThan(maxPayloadBytes);
    const { sandbox, engine } = await burstWorld(findings);
    resetLargest();

    const records = await engine.send(event);

    const [enrichment] = records.filter((record) => record.workflow === 'finding-enrichment');
    expect(enrichment?.status, `${enrichment?.error}: ${enrichment?.cause}`).toBe('SUCCEEDED');
    expect(records.filter((record) => record.workflow === 'investigate-principal').map((record) => record.status)).toEqual(findings.map(() => 'SUCCEEDED'));
    expect(sandbox.investigations()).toHaveLength(findings.length);
    for (const finding of findings) {
      const stored = sandbox.finding(finding.Id, finding.ProductArn) as Finding;
      expect(stored.UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL', detective_arn_sources: 'iam' });
    }
    const published = sandbox.snapshot().eventBridge.published.filter(({ event: sent }) => sent['detail-type'] === 'Finding Enriched');
    expect(published).toHaveLength(findings.length);
    expect(largest.bytes, `largest payload: ${largest.where}`).toBeGreaterThan(0);
    expect(largest.bytes, `largest payload: ${largest.where}`).toBeLessThanOrEqual(BOUND_BYTES);
  }, 60_000);

  it(`${MAX_PRINCIPALS_PER_EVENT} principals whose runs all fail with causes at the ${MAX_CAUSE_CHARACTERS}-character limit: every finding written back as failed, every state under the bound`, async () => {
    const { event, findings } = largestEvent(true);
    const { sandbox, engine } = await burstWorld(findings);
    // Detective refusing every principal, with a message that fills the cause to Step Functions' limit.
    const suffix = ` (Service: Detective, Status Code: 400, Request ID: ${'0'.repeat(36)})`;
    const message = LONG_MESSAGE_HEAD + '\n    at "handler" (/var/task/index.mjs:12:34)'.repeat(MAX_CAUSE_CHARACTERS).slice(0, MAX_CAUSE_CHARACTERS - suffix.length - LONG_MESSAGE_HEAD.length);
    sandbox.injectFault({ service: 'detective', operation: 'StartInvestigation', error: 'ValidationException', message });
    resetLargest();

    const records = await engine.send(event);

    const runs = records.filter((record) => record.workflow === 'investigate-principal');
    expect(runs).toHaveLength(findings.length);
    for (const run of runs) {
      expect({ status: run.status, error: run.error }).toEqual({ status: 'FAILED', error: 'Detective.ValidationException' });
      expect(run.cause).toHaveLength(MAX_CAUSE_CHARACTERS);
    }
    const [enrichment] = records.filter((record) => record.workflow === 'finding-enrichment');
    expect({ status: enrichment?.status, error: enrichment?.error }, String(enrichment?.cause)).toEqual({ status: 'FAILED', error: 'InvestigationsNotCompleted' });
    expect(enrichment?.cause).toContain('(Detective.ValidationException)');
    for (const finding of findings) {
      const stored = sandbox.finding(finding.Id, finding.ProductArn) as Finding & { Note?: { Text: string } };
      expect(stored.UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'ERROR' });
      expect(stored.Note?.Text).toContain(`ERROR Detective.ValidationException, scope `);
      expect(stored.Note?.Text.length).toBeLessThanOrEqual(512);
    }
    const published = sandbox.snapshot().eventBridge.published.filter(({ event: sent }) => sent['detail-type'] === 'Finding Enriched');
    expect(published).toHaveLength(findings.length);
    for (const { event: sent } of published) {
      const [principal] = (sent.detail as { principals: { error: { Error: string; Cause: string } }[] }).principals;
      expect(principal?.error.Error).toBe('Detective.ValidationException');
      expect(principal?.error.Cause.startsWith(LONG_MESSAGE_HEAD)).toBe(true);
      expect(principal?.error.Cause.length).toBeLessThanOrEqual(256);
    }
    expect(largest.bytes, `largest payload: ${largest.where}`).toBeLessThanOrEqual(BOUND_BYTES);
  }, 60_000);
});
