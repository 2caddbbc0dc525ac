import type { Engine, ExecutionRecord } from '../../engine/engine.ts';
import type { RunbookPlan } from '../../handlers/search/runbook.ts';
import { answerGate, type Decision } from '../approval.ts';
import { causeMessage } from '../format.ts';
import { differs, type Step, type Story, type World } from './runner.ts';

/**
 * The search DR story, part 2: the runbooks over the same two Regions as part 1 (search.ts). The
 * active Region snapshots; a failover into the standby whose restore comes back short stops before
 * DNS; the failover run again (the indices the first left behind deleted first) restores, verifies
 * every index against the snapshot's manifest and switches the record; snapshots then run the other
 * way; the failback takes a final snapshot of the domain it leaves, so nothing written during the
 * outage is lost; and a drill restores into the standby under a prefix and leaves nothing behind.
 */

const HOME = 'eu-west-1';
const STANDBY = 'eu-central-1';
const DOMAIN = 'catalog';
const RECORD = 'search.corp.internal.';
const hour = 3600;

interface RunbookOutput {
  plan?: RunbookPlan;
  verification?: { indices: { index: string; count: number; before: number | null; after: number | null }[] };
  report?: { steps: { step: string; seconds: number }[]; totalSeconds: number; rtoSeconds: number; rpoSeconds: number | null };
}

interface RunbookExpectation {
  status: 'SUCCEEDED' | 'FAILED';
  error?: string;
  /** The Region whose domain the record points at afterwards. */
  recordIn: string;
  /** Indices of the domain restored into, with their document counts, afterwards (system indices left out). */
  indices?: Record<string, number>;
}

export const searchRunbookStory: Story = {
  title: 'search failover, failback and a DR drill',
  workflows: ['search-snapshot', 'search-failover', 'search-failback', 'search-dr-drill'],
  regions: [STANDBY],
  summary: ({ engine, regions, sandbox }) => {
    const executions = engine.executions.length + (regions.get(STANDBY)?.executions.length ?? 0);
    return `${executions} executions in two Regions, ${sandbox.callCount('es')} domain REST requests, ${sandbox.callCount('route53')} Route 53 calls`;
  },
  steps(world: World) {
    const { sandbox, config } = world;
    const search = config.searchDr;
    if (!search) throw new RangeError('config/dev.json has no searchDr');
    const engineIn = (region: string): Engine => {
      const engine = region === HOME ? world.engine : world.regions.get(region);
      if (!engine) throw new RangeError(`the story has no engine in ${region}`);
      return engine;
    };
    const recordIn = () => {
      const target = sandbox.record(search.record.hostedZoneId, RECORD, 'CNAME')?.values[0]?.replace(/\.$/, '');
      return search.regions.find((entry) => entry.domain.endpoint === target)?.region ?? `(${target ?? 'no record'})`;
    };
    const indicesOf = (region: string) => sandbox.snapshot().openSearch.domains.find((domain) => domain.region === region && domain.domainName === DOMAIN)?.indices ?? [];
    /** The domain's own indices (not the system ones) and their document counts, by name. */
    const userIndices = (region: string) =>
      Object.fromEntries(indicesOf(region).filter((index) => !index.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name)).map((index) => [index.name, index.docsCount]));

    const snapshotRun = async (region: string): Promise<string> => {
      const record = await engineIn(region).runSchedule('search-snapshot');
      const output = (record.output ?? {}) as { plan?: { role: string }; taken?: { snapshot: string } };
      return `${region} search-snapshot ${record.status}: ${output.plan?.role ?? '?'}${output.taken ? `, took ${output.taken.snapshot}` : ''}`;
    };

    /** Starts a runbook in `region`, answers its approval gate (when it reaches one) and waits for it. */
    const runbook = async (workflow: string, region: string, request: object, decision: Decision = { kind: 'approve' }): Promise<{ record: ExecutionRecord; shown: string[] }> => {
      const engine = engineIn(region);
      const shown: string[] = [];
      const started = engine.start(workflow, request);
      await answerGate(engine, started.done, { workflow, state: 'AwaitApproval', decision, show: (line) => shown.push(line), note: (line) => shown.push(line) });
      const record = await started.done;
      await engine.idle();
      return { record, shown };
    };

    const runbookStep = (title: string, workflow: string, region: string, request: object, expected: RunbookExpectation, before?: () => Promise<void> | void): Step => ({
      title,
      async run() {
        await before?.();
        const { record, shown } = await runbook(workflow, region, request);
        const output = (record.output ?? {}) as RunbookOutput;
        shown.push(`${record.status} in ${record.transitions} transitions${record.error ? ` — ${record.error}: ${causeMessage(record.cause)}` : ''}`);
        for (const index of output.verification?.indices ?? []) shown.push(`verified ${index.index}: ${index.count} documents, manifest range ${index.before}–${index.after ?? '∞'}`);
        if (output.report) {
          shown.push(`timeline: ${output.report.steps.map((step) => `${step.step} ${step.seconds} s`).join(', ')}`);
          shown.push(`total ${output.report.totalSeconds} s, RTO ${output.report.rtoSeconds} s (without the approval wait), RPO ${output.report.rpoSeconds ?? '-'} s`);
        }
        shown.push(`${RECORD} → ${recordIn()}'s domain; ${region} indices ${JSON.stringify(userIndices(region))}`);
        return {
          shown,
          unexpected: [
            ...differs('status', record.status, expected.status),
            ...differs('error', record.error ?? null, expected.error ?? null),
            ...differs('record points at', recordIn(), expected.recordIn),
            ...(expected.indices ? differs('indices', userIndices(region), expected.indices) : []),
          ],
        };
      },
    });

    return [
      {
        title: `${HOME} is active: it snapshots into ${STANDBY}'s bucket, and the standby keeps that repository registered read-only`,
        async run() {
          await sandbox.clock.advance(hour - (sandbox.clock.now().getTime() / 1000) % hour + 300);
          const shown = [await snapshotRun(HOME), await snapshotRun(STANDBY)];
          return { shown, unexpected: differs('record points at', recordIn(), HOME) };
        },
      },
      runbookStep(
        `${HOME} is lost. A failover into ${STANDBY}, approved, whose restore comes back 25 orders short: verification stops it before DNS`,
        'search-failover',
        STANDBY,
        { reason: `${HOME} unreachable since 10:05 (INC-4711)` },
        { status: 'FAILED', error: 'RestoreVerificationFailed', recordIn: HOME },
        () => sandbox.setRestoreShortfall(STANDBY, DOMAIN, 'orders', 25),
      ),
      runbookStep(
        'The failover again, deleting the indices the first one left: restored, verified against the manifest, the record switched and INSYNC',
        'search-failover',
        STANDBY,
        { reason: `${HOME} unreachable since 10:05 (INC-4711)`, conflicts: 'delete' },
        { status: 'SUCCEEDED', recordIn: STANDBY, indices: { customers: 830, orders: 5400, products: 1200 } },
      ),
      {
        title: `Snapshots reverse: ${STANDBY} is active and snapshots into ${HOME}'s bucket while new orders arrive there; ${HOME} is the standby`,
        async run() {
          await sandbox.clock.advance(hour);
          sandbox.indexDocuments(STANDBY, DOMAIN, 'orders', 60);
          const shown = [await snapshotRun(STANDBY), await snapshotRun(HOME)];
          return { shown, unexpected: [...differs('snapshots now taken in', shown[0]?.includes('active, took'), true), ...differs('the old active is', shown[1]?.includes('standby'), true)] };
        },
      },
      runbookStep(
        `${HOME} is back. The failback takes a final snapshot of ${STANDBY}'s domain (with the orders written during the outage), restores it over the stale indices and switches back`,
        'search-failback',
        HOME,
        { reason: `${HOME} recovered (INC-4711)`, conflicts: 'delete' },
        { status: 'SUCCEEDED', recordIn: HOME, indices: { customers: 830, orders: 5460, products: 1200 } },
      ),
      {
        title: `A DR drill in ${STANDBY}: restores the newest snapshot under ${search.drill.indexPrefix}, verifies the counts, reports RTO and RPO, deletes what it restored and never touches DNS`,
        async run() {
          const names = () => indicesOf(STANDBY).map((index) => index.name).sort();
          const before = names();
          await snapshotRun(HOME);
          const record = await engineIn(STANDBY).runSchedule('search-dr-drill');
          const output = (record.output ?? {}) as RunbookOutput;
          const after = names();
          return {
            shown: [
              `${record.status} in ${record.transitions} transitions${record.error ? ` — ${record.error}: ${causeMessage(record.cause)}` : ''}`,
              ...(output.verification?.indices ?? []).map((index) => `verified ${index.index}: ${index.count} documents, manifest range ${index.before}–${index.after ?? '∞'}`),
              `measured RTO ${output.report?.rtoSeconds ?? '-'} s, RPO ${output.report?.rpoSeconds ?? '-'} s; ${STANDBY} indices afterwards as before: ${JSON.stringify(after)}`,
              `${RECORD} → ${recordIn()}'s domain`,
            ],
            unexpected: [...differs('status', record.status, 'SUCCEEDED'), ...differs('indices left', after, before), ...differs('record points at', recordIn(), HOME)],
          };
        },
      },
    ];
  },
};
