import { readFileSync } from 'node:fs';
import {
  DetectiveClient,
  GetInvestigationCommand,
  InternalServerException,
  ListGraphsCommand,
  ListIndicatorsCommand,
  ListInvestigationsCommand,
  ResourceNotFoundException,
  StartInvestigationCommand,
  TooManyRequestsException,
  ValidationException,
  type Indicator,
  type ListInvestigationsCommandInput,
} from '@aws-sdk/client-detective';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../../engine/clock.ts';
import { InvalidSandboxSeed, SandboxAccount, type SandboxOptions, type SandboxSeed } from '../../../../engine/sandbox/index.ts';
import { now, rejection } from './sandbox-clients.ts';

const fixturePath = new URL('../../../fixtures/sandbox/findings.json', import.meta.url).pathname;
const graphArn = 'arn:aws:detective:eu-west-1:123456789012:graph:d2a6f1c8e4b7093a5c1e8f2b6d4a9c07';
const alice = 'arn:aws:iam::123456789012:user/analyst-alice';
const deployer = 'arn:aws:iam::123456789012:role/ci-deployer';
const bob = 'arn:aws:iam::123456789012:user/contractor-bob';
const scope = { ScopeStartTime: new Date('2025-01-31T12:00:00Z'), ScopeEndTime: new Date('2025-02-01T12:00:00Z') };

function findingsSeed(): SandboxSeed {
  return JSON.parse(readFileSync(fixturePath, 'utf8')) as SandboxSeed;
}

/** An account on the findings fixture (investigations run 300 s), on a simulated clock that starts at `now`. */
function detectiveSandbox(options: SandboxOptions = {}, seed: unknown = findingsSeed()) {
  const account = SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now), ...options });
  const detective = new DetectiveClient({ region: 'eu-west-1' });
  detective.middlewareStack.use(account.plugin());
  const start = async (EntityArn: string) => (await detective.send(new StartInvestigationCommand({ GraphArn: graphArn, EntityArn, ...scope }))).InvestigationId ?? '';
  const get = (InvestigationId: string) => detective.send(new GetInvestigationCommand({ GraphArn: graphArn, InvestigationId }));
  const advance = (seconds: number) => account.clock.advance(seconds);
  return { account, detective, start, get, advance };
}

describe('Detective ListGraphs', () => {
  it('lists the seeded behavior graph', async () => {
    const { detective } = detectiveSandbox();
    expect(await detective.send(new ListGraphsCommand({}))).toMatchObject({ GraphList: [{ Arn: graphArn, CreatedTime: new Date('2024-06-03T08:15:27Z') }] });
  });
});

describe('Detective investigations', () => {
  it('runs for investigationSeconds on the clock, however often it is polled, then is SUCCESSFUL with the entity severity', async () => {
    const { start, get, advance } = detectiveSandbox();
    const id = await start(alice);
    expect(id).toMatch(/^[0-9]{21}$/);

    const polls = [await get(id), await get(id)];
    await advance(299);
    polls.push(await get(id));
    await advance(1);
    polls.push(await get(id), await get(id));
    expect(polls.map((poll) => poll.Status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'SUCCESSFUL', 'SUCCESSFUL']);
    expect(polls[2]?.Severity).toBeUndefined();
    expect(polls[3]).toMatchObject({
      GraphArn: graphArn,
      InvestigationId: id,
      EntityArn: alice,
      EntityType: 'IAM_USER',
      ScopeStartTime: scope.ScopeStartTime,
      ScopeEndTime: scope.ScopeEndTime,
      Severity: 'HIGH',
      State: 'ACTIVE',
    });
  });

  it('ends FAILED for an entity whose outcome fails, with no indicators', async () => {
    const { detective, start, get, advance } = detectiveSandbox();
    const id = await start(bob);
    await advance(300);
    expect(await get(id)).toMatchObject({ Status: 'FAILED', EntityType: 'IAM_USER' });
    expect((await detective.send(new ListIndicatorsCommand({ GraphArn: graphArn, InvestigationId: id }))).Indicators).toEqual([]);
  });

  it('uses the default outcome for other entities: SUCCESSFUL and INFORMATIONAL unless the seed says otherwise', async () => {
    const seed = findingsSeed();
    seed.detective = { ...seed.detective, investigationSeconds: 0 };
    const plain = detectiveSandbox({}, seed);
    expect(await plain.get(await plain.start('arn:aws:iam::123456789012:role/reporting'))).toMatchObject({ Status: 'SUCCESSFUL', Severity: 'INFORMATIONAL', EntityType: 'IAM_ROLE' });

    const withDefault = detectiveSandbox({}, { ...seed, detective: { ...seed.detective, defaultOutcome: { severity: 'LOW' } } });
    expect(await withDefault.get(await withDefault.start('arn:aws:iam::123456789012:role/reporting'))).toMatchObject({ Status: 'SUCCESSFUL', Severity: 'LOW' });
  });

  it('records every investigation started, for tests to count', async () => {
    const { account, start } = detectiveSandbox();
    await start(alice);
    await start(deployer);
    await start(alice);
    expect(account.investigations().map((investigation) => investigation.entityArn)).toEqual([alice, deployer, alice]);
    expect(account.investigations()[1]).toMatchObject({ entityType: 'IAM_ROLE', status: 'RUNNING', completesAt: '2025-02-01T12:05:00.000Z', outcome: { severity: 'MEDIUM' } });
    await account.clock.advance(300);
    expect(account.investigations()[1]).toMatchObject({ status: 'SUCCESSFUL', severity: 'MEDIUM' });
  });

  it('shows investigations in a snapshot as of the clock, with no read needed to move them on', async () => {
    const { account, start, get } = detectiveSandbox();
    const id = await start(alice);
    const inSnapshot = () => account.snapshot().detective.investigations.find((investigation) => investigation.investigationId === id);
    expect(inSnapshot()).toMatchObject({ status: 'RUNNING' });
    expect(inSnapshot()).not.toHaveProperty('severity');
    await account.clock.advance(300);
    expect(inSnapshot()).toMatchObject({ status: 'SUCCESSFUL', severity: 'HIGH' });
    expect(await get(id)).toMatchObject({ Status: 'SUCCESSFUL', Severity: 'HIGH' });
  });

  it('lists one principal\'s investigations of the graph, newest first, among many others', async () => {
    const { detective, start, advance } = detectiveSandbox();
    const alices: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      alices.push(await start(alice));
      await start(deployer);
      await start(bob);
      await advance(60);
    }
    const listed = await detective.send(
      new ListInvestigationsCommand({ GraphArn: graphArn, FilterCriteria: { EntityArn: { Value: alice } }, SortCriteria: { Field: 'CREATED_TIME', SortOrder: 'DESC' } }),
    );
    expect(listed.InvestigationDetails?.map((detail) => detail.InvestigationId)).toEqual([...alices].reverse());
    expect(listed.InvestigationDetails?.map((detail) => detail.Status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    const unknown = await detective.send(new ListInvestigationsCommand({ GraphArn: graphArn, FilterCriteria: { EntityArn: { Value: 'arn:aws:iam::123456789012:user/nobody' } } }));
    expect(unknown.InvestigationDetails).toEqual([]);
  });

  it('refuses entities other than IAM users and roles, bad scopes and bad ids with ValidationException, and unknown graphs with ResourceNotFoundException', async () => {
    const { account, detective, get } = detectiveSandbox();
    const startWith = (input: Partial<ConstructorParameters<typeof StartInvestigationCommand>[0]>) =>
      rejection(detective.send(new StartInvestigationCommand({ GraphArn: graphArn, EntityArn: alice, ...scope, ...input })));

    const assumedRole = await startWith({ EntityArn: 'arn:aws:sts::123456789012:assumed-role/ci-deployer/session-1' });
    expect(assumedRole).toBeInstanceOf(ValidationException);
    expect(assumedRole).toMatchObject({ ErrorCode: 'INVALID_REQUEST_BODY' });
    expect(await startWith({ EntityArn: 'i-0a3f5c2e9b7d41001' })).toBeInstanceOf(ValidationException);
    expect(await startWith({ ScopeStartTime: scope.ScopeEndTime, ScopeEndTime: scope.ScopeStartTime })).toBeInstanceOf(ValidationException);
    expect(await startWith({ ScopeEndTime: undefined })).toBeInstanceOf(ValidationException);
    const malformedGraph = await startWith({ GraphArn: 'arn:aws:detective:eu-west-1:123456789012:graph:XYZ' });
    expect(malformedGraph).toMatchObject({ name: 'ValidationException', ErrorCode: 'INVALID_GRAPH_ARN' });

    const unknownGraph = await startWith({ GraphArn: 'arn:aws:detective:eu-west-1:123456789012:graph:00000000000000000000000000000000' });
    expect(unknownGraph).toBeInstanceOf(ResourceNotFoundException);
    expect(unknownGraph.message).toBe('The request refers to a nonexistent resource.');
    expect(await rejection(get('123456789012345678901'))).toBeInstanceOf(ResourceNotFoundException);
    expect(await rejection(get('42'))).toBeInstanceOf(ValidationException);
    expect(account.investigations()).toEqual([]);
  });

  it('refuses a scope Detective refuses: not on the hour, or longer than a year, and accepts exactly a year', async () => {
    const { account, detective } = detectiveSandbox();
    const startWith = (ScopeStartTime: string, ScopeEndTime: string) =>
      detective.send(new StartInvestigationCommand({ GraphArn: graphArn, EntityArn: alice, ScopeStartTime: new Date(ScopeStartTime), ScopeEndTime: new Date(ScopeEndTime) }));

    const offTheHour = await rejection(startWith('2025-01-31T12:30:00Z', '2025-02-01T12:00:00Z'));
    expect(offTheHour).toBeInstanceOf(ValidationException);
    expect(offTheHour.message).toContain('must be on an hour');
    expect(await rejection(startWith('2025-01-31T12:00:00Z', '2025-02-01T12:00:00.001Z'))).toBeInstanceOf(ValidationException);
    const fromAnotherYear = await rejection(startWith('2018-06-01T00:00:00Z', '2025-02-01T12:00:00Z'));
    expect(fromAnotherYear).toBeInstanceOf(ValidationException);
    expect(fromAnotherYear.message).toContain('cannot be longer than one year');
    expect(await rejection(startWith('2024-02-01T11:00:00Z', '2025-02-01T12:00:00Z'))).toBeInstanceOf(ValidationException);
    expect(account.investigations()).toEqual([]);

    await startWith('2024-02-02T12:00:00Z', '2025-02-01T12:00:00Z');
    await startWith('2025-02-01T11:00:00Z', '2025-02-01T12:00:00Z');
    expect(account.investigations().map((investigation) => [investigation.scopeStartTime, investigation.scopeEndTime])).toEqual([
      ['2024-02-02T12:00:00.000Z', '2025-02-01T12:00:00.000Z'],
      ['2025-02-01T11:00:00.000Z', '2025-02-01T12:00:00.000Z'],
    ]);
  });

  it('accepts the ISO strings Step Functions passes for timestamps', async () => {
    const { detective, get } = detectiveSandbox();
    const { InvestigationId } = await detective.send(
      new StartInvestigationCommand({ GraphArn: graphArn, EntityArn: deployer, ScopeStartTime: '2025-01-31T12:00:00Z' as never, ScopeEndTime: '2025-02-01T12:00:00Z' as never }),
    );
    expect((await get(InvestigationId ?? '')).ScopeStartTime).toEqual(scope.ScopeStartTime);
  });
});

describe('Detective ListInvestigations', () => {
  /** Started a minute apart (alice, bob, deployer) and listed 6 minutes after the first: alice and bob have ended, deployer runs. */
  async function twoFinished() {
    const fixture = detectiveSandbox();
    const aliceId = await fixture.start(alice);
    await fixture.advance(60);
    const bobId = await fixture.start(bob);
    await fixture.advance(60);
    const deployerId = await fixture.start(deployer);
    await fixture.advance(240);
    return { ...fixture, ids: { alice: aliceId, bob: bobId, deployer: deployerId } };
  }
  const list = async (detective: DetectiveClient, input: Omit<ListInvestigationsCommandInput, 'GraphArn'> = {}) =>
    (await detective.send(new ListInvestigationsCommand({ GraphArn: graphArn, ...input }))).InvestigationDetails ?? [];

  it('filters on severity, status, state, entity and creation time', async () => {
    const { account, detective, ids } = await twoFinished();
    expect((await list(detective, { FilterCriteria: { Severity: { Value: 'HIGH' } } })).map((detail) => detail.InvestigationId)).toEqual([ids.alice]);
    expect((await list(detective, { FilterCriteria: { Status: { Value: 'RUNNING' } } })).map((detail) => detail.EntityArn)).toEqual([deployer]);
    expect((await list(detective, { FilterCriteria: { EntityArn: { Value: bob }, State: { Value: 'ACTIVE' } } }))).toMatchObject([{ Status: 'FAILED', EntityType: 'IAM_USER' }]);
    expect(await list(detective, { FilterCriteria: { State: { Value: 'ARCHIVED' } } })).toEqual([]);
    const deployerCreated = new Date(account.investigations().find((investigation) => investigation.investigationId === ids.deployer)?.createdTime ?? '');
    const onlyThen = { StartInclusive: deployerCreated, EndInclusive: deployerCreated };
    expect((await list(detective, { FilterCriteria: { CreatedTime: onlyThen } })).map((detail) => detail.EntityArn)).toEqual([deployer]);
  });

  it('sorts by severity rank, status and creation time, in either order', async () => {
    const { detective } = await twoFinished();
    const entities = async (Field: 'SEVERITY' | 'STATUS' | 'CREATED_TIME', SortOrder: 'ASC' | 'DESC') =>
      (await list(detective, { SortCriteria: { Field, SortOrder } })).map((detail) => detail.EntityArn);
    expect(await entities('SEVERITY', 'DESC')).toEqual([alice, bob, deployer]);
    expect(await entities('SEVERITY', 'ASC')).toEqual([deployer, bob, alice]);
    expect(await entities('STATUS', 'ASC')).toEqual([bob, deployer, alice]);
    expect(await entities('CREATED_TIME', 'DESC')).toEqual([deployer, bob, alice]);
  });

  it('pages with MaxResults and NextToken, up to the documented 100', async () => {
    const { detective } = await twoFinished();
    const first = await detective.send(new ListInvestigationsCommand({ GraphArn: graphArn, MaxResults: 2 }));
    expect(first.InvestigationDetails).toHaveLength(2);
    const second = await detective.send(new ListInvestigationsCommand({ GraphArn: graphArn, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.InvestigationDetails?.map((detail) => detail.EntityArn)).toEqual([deployer]);
    expect(second.NextToken).toBeUndefined();
    expect(await rejection(detective.send(new ListInvestigationsCommand({ GraphArn: graphArn, MaxResults: 101 })))).toBeInstanceOf(ValidationException);
  });
});

describe('Detective ListIndicators', () => {
  async function finished(entityArn: string) {
    const fixture = detectiveSandbox();
    const id = await fixture.start(entityArn);
    return { ...fixture, id };
  }

  it('has no indicators while the investigation runs', async () => {
    const { detective, id } = await finished(alice);
    expect(await detective.send(new ListIndicatorsCommand({ GraphArn: graphArn, InvestigationId: id }))).toMatchObject({ GraphArn: graphArn, InvestigationId: id, Indicators: [] });
  });

  it('pages five indicators in three pages of two, and filters by type', async () => {
    const { detective, advance, id } = await finished(alice);
    await advance(300);

    const pages: Indicator[][] = [];
    let NextToken: string | undefined;
    do {
      const page = await detective.send(new ListIndicatorsCommand({ GraphArn: graphArn, InvestigationId: id, MaxResults: 2, NextToken }));
      pages.push(page.Indicators ?? []);
      NextToken = page.NextToken;
    } while (NextToken !== undefined);

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((indicator) => indicator.IndicatorType)).toEqual(['TTP_OBSERVED', 'IMPOSSIBLE_TRAVEL', 'FLAGGED_IP_ADDRESS', 'NEW_GEOLOCATION', 'NEW_USER_AGENT']);
    const flagged = await detective.send(new ListIndicatorsCommand({ GraphArn: graphArn, InvestigationId: id, IndicatorType: 'FLAGGED_IP_ADDRESS' }));
    expect(flagged.Indicators).toEqual([{ IndicatorType: 'FLAGGED_IP_ADDRESS', IndicatorDetail: { FlaggedIpAddressDetail: { IpAddress: '198.51.100.23', Reason: 'AWS_THREAT_INTELLIGENCE' } } }]);
    expect(await rejection(detective.send(new ListIndicatorsCommand({ GraphArn: graphArn, InvestigationId: id, NextToken: 'bogus' })))).toBeInstanceOf(ValidationException);
  });
});

describe('Detective faults and seed', () => {
  it('fails chosen calls with the modeled exceptions and changes nothing', async () => {
    const { account, detective, start, get } = detectiveSandbox({
      faults: [{ service: 'detective', operation: 'StartInvestigation', error: 'TooManyRequestsException', nth: [1] }],
    });
    const throttled = await rejection(start(alice));
    expect(throttled).toBeInstanceOf(TooManyRequestsException);
    expect(account.investigations()).toEqual([]);

    const id = await start(alice);
    account.injectFault({ service: 'detective', operation: 'GetInvestigation', error: 'InternalServerException', times: 1 });
    expect(await rejection(get(id))).toBeInstanceOf(InternalServerException);
    expect((await get(id)).Status).toBe('RUNNING');
    expect(await rejection(detective.send(new ListGraphsCommand({ MaxResults: 201 })))).toBeInstanceOf(ValidationException);
    expect(account.callCount('detective')).toBe(5);
  });

  it('starts from seeded investigations', async () => {
    const seed = findingsSeed();
    seed.detective = {
      ...seed.detective,
      investigations: [
        { investigationId: '000000000000000000042', entityArn: deployer, createdTime: '2025-01-20T10:00:00Z', scopeStartTime: '2025-01-19T10:00:00Z', scopeEndTime: '2025-01-20T10:00:00Z', status: 'SUCCESSFUL', severity: 'CRITICAL', state: 'ARCHIVED' },
        { entityArn: alice, scopeStartTime: '2025-01-19T10:00:00Z', scopeEndTime: '2025-01-20T10:00:00Z', status: 'RUNNING', investigationSeconds: 30 },
      ],
    };
    const { account, detective, get, advance } = detectiveSandbox({}, seed);
    const archived = await detective.send(new ListInvestigationsCommand({ GraphArn: graphArn, FilterCriteria: { State: { Value: 'ARCHIVED' } } }));
    expect(archived.InvestigationDetails).toEqual([
      { InvestigationId: '000000000000000000042', Severity: 'CRITICAL', Status: 'SUCCESSFUL', State: 'ARCHIVED', CreatedTime: new Date('2025-01-20T10:00:00Z'), EntityArn: deployer, EntityType: 'IAM_ROLE' },
    ]);
    const running = account.investigations()[1];
    expect(running).toMatchObject({ createdTime: now.toISOString(), completesAt: '2025-02-01T12:00:30.000Z' });
    expect(await get(running?.investigationId ?? '')).toMatchObject({ Status: 'RUNNING' });
    await advance(30);
    expect(await get(running?.investigationId ?? '')).toMatchObject({ Status: 'SUCCESSFUL', Severity: 'HIGH' });
  });

  it('refuses the old runningPolls seed fields with one line naming what replaced them', () => {
    const seed = findingsSeed();
    expect(() => SandboxAccount.fromSeed({ ...seed, detective: { ...seed.detective, runningPolls: 2 } })).toThrow(
      new InvalidSandboxSeed('seed: detective.runningPolls: replaced by detective.investigationSeconds, the seconds on the clock from StartInvestigation until the investigation ends'),
    );
    const investigation = { entityArn: alice, scopeStartTime: '2025-01-19T10:00:00Z', scopeEndTime: '2025-01-20T10:00:00Z', status: 'RUNNING', runningPolls: 1 };
    expect(() => SandboxAccount.fromSeed({ ...seed, detective: { ...seed.detective, investigations: [investigation] } })).toThrow(
      /^seed: detective\.investigations\.0\.runningPolls: replaced by investigationSeconds/,
    );
  });

  it('refuses a seed whose graph, indicators or investigations are wrong, naming the field', () => {
    const seed = findingsSeed();
    const detective = seed.detective ?? {};
    const withGraph = (arn: string) => ({ ...seed, detective: { ...detective, graphs: [{ arn }] } });
    expect(() => SandboxAccount.fromSeed(withGraph('arn:aws:detective:us-east-1:123456789012:graph:d2a6f1c8e4b7093a5c1e8f2b6d4a9c07'))).toThrow(
      new InvalidSandboxSeed("seed: detective.graphs.0.arn: must be in the seed's account 123456789012 and Region eu-west-1"),
    );
    const mismatched = { ...seed, detective: { ...detective, outcomes: [{ entityArn: alice, indicators: [{ IndicatorType: 'NEW_ASO', IndicatorDetail: { NewUserAgentDetail: { UserAgent: 'curl' } } }] }] } };
    expect(() => SandboxAccount.fromSeed(mismatched)).toThrow(/detective\.outcomes\.0\.indicators\.0\.IndicatorDetail: a NEW_ASO indicator has exactly one detail, NewAsoDetail/);
    const failedWithIndicators = { ...seed, detective: { ...detective, outcomes: [{ entityArn: bob, status: 'FAILED', indicators: [{ IndicatorType: 'NEW_ASO', IndicatorDetail: { NewAsoDetail: { Aso: 'x' } } }] }] } };
    expect(() => SandboxAccount.fromSeed(failedWithIndicators)).toThrow(/detective\.outcomes\.0\.indicators: a FAILED investigation has no indicators/);
    const notIam = { ...seed, detective: { ...detective, outcomes: [{ entityArn: 'arn:aws:s3:::bucket', severity: 'LOW' }] } };
    expect(() => SandboxAccount.fromSeed(notIam)).toThrow(/detective\.outcomes\.0\.entityArn: must be an IAM user or role ARN/);
  });
});
