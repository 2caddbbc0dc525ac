import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../engine/engine.ts';
import type { SandboxAccount } from '../../engine/sandbox/index.ts';
import { loadSample, sampleWith } from '../../events/samples.ts';
import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import { devConfig, world } from './harness.ts';

const SEED = 'test/fixtures/sandbox/findings.json';
const ACCOUNT = '123456789012';
const GRAPH = 'arn:aws:detective:eu-west-1:123456789012:graph:d2a6f1c8e4b7093a5c1e8f2b6d4a9c07';
const ALICE = `arn:aws:iam::${ACCOUNT}:user/analyst-alice`;
const CI_DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/ci-deployer`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/contractor-bob`;
/** The IAM Identity Center role of the user guide's example, seeded in IAM on its reserved path. */
const SSO_ROLE = 'AWSReservedSSO_DatabaseAdministrator_1234567890abcdef';
const SSO_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-2/${SSO_ROLE}`;
const OTHER_ACCOUNT = '210987654321';
const HOUR_MS = 3_600_000;

type Finding = Record<string, unknown> & { Id: string; ProductArn: string; Resources: Record<string, unknown>[]; Note?: { Text: string }; UserDefinedFields?: Record<string, string>; Severity?: { Label: string } };
type Report = {
  summary: Record<string, number>;
  principals: { entityArn: string; status: string; reused: boolean; investigationId: string | null; error: { Error: string; Cause?: string } | null }[];
  written: { updated: number; unprocessed: unknown[] };
  published: { sent: number; failed: number };
};

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

/** The real custom-action sample carrying the given findings, from the Investigate action. */
function investigateAction(...findings: Finding[]) {
  const sample = loadSample('securityhub/findings-custom-action-two-findings.json') as { resources: string[]; detail: Record<string, unknown> };
  return { ...sample, resources: [`arn:aws:securityhub:eu-west-1:${ACCOUNT}:action/custom/Investigate`], detail: { ...sample.detail, findings } };
}

/** The real GuardDuty access-key sample as the GuardDuty side of the finding: its Security Hub Id and first sighting, the principal and account given. */
function guardDutyEvent(finding: Finding, accessKeyDetails: Record<string, string>, accountId = ACCOUNT) {
  const sample = loadSample('guardduty/finding-access-key-iam-user.json') as { detail: { resource: { accessKeyDetails: Record<string, string> }; service: Record<string, unknown> } };
  const resource = { ...sample.detail.resource, accessKeyDetails: { ...sample.detail.resource.accessKeyDetails, ...accessKeyDetails } };
  const service = { ...sample.detail.service, eventFirstSeen: finding.FirstObservedAt };
  return sampleWith('guardduty/finding-access-key-iam-user.json', { arn: finding.Id, accountId, region: 'eu-west-1', resource, service, severity: 8 });
}

const withGuardDutyTrigger = (raw: Record<string, unknown>) => (raw.findingEnrichment = { ...(raw.findingEnrichment as object), triggers: { guardDuty: true } });

async function enrichmentWorld(options: { config?: (raw: Record<string, unknown>) => void; changeSeed?: (seed: Record<string, unknown>) => void } = {}) {
  const config: OpsflowConfig = devConfig(options.config);
  return world({ seed: SEED, config, ...(options.changeSeed ? { changeSeed: options.changeSeed } : {}) });
}

function stored(sandbox: SandboxAccount, finding: Finding): Finding {
  return sandbox.finding(finding.Id, finding.ProductArn) as Finding;
}

/** The finding ids of the Finding Enriched events that reached the bus, in order. */
function enrichedEvents(sandbox: SandboxAccount): string[] {
  return sandbox
    .snapshot()
    .eventBridge.published.filter(({ event }) => event['detail-type'] === 'Finding Enriched')
    .map(({ event }) => String(event.detail.findingId));
}

/** The error each Finding Enriched event gives for its principals, in publishing order. */
function enrichedErrors(sandbox: SandboxAccount): ({ Error: string; Cause?: string } | null)[] {
  return sandbox
    .snapshot()
    .eventBridge.published.filter(({ event }) => event['detail-type'] === 'Finding Enriched')
    .flatMap(({ event }) => (event.detail.principals as { error: { Error: string; Cause?: string } | null }[]).map((principal) => principal.error));
}

/** The investigate-principal runs' endings, in the order they started. */
function runEndings(records: readonly ExecutionRecord[]): { status: string; error?: string; cause?: string }[] {
  return records
    .filter((record) => record.workflow === 'investigate-principal')
    .map((record) => ({ status: record.status, ...(record.error === undefined ? {} : { error: record.error }), ...(record.cause === undefined ? {} : { cause: record.cause }) }));
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

  it('reuses the run of an earlier event about the same principal: no IAM lookup, no investigation', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const later = variant(aliceFinding, 'later');
    sandbox.importFindings([later]);
    await engine.send(imported(aliceFinding));
    const iamCalls = sandbox.callCount('iam');

    const [second, ...started] = await engine.send(imported(later));

    expect(iamCalls).toBe(1);
    expect(sandbox.callCount('iam')).toBe(iamCalls);
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

  it('writes a FAILED investigation back as failed: Detective\'s answer, so its run succeeds', async () => {
    const { sandbox, engine } = await enrichmentWorld();

    const [execution, run] = await engine.send(imported(bobFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(run).toMatchObject({ workflow: 'investigate-principal', status: 'SUCCEEDED', output: { status: 'FAILED', error: null } });
    const after = stored(sandbox, bobFinding);
    expect(after.UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'FAILED' });
    expect(after.Note?.Text).toContain('investigation FAILED');
  });

  it('writes a timed-out investigation back when Detective runs past the deadline: an answer, so its run succeeds', async () => {
    const { sandbox, engine } = await enrichmentWorld({
      config: (raw) => (raw.findingEnrichment = { polling: { firstWaitSeconds: 60, maxWaitSeconds: 600, deadlineMinutes: 30 } }),
      changeSeed: (seed) => ((seed.detective as { investigationSeconds: number }).investigationSeconds = 24 * 3600),
    });

    const [execution, run] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(run).toMatchObject({ workflow: 'investigate-principal', status: 'SUCCEEDED', output: { status: 'TIMED_OUT', error: { Error: 'InvestigationDeadlineExceeded' } } });
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
  it('start one run per principal when every event arrives at the same instant, and a request that joins a run costs what starting it cost', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const burst = Array.from({ length: 10 }, (_, index) => variant(index % 2 === 0 ? aliceFinding : ciFinding, `same-instant-${index}`));
    sandbox.importFindings(burst);
    const alone = await enrichmentWorld();
    const lone = await Promise.all([aliceFinding, ciFinding].map(async (finding) => (await alone.engine.send(imported(finding)))[0]));

    const records = await Promise.all(burst.map((finding) => engine.start('finding-enrichment', imported(finding)).done));
    await engine.idle();

    expect(records.map((record) => record.status)).toEqual(Array(10).fill('SUCCEEDED'));
    expect(sandbox.investigations().map((investigation) => investigation.entityArn).sort()).toEqual([CI_DEPLOYER, ALICE]);
    expect(engine.executions.filter((record) => record.workflow === 'investigate-principal')).toHaveLength(2);
    burst.forEach((finding, index) => {
      expect(stored(sandbox, finding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL', detective_severity: index % 2 === 0 ? 'HIGH' : 'MEDIUM' });
    });
    // The nine that did not start a run sent the same name and input, so Step Functions gave them the running one:
    // they add no state to follow it, and each execution takes exactly the transitions of one about its principal alone.
    expect(records.flatMap((record) => record.states.filter((state) => ['NameRun', 'DescribeRun', 'WaitForRun'].includes(state.name)))).toEqual([]);
    expect(records.map((record) => record.transitions)).toEqual(burst.map((_, index) => lone[index % 2]?.transitions));
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

  it('fails FindingsNotWritten when Security Hub keeps a finding unprocessed, after publishing its event', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.failFindingUpdates({ findingId: aliceFinding.Id, errorCode: 'ConcurrentUpdateError', times: 10 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'FindingsNotWritten' });
    expect(execution?.cause).toContain(`wrote 0 of 1 finding updates back to Security Hub; not written: ${aliceFinding.Id} (ConcurrentUpdateError: Concurrent finding updates detected)`);
    expect(execution?.cause).toContain('published 1 of 1 Finding Enriched events');
    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(3);
    expect(enrichedEvents(sandbox)).toEqual([aliceFinding.Id]);
  });

  it('records a Detective refusal for one principal, enriches the others, then fails InvestigationsNotCompleted naming it', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'detective', operation: 'StartInvestigation', error: 'ValidationException', nth: [1] });

    const [execution] = await engine.send(imported(aliceFinding, ciFinding));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvestigationsNotCompleted' });
    // The refused principal's run failed, so no outcome gives its ARN: the cause names it as its findings do.
    expect(execution?.cause).toMatch(/^wrote 2 of 2 finding updates back to Security Hub; published 2 of 2 Finding Enriched events; not investigated: (user\/analyst-alice|role\/ci-deployer) in 123456789012 \(Detective\.ValidationException\)$/);
    const fields = [stored(sandbox, aliceFinding), stored(sandbox, ciFinding)].map((finding) => finding.UserDefinedFields?.detective_status).sort();
    expect(fields).toEqual(['ERROR', 'SUCCESSFUL']);
    expect(sandbox.callCount('detective', 'StartInvestigation')).toBe(2);
  });
});

describe('finding-enrichment: every Task retries its service\'s transient errors as they are named', () => {
  it.each([
    ['ListInvestigations', 'ServiceUnavailable'],
    ['StartInvestigation', 'ServiceUnavailable'],
    ['GetInvestigation', 'InternalServerException'],
    ['ListIndicators', 'ServiceUnavailable'],
  ])('retries Detective %s after %s (the fallback name too) and converges', async (operation, error) => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'detective', operation, error, times: 1 });

    const [execution, run] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    const states = { ListInvestigations: 'FindInvestigations', StartInvestigation: 'StartInvestigation', GetInvestigation: 'GetInvestigation', ListIndicators: 'ListIndicators' };
    expect(run?.states.find((state) => state.name === states[operation as keyof typeof states])?.retries).toBe(1);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
  });

  it('retries Detective ListGraphs after an unmodeled error', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: (raw) => (raw.findingEnrichment = {}) });
    sandbox.injectFault({ service: 'detective', operation: 'ListGraphs', error: 'ServiceUnavailable', times: 1 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution?.states.find((state) => state.name === 'ListGraphs')?.retries).toBe(1);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it.each(['GetUser', 'GetRole'])('retries IAM %s throttling (the unmodeled Throttling) in the principal\'s run and reads the ARN', async (operation) => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'iam', operation, error: 'Throttling', times: 2 });

    const records = await engine.send(imported(aliceFinding, ciFinding));

    expect(records[0]?.status).toBe('SUCCEEDED');
    const lookups = records.filter((record) => record.workflow === 'investigate-principal').flatMap((record) => record.states.filter((state) => state.name === operation));
    expect(lookups.map((state) => state.retries)).toEqual([2]);
    expect(sandbox.investigations().map((investigation) => investigation.entityArn).sort()).toEqual([CI_DEPLOYER, ALICE]);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_arn_sources: 'iam' });
  });

  it('retries a PutEvents call EventBridge fails, and publishes', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'eventbridge', operation: 'PutEvents', error: 'InternalException', times: 1 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect((execution?.output as Report).published).toEqual({ sent: 1, failed: 0 });
    expect(enrichedEvents(sandbox)).toEqual([aliceFinding.Id]);
  });
});

describe('finding-enrichment: the Tasks the engine answers retry their transient names too', () => {
  it.each(['NormalizeFindings', 'ComposeFindingUpdates', 'CheckWriteBack', 'ReportEnrichment'])('retries the Lambda task %s after Lambda throttles it', async (state) => {
    const { sandbox, engine } = await enrichmentWorld();
    engine.injectFault({ workflow: 'finding-enrichment', state, service: 'lambda', error: 'TooManyRequestsException', times: 1 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.states.find((entered) => entered.name === state)?.retries).toBe(1);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it.each(['PlanInvestigation', 'FinishPrincipal'])('retries the investigate-principal Lambda task %s after Lambda throttles it', async (state) => {
    const { sandbox, engine } = await enrichmentWorld();
    engine.injectFault({ workflow: 'investigate-principal', state, service: 'lambda', error: 'TooManyRequestsException', times: 1 });

    const [, run] = await engine.send(imported(ciFinding));

    expect(run?.workflow).toBe('investigate-principal');
    expect(run?.states.find((entered) => entered.name === state)?.retries).toBe(1);
    expect(stored(sandbox, ciFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('retries starting the investigate-principal run when Step Functions throttles it', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    engine.injectFault({ service: 'sfn', operation: 'StartExecution', error: 'ThrottlingException', times: 1 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution?.states.find((entered) => entered.name === 'RunInvestigation')?.retries).toBe(1);
    expect(engine.executions.filter((record) => record.workflow === 'investigate-principal')).toHaveLength(1);
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });

  it('retries following another execution\'s run when DescribeExecution is throttled', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const later = variant(aliceFinding, 'follower');
    sandbox.importFindings([later]);
    await engine.send(imported(aliceFinding));
    engine.injectFault({ service: 'sfn', operation: 'DescribeExecution', error: 'ThrottlingException', times: 1 });

    const [execution] = await engine.send(imported(later));

    expect(execution?.states.find((entered) => entered.name === 'DescribeRun')?.retries).toBe(1);
    expect((execution?.output as Report).principals).toEqual([expect.objectContaining({ entityArn: ALICE, reused: true, status: 'SUCCESSFUL' })]);
  });

  it('retries a PutEvents entry EventBridge throttles inside a successful answer, and fails named past the budget', async () => {
    const retried = await enrichmentWorld();
    retried.engine.injectFault({ service: 'eventbridge', state: 'PutEnrichedEvents', error: 'ThrottlingException', times: 1 });
    const [published] = await retried.engine.send(imported(aliceFinding));
    expect(published?.status).toBe('SUCCEEDED');
    expect(enrichedEvents(retried.sandbox)).toEqual([aliceFinding.Id]);

    const lost = await enrichmentWorld();
    lost.engine.injectFault({ service: 'eventbridge', state: 'PutEnrichedEvents', error: 'ThrottlingException' });
    const [failed] = await lost.engine.send(imported(aliceFinding));
    expect(failed).toMatchObject({ status: 'FAILED', error: 'EnrichedEventsNotPublished' });
    expect(failed?.cause).toContain('not published after retries (EventBridge.FailedEntry)');
    expect(stored(lost.sandbox, aliceFinding).UserDefinedFields?.investigate).toBe('complete');
  });
});

describe('finding-enrichment: Finding Enriched events are published, or the run says they were not', () => {
  it('fails EnrichedEventsNotPublished once the findings are written back, saying what was and was not done', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'eventbridge', operation: 'PutEvents', error: 'InternalException', times: 100 });

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'EnrichedEventsNotPublished' });
    expect(execution?.cause).toContain('wrote 1 of 1 finding updates back to Security Hub');
    expect(execution?.cause).toContain(`published 0 of 1 Finding Enriched events; not published after retries (EventBridge.InternalException) for ${aliceFinding.Id}`);
    expect(sandbox.callCount('eventbridge', 'PutEvents')).toBe(5);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
    expect(enrichedEvents(sandbox)).toEqual([]);
  });

  it('never reports success for a run whose event was lost, whatever share of publishes fail', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const findings = Array.from({ length: 8 }, (_, index) => variant(aliceFinding, `fraction-${index}`));
    sandbox.importFindings(findings);
    sandbox.injectFault({ service: 'eventbridge', operation: 'PutEvents', error: 'InternalException', fraction: 0.85 });

    const outcomes: { id: string; status: string | undefined; published: boolean }[] = [];
    for (const finding of findings) {
      const [execution] = await engine.send(imported(finding));
      outcomes.push({ id: finding.Id, status: execution?.status, published: enrichedEvents(sandbox).includes(finding.Id) });
    }

    expect(outcomes.filter((outcome) => outcome.status === 'SUCCEEDED').every((outcome) => outcome.published)).toBe(true);
    expect(outcomes.filter((outcome) => outcome.status !== 'SUCCEEDED').every((outcome) => !outcome.published)).toBe(true);
    expect(new Set(outcomes.map((outcome) => outcome.status))).toEqual(new Set(['SUCCEEDED', 'FAILED']));
  });
});

describe('finding-enrichment: a direct GuardDuty finding is waited for until Security Hub has it', () => {
  it('writes the note once Security Hub has imported the finding, waiting a minute at a time', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: withGuardDutyTrigger });
    sandbox.failFindingUpdates({ findingId: aliceFinding.Id, errorCode: 'FindingNotFound', times: 2 });

    const [execution] = await engine.send(guardDutyEvent(aliceFinding, { userName: 'analyst-alice' }));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(3);
    const waits = execution?.states.filter((state) => state.name === 'WaitBeforeRetry') ?? [];
    expect(waits).toHaveLength(2);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
  });

  it('fails FindingNotImported after ten minutes without the finding in Security Hub, saying what was done', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: withGuardDutyTrigger });
    const missing = variant(aliceFinding, 'not-imported');

    const [execution] = await engine.send(guardDutyEvent(missing, { userName: 'analyst-alice' }));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'FindingNotImported' });
    expect(execution?.cause).toContain(`not written: ${missing.Id} (FindingNotFound: Finding Not Found)`);
    expect(execution?.cause).toContain('still not in Security Hub after waiting 600 s for the import (GuardDuty usually sends a new finding within five minutes)');
    expect(execution?.cause).toContain('published 1 of 1 Finding Enriched events');
    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(11);
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([ALICE]);
  });

  it('does not wait for a Security Hub finding that is gone: it fails FindingsNotWritten at once', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const gone = variant(aliceFinding, 'gone');

    const [execution] = await engine.send(imported(gone));

    expect(execution).toMatchObject({ status: 'FAILED', error: 'FindingsNotWritten' });
    expect(execution?.cause).toContain(`not written: ${gone.Id} (FindingNotFound: Finding Not Found)`);
    expect(sandbox.callCount('securityhub', 'BatchUpdateFindings')).toBe(1);
  });
});

describe('finding-enrichment: a request after a failed investigation starts a new run', () => {
  const runsOf = (engine: { executions: readonly { workflow: string; name: string }[] }) =>
    engine.executions.filter((record) => record.workflow === 'investigate-principal').map((record) => record.name.replace(/^principal-[0-9a-f]{32}-\d{8}T\d{2}-/, 'attempt '));

  it('investigates again when Detective was throttled past the budget the first time', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'detective', operation: 'StartInvestigation', error: 'TooManyRequestsException', times: 6 });

    const [failed, run] = await engine.send(investigateAction(aliceFinding));
    // The run could not investigate, so it failed with Detective's error; the request that started it says so
    // on the finding and fails after the write-back.
    expect(run).toMatchObject({ workflow: 'investigate-principal', status: 'FAILED', error: 'Detective.TooManyRequestsException' });
    expect(run?.cause).toContain('Too Many Requests');
    expect(failed).toMatchObject({ status: 'FAILED', error: 'InvestigationsNotCompleted' });
    expect(failed?.cause).toContain('published 1 of 1 Finding Enriched events; not investigated: user/analyst-alice in 123456789012 (Detective.TooManyRequestsException)');
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'ERROR' });
    expect(stored(sandbox, aliceFinding).Note?.Text).toContain('ERROR Detective.TooManyRequestsException');
    expect(enrichedErrors(sandbox)).toEqual([{ Error: 'Detective.TooManyRequestsException', Cause: run?.cause }]);
    const startsBefore = sandbox.callCount('detective', 'StartInvestigation');

    const [execution] = await engine.send(investigateAction(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.callCount('detective', 'StartInvestigation')).toBe(startsBefore + 1);
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([ALICE]);
    expect(runsOf(engine)).toEqual(['attempt 1', 'attempt 2']);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
  });

  it('reuses a successful run, but starts a new one after a FAILED investigation, once per request', async () => {
    const { sandbox, engine } = await enrichmentWorld();

    await engine.send(investigateAction(aliceFinding));
    await engine.send(investigateAction(aliceFinding));
    await engine.send(investigateAction(bobFinding));
    await engine.send(investigateAction(bobFinding));

    expect(runsOf(engine)).toEqual(['attempt 1', 'attempt 1', 'attempt 2']);
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([ALICE, BOB, BOB]);
    expect(stored(sandbox, bobFinding).UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'FAILED' });
  });

  it('shares one run between simultaneous requests: those that joined it take its FAILED result', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const burst = Array.from({ length: 6 }, (_, index) => variant(bobFinding, `same-instant-${index}`));
    sandbox.importFindings(burst);

    const records = await Promise.all(burst.map((finding) => engine.start('finding-enrichment', investigateAction(finding)).done));
    await engine.idle();

    expect(records.map((record) => record.status)).toEqual(Array(6).fill('SUCCEEDED'));
    expect(runsOf(engine)).toEqual(['attempt 1']);
    expect(sandbox.investigations()).toHaveLength(1);
    for (const finding of burst) expect(stored(sandbox, finding).UserDefinedFields?.investigate).toBe('failed');
  });

  it('gives every request that joined a run the error the run ended with, and the next request starts a new run', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'detective', operation: 'StartInvestigation', error: 'TooManyRequestsException', times: 6 });
    const burst = Array.from({ length: 3 }, (_, index) => variant(aliceFinding, `joined-${index}`));
    sandbox.importFindings(burst);

    const records = await Promise.all(burst.map((finding) => engine.start('finding-enrichment', investigateAction(finding)).done));
    await engine.idle();

    expect(records.map((record) => [record.status, record.error])).toEqual(Array(3).fill(['FAILED', 'InvestigationsNotCompleted']));
    expect(runsOf(engine)).toEqual(['attempt 1']);
    const [run] = runEndings(engine.executions);
    expect(run).toMatchObject({ status: 'FAILED', error: 'Detective.TooManyRequestsException' });
    // Each request took the run's error and cause out of the States.TaskFailed that carried them (the run's description).
    for (const record of records) expect(record.states.map((state) => state.name)).toEqual(expect.arrayContaining(['ReadJoinedRunEnd', 'RunError']));
    expect(enrichedErrors(sandbox)).toEqual(Array(3).fill({ Error: 'Detective.TooManyRequestsException', Cause: run?.cause }));
    for (const finding of burst) {
      expect(stored(sandbox, finding).UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'ERROR' });
      expect(stored(sandbox, finding).Note?.Text).toContain('ERROR Detective.TooManyRequestsException');
    }

    const [again] = await engine.send(investigateAction(burst[0] as Finding));

    expect(again?.status).toBe('SUCCEEDED');
    expect(runsOf(engine)).toEqual(['attempt 1', 'attempt 2']);
    expect(stored(sandbox, burst[0] as Finding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
  });

  it('gives a request that followed a run by DescribeExecution the error the run ended with, and the next request starts a new run', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    // The same run name (the latest finding first seen in this hour), but the second request's window starts three
    // hours earlier: its StartExecution is refused, and it follows the run until the run fails.
    const seen = (suffix: string, hoursAgo: number): Finding => ({ ...variant(aliceFinding, suffix), FirstObservedAt: new Date(engine.clock.now().getTime() - hoursAgo * HOUR_MS).toISOString() });
    const [recent, second, earlier] = [seen('recent', 0), seen('second', 0), seen('earlier', 3)];
    sandbox.importFindings([recent, second, earlier]);
    sandbox.injectFault({ service: 'detective', operation: 'GetInvestigation', error: 'TooManyRequestsException', times: 6 });

    const [leader, follower] = await Promise.all([engine.start('finding-enrichment', imported(recent)).done, engine.start('finding-enrichment', imported(second, earlier)).done]);
    await engine.idle();

    expect(runsOf(engine)).toEqual(['attempt 1']);
    const [run] = runEndings(engine.executions);
    expect(run).toMatchObject({ status: 'FAILED', error: 'Detective.TooManyRequestsException' });
    expect(follower?.states.map((state) => state.name)).toEqual(expect.arrayContaining(['DescribeRun', 'WaitForRun', 'ReadFollowedRunEnd', 'RunError']));
    for (const record of [leader, follower]) {
      expect(record).toMatchObject({ status: 'FAILED', error: 'InvestigationsNotCompleted' });
      expect(record?.cause).toContain('not investigated: user/analyst-alice in 123456789012 (Detective.TooManyRequestsException)');
    }
    expect(enrichedErrors(sandbox)).toEqual(Array(3).fill({ Error: 'Detective.TooManyRequestsException', Cause: run?.cause }));
    for (const finding of [recent, second, earlier]) {
      expect(stored(sandbox, finding).UserDefinedFields).toMatchObject({ investigate: 'failed', detective_status: 'ERROR' });
      expect(stored(sandbox, finding).Note?.Text).toContain('ERROR Detective.TooManyRequestsException');
    }

    const [again] = await engine.send(imported(second, earlier));

    expect(again?.status).toBe('SUCCEEDED');
    expect(runsOf(engine)).toEqual(['attempt 1', 'attempt 2']);
    expect(stored(sandbox, earlier).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_status: 'SUCCESSFUL' });
  });

  it('shares the new run between simultaneous requests after a failure', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    await engine.send(investigateAction(bobFinding));
    const burst = Array.from({ length: 4 }, (_, index) => variant(bobFinding, `after-failure-${index}`));
    sandbox.importFindings(burst);

    await Promise.all(burst.map((finding) => engine.start('finding-enrichment', investigateAction(finding)).done));
    await engine.idle();

    expect(runsOf(engine)).toEqual(['attempt 1', 'attempt 2']);
    expect(sandbox.investigations()).toHaveLength(2);
  });

  it('stops after five runs for a principal and hour, and says so on the finding', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    for (let request = 0; request < 5; request += 1) await engine.send(investigateAction(bobFinding));

    const [execution] = await engine.send(investigateAction(bobFinding));

    expect(runsOf(engine)).toEqual(['attempt 1', 'attempt 2', 'attempt 3', 'attempt 4', 'attempt 5']);
    expect(sandbox.investigations()).toHaveLength(5);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvestigationsNotCompleted' });
    expect(execution?.cause).toContain('not investigated: user/contractor-bob in 123456789012 (InvestigationRunsExhausted)');
    expect(stored(sandbox, bobFinding).Note?.Text).toContain('ERROR InvestigationRunsExhausted');
  });
});

describe('finding-enrichment: the principal\'s ARN comes from IAM in its account', () => {
  const ssoFinding: Finding = {
    ...structuredClone(ciFinding),
    Id: `${ciFinding.Id}-sso`,
    Resources: [{ Type: 'AwsIamRole', Id: SSO_ROLE_ARN, Partition: 'aws', Region: 'eu-west-1' }],
  };

  it('gives the GuardDuty trigger and the Security Hub trigger of an IAM Identity Center role one ARN, read from IAM once, so they share one investigation', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: withGuardDutyTrigger });
    sandbox.importFindings([ssoFinding]);

    const [direct] = await engine.send(guardDutyEvent(ssoFinding, { userType: 'AssumedRole', userName: SSO_ROLE }));
    const [fromSecurityHub, ...started] = await engine.send(investigateAction(ssoFinding));

    expect([direct?.status, fromSecurityHub?.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(started).toEqual([]);
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([SSO_ROLE_ARN]);
    expect((fromSecurityHub?.output as Report).principals).toEqual([expect.objectContaining({ entityArn: SSO_ROLE_ARN, reused: true })]);
    expect(sandbox.calls.filter((call) => call.service === 'iam').map((call) => [call.operation, call.input])).toEqual([['GetRole', { RoleName: SSO_ROLE }]]);
    expect(stored(sandbox, ssoFinding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_arn_sources: 'iam' });
    expect(stored(sandbox, ssoFinding).Note?.Text).toMatch(/^Detective: role\/…\/AWSReservedSSO_DatabaseAdministrator_1234567890abcdef: INFORMATIONAL \(SUCCESSFUL\)/);
  });

  it('places another account\'s IAM Identity Center role on the reserved path without reading IAM, and says so', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: withGuardDutyTrigger });
    const elsewhere: Finding = { ...structuredClone(ciFinding), Id: `${ciFinding.Id}-member`, AwsAccountId: OTHER_ACCOUNT };
    sandbox.importFindings([elsewhere]);

    const [execution] = await engine.send(guardDutyEvent(elsewhere, { userType: 'AssumedRole', userName: SSO_ROLE }, OTHER_ACCOUNT));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.callCount('iam')).toBe(0);
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([`arn:aws:iam::${OTHER_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${SSO_ROLE}`]);
    expect(stored(sandbox, elsewhere).Note?.Text).toContain(`(ARN assumed on the IAM Identity Center path; IAM of ${OTHER_ACCOUNT} not read)`);
    expect(stored(sandbox, elsewhere).UserDefinedFields?.detective_arn_sources).toBe('reserved-path');
  });

  it('uses the configured IAM Identity Center Region for another account\'s role, and the ARN a Security Hub finding carries', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: (raw) => (raw.findingEnrichment = { ...(raw.findingEnrichment as object), triggers: { guardDuty: true }, identityCenterRegion: 'eu-west-2' }) });
    const memberArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-2/${SSO_ROLE}`;
    const elsewhere: Finding = { ...structuredClone(ciFinding), Id: `${ciFinding.Id}-member`, AwsAccountId: OTHER_ACCOUNT, Resources: [{ Type: 'AwsIamRole', Id: memberArn, Partition: 'aws', Region: 'eu-west-1' }] };
    sandbox.importFindings([elsewhere]);

    await engine.send(guardDutyEvent(elsewhere, { userType: 'AssumedRole', userName: SSO_ROLE }, OTHER_ACCOUNT));
    await engine.send(investigateAction(elsewhere));

    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([memberArn]);
    expect(stored(sandbox, elsewhere).Note?.Text).toContain(`(ARN from the finding; IAM of ${OTHER_ACCOUNT} not read)`);
  });

  it('investigates what the finding names when IAM no longer has the user, and says so', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const departed: Finding = { ...structuredClone(aliceFinding), Id: `${aliceFinding.Id}-departed`, Resources: [{ Type: 'AwsIamUser', Id: `arn:aws:iam::${ACCOUNT}:user/departed-dave`, Partition: 'aws', Region: 'eu-west-1' }] };
    sandbox.importFindings([departed]);

    const [execution, run] = await engine.send(imported(departed));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(sandbox.calls.filter((call) => call.service === 'iam').map((call) => [call.operation, call.error])).toEqual([['GetUser', 'NoSuchEntity']]);
    expect(run?.states.map((state) => state.name)).toContain('NotInIam');
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([`arn:aws:iam::${ACCOUNT}:user/departed-dave`]);
    expect(stored(sandbox, departed).Note?.Text).toContain('user/departed-dave (ARN from the finding; not in IAM): INFORMATIONAL (SUCCESSFUL)');
  });

  it('falls back on the finding when IAM stays throttled past its retries, and says why', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'iam', operation: 'GetUser', error: 'Throttling', times: 100 });

    const [execution, run] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(run).toMatchObject({ workflow: 'investigate-principal', status: 'SUCCEEDED', output: { status: 'SUCCESSFUL', arnOrigin: { iam: 'unreadable', error: 'Iam.IamException' } } });
    expect(sandbox.callCount('iam', 'GetUser')).toBe(5);
    expect(sandbox.investigations().map((investigation) => investigation.entityArn)).toEqual([ALICE]);
    expect(stored(sandbox, aliceFinding).Note?.Text).toContain('user/analyst-alice (ARN from the finding; IAM unreadable (Iam.IamException))');
  });

  it('does not reuse a run that found IAM unreadable: the next request in the hour reads IAM again in a new run', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    sandbox.injectFault({ service: 'iam', operation: 'GetUser', error: 'Throttling', times: 5 });
    await engine.send(imported(aliceFinding));
    expect(stored(sandbox, aliceFinding).UserDefinedFields?.detective_arn_sources).toBe('finding');

    const [execution] = await engine.send(imported(aliceFinding));

    expect(execution?.status).toBe('SUCCEEDED');
    expect(engine.executions.filter((record) => record.workflow === 'investigate-principal').map((record) => record.name.slice(-2))).toEqual(['-1', '-2']);
    expect(sandbox.callCount('iam', 'GetUser')).toBe(6);
    expect(stored(sandbox, aliceFinding).UserDefinedFields).toMatchObject({ investigate: 'complete', detective_arn_sources: 'iam' });
    expect(stored(sandbox, aliceFinding).Note?.Text).toMatch(/^Detective: user\/analyst-alice: HIGH \(SUCCESSFUL\)/);
  });
});

describe('finding-enrichment: the investigation scope holds Detective\'s limits', () => {
  it('cuts the scope of a 2018 finding to the year Detective allows and keeps, and says so in the note', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const old: Finding = { ...variant(aliceFinding, '2018'), FirstObservedAt: '2018-06-01T10:12:00Z', CreatedAt: '2018-06-01T10:30:00Z' };
    sandbox.importFindings([old]);

    const [execution] = await engine.send(imported(old));

    expect(execution?.status).toBe('SUCCEEDED');
    const [investigation] = sandbox.investigations();
    const start = Date.parse(investigation?.scopeStartTime ?? '');
    const end = Date.parse(investigation?.scopeEndTime ?? '');
    expect(end - start).toBe(365 * 24 * HOUR_MS);
    expect(end % HOUR_MS).toBe(0);
    expect(end).toBeGreaterThanOrEqual(Date.now() - HOUR_MS);
    expect(stored(sandbox, old).Note?.Text).toContain(`scope ${new Date(start).toISOString().slice(0, 16)}Z/${new Date(end).toISOString().slice(0, 16)}Z (cut to Detective's one-year limit)`);
  });

  it('scopes a recent finding from whole hours before it to the next full hour, uncut', async () => {
    const { sandbox, engine } = await enrichmentWorld();
    const firstSeen = new Date(Date.now() - 2 * HOUR_MS).toISOString();
    const recent: Finding = { ...variant(aliceFinding, 'recent'), FirstObservedAt: firstSeen };
    sandbox.importFindings([recent]);

    await engine.send(imported(recent));

    const [investigation] = sandbox.investigations();
    expect(investigation?.scopeStartTime).toBe(new Date(Math.floor((Date.parse(firstSeen) - 24 * HOUR_MS) / HOUR_MS) * HOUR_MS).toISOString());
    expect(Date.parse(investigation?.scopeEndTime ?? '') % HOUR_MS).toBe(0);
    expect(stored(sandbox, recent).Note?.Text).not.toContain('cut to');
  });
});

describe('finding-enrichment: timestamps out of range are named input errors', () => {
  it.each([
    ['the year -271821', '-271821-04-20T00:00:00.000Z'],
    ['the year 275760', '+275760-09-13T00:00:00.000Z'],
    ['a text date', 'Feb 1 2025'],
  ])('fails InvalidInput on %s, naming the field, and touches nothing', async (_case, FirstObservedAt) => {
    const { sandbox, engine } = await enrichmentWorld();

    const record = await engine.run('finding-enrichment', imported({ ...aliceFinding, FirstObservedAt }));

    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(record.cause).toContain('detail.findings.0.FirstObservedAt: must be an RFC 3339 date-time');
    expect(sandbox.calls).toEqual([]);
  });

  it('fails InvalidInput on a GuardDuty event stamped in the year -271821', async () => {
    const { sandbox, engine } = await enrichmentWorld({ config: withGuardDutyTrigger });
    const event = sampleWith('guardduty/finding-access-key-iam-user.json', { createdAt: '-271821-04-20T00:00:00.000Z' });

    const record = await engine.run('finding-enrichment', event);

    expect(record).toMatchObject({ status: 'FAILED', error: 'InvalidInput' });
    expect(record.cause).toContain('detail.createdAt: must be an RFC 3339 date-time');
    expect(sandbox.calls).toEqual([]);
  });
});
