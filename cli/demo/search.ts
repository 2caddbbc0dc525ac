import type { Engine, ExecutionRecord } from '../../engine/engine.ts';
import type { SnapshotManifest } from '../../handlers/search/manifest.ts';
import type { TakeSnapshotResult } from '../../handlers/search/take-snapshot/task.ts';
import { searchSnapshot } from '../../workflows/search-snapshot/workflow.ts';
import { stackFor } from '../../workflows/stack.ts';
import { causeMessage } from '../format.ts';
import { differs, type Step, type Story, type World } from './runner.ts';

/**
 * The search DR story, part 1: search-snapshot on its schedule in both Regions of config/dev.json's
 * searchDr over the one sandbox account (the catalog domain in eu-west-1, behind
 * search.corp.internal., and its standby in eu-central-1). The active Region snapshots into the
 * standby's bucket while documents keep arriving, the standby only keeps that repository
 * registered read-only, a run meets the service's own automated snapshot and waits it out, the
 * RPO alarm goes off when the schedule stops, and retention prunes what has grown too old.
 */

const ACTIVE = 'eu-west-1';
const STANDBY = 'eu-central-1';
const DOMAIN = 'catalog';
const hour = 3600;

interface SnapshotOutput {
  plan?: { role: string; snapshotName: string; repository: { name: string; settings: { readonly: boolean } } };
  running?: { busy: boolean; running: { repository: string; snapshot: string }[] };
  taken?: TakeSnapshotResult;
  snapshot?: { state: string };
  manifest?: { bucket: string; key: string; written: boolean };
  rpo?: { newest: string | null; ageSeconds: number | null };
}

interface Expected {
  role: 'active' | 'standby';
  /** The snapshot the run ends with (active only). */
  snapshotState?: 'SUCCESS';
  /** Per index, the counts the manifest beside the snapshot must hold. */
  manifest?: Record<string, { before: number; after: number }>;
  /** The run waited for a snapshot the service itself was taking. */
  waited?: boolean;
  /** Snapshots retention deleted, in order. */
  deleted?: string[];
}

/** `opsflow-20261130t0900z`: the snapshot of the schedule period (the hour) a run starts in. */
function periodSnapshotName(at: Date): string {
  const iso = new Date(Math.floor(at.getTime() / (hour * 1000)) * hour * 1000).toISOString();
  return `opsflow-${iso.slice(0, 10).replaceAll('-', '')}t${iso.slice(11, 13)}00z`;
}

/** Seconds from `now` to the next time whose minutes and seconds past the hour are these. */
function secondsUntil(now: Date, minute: number, second = 0): number {
  const past = now.getUTCMinutes() * 60 + now.getUTCSeconds() + now.getUTCMilliseconds() / 1000;
  const wanted = minute * 60 + second;
  return wanted > past ? wanted - past : hour - past + wanted;
}

export const searchStory: Story = {
  title: 'search-snapshot in two Regions',
  workflows: ['search-snapshot'],
  regions: [STANDBY],
  summary: ({ engine, regions, sandbox }) => {
    const executions = engine.executions.length + (regions.get(STANDBY)?.executions.length ?? 0);
    return `${executions} executions in two Regions, ${sandbox.callCount('es')} domain REST requests, ${sandbox.callCount('opensearch')} OpenSearch and ${sandbox.callCount('route53')} Route 53 calls`;
  },
  steps(world: World) {
    const { sandbox, config } = world;
    const engineIn = (region: string): Engine => {
      const engine = world.regions.get(region);
      if (!engine) throw new RangeError(`the story has no engine in ${region}`);
      return engine;
    };
    /** The manifest object a run wrote beside its snapshot (handlers/search/manifest.ts), as read from the bucket. */
    const manifestAt = (location: SnapshotOutput['manifest']): SnapshotManifest | undefined => {
      const stored = location && sandbox.snapshot().openSearch.objects.find((object) => object.bucket === location.bucket && object.key === location.key);
      return stored && (JSON.parse(Buffer.from(stored.body, 'base64').toString('utf8')) as SnapshotManifest);
    };
    const snapshotsIn = (region: string) => sandbox.domainSnapshots(region, DOMAIN).filter((snapshot) => snapshot.snapshot.startsWith('opsflow-'));
    const [rpoAlarm] = searchSnapshot.alarms?.(stackFor(config, ACTIVE).config, { partition: 'aws', region: ACTIVE, accountId: sandbox.accountId, stage: 'local' }) ?? [];
    if (!rpoAlarm) throw new RangeError(`config/dev.json's searchDr gives ${ACTIVE} no RPO alarm`);
    const alarmState = () => sandbox.cloudWatch.evaluate(rpoAlarm, ACTIVE, sandbox.clock.now());

    /** One scheduled run in `region`, checked against what was expected of it. */
    const scheduled = (title: string, region: string, expected: Expected, before?: () => Promise<void> | void): Step => ({
      title,
      async run() {
        await before?.();
        const had = snapshotsIn(region).map((snapshot) => snapshot.snapshot);
        const startedAt = sandbox.clock.now();
        const record: ExecutionRecord = await engineIn(region).runSchedule('search-snapshot');
        const output = (record.output ?? {}) as SnapshotOutput;
        const shown = [`${record.status} in ${record.transitions} transitions${record.error ? ` — ${record.error}: ${causeMessage(record.cause)}` : ''}`];
        if (output.plan?.role === 'standby') {
          shown.push(`standby: repository ${output.plan.repository.name} registered read-only; it sees ${snapshotsIn(region).length} opsflow snapshot(s)`);
        }
        const manifest = manifestAt(output.manifest);
        if (output.taken) shown.push(`snapshot ${output.taken.snapshot} into ${output.taken.repository}: ${output.snapshot?.state ?? 'not read'}`);
        if (manifest && output.manifest) {
          const counts = Object.entries(manifest.indices).map(([index, { before, after }]) => `${index} ${before}→${after ?? 'gone'}`);
          shown.push(`manifest s3://${output.manifest.bucket}/${output.manifest.key}: documents before→after ${counts.join(', ')}`);
        }
        const remaining = new Set(snapshotsIn(region).map((snapshot) => snapshot.snapshot));
        const deleted = had.filter((name) => !remaining.has(name));
        if (deleted.length > 0) shown.push(`retention deleted ${deleted.join(', ')}`);
        shown.push(`RPO: newest ${output.rpo?.newest ?? 'none'}, ${output.rpo?.ageSeconds ?? '-'} s old`);
        const waited = record.states.some((state) => state.name === 'WaitForRunningSnapshot');
        if (waited) shown.push(`waited ${record.states.filter((state) => state.name === 'WaitForRunningSnapshot').length} poll(s) for the snapshot the service was taking`);
        return {
          shown,
          unexpected: [
            ...differs('status', record.status, 'SUCCEEDED'),
            ...differs('role', output.plan?.role, expected.role),
            ...(expected.role === 'active' ? differs('snapshot', output.taken?.snapshot, periodSnapshotName(startedAt)) : differs('snapshot taken', output.taken, undefined)),
            ...(expected.snapshotState ? differs('snapshot state', output.snapshot?.state, expected.snapshotState) : []),
            ...(expected.manifest ? differs('manifest', manifest?.indices, expected.manifest) : []),
            ...differs('waited for a running snapshot', waited, expected.waited ?? false),
            ...differs('deleted', deleted, expected.deleted ?? []),
            ...differs(
              'manifests left of deleted snapshots',
              sandbox.snapshot().openSearch.objects.filter((object) => deleted.some((name) => object.key.endsWith(`/opsflow-manifests/${name}.json`))).map((object) => object.key),
              [],
            ),
          ],
        };
      },
    });

    const firstSnapshot: string[] = [];
    return [
      scheduled(
        `${ACTIVE} is active (search.corp.internal. points at its domain): its hourly run snapshots it into ${STANDBY}'s bucket while orders keep arriving`,
        ACTIVE,
        { role: 'active', snapshotState: 'SUCCESS', manifest: { customers: { before: 830, after: 830 }, orders: { before: 5400, after: 5440 }, products: { before: 1200, after: 1200 } } },
        async () => {
          await sandbox.clock.advance(secondsUntil(sandbox.clock.now(), 5));
          firstSnapshot.push(periodSnapshotName(sandbox.clock.now()));
          // 40 orders indexed a minute into the snapshot: the manifest's after-count sees them, its before-count does not.
          sandbox.clock.after(60, () => sandbox.indexDocuments(ACTIVE, DOMAIN, 'orders', 40));
        },
      ),
      scheduled(`${STANDBY} is the standby: its run keeps the repository registered read-only and takes nothing`, STANDBY, { role: 'standby' }),
      scheduled(
        `An hour later at :30 the service is taking its automated snapshot: the run waits it out, then takes its own`,
        ACTIVE,
        { role: 'active', snapshotState: 'SUCCESS', waited: true },
        async () => {
          await sandbox.clock.advance(secondsUntil(sandbox.clock.now(), 0));
          await sandbox.clock.advance(secondsUntil(sandbox.clock.now(), 30, 30));
        },
      ),
      scheduled('And the next hour', ACTIVE, { role: 'active', snapshotState: 'SUCCESS' }, () => sandbox.clock.advance(secondsUntil(sandbox.clock.now(), 5))),
      {
        title: `The schedule stops: the RPO alarm on ${ACTIVE} goes off once one of its whole periods (${rpoAlarm.periodSeconds} s, aligned to the clock) passes with no age reported`,
        async run() {
          const running = alarmState();
          await sandbox.clock.advance(2 * rpoAlarm.periodSeconds);
          const stopped = alarmState();
          return {
            shown: [`${rpoAlarm.alarmName}: ${running.state} while it ran; ${stopped.state} ${2 * rpoAlarm.periodSeconds} s after the last run (${stopped.reason})`],
            unexpected: [...differs('alarm while running', running.state, 'OK'), ...differs('alarm after the schedule stopped', stopped.state, 'ALARM')],
          };
        },
      },
      scheduled(
        'Fifteen days later the schedule runs again: retention (max age 14 d, min count 3) deletes the oldest snapshot, keeping three',
        ACTIVE,
        { role: 'active', snapshotState: 'SUCCESS', deleted: firstSnapshot },
        () => sandbox.clock.advance(15 * 24 * hour + secondsUntil(sandbox.clock.now(), 5)),
      ),
    ];
  },
};
