/**
 * A sandbox account kept in a file between commands (`opsflow run|send|demo --state <file>`), so a
 * story can be walked one command at a time (launch, then terminate, then reconcile) and looked at
 * between steps. The file holds the account's services as `SandboxAccount#snapshot()` gives them,
 * where its identifier sequence stands, and the time on the engine's clock; executions, task
 * tokens and timers are not kept. Documented in README.md, "Walking a story one command at a time".
 *
 * ```json
 * { "format": "opsflow-sandbox-state", "version": 1, "clock": "2026-03-02T10:15:00.000Z",
 *   "idPosition": 2851841405, "account": { "accountId": "123456789012", "region": "eu-west-1", "ec2": {...}, ... } }
 * ```
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { Clock } from '../clock.ts';
import { SandboxAccount, type SandboxOptions } from './account.ts';
import { InvalidStateFile, SandboxStoreMisuse } from './errors.ts';
import { identityStoreSavedSchema, quickSightSavedSchema } from './seed-identity.ts';
import { defaultRestoreSeconds } from './seed-search.ts';
import type { SandboxState } from './state.ts';

export const stateFileFormat = 'opsflow-sandbox-state';
/** Bumped whenever a saved account would not load the same way; a file of another version is refused. */
export const stateFileVersion = 1;

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time such as 2026-03-02T10:15:00.000Z' });
const key = z.string().min(1);

/**
 * The account as `snapshot()` writes it (SandboxState, engine/sandbox/state.ts). Each section and
 * each entity's key is checked, so a hand-edited file fails on the field that is wrong rather than
 * deep inside a call; the other members are taken as written.
 */
const accountSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1'),
  ec2: z.strictObject({ instances: z.array(z.looseObject({ instanceId: key, state: key, launchTime: isoTime, tags: z.record(z.string(), z.string()) })) }),
  autoScaling: z.strictObject({
    groups: z.array(z.looseObject({ name: key, instances: z.array(z.looseObject({ instanceId: key, lifecycleState: key })), lifecycleHooks: z.array(z.looseObject({ name: key })) })),
    lifecycleActions: z.array(z.looseObject({ group: key, hook: key, instanceId: key, token: key, transition: key, startedAt: isoTime })),
  }),
  route53: z.strictObject({
    insyncAfterSeconds: z.number().nonnegative(),
    hostedZones: z.array(
      z.looseObject({ id: key, name: key, records: z.array(z.strictObject({ name: key, type: key, ttl: z.int().nonnegative(), values: z.array(z.string()).min(1) })) }),
    ),
    changes: z.array(z.looseObject({ id: key, hostedZoneId: key, submittedAt: isoTime, insyncAt: isoTime })),
  }),
  eventBridge: z.strictObject({ published: z.array(z.looseObject({ eventBusName: key, event: z.looseObject({ id: key }) })) }),
  securityHub: z.strictObject({
    findings: z.array(z.looseObject({ finding: z.looseObject({ Id: key, ProductArn: key }), customerUpdated: z.array(z.string()) })),
    unprocessed: z.array(z.looseObject({ findingId: key, errorCode: key, timesLeft: z.int().nonnegative() })),
  }),
  detective: z.strictObject({
    graphs: z.array(z.looseObject({ arn: key })),
    investigationSeconds: z.number().nonnegative(),
    outcomes: z.array(z.looseObject({ entityArn: key })),
    defaultOutcome: z.looseObject({ status: key }),
    investigations: z.array(z.looseObject({ investigationId: key, entityArn: key, status: key, completesAt: isoTime })),
  }),
  iam: z.strictObject({ users: z.array(z.looseObject({ userName: key, arn: key })), roles: z.array(z.looseObject({ roleName: key, arn: key })) }),
  identityStore: identityStoreSavedSchema,
  quickSight: quickSightSavedSchema,
  openSearch: z.strictObject({
    domains: z.array(
      z.looseObject({
        region: key,
        domainName: key,
        endpoint: key,
        automatedThrough: isoTime,
        // Files saved before the sandbox restored snapshots have no restoreSeconds.
        restoreSeconds: z.number().nonnegative().default(defaultRestoreSeconds),
        indices: z.array(z.looseObject({ name: key, docsCount: z.int().nonnegative() })),
      }),
    ),
    buckets: z.array(z.looseObject({ name: key, region: key })),
    snapshots: z.array(z.looseObject({ location: z.string(), snapshot: key, startTime: isoTime, endsAt: isoTime })),
    // Files saved before the sandbox kept S3 objects have none.
    objects: z.array(z.looseObject({ bucket: key, key, body: z.base64(), lastModified: isoTime })).default([]),
  }),
}).superRefine(checkKeys);

type SavedAccount = z.output<typeof accountSchema>;

/**
 * Each table's key, as the account's store keys it (engine/sandbox/account-store.ts): a key given
 * twice is reported at the entity that repeats it, as a seed's is, rather than by the store.
 */
function checkKeys(account: SavedAccount, context: z.RefinementCtx): void {
  const tables: [path: (string | number)[], items: readonly unknown[], key: (item: never) => string][] = [
    [['ec2', 'instances'], account.ec2.instances, (instance: { instanceId: string }) => instance.instanceId],
    [['autoScaling', 'groups'], account.autoScaling.groups, (group: { name: string }) => group.name],
    [['route53', 'hostedZones'], account.route53.hostedZones, (zone: { id: string }) => zone.id],
    ...account.route53.hostedZones.map((zone, index): [(string | number)[], readonly unknown[], (item: never) => string] => [
      ['route53', 'hostedZones', index, 'records'],
      zone.records,
      (record: { name: string; type: string }) => `${record.name} ${record.type}`,
    ]),
    [['route53', 'changes'], account.route53.changes, (change: { id: string }) => change.id],
    [['eventBridge', 'published'], account.eventBridge.published, (published: { event: { id: string } }) => `event ${published.event.id}`],
    [['securityHub', 'findings'], account.securityHub.findings, ({ finding }: { finding: { Id: string; ProductArn: string } }) => `finding ${finding.ProductArn} ${finding.Id}`],
    [['detective', 'graphs'], account.detective.graphs, (graph: { arn: string }) => graph.arn],
    [['detective', 'outcomes'], account.detective.outcomes, (outcome: { entityArn: string }) => outcome.entityArn],
    [['detective', 'investigations'], account.detective.investigations, (investigation: { investigationId: string }) => investigation.investigationId],
    // IAM names are unique whatever their case.
    [['iam', 'users'], account.iam.users, (user: { userName: string }) => user.userName.toLowerCase()],
    [['iam', 'roles'], account.iam.roles, (role: { roleName: string }) => role.roleName.toLowerCase()],
    [['openSearch', 'domains'], account.openSearch.domains, (domain: { region: string; domainName: string }) => `${domain.region}/${domain.domainName}`],
    [['openSearch', 'buckets'], account.openSearch.buckets, (bucket: { name: string }) => bucket.name],
    [['openSearch', 'snapshots'], account.openSearch.snapshots, (snapshot: { location: string; snapshot: string }) => `${snapshot.location}:${snapshot.snapshot}`],
    [['openSearch', 'objects'], account.openSearch.objects, (object: { bucket: string; key: string }) => `s3://${object.bucket}/${object.key}`],
  ];
  for (const [path, items, key] of tables) {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const value = key(item as never);
      if (seen.has(value)) context.addIssue({ code: 'custom', path: [...path, index], message: `${value} appears twice` });
      seen.add(value);
    });
  }
}

const stateFileSchema = z.strictObject({
  format: z.literal(stateFileFormat),
  version: z.literal(stateFileVersion),
  /** The engine's clock when the file was saved: the next command starts there. */
  clock: isoTime,
  idPosition: z.int().min(0).max(0xffffffff),
  account: accountSchema,
});

export interface SandboxStateFile {
  readonly format: typeof stateFileFormat;
  readonly version: typeof stateFileVersion;
  readonly clock: string;
  readonly idPosition: number;
  readonly account: SandboxState;
}

/** What the file keeps of an account: call after the command, once nothing runs. */
export function stateFileOf(sandbox: SandboxAccount): SandboxStateFile {
  const { account, idPosition } = sandbox.save();
  return { format: stateFileFormat, version: stateFileVersion, clock: sandbox.clock.now().toISOString(), idPosition, account };
}

/**
 * The account a state file holds, on a simulated clock at the file's time. InvalidStateFile, in
 * one line naming `source`: not a state file, another version, or the first wrong field.
 */
export function sandboxFromStateFile(raw: unknown, source: string, options: Omit<SandboxOptions, 'clock' | 'source'> = {}): SandboxAccount {
  const envelope = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (envelope.format !== stateFileFormat) {
    throw new InvalidStateFile(`${source}: not an opsflow sandbox state file (its "format" must be "${stateFileFormat}")`);
  }
  if (envelope.version !== stateFileVersion) {
    throw new InvalidStateFile(`${source}: version ${JSON.stringify(envelope.version)} is not supported; this opsflow reads version ${stateFileVersion}`);
  }
  const parsed = stateFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidStateFile(`${source}: ${issue?.path.length ? issue.path.join('.') : 'top level'}: ${issue?.message ?? 'invalid'}`);
  }
  const { clock, idPosition, account } = parsed.data;
  try {
    return SandboxAccount.fromSaved({ account: account as unknown as SandboxState, idPosition }, { ...options, clock: Clock.simulated(clock) });
  } catch (error) {
    if (error instanceof SandboxStoreMisuse) throw new InvalidStateFile(`${source}: account: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The account of the state file at `path`, or undefined when there is no such file (the command
 * then starts from its seed). InvalidStateFile when it cannot be read or is not a state file.
 */
export async function loadStateFile(path: string, options: Omit<SandboxOptions, 'clock' | 'source'> = {}): Promise<SandboxAccount | undefined> {
  const source = `state ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InvalidStateFile(`${source}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidStateFile(`${source}: not valid JSON (${(error as Error).message.split('\n')[0] ?? ''})`, { cause: error });
  }
  return sandboxFromStateFile(raw, source, options);
}

/**
 * Writes the account to `path` atomically: a temporary file beside it, then a rename, so a
 * command that dies half-way leaves the previous state whole.
 */
export async function saveStateFile(path: string, sandbox: SandboxAccount): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(stateFileOf(sandbox), null, 2)}\n`);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
