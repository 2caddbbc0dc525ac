import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { DetectiveClient, GetInvestigationCommand, ListInvestigationsCommand } from '@aws-sdk/client-detective';
import type { Pluggable } from '@smithy/types';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { BatchUpdateFindingsCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { IdentitystoreClient, ListGroupMembershipsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListUserGroupsCommand, ListUsersCommand as ListQuickSightUsersCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import { SandboxAccount } from '../engine/sandbox/index.ts';
import { BenchSetupError } from './errors.ts';
import { code, table } from './markdown.ts';
import type { BenchContext, BenchSection, Goal, SectionReport } from './section.ts';
import { percentile } from './stats.ts';

const SIZES = [10, 1_000, 10_000] as const;
const READ_SPREAD = 1.2;
/** Warm-up calls per size and call, then ROUNDS timed batches of BATCH calls, the sizes taking turns each round. */
const WARM_UP_CALLS = 300;
const ROUNDS = 40;
const BATCH = 50;

const DNS_SEED = 'test/fixtures/sandbox/instance-dns.json';
const FINDINGS_SEED = 'test/fixtures/sandbox/findings.json';
const BENCH_ZONE_NAME = 'bench.corp.internal.';
const SCOPE = { scopeStartTime: '2025-01-19T10:00:00Z', scopeEndTime: '2025-01-20T10:00:00Z' };
const IDENTITY_STORE_ID = 'd-1234567890';
/** Identity pages: 5 items, so that the second page exists in the smallest account too. */
const IDENTITY_PAGE = 5;
const READER_ROLE = 'arn:aws:iam::123456789012:role/QuickSightReader';

type Json = Record<string, unknown>;

interface Clients {
  readonly route53: Route53Client;
  readonly securityHub: SecurityHubClient;
  readonly detective: DetectiveClient;
  readonly identityStore: IdentitystoreClient;
  readonly quickSight: QuickSightClient;
}

/** One account of a given size, with the SDK clients the workflows use attached to it. */
interface SizedAccount extends Clients {
  readonly size: number;
  readonly zoneId: string;
  /** A record, change, finding and investigation in the middle of their lists. */
  readonly recordName: string;
  readonly changeId: string;
  readonly finding: { readonly Id: string; readonly ProductArn: string };
  readonly investigationId: string;
  readonly entityArn: string;
  readonly graphArn: string;
  readonly region: string;
  /** The second page of identity store and QuickSight users; the group of IDENTITY_PAGE members; a QuickSight user in two groups. */
  readonly identityUsersToken: string;
  readonly quickSightUsersToken: string;
  readonly identityGroupId: string;
  readonly quickSightUserName: string;
}

/**
 * The same clients with a plugin in the sandbox's place that answers every command at once with
 * nothing: what a call costs in the SDK client itself (its middleware stack), outside the sandbox.
 */
function clientsAlone(region: string): Clients {
  // A plugin must fit every client's own Input/Output unions, which `object` does not (as SandboxAccount#plugin).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const answerAtOnce: Pluggable<any, any> = {
    applyToStack: (stack) => stack.add(() => async () => ({ output: { $metadata: {} }, response: undefined }), { step: 'initialize', priority: 'high', name: 'benchAnswerAtOnce' }),
  };
  const attach = <T extends { middlewareStack: { use(plugin: typeof answerAtOnce): void } }>(client: T): T => {
    client.middlewareStack.use(answerAtOnce);
    return client;
  };
  return {
    route53: attach(new Route53Client({ region })),
    securityHub: attach(new SecurityHubClient({ region })),
    detective: attach(new DetectiveClient({ region })),
    identityStore: attach(new IdentitystoreClient({ region })),
    quickSight: attach(new QuickSightClient({ region })),
  };
}

const recordName = (index: number): string => `host-${index}.${BENCH_ZONE_NAME}`;
const investigationId = (index: number): string => String(index).padStart(21, '0');
const entityArn = (index: number): string => `arn:aws:iam::123456789012:user/bench-${index}`;
const userName = (index: number): string => `user-${index}@example.com`;
const addressOf = (index: number): string => `10.40.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;

async function readJson(path: string): Promise<Json> {
  return JSON.parse(await readFile(path, 'utf8')) as Json;
}

/**
 * A seed with `size` A records in one zone, `size` Security Hub findings (copies of the findings
 * fixture's first one under other Ids) and `size` finished Detective investigations (one per IAM
 * user); the Route 53 history (`size` changes) is made by calls once the account exists.
 */
async function sizedAccount(size: number): Promise<SizedAccount> {
  const dns = await readJson(DNS_SEED);
  const findings = await readJson(FINDINGS_SEED);
  const zone = ((dns.route53 as Json).hostedZones as Json[])[0];
  const template = ((findings.securityHub as Json).findings as Json[])[0];
  const graph = ((findings.detective as Json).graphs as Json[])[0];
  if (!zone || !template || !graph) throw new BenchSetupError(`${DNS_SEED} and ${FINDINGS_SEED} must hold a zone, a finding and a graph`);
  const zoneId = String(zone.id);
  const indexes = Array.from({ length: size }, (_, index) => index);
  const seed: Json = {
    accountId: String(dns.accountId),
    region: String(dns.region),
    route53: {
      hostedZones: [
        {
          ...zone,
          name: BENCH_ZONE_NAME,
          records: indexes.map((index) => ({ name: recordName(index), type: 'A', ttl: 60, values: [addressOf(index)] })),
        },
      ],
    },
    securityHub: { findings: indexes.map((index) => ({ ...template, Id: `${String(template.Id)}-${index}` })) },
    detective: {
      graphs: [graph],
      investigations: indexes.map((index) => ({ investigationId: investigationId(index), entityArn: entityArn(index), ...SCOPE, status: 'SUCCESSFUL', severity: 'LOW' })),
    },
    // n users on both sides; every user in one of up to 200 groups, and the first IDENTITY_PAGE also in 'Bench'.
    identityStore: {
      identityStoreId: IDENTITY_STORE_ID,
      users: indexes.map((index) => ({ UserName: userName(index), Title: `Dept${index % 200}-Analyst` })),
      groups: [
        { DisplayName: 'Bench', members: indexes.slice(0, IDENTITY_PAGE).map(userName) },
        ...Array.from({ length: Math.min(size, 200) }, (_, group) => ({ DisplayName: `Dept${group}`, members: indexes.filter((index) => index % 200 === group).map(userName) })),
      ],
    },
    quickSight: {
      users: indexes.map((index) => ({ identityType: 'IAM', iamArn: READER_ROLE, sessionName: userName(index), email: userName(index), role: 'READER' })),
      groups: [
        { groupName: 'Bench', members: indexes.slice(0, IDENTITY_PAGE).map((index) => `QuickSightReader/${userName(index)}`) },
        ...Array.from({ length: Math.min(size, 200) }, (_, group) => ({ groupName: `Dept${group}-Analyst`, members: indexes.filter((index) => index % 200 === group).map((index) => `QuickSightReader/${userName(index)}`) })),
      ],
    },
  };
  const sandbox = SandboxAccount.fromSeed(seed);
  const attach = <T extends { middlewareStack: { use(plugin: ReturnType<SandboxAccount['plugin']>): void } }>(client: T): T => {
    client.middlewareStack.use(sandbox.plugin());
    return client;
  };
  const route53 = attach(new Route53Client({ region: sandbox.region }));
  const middle = Math.floor(size / 2);
  let changeId = '';
  for (let index = 0; index < size; index += 1) {
    const change = await route53.send(upsert(zoneId, recordName(middle), addressOf(index)));
    if (index === middle) changeId = change.ChangeInfo?.Id ?? '';
  }
  const identityStore = attach(new IdentitystoreClient({ region: sandbox.region }));
  const quickSight = attach(new QuickSightClient({ region: sandbox.region }));
  const identityUsersToken = (await identityStore.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: IDENTITY_PAGE }))).NextToken;
  const quickSightUsersToken = (await quickSight.send(new ListQuickSightUsersCommand({ AwsAccountId: String(dns.accountId), Namespace: 'default', MaxResults: IDENTITY_PAGE }))).NextToken;
  const identityGroupId = sandbox.snapshot().identityStore.groups.find((group) => group.DisplayName === 'Bench')?.GroupId;
  if (!identityUsersToken || !quickSightUsersToken || !identityGroupId) throw new BenchSetupError('the identity accounts have no second page of users or no Bench group');
  return {
    size,
    zoneId,
    identityUsersToken,
    quickSightUsersToken,
    identityGroupId,
    quickSightUserName: `QuickSightReader/${userName(1)}`,
    identityStore,
    quickSight,
    recordName: recordName(middle),
    changeId,
    finding: { Id: `${String(template.Id)}-${middle}`, ProductArn: String(template.ProductArn) },
    investigationId: investigationId(middle),
    entityArn: entityArn(middle),
    graphArn: String(graph.arn),
    region: sandbox.region,
    route53,
    securityHub: attach(new SecurityHubClient({ region: sandbox.region })),
    detective: attach(new DetectiveClient({ region: sandbox.region })),
  };
}

function upsert(zoneId: string, name: string, address: string): ChangeResourceRecordSetsCommand {
  return new ChangeResourceRecordSetsCommand({
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: name, Type: 'A', TTL: 60, ResourceRecords: [{ Value: address }] } }] },
  });
}

interface CallSpec {
  readonly name: string;
  readonly kind: 'read' | 'write';
  /** What the call is, as a workflow makes it. */
  readonly what: string;
  /** Sends the call (the `n`th of this kind on this account) through `clients` and checks the answer when `check` is set. */
  send(account: SizedAccount, n: number, clients: Clients, check: (condition: boolean, what: string) => void): Promise<void>;
}

function expectAnswer(condition: boolean, what: string): void {
  if (!condition) throw new BenchSetupError(`unexpected answer: ${what}`);
}

function ignoreAnswer(): void {}

const calls: readonly CallSpec[] = [
  {
    name: 'route53 ListResourceRecordSets',
    kind: 'read',
    what: 'one record from its name and type, MaxItems 1 (instance-dns ReadRecord)',
    async send(account, _n, clients, check) {
      const answer = await clients.route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: account.zoneId, StartRecordName: account.recordName, StartRecordType: 'A', MaxItems: 1 }),
      );
      check(answer.ResourceRecordSets?.[0]?.Name === account.recordName, 'ListResourceRecordSets missed the record');
    },
  },
  {
    name: 'route53 GetChange',
    kind: 'read',
    what: 'a change from the middle of the zone\'s history (instance-dns GetChange)',
    async send(account, _n, clients, check) {
      const answer = await clients.route53.send(new GetChangeCommand({ Id: account.changeId }));
      check(answer.ChangeInfo?.Id === account.changeId, 'GetChange answered another change');
    },
  },
  {
    name: 'securityhub GetFindings',
    kind: 'read',
    what: 'one finding by Id and ProductArn (EQUALS filters)',
    async send(account, _n, clients, check) {
      const answer = await clients.securityHub.send(
        new GetFindingsCommand({
          Filters: { Id: [{ Value: account.finding.Id, Comparison: 'EQUALS' }], ProductArn: [{ Value: account.finding.ProductArn, Comparison: 'EQUALS' }] },
        }),
      );
      check(answer.Findings?.length === 1 && answer.Findings[0]?.Id === account.finding.Id, 'GetFindings did not find the finding');
    },
  },
  {
    name: 'detective GetInvestigation',
    kind: 'read',
    what: 'one investigation by id (investigate-principal GetInvestigation)',
    async send(account, _n, clients, check) {
      const answer = await clients.detective.send(new GetInvestigationCommand({ GraphArn: account.graphArn, InvestigationId: account.investigationId }));
      check(answer.EntityArn === account.entityArn, 'GetInvestigation answered another investigation');
    },
  },
  {
    name: 'detective ListInvestigations',
    kind: 'read',
    what: 'a principal\'s investigations, newest first (investigate-principal FindInvestigations)',
    async send(account, _n, clients, check) {
      const answer = await clients.detective.send(
        new ListInvestigationsCommand({
          GraphArn: account.graphArn,
          FilterCriteria: { EntityArn: { Value: account.entityArn } },
          SortCriteria: { Field: 'CREATED_TIME', SortOrder: 'DESC' },
          MaxResults: 20,
        }),
      );
      check(answer.InvestigationDetails?.length === 1, 'ListInvestigations did not list the one investigation');
    },
  },
  {
    name: 'identitystore ListUsers',
    kind: 'read',
    what: `the second page of ${IDENTITY_PAGE} users, by NextToken (identity-reconcile paging the identity store)`,
    async send(account, _n, clients, check) {
      const answer = await clients.identityStore.send(new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: IDENTITY_PAGE, NextToken: account.identityUsersToken }));
      check(answer.Users?.length === IDENTITY_PAGE, 'ListUsers did not answer a full second page');
    },
  },
  {
    name: 'identitystore ListGroupMemberships',
    kind: 'read',
    what: `the ${IDENTITY_PAGE} members of one group`,
    async send(account, _n, clients, check) {
      const answer = await clients.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: account.identityGroupId }));
      check(answer.GroupMemberships?.length === IDENTITY_PAGE, 'ListGroupMemberships did not list the group\'s members');
    },
  },
  {
    name: 'quicksight ListUsers',
    kind: 'read',
    what: `the second page of ${IDENTITY_PAGE} QuickSight users, by NextToken`,
    async send(account, _n, clients, check) {
      const answer = await clients.quickSight.send(
        new ListQuickSightUsersCommand({ AwsAccountId: '123456789012', Namespace: 'default', MaxResults: IDENTITY_PAGE, NextToken: account.quickSightUsersToken }),
      );
      check(answer.UserList?.length === IDENTITY_PAGE, 'ListUsers did not answer a full second page');
    },
  },
  {
    name: 'quicksight ListUserGroups',
    kind: 'read',
    what: 'the two groups of one user (identity-sync reading a user\'s groups)',
    async send(account, _n, clients, check) {
      const answer = await clients.quickSight.send(new ListUserGroupsCommand({ AwsAccountId: '123456789012', Namespace: 'default', UserName: account.quickSightUserName }));
      check(answer.GroupList?.length === 2, 'ListUserGroups did not list the user\'s two groups');
    },
  },
  {
    name: 'route53 ChangeResourceRecordSets',
    kind: 'write',
    what: 'UPSERT of one A record to a new address (instance-dns ApplyChange); adds a change to the history',
    async send(account, n, clients, check) {
      const answer = await clients.route53.send(upsert(account.zoneId, account.recordName, addressOf(n)));
      check(answer.ChangeInfo?.Status === 'PENDING', 'ChangeResourceRecordSets was not accepted');
    },
  },
  {
    name: 'securityhub BatchUpdateFindings',
    kind: 'write',
    what: 'a note on one finding (finding-enrichment UpdateFindings); publishes its Imported event',
    async send(account, n, clients, check) {
      const answer = await clients.securityHub.send(
        new BatchUpdateFindingsCommand({ FindingIdentifiers: [account.finding], Note: { Text: `bench note ${n}`, UpdatedBy: 'opsflow-bench' } }),
      );
      check(answer.ProcessedFindings?.length === 1, 'BatchUpdateFindings did not process the finding');
    },
  },
];

/**
 * The percentile of the batches that is taken: other work on the machine only ever adds time, so a
 * low percentile of interleaved batches measures the call rather than the machine's load.
 */
const BATCH_PERCENTILE = 25;

/** Where a call is sent: an account with its clients, or the clients alone (then the answer is not checked). */
interface Target {
  readonly account: SizedAccount;
  readonly clients: Clients;
  readonly check: (condition: boolean, what: string) => void;
}

/** µs per call of `call` on each target: a low percentile of ROUNDS batches, the targets taking turns in every round. */
async function timeCall(call: CallSpec, targets: readonly Target[]): Promise<number[]> {
  const sent = targets.map(() => 0);
  const send = (index: number): Promise<void> => {
    const { account, clients, check } = targets[index] as Target;
    sent[index] = (sent[index] ?? 0) + 1;
    return call.send(account, sent[index] ?? 0, clients, check);
  };
  for (const [index] of targets.entries()) for (let warm = 0; warm < WARM_UP_CALLS; warm += 1) await send(index);
  const batches: number[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index] of targets.entries()) {
      const started = performance.now();
      for (let one = 0; one < BATCH; one += 1) await send(index);
      batches[index]?.push(((performance.now() - started) * 1000) / BATCH);
    }
  }
  return batches.map((samples) => percentile(samples, BATCH_PERCENTILE));
}

interface Measured {
  readonly call: CallSpec;
  /** µs per call at each size. */
  readonly microseconds: readonly number[];
  /** µs of it spent in the SDK client itself. */
  readonly clientAlone: number;
}

const microsecondsOf = (values: readonly number[]): string => values.map((us) => us.toFixed(0)).join(' / ');

function judge({ call, microseconds }: Measured): Goal {
  const shown = `${microsecondsOf(microseconds)} µs`;
  const [small = Number.NaN, middle = Number.NaN, large = Number.NaN] = microseconds;
  if (call.kind === 'read') {
    const spread = Math.max(...microseconds) / Math.min(...microseconds);
    return { goal: `${call.name}: read within ${((READ_SPREAD - 1) * 100).toFixed(0)}% at ${SIZES.join(' / ')}`, measured: `${shown} (spread ${spread.toFixed(2)}×)`, met: spread <= READ_SPREAD };
  }
  // Pure logarithmic growth (t = b·log n, no constant part) is the steepest allowed.
  const overall = Math.log(SIZES[2]) / Math.log(SIZES[0]);
  const lastStep = Math.log(SIZES[2]) / Math.log(SIZES[1]);
  return {
    goal: `${call.name}: write grows at most logarithmically (t(${SIZES[2]}) ≤ ${overall.toFixed(2)} × t(${SIZES[0]}) and ≤ ${lastStep.toFixed(2)} × t(${SIZES[1]}))`,
    measured: `${shown} (${(large / small).toFixed(2)}×, ${(large / middle).toFixed(2)}×)`,
    met: large <= overall * small && large <= lastStep * middle,
  };
}

export const sandboxCalls: BenchSection = {
  title: 'Sandbox: one call\'s time at 10, 1,000 and 10,000 records, findings, investigations and users',
  async run(context: BenchContext): Promise<SectionReport> {
    context.progress(`accounts of ${SIZES.join(', ')} records, changes, findings and investigations`);
    const accounts: SizedAccount[] = [];
    for (const size of SIZES) accounts.push(await sizedAccount(size));
    const [smallest] = accounts;
    if (!smallest) throw new BenchSetupError('no account was built');
    const targets: Target[] = [
      ...accounts.map((account) => ({ account, clients: account, check: expectAnswer })),
      { account: smallest, clients: clientsAlone(smallest.region), check: ignoreAnswer },
    ];
    const measured: Measured[] = [];
    for (const call of calls) {
      context.progress(call.name);
      const times = await timeCall(call, targets);
      measured.push({ call, microseconds: times.slice(0, SIZES.length), clientAlone: times[SIZES.length] ?? Number.NaN });
    }
    const goals = measured.map(judge);
    const sizeColumns = SIZES.map((size) => `µs at ${size.toLocaleString('en-US')}`);
    const body = [
      `Three accounts, built from ${code(DNS_SEED)} and ${code(FINDINGS_SEED)}: one zone of n A records, n changes in its ` +
        `history (made by ChangeResourceRecordSets calls before timing), n Security Hub findings and n finished Detective ` +
        `investigations, n identity store users and n QuickSight users (each in one of up to 200 groups, five of them ` +
        `also in a group of their own), for n = ${SIZES.join(', ')}. Each call goes through the real SDK v3 client with the sandbox's ` +
        `plugin, as a workflow's Task makes it, and checks its answer; it names an entity in the middle of its list. Per ` +
        `size and call: ${WARM_UP_CALLS} untimed calls, then ${ROUNDS} rounds in which each size in turn times a batch of ` +
        `${BATCH} calls; the figure is the time per call of the batch at the ${BATCH_PERCENTILE}th percentile (other work on ` +
        `the machine only adds time, so a low percentile of interleaved batches measures the call rather than the load). ` +
        `Writes add to the account as they run (a change per UPSERT, an Imported event per update). "SDK client alone" is ` +
        `the same call, timed in the same rounds, through a client whose plugin answers at once in the sandbox's place: ` +
        `the part of every figure that is the SDK's middleware stack, not the sandbox. Reads must stay within ` +
        `${((READ_SPREAD - 1) * 100).toFixed(0)}% of each other across the sizes; a write may grow no faster than log n.`,
      '',
      table(
        ['call', 'kind', ...sizeColumns, 'SDK client alone (µs)', 'what'],
        measured.map(({ call, microseconds, clientAlone }) => [code(call.name), call.kind, ...microseconds.map((us) => us.toFixed(0)), clientAlone.toFixed(0), call.what]),
        [...sizeColumns, 'SDK client alone (µs)'],
      ),
    ].join('\n');
    const summary = [`sandbox calls at ${SIZES.join('/')}: ` + measured.map(({ call, microseconds }) => `${call.name.split(' ')[1]} ${microsecondsOf(microseconds)} µs`).join('; ')];
    return { body, goals, summary };
  },
};
