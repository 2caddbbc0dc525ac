import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SandboxAccount } from '../../engine/sandbox/index.ts';
import { loadSample, sampleWith } from '../../events/samples.ts';
import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import { devConfig, world } from './harness.ts';

const SEED = 'test/fixtures/sandbox/findings.json';
const ACCOUNT = '123456789012';
const GRAPH = 'arn:aws:detective:eu-west-1:123456789012:graph:d2a6f1c8e4b7093a5c1e8f2b6d4a9c07';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/analyst-alice`;
const CI_DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/ci-deployer`;

type Finding = Record<string, unknown> & { Id: string; ProductArn: string; Resources: Record<string, unknown>[]; Note?: { Text: string }; UserDefinedFields?: Record<string, string>; Severity?: { Label: string } };
type Report = { summary: Record<string, number>; principals: { entityArn: string; status: string; reused: boolean; investigationId: string | null }[]; written: { updated: number; unprocessed: unknown[] } };

const seedFindings = (): Finding[] => (JSON.parse(readFileSync(SEED, 'utf8')) as { securityHub: { findings: Finding[] } }).securityHub.findings;
const [aliceFinding, ciFinding, bobFinding, controlFinding] = seedFindings() as [Finding, Finding, Finding, Finding];

/** A copy of a stored finding with another Id (a burst of findings about the same principal). */
function variant(finding: Finding, suffix: string): Finding {
  return { ...structuredClone(finding), Id: `${finding.Id}-${suffix}` };
}

/** A real Imported sample carrying the given findings, flagged as the automation rule flags them. */
function imported(...findings: Finding[]) {
  return sampleWith('securityhub/findings-imported-guardduty-ssh-brute-force.json', {
    findings: findings.map((finding) => ({ ...finding, UserDefinedFields: { ...finding.UserDefinedFields, investigate: 'true' } })),
  });
}

async function enrichmentWorld(options: { config?: (raw: Record<string, unknown>) => void; changeSeed?: (seed: Record<string, unknown>) => void } = {}) {
  const config: OpsflowConfig = devConfig(options.config);
  return world({ seed: SEED, config, ...(options.changeSeed ? { changeSeed: options.changeSeed } : {}) });
}

function stored(sandbox: SandboxAccount, finding: Finding): Finding {
  return sandbox.finding(finding.Id, finding.ProductArn) as Finding;
}

describe('finding-enrichment: investigations', () => {
  it('investigates every principal of a burst once and writes every finding back', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const burst = [aliceFinding, variant(aliceFinding, 'b'), variant(aliceFinding, 'c'), ciFinding, variant(ciFinding, 'b')];
    sandbox.importFindings(burst.slice(1));

    const executions = await engine.send(imported(...burst));

    const [execution, ...others] = executions.filter((record) => record.workflow === 'finding-enrichment');
    expect(others).toEqual([]);
    expect(executions.filter((record) => record.workflow === 'investigate-principal')).toHaveLength(2);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.investigations().map((investigation) => investigation.entityArn).sort()).toEqual([CI_DEPLOYER, ALICE]);
    for (const finding of burst) {
      const after = stored(sandbox, finding);
      expect(after.UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
      expect(after.Note?.Text.length).toBeLessThanOrEqual(512);
      expect(after.Note?.Text).toContain('https://console.aws.amazon.com/detective/home?region=eu-west-1#investigations/');
    }
    expect(stored(sandbox, aliceFinding).Note?.Text).toMatch(/^Detective: user\/analyst-alice: HIGH \(SUCCESSFUL\)/);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ detective_severity: 'HIGH', detective_flagged_ips: '1', detective_ttps: '1' });
    expect(stored(sandbox, ciFinding).UserDefinedFields).toMatchObject({ detective_severity: 'MEDIUM', detective_new_asos: '1' });
  });

  it('reuses the investigation of an earlier event about the same principal', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const later = variant(aliceFinding, 'later');
    sandbox.importFindings([later]);
    await engine.send(imported(aliceFinding));

    const [second, ...started] = await engine.send(imported(later));

    expect(sandbox.investigations()).toHaveLength(1);
    expect(started).toEqual([]);
    expect((second?.output as Report).principals).toEqual([expect.objectContaining({ entityArn: ALICE, reused: true, status: 'SUCCESSFUL' })]);
    expect(stored(sandbox, later).UserDefinedFields?.investigate).toBe('complete');
  });

  it('waits for Detective with Wait states of growing length, not in a Lambda', async () => {
    // Polled at 60, 180, 420 and 900 s: the fourth poll is the first after its 600 s.
    const { engine } = await enrichmentWorld({ changeSeed: (seed) => ((seed.detective as { investigationSeconds: number }).investigationSeconds = 600) });

    const [execution, run] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(run?.workflow).toBe('investigate-principal');
    const polls = run?.states.filter((state) => state.name === 'GetInvestigation') ?? [];
    expect(polls).toHaveLength(4);
    expect(run?.simulatedSeconds).toBe(60 + 120 + 240 + 480);
  });

  it('writes a FAILED investigation back as failed', async () => {
    const { sandbox, engine } = await enrichmentWorld();

    const [execution] = await engine.send(imported(bobFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    const after = stored(sandbox, bobFinding);
    expect(after.UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'FAILED' });
    expect(after.Note?.Text).toContain('investigation FAILED');
  });

  it('writes a timed-out investigation back when Detective runs past the deadline', async () => {
    const { sandbox, engine } = await enrichmentWorld({
      config: (raw) => (raw.findingEnrichment = { polling: { firstWaitSeconds: 60, maxWaitSeconds: 600, deadlineMinutes: 30 } }),
      changeSeed: (seed) => ((seed.detective as { investigationSeconds: number }).investigationSeconds = 24 * 3600),
    });

    const [execution, run] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ detective_status: 'TIMED_OUT' });
    expect(run?.simulatedSeconds).toBeGreaterThanOrEqual(30 * 60);
  });

  it('raises the severity label when configured and Detective is more severe', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: (raw) => (raw.findingEnrichment = { raiseSeverity: true }) });

    await engine.send(imported(aliceFinding, ciFinding));

    expect(stored(sandbox, aliceFinding).Severity?.Label).toBe('HIGH');
    expect(stored(sandbox, ciFinding).Severity?.Label).toBe('MEDIUM');
  });
});

describe('finding-enrichment: what is not investigated', () => {
  it('skips a finding from another product and a finding with no IAM principal, and marks them', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const noPrincipal = { ...variant(aliceFinding, 'ec2'), Resources: [{ Type: 'AwsEc2Instance', Id: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`, Partition: 'aws', Region: 'eu-west-1' }] };
    sandbox.importFindings([noPrincipal]);

    const [execution] = await engine.send(imported(controlFinding, noPrincipal));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.investigations()).toHaveLength(0);
    expect(sandbox.callCount('detective')).toBe(0);
    expect(stored(sandbox, controlFinding).UserDefinedFields).toMatchObject({ investigate: 'skipped', investigate_reason: 'not-guardduty' });
    expect(stored(sandbox, noPrincipal).UserDefinedFields).toMatchObject({ investigate: 'skipped', investigate_reason: 'no-iam-principal' });
  });

  it('never starts another investigation from the Imported events its own updates cause', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const published: string[] = [];
    sandbox.onEvent((event) => published.push(event['detail-type']));

    const executions = await engine.send(imported(aliceFinding, ciFinding, bobFinding));

    expect(published.filter((type) => type === 'Security Hub Findings - Imported').length).toBeGreaterThanOrEqual(3);
    expect(published.filter((type) => type === 'Finding Enriched')).toHaveLength(3);
    const enrichments = (records: readonly { workflow: string }[]) => records.filter((record) => record.workflow === 'finding-enrichment');
    expect(enrichments(executions)).toHaveLength(1);
    expect(enrichments(engine.executions)).toHaveLength(1);
  });

  it('names a truncated event and touches no finding', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const event = imported(aliceFinding);
    delete (event.detail.findings as Record<string, unknown>[])[0]?.ProductArn;

    const record = await engine.run('finding-enrichment', event);

    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(record.cause).toContain('ProductArn');
    expect(sandbox.calls).toHaveLength(0);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toBeUndefined();
  });
});

describe('finding-enrichment: triggers', () => {
  it('investigates every finding an analyst sends to the Investigate custom action', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const sample = loadSample('securityhub/findings-custom-action-two-findings.json') as { resources: string[]; detail: Record<string, unknown> };
    const event = { ...sample, resources: [`arn:aws:securityhub:eu-west-1:${ACCOUNT}:action/custom/Investigate`], detail: { ...sample.detail, findings: [aliceFinding, ciFinding] } };

    const [execution] = await engine.send(event);

    expect(execution?.triggeredBy?.trigger).toBe('InvestigateAction');
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
    expect(stored(sandbox, ciFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('investigates a GuardDuty finding event directly, deriving its Security Hub identifiers', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: (raw) => (raw.findingEnrichment = { triggers: { guardDuty: true } }) });
    const sample = loadSample('guardduty/finding-access-key-iam-user.json') as { detail: { resource: { accessKeyDetails: Record<string, string> } } };
    const resource = { ...sample.detail.resource, accessKeyDetails: { ...sample.detail.resource.accessKeyDetails, userName: 'analyst-alice' } };
    const event = sampleWith('guardduty/finding-access-key-iam-user.json', { arn: aliceFinding.Id, region: 'eu-west-1', resource, severity: 8 });

    const [execution] = await engine.send(event);

    expect(execution?.triggeredBy?.trigger).toBe('GuardDutyFinding');
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([ALICE]);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('does not route a GuardDuty finding below the minimum severity', async () => {
    const { engine } = await enrichmentWorld({ config: (raw) => (raw.findingEnrichment = { triggers: { guardDuty: true }, minimumGuardDutySeverity: 7 }) });
    expect(engine.routes(sampleWith('guardduty/finding-access-key-iam-user.json', { severity: 5 }))).toEqual([]);
    expect(engine.routes(sampleWith('guardduty/finding-access-key-iam-user.json', { severity: 7.5 }))).toEqual([{ workflow: 'finding-enrichment', trigger: 'GuardDutyFinding' }]);
  });

  it('does not route an Imported event whose findings are not flagged', async () => {
    const { engine } = await enrichmentWorld();
    const unflagged = sampleWith('securityhub/findings-imported-guardduty-ssh-brute-force.json', {
      findings: [{ ...aliceFinding, UserDefinedFields: { investigate: 'complete' } }],
    });
    expect(engine.routes(unflagged)).toEqual([]);
  });
});

describe('finding-enrichment: behavior graph', () => {
  it('uses the graph from config without listing graphs', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: (raw) => (raw.findingEnrichment = { graphArn: GRAPH }) });
    await engine.send(imported(aliceFinding));
    expect(sandbox.callCount('detective', 'ListGraphs')).toBe(0);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('uses the only graph ListGraphs returns when config names none', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: (raw) => (raw.findingEnrichment = {}) });
    await engine.send(imported(aliceFinding));
    expect(sandbox.callCount('detective', 'ListGraphs')).toBe(1);
    expect(sandbox.investigations()[0]?.graphArn).toBe(GRAPH);
  });

  it('fails with BehaviorGraphNotFound when Detective is not enabled, touching no finding', async () => {
    const { sandbox, engine } = await enrichmentWorld({
      config: (raw) => (raw.findingEnrichment = {}),
      changeSeed: (seed) => ((seed.detective as { graphs: unknown[] }).graphs = []),
    });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'BehaviorGraphNotFound' });
    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(0);
  });

  it('fails with BehaviorGraphAmbiguous when there are several graphs', async () => {
    const { engine } = await enrichmentWorld({
      config: (raw) => (raw.findingEnrichment = {}),
      changeSeed: (seed) => {
        const detective = seed.detective as { graphs: { arn: string }[] };
        detective.graphs.push({ arn: 'arn:aws:detective:eu-west-1:123456789012:graph:0123456789abcdef0123456789abcdef' });
      },
    });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'BehaviorGraphAmbiguous' });
    expect(execution?.cause).toContain('2 Detective behavior graphs');
  });
});

describe('finding-enrichment: simultaneous executions', () => {
  it('start one investigation per principal even when every event arrives at the same instant', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const burst = Array.from({ length: 10 }, (_, index) => variant(index % 2 === 0 ? aliceFinding : ciFinding, `same-instant-${index}`));
    sandbox.importFindings(burst);

    const started = burst.map((finding) => engine.start('finding-enrichment', imported(finding)));
    const records = await Promise.all(started.map((execution) => execution.done));
    await engine.idle();

    expect(records.map((record) => record.status)).toEqual(Array(10).fill('SUCCEEDED'));
    expect(sandbox.investigations().map((investigation) => investigation.entityArn).sort()).toEqual([CI_DEPLOYER, ALICE]);
    expect(engine.executions.filter((record) => record.workflow === 'investigate-principal')).toHaveLength(2);
    for (const finding of burst) expect(stored(sandbox, finding).UserDefinedFields?.investigate).toBe('complete');
  });
});

describe('finding-enrichment: transient and terminal errors', () => {
  it('retries Detective throttling and succeeds', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'detective', operation: 'StartInvestigation', error: 'TooManyRequestsException', times: 2 });

    const [, run] = await engine.send(imported(aliceFinding));

    expect(run?.states.find((state) => state.name === 'StartInvestigation')?.retries).toBe(2);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('retries Security Hub throttling on the write-back', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'securityhub', operation: 'BatchUpdateFindings', error: 'TooManyRequestsException', times: 2 });

    await engine.send(imported(aliceFinding));

    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(3);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('retries findings Security Hub leaves unprocessed after a concurrent update', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.failFindingUpdates({ findingId: aliceFinding.Id, errorCode: 'ConcurrentUpdateError', times: 1 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect((execution?.output as Report).written).toEqual({ updated: 1, unprocessed: [] });
    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(2);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('reports findings that stay unprocessed', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.failFindingUpdates({ findingId: aliceFinding.Id, errorCode: 'ConcurrentUpdateError', times: 10 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect((execution?.output as Report).written).toEqual({ updated: 0, unprocessed: [expect.objectContaining({ ErrorCode: 'ConcurrentUpdateError' })] });
    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(3);
  });

  it('records a Detective refusal for one principal and still enriches the others', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'detective', operation: 'StartInvestigation', error: 'ValidationException', nth: [1] });

    const [execution] = await engine.send(imported(aliceFinding, ciFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    const statuses = (execution?.output as Report).principals.map((principal) => principal.status).sort();
    expect(statuses).toEqual(['ERROR', 'SUCCESSFUL']);
    const fields = [stored(sandbox, aliceFinding), stored(sandbox, ciFinding)].map((finding) => finding.UserDefinedFields?.detective_status).sort();
    expect(fields).toEqual(['ERROR', 'SUCCESSFUL']);
  });
});
