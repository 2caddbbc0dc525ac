import { readFileSync } from 'node:fs';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  InvalidInputException,
  LimitExceededException,
  SecurityHubClient,
  SecurityHubServiceException,
  type AwsSecurityFindingFilters,
  type AwsSecurityFindingIdentifier,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { InvalidSandboxRequest, InvalidSandboxSeed, SandboxAccount, SandboxUnsupportedOperation, type EventBridgeEvent, type SandboxOptions, type SandboxSeed } from '../../../../engine/sandbox/index.ts';
import { loadSample } from '../../../../events/samples.ts';
import { Clock } from '../../../../engine/clock.ts';
import { now, rejection } from './sandbox-clients.ts';

const fixturePath = new URL('../../../fixtures/sandbox/findings.json', import.meta.url).pathname;
const guardDuty = 'arn:aws:securityhub:eu-west-1::product/aws/guardduty';
const detector = 'arn:aws:guardduty:eu-west-1:123456789012:detector/c4b1e7f2a9d35608b2e4f6a8c0d1e3f5';
const aliceFinding = { Id: `${detector}/finding/5ac9e2d1b7f34a6c8e0d2f4b6a8c1e3d`, ProductArn: guardDuty };
const deployerFinding = { Id: `${detector}/finding/7e1f3a5c9b2d4e6f8a0c1b3d5e7f9a2c`, ProductArn: guardDuty };
const bobFinding = { Id: `${detector}/finding/9c2e4a6b8d0f1e3a5c7b9d1f3e5a7c0b`, ProductArn: guardDuty };
const controlFinding = {
  Id: 'arn:aws:securityhub:eu-west-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/IAM.8/finding/3f6d2b8e-41c7-4a9e-b5d0-8c2e7a1f9b64',
  ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
};

function findingsSeed(): SandboxSeed {
  return JSON.parse(readFileSync(fixturePath, 'utf8')) as SandboxSeed;
}

function securityHubSandbox(options: SandboxOptions = {}, seed: unknown = findingsSeed()) {
  const account = SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now), ...options });
  const securityHub = new SecurityHubClient({ region: 'eu-west-1' });
  securityHub.middlewareStack.use(account.plugin());
  const events: EventBridgeEvent[] = [];
  account.onEvent((event) => events.push(event));
  return { account, securityHub, events };
}

const update = (identifiers: AwsSecurityFindingIdentifier[], fields: Omit<ConstructorParameters<typeof BatchUpdateFindingsCommand>[0], 'FindingIdentifiers'> = {}) =>
  new BatchUpdateFindingsCommand({ FindingIdentifiers: identifiers, ...fields });

describe('Security Hub BatchUpdateFindings', () => {
  it('writes the note with the clock time, merges user-defined fields and leaves UpdatedAt alone', async () => {
    const { account, securityHub } = securityHubSandbox();
    const before = account.finding(aliceFinding.Id);
    await securityHub.send(update([aliceFinding], { UserDefinedFields: { 'opsflow:investigation': 'pending', owner: 'secops' } }));

    const output = await securityHub.send(
      update([aliceFinding], {
        Note: { Text: 'Detective investigation 000000000000000000001: HIGH', UpdatedBy: 'opsflow-finding-enrichment' },
        UserDefinedFields: { 'opsflow:investigation': 'HIGH' },
        Workflow: { Status: 'NOTIFIED' },
      }),
    );

    expect(output.ProcessedFindings).toEqual([aliceFinding]);
    expect(output.UnprocessedFindings).toEqual([]);
    const after = account.finding(aliceFinding.Id, guardDuty);
    expect(after?.Note).toEqual({ Text: 'Detective investigation 000000000000000000001: HIGH', UpdatedBy: 'opsflow-finding-enrichment', UpdatedAt: now.toISOString() });
    expect(after?.UserDefinedFields).toEqual({ 'opsflow:investigation': 'HIGH', owner: 'secops' });
    expect(after?.Workflow).toEqual({ Status: 'NOTIFIED' });
    expect(after?.UpdatedAt).toBe(before?.UpdatedAt);
  });

  it('sets Severity.Label and Normalized together, whichever one is given', async () => {
    const { account, securityHub } = securityHubSandbox();
    await securityHub.send(update([aliceFinding], { Severity: { Label: 'HIGH' } }));
    expect(account.finding(aliceFinding.Id)?.Severity).toEqual({ Product: 5, Label: 'HIGH', Normalized: 70 });
    await securityHub.send(update([aliceFinding], { Severity: { Normalized: 95 } }));
    expect(account.finding(aliceFinding.Id)?.Severity).toEqual({ Product: 5, Label: 'CRITICAL', Normalized: 95 });
    await securityHub.send(update([aliceFinding], { Severity: { Normalized: 0 } }));
    expect(account.finding(aliceFinding.Id)?.Severity).toMatchObject({ Label: 'INFORMATIONAL', Normalized: 0 });
  });

  it('refuses 101 findings, a 513-character note and 51 user-defined fields with InvalidInputException, changing nothing', async () => {
    const { account, securityHub, events } = securityHubSandbox();
    const before = account.snapshot();
    const tooMany = Array.from({ length: 101 }, (_unused, index) => ({ Id: `${detector}/finding/${index}`, ProductArn: guardDuty }));
    const fields = Object.fromEntries(Array.from({ length: 51 }, (_unused, index) => [`field-${index}`, 'x']));
    const refused = [
      await rejection(securityHub.send(update(tooMany, { Note: { Text: 'bulk', UpdatedBy: 'opsflow' } }))),
      await rejection(securityHub.send(update([aliceFinding], { Note: { Text: 'x'.repeat(513), UpdatedBy: 'opsflow' } }))),
      await rejection(securityHub.send(update([aliceFinding], { UserDefinedFields: fields }))),
      await rejection(securityHub.send(update([aliceFinding], { UserDefinedFields: { ['k'.repeat(129)]: 'v' } }))),
      await rejection(securityHub.send(update([aliceFinding], { UserDefinedFields: { key: 'v'.repeat(1025) } }))),
      await rejection(securityHub.send(update([aliceFinding], { Note: { Text: 'ok', UpdatedBy: 'u'.repeat(513) } }))),
    ];

    for (const error of refused) {
      expect(error).toBeInstanceOf(InvalidInputException);
      expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
    }
    expect(refused[0]?.message).toContain('101');
    expect(refused[1]?.message).toContain("'Note.Text'");
    expect(account.snapshot()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('accepts exactly 100 findings and a 512-character note', async () => {
    const { securityHub } = securityHubSandbox();
    const hundred = [aliceFinding, ...Array.from({ length: 99 }, (_unused, index) => ({ Id: `${detector}/finding/missing-${index}`, ProductArn: guardDuty }))];
    const output = await securityHub.send(update(hundred, { Note: { Text: 'x'.repeat(512), UpdatedBy: 'opsflow' } }));
    expect(output.ProcessedFindings).toEqual([aliceFinding]);
    expect(output.UnprocessedFindings).toHaveLength(99);
  });

  it('reports unknown and duplicated findings in UnprocessedFindings and still updates the others', async () => {
    const { account, securityHub } = securityHubSandbox();
    const unknown = { Id: `${detector}/finding/00000000000000000000000000000000`, ProductArn: guardDuty };
    const output = await securityHub.send(update([unknown, aliceFinding, deployerFinding, deployerFinding], { VerificationState: 'TRUE_POSITIVE' }));

    expect(output.ProcessedFindings).toEqual([aliceFinding]);
    expect(output.UnprocessedFindings).toEqual([
      { FindingIdentifier: unknown, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' },
      { FindingIdentifier: deployerFinding, ErrorCode: 'DuplicatedFindingIdentifier', ErrorMessage: 'Finding Identifier is duplicated' },
    ]);
    expect(account.finding(aliceFinding.Id)?.VerificationState).toBe('TRUE_POSITIVE');
    expect(account.finding(deployerFinding.Id)?.VerificationState).toBeUndefined();
  });

  it('reports injected ConcurrentUpdateError findings as unprocessed for the given number of calls', async () => {
    const { account, securityHub } = securityHubSandbox();
    account.failFindingUpdates({ findingId: aliceFinding.Id, errorCode: 'ConcurrentUpdateError', times: 2 });
    const note = { Note: { Text: 'enriched', UpdatedBy: 'opsflow' } };

    for (const attempt of [1, 2]) {
      const output = await securityHub.send(update([aliceFinding, deployerFinding], note));
      expect(output.UnprocessedFindings, `attempt ${attempt}`).toEqual([
        { FindingIdentifier: aliceFinding, ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'Concurrent finding updates detected' },
      ]);
      expect(output.ProcessedFindings).toEqual([deployerFinding]);
      expect(account.finding(aliceFinding.Id)?.Note).toBeUndefined();
    }
    const third = await securityHub.send(update([aliceFinding], note));
    expect(third.ProcessedFindings).toEqual([aliceFinding]);
    expect(account.finding(aliceFinding.Id)?.Note).toMatchObject({ Text: 'enriched' });
  });

  it('takes injected unprocessed findings from the seed too, once by default', async () => {
    const seed = findingsSeed();
    seed.securityHub = { ...seed.securityHub, unprocessed: [{ findingId: bobFinding.Id, errorCode: 'InternalFailure' }] };
    const { securityHub } = securityHubSandbox({}, seed);
    const first = await securityHub.send(update([bobFinding], { Confidence: 80 }));
    expect(first.UnprocessedFindings).toEqual([{ FindingIdentifier: bobFinding, ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure' }]);
    expect((await securityHub.send(update([bobFinding], { Confidence: 80 }))).ProcessedFindings).toEqual([bobFinding]);
  });

  it('reports a finding whose user-defined fields would pass 50 pairs as InvalidInput', async () => {
    const { account, securityHub } = securityHubSandbox();
    const firstFifty = Object.fromEntries(Array.from({ length: 50 }, (_unused, index) => [`field-${index}`, 'x']));
    await securityHub.send(update([aliceFinding], { UserDefinedFields: firstFifty }));
    const output = await securityHub.send(update([aliceFinding], { UserDefinedFields: { 'one-more': 'x' } }));
    expect(output.UnprocessedFindings).toEqual([{ FindingIdentifier: aliceFinding, ErrorCode: 'InvalidInput', ErrorMessage: 'Invalid Input' }]);
    expect(Object.keys(account.finding(aliceFinding.Id)?.UserDefinedFields as object)).toHaveLength(50);
  });

  it('emits one "Security Hub Findings - Imported" event with the updated findings in full, whatever serviceEvents says', async () => {
    const { account, securityHub, events } = securityHubSandbox({ serviceEvents: false });
    await securityHub.send(update([aliceFinding, deployerFinding, { Id: 'missing', ProductArn: guardDuty }], { Note: { Text: 'enriched', UpdatedBy: 'opsflow' } }));

    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      source: 'aws.securityhub',
      'detail-type': 'Security Hub Findings - Imported',
      account: '123456789012',
      region: 'eu-west-1',
      time: '2025-02-01T12:00:00Z',
      resources: [`${guardDuty}/${aliceFinding.Id}`, `${guardDuty}/${deployerFinding.Id}`],
    });
    expect(event?.detail).toEqual({ findings: [account.finding(aliceFinding.Id), account.finding(deployerFinding.Id)] });
    expect((event?.detail.findings as { Note: unknown }[])[0]?.Note).toMatchObject({ Text: 'enriched' });
  });

  it('emits nothing when no finding was updated', async () => {
    const { securityHub, events } = securityHubSandbox();
    const output = await securityHub.send(update([{ Id: 'missing', ProductArn: guardDuty }], { Confidence: 10 }));
    expect(output.UnprocessedFindings).toHaveLength(1);
    expect(events).toEqual([]);
  });
});

describe('Security Hub GetFindings', () => {
  const ids = (findings: { Id?: string }[] | undefined) => findings?.map((finding) => finding.Id);

  it('filters on Id, ProductArn and resource ids with EQUALS and PREFIX', async () => {
    const { securityHub } = securityHubSandbox();
    const byId = await securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: aliceFinding.Id, Comparison: 'EQUALS' }] } }));
    expect(ids(byId.Findings)).toEqual([aliceFinding.Id]);

    const guardDutyOnly = await securityHub.send(new GetFindingsCommand({ Filters: { ProductArn: [{ Value: guardDuty, Comparison: 'EQUALS' }] } }));
    expect(ids(guardDutyOnly.Findings)).toEqual([aliceFinding.Id, deployerFinding.Id, bobFinding.Id]);

    const bobs = await securityHub.send(
      new GetFindingsCommand({
        Filters: { ResourceId: [{ Value: 'arn:aws:iam::123456789012:user/contractor-bob', Comparison: 'EQUALS' }], Id: [{ Value: 'arn:aws:securityhub:', Comparison: 'PREFIX' }] },
      }),
    );
    expect(ids(bobs.Findings)).toEqual([controlFinding.Id]);

    const notGuardDuty = await securityHub.send(new GetFindingsCommand({ Filters: { ProductArn: [{ Value: guardDuty, Comparison: 'NOT_EQUALS' }] } }));
    expect(ids(notGuardDuty.Findings)).toEqual([controlFinding.Id]);
  });

  it('finds findings by several Ids in the order they were added, whatever order the filter names them in, and applies the other filters', async () => {
    const { securityHub } = securityHubSandbox();
    const byIds = (Filters: AwsSecurityFindingFilters) => securityHub.send(new GetFindingsCommand({ Filters }));
    const named = [controlFinding.Id, bobFinding.Id, aliceFinding.Id, 'arn:aws:guardduty:eu-west-1:123456789012:detector/none/finding/none'].map((Value) => ({ Value, Comparison: 'EQUALS' as const }));
    expect(ids((await byIds({ Id: named })).Findings)).toEqual([aliceFinding.Id, bobFinding.Id, controlFinding.Id]);
    expect(ids((await byIds({ Id: named, ProductArn: [{ Value: guardDuty, Comparison: 'EQUALS' }] })).Findings)).toEqual([aliceFinding.Id, bobFinding.Id]);
    expect(ids((await byIds({ Id: named, ProductArn: [{ Value: guardDuty, Comparison: 'NOT_EQUALS' }] })).Findings)).toEqual([controlFinding.Id]);
    expect(ids((await byIds({ Id: [{ Value: `${detector}/finding/`, Comparison: 'PREFIX' }] })).Findings)).toEqual([aliceFinding.Id, deployerFinding.Id, bobFinding.Id]);
    const paged = await securityHub.send(new GetFindingsCommand({ Filters: { Id: named }, MaxResults: 2 }));
    expect(ids(paged.Findings)).toEqual([aliceFinding.Id, bobFinding.Id]);
    const rest = await securityHub.send(new GetFindingsCommand({ Filters: { Id: named }, MaxResults: 2, NextToken: paged.NextToken }));
    expect(ids(rest.Findings)).toEqual([controlFinding.Id]);
    expect(rest.NextToken).toBeUndefined();
  });

  it('filters on UserDefinedFields set by BatchUpdateFindings', async () => {
    const { securityHub } = securityHubSandbox();
    await securityHub.send(update([aliceFinding], { UserDefinedFields: { 'opsflow:enriched': 'true' } }));
    const enriched = await securityHub.send(new GetFindingsCommand({ Filters: { UserDefinedFields: [{ Key: 'opsflow:enriched', Value: 'true', Comparison: 'EQUALS' }] } }));
    expect(ids(enriched.Findings)).toEqual([aliceFinding.Id]);
    const notEnriched = await securityHub.send(
      new GetFindingsCommand({
        Filters: {
          UserDefinedFields: [{ Key: 'opsflow:enriched', Value: 'true', Comparison: 'NOT_EQUALS' }],
          ProductArn: [{ Value: guardDuty, Comparison: 'EQUALS' }],
        },
      }),
    );
    expect(ids(notEnriched.Findings)).toEqual([deployerFinding.Id, bobFinding.Id]);
  });

  it('pages with MaxResults and NextToken', async () => {
    const { securityHub } = securityHubSandbox();
    const first = await securityHub.send(new GetFindingsCommand({ MaxResults: 3 }));
    expect(first.Findings).toHaveLength(3);
    expect(first.NextToken).toBeDefined();
    const second = await securityHub.send(new GetFindingsCommand({ MaxResults: 3, NextToken: first.NextToken }));
    expect(ids(second.Findings)).toEqual([controlFinding.Id]);
    expect(second.NextToken).toBeUndefined();
    expect(await rejection(securityHub.send(new GetFindingsCommand({ MaxResults: 101 })))).toBeInstanceOf(InvalidInputException);
    expect(await rejection(securityHub.send(new GetFindingsCommand({ NextToken: 'not-a-token' })))).toBeInstanceOf(InvalidInputException);
  });

  it('refuses documented filter combinations that AWS refuses, and filters it does not simulate', async () => {
    const { securityHub } = securityHubSandbox();
    const mixed = await rejection(
      securityHub.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'a', Comparison: 'EQUALS' }, { Value: 'b', Comparison: 'NOT_EQUALS' }] } })),
    );
    expect(mixed).toBeInstanceOf(InvalidInputException);
    const unsimulated = await rejection(securityHub.send(new GetFindingsCommand({ Filters: { MalwareName: [{ Value: 'x', Comparison: 'EQUALS' }] } })));
    expect(unsimulated).toBeInstanceOf(SandboxUnsupportedOperation);
    const sorted = await rejection(securityHub.send(new GetFindingsCommand({ SortCriteria: [{ Field: 'UpdatedAt', SortOrder: 'desc' }] })));
    expect(sorted).toBeInstanceOf(SandboxUnsupportedOperation);
  });
});

describe('Security Hub imports', () => {
  /** The GuardDuty finding of the SSH brute force sample, aimed at this account. */
  function sshBruteForceFinding(): Record<string, unknown> {
    const sample = loadSample('securityhub/findings-imported-guardduty-ssh-brute-force.json') as { detail: { findings: Record<string, unknown>[] } };
    return { ...sample.detail.findings[0], AwsAccountId: '123456789012' };
  }

  it('importFindings stores the finding, completes it as Security Hub does and returns the Imported event listeners got', () => {
    const { account, events } = securityHubSandbox();
    const finding = sshBruteForceFinding();
    const event = account.importFindings([finding]);

    expect(events).toEqual([event]);
    expect(event).toMatchObject({ source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported', resources: [`${String(finding.ProductArn)}/${String(finding.Id)}`] });
    const stored = account.finding(String(finding.Id));
    expect(stored?.FindingProviderFields).toEqual({ Severity: { Product: 2, Label: 'MEDIUM', Normalized: 40 } });
    expect(event.detail).toEqual({ findings: [stored] });
    expect(account.calls).toEqual([]);
  });

  it('importFindings refuses a finding that is not ASFF and imports nothing', () => {
    const { account, events } = securityHubSandbox();
    const { Title: _title, ...untitled } = sshBruteForceFinding();
    expect(() => account.importFindings([sshBruteForceFinding(), untitled])).toThrow(InvalidSandboxRequest);
    expect(() => account.importFindings([untitled])).toThrow(/data should have required property 'Title'/);
    expect(account.finding(String(untitled.Id))).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('BatchImportFindings keeps what customers changed and reports invalid findings one by one', async () => {
    const { account, securityHub, events } = securityHubSandbox();
    await securityHub.send(update([aliceFinding], { Note: { Text: 'triaged', UpdatedBy: 'opsflow' }, Severity: { Label: 'HIGH' } }));
    const { Note: _note, ...provided } = account.finding(aliceFinding.Id) ?? { Id: '', ProductArn: '' };
    const reimported = { ...provided, Title: 'Updated by GuardDuty', UpdatedAt: '2025-02-01T12:30:00.000Z', Severity: { Label: 'LOW' } };

    const output = await securityHub.send(new BatchImportFindingsCommand({ Findings: [reimported as never, { Id: 'broken', ProductArn: guardDuty } as never] }));

    expect(output).toMatchObject({ SuccessCount: 1, FailedCount: 1 });
    expect(output.FailedFindings).toEqual([
      { Id: 'broken', ErrorCode: 'InvalidInput', ErrorMessage: "Finding does not adhere to Amazon Finding Format. data should have required property 'AwsAccountId'." },
    ]);
    const stored = account.finding(aliceFinding.Id);
    expect(stored).toMatchObject({ Title: 'Updated by GuardDuty', UpdatedAt: '2025-02-01T12:30:00.000Z', Note: { Text: 'triaged' }, Severity: { Label: 'HIGH', Normalized: 70 } });
    expect(events.at(-1)?.detail).toEqual({ findings: [stored] });
  });
});

describe('Security Hub faults and seed', () => {
  it('fails calls with the injected error, as the SDK models it or as the service exception', async () => {
    const { account, securityHub, events } = securityHubSandbox({
      faults: [{ service: 'securityhub', operation: 'BatchUpdateFindings', error: 'LimitExceededException', times: 1 }],
    });
    account.injectFault({ service: 'securityhub', operation: 'GetFindings', error: 'TooManyRequestsException', message: 'Too Many Requests', nth: [1] });
    const before = account.snapshot();

    const limited = await rejection(securityHub.send(update([aliceFinding], { Confidence: 90 })));
    expect(limited).toBeInstanceOf(LimitExceededException);
    expect(account.snapshot()).toEqual(before);
    expect(events).toEqual([]);
    const throttled = await rejection(securityHub.send(new GetFindingsCommand({})));
    expect(throttled).toBeInstanceOf(SecurityHubServiceException);
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException', message: 'Too Many Requests' });

    await securityHub.send(update([aliceFinding], { Confidence: 90 }));
    expect(account.finding(aliceFinding.Id)?.Confidence).toBe(90);
    expect(account.calls.map((call) => call.error)).toEqual(['LimitExceededException', 'TooManyRequestsException', undefined]);
  });

  it('refuses a seed finding that is not ASFF and an injected failure for a finding it does not hold', () => {
    const seed = findingsSeed();
    const findings = seed.securityHub?.findings ?? [];
    const { Resources: _resources, ...withoutResources } = findings[0] as Record<string, unknown>;
    expect(() => SandboxAccount.fromSeed({ ...seed, securityHub: { findings: [withoutResources] } })).toThrow(
      new InvalidSandboxSeed("seed: securityHub.findings.0: Finding does not adhere to Amazon Finding Format. data should have required property 'Resources'."),
    );
    expect(() => SandboxAccount.fromSeed({ ...seed, securityHub: { findings, unprocessed: [{ findingId: 'nope', errorCode: 'ConcurrentUpdateError' }] } })).toThrow(
      /securityHub\.unprocessed\.0\.findingId: no finding nope/,
    );
    const { account } = securityHubSandbox();
    expect(() => account.failFindingUpdates({ findingId: 'nope', errorCode: 'ConcurrentUpdateError' })).toThrow(InvalidSandboxRequest);
  });
});
