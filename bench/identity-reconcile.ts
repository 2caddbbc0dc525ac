import { performance } from 'node:perf_hooks';
import { maxPayloadBytes } from '../engine/limits.ts';
import { largeIdentityWorld } from '../test/workflows/scenarios/identity-reconcile.ts';
import { code, table } from './markdown.ts';
import type { BenchSection, SectionReport } from './section.ts';

/**
 * identity-reconcile at 10,000 users and 200 managed groups with 1% drift, against replaying AWS's
 * published per-user Lambda for every user ("Manage users and group memberships on Amazon
 * QuickSight using SCIM events generated in IAM Identity Center with Azure AD",
 * https://aws.amazon.com/blogs/big-data/manage-users-and-group-memberships-on-amazon-quicksight-using-scim-events-generated-in-iam-identity-center-with-azure-ad/).
 */

const USERS = 10_000;
const GROUPS = 200;
const DRIFT = 100;

/** Step Functions Standard, us-east-1 list price. */
const PRICE_PER_TRANSITION = 0.025 / 1000;

/**
 * The calls one invocation of the published Lambda makes for one user, as issue 8 describes it (the
 * post's code was not readable here, so this is a model, not a count of its source): read the user
 * in the identity store (DescribeUser), find its QuickSight user (DescribeUser), list its groups
 * (ListUserGroups), create the group of its Title (CreateGroup, answered "exists" when it does),
 * add the membership (CreateGroupMembership), and remove every other group (DeleteGroupMembership
 * each). Five calls, plus one for each other group.
 */
const REPLAY_CALLS_PER_USER = 5;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export const identityReconcileBench: BenchSection = {
  title: 'identity-reconcile: 10,000 users and 200 groups with 1% drift, against replaying the per-user Lambda',
  async run(context): Promise<SectionReport> {
    context.progress('identity-reconcile: building 10,000 users and 200 groups');
    const { engine, sandbox } = await largeIdentityWorld({ users: USERS, groups: GROUPS, drift: DRIFT });
    const { memberships } = sandbox.snapshot().quickSight;
    const otherGroups = memberships.length - (USERS - DRIFT / 2 - DRIFT / 2);
    const replayCalls = USERS * REPLAY_CALLS_PER_USER + otherGroups;

    const callsBefore = sandbox.calls.length;
    context.progress('identity-reconcile: running the schedule');
    const started = performance.now();
    const run = await engine.runSchedule('identity-reconcile');
    const wallSeconds = (performance.now() - started) / 1000;
    const calls = sandbox.calls.slice(callsBefore);
    const byOperation = new Map<string, number>();
    for (const call of calls) byOperation.set(`${call.service}:${call.operation}`, (byOperation.get(`${call.service}:${call.operation}`) ?? 0) + 1);
    // The final state holds the plan (with its batch), the batch's results and the report: the largest state of a one-round run.
    const outputBytes = Buffer.byteLength(JSON.stringify(run.output ?? null));
    const ratio = replayCalls / calls.length;
    const planned = (run.output as { plan?: { counts?: Record<string, number> } } | undefined)?.plan?.counts ?? {};

    const body = [
      `${USERS.toLocaleString('en')} identity store users, ${GROUPS} managed groups (${code('qs-Team<n>-Analyst')}, from each user's Title), every user registered in ` +
        `QuickSight and in its group except ${DRIFT} (1%): ${DRIFT / 2} never registered, ${DRIFT / 2} in the next team's group. One scheduled run through the real ` +
        'ASL on the local engine against the sandbox; calls are what the sandbox recorded, transitions what the engine recorded.',
      '',
      `The replay is AWS's published pattern (one Lambda per user change; ${code('bench/identity-reconcile.ts')} cites the post) run once for every user: ` +
        `modelled at ${REPLAY_CALLS_PER_USER} calls a user plus one DeleteGroupMembership for each other group it is in (the post's code could not be read here: ` +
        'the model follows issue 8\'s description, and AWS\'s own estimate is about six).',
      '',
      table(
        ['', 'AWS API calls', 'state transitions', 'Step Functions $', 'largest state', 'sandbox wall time'],
        [
          ['identity-reconcile', calls.length, run.transitions, `$${(run.transitions * PRICE_PER_TRANSITION).toFixed(4)}`, `${kib(outputBytes)} (${((100 * outputBytes) / maxPayloadBytes).toFixed(0)}% of 256 KiB)`, `${wallSeconds.toFixed(1)} s`],
          ['replay of the per-user Lambda', replayCalls, '—', '—', '—', '—'],
        ],
        ['AWS API calls', 'state transitions'],
      ),
      '',
      table(['operation', 'calls'], [...byOperation.entries()].sort(([a], [b]) => a.localeCompare(b)), ['calls']),
      '',
      `Planned and applied: ${JSON.stringify(planned)}. Run: ${run.status}${run.error ? ` (${run.error})` : ''}.`,
    ].join('\n');

    return {
      body,
      goals: [
        { goal: 'the run converges', measured: run.status, met: run.status === 'SUCCEEDED' },
        { goal: '≥ 50× fewer AWS API calls than the replay', measured: `${calls.length} vs ${replayCalls} (${ratio.toFixed(0)}×)`, met: ratio >= 50 },
        { goal: 'every state within 256 KiB (the engine enforces it; the largest is the final state)', measured: kib(outputBytes), met: run.status === 'SUCCEEDED' && outputBytes <= maxPayloadBytes },
      ],
      summary: [`identity-reconcile: ${calls.length} calls vs ${replayCalls} replayed (${ratio.toFixed(0)}×), ${run.transitions} transitions, largest state ${kib(outputBytes)}, ${wallSeconds.toFixed(1)} s`],
    };
  },
};
