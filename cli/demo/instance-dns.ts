import type { ExecutionRecord } from '../../engine/engine.ts';
import { sampleWith } from '../../events/samples.ts';
import type { DnsPlan } from '../../handlers/dns/plan-dns-change/task.ts';
import { causeMessage } from '../format.ts';
import { differs, type Step, type Story, type StepResult } from './runner.ts';

/**
 * The instance-DNS story: real Auto Scaling event samples aimed at sandbox instances of the
 * weblogic-admin group (config/dev.json), and the schedule repairing drift.
 */

const ZONE = 'Z0OPSFLOWINTERNAL01';
const RECORD = 'admin.weblogic.corp.internal.';
const GROUP = 'weblogic-admin';

interface Expected {
  status: ExecutionRecord['status'];
  verdict?: DnsPlan['verdict'];
  error?: string;
  /** The record's value after the step; null when there is none. */
  record: string | null;
}

export const instanceDnsStory: Story = {
  title: 'instance-dns',
  workflows: ['instance-dns', 'dns-reconcile'],
  summary: ({ engine, sandbox }) => `${engine.executions.length} executions, ${sandbox.calls.length} AWS API calls to the sandbox`,
  steps({ sandbox, engine }) {
    const recordValue = () => sandbox.record(ZONE, RECORD, 'A')?.values.join(',') ?? null;
    const groupInstances = () => sandbox.snapshot().autoScaling.groups.find((group) => group.name === GROUP)?.instances ?? [];
    const groupState = () => groupInstances().map((instance) => `${instance.instanceId} ${instance.lifecycleState}`).join(', ');
    const only = async (event: unknown): Promise<ExecutionRecord> => {
      const [record] = await engine.send(event);
      if (!record) throw new RangeError('the event matched no workflow');
      return record;
    };
    const launchEvent = (instanceId: string, token: string) =>
      sampleWith('autoscaling/instance-launch-lifecycle-action.json', { AutoScalingGroupName: GROUP, LifecycleHookName: 'opsflow-dns-launch', EC2InstanceId: instanceId, LifecycleActionToken: token });
    const terminateEvent = (instanceId: string, token: string) =>
      sampleWith('autoscaling/instance-terminate-lifecycle-action.json', { AutoScalingGroupName: GROUP, LifecycleHookName: 'opsflow-dns-terminate', EC2InstanceId: instanceId, LifecycleActionToken: token });

    /** The execution's status and verdict (or reconcile summary, or error), the record and the group, against what was expected. */
    const step = (title: string, run: () => Promise<ExecutionRecord>, expected: Expected, note?: () => string): Step => ({
      title,
      async run(): Promise<StepResult> {
        const record = await run();
        const plan = (record.output as { plan?: DnsPlan } | undefined)?.plan;
        const reconcile = (record.output as { report?: { summary: string } } | undefined)?.report;
        const outcome = record.status === 'SUCCEEDED' ? (plan ? `${plan.verdict}: ${plan.reason}` : (reconcile?.summary ?? 'done')) : `${record.error}: ${causeMessage(record.cause)}`;
        return {
          shown: [...(note ? [note()] : []), `${record.status} in ${record.transitions} transitions — ${outcome}`, `${RECORD} → ${recordValue() ?? '(no record)'}   group: ${groupState()}`],
          unexpected: [
            ...differs('status', record.status, expected.status),
            ...(expected.verdict ? differs('verdict', plan?.verdict, expected.verdict) : []),
            ...(expected.error ? differs('error', record.error, expected.error) : []),
            ...differs('record', recordValue(), expected.record),
          ],
        };
      },
    });

    const original = groupInstances()[0]?.instanceId ?? '';
    const replacement = sandbox.launchInstance({ group: GROUP, privateIpAddress: '10.20.1.77', withLifecycleAction: true });
    const firstLaunch = launchEvent(replacement.instanceId, replacement.lifecycleActionToken ?? '');
    let retired: { lifecycleActionToken?: string } = {};
    let healthy = '';

    return [
      step(`launch ${replacement.instanceId} (10.20.1.77), waiting in Pending:Wait on the launch hook`, () => only(firstLaunch), { status: 'SUCCEEDED', verdict: 'change', record: '10.20.1.77' }),
      step('the same launch event delivered again', () => only(firstLaunch), { status: 'SUCCEEDED', verdict: 'in-sync', record: '10.20.1.77' }),
      step(
        `a stale launch event for the older instance ${original}, now being retired`,
        () => {
          retired = sandbox.terminateInstance({ instanceId: original, withLifecycleAction: true });
          return only(launchEvent(original, 'stale-token'));
        },
        { status: 'SUCCEEDED', verdict: 'skip', record: '10.20.1.77' },
      ),
      step(`terminate of the older instance ${original}: the record points elsewhere`, () => only(terminateEvent(original, retired.lifecycleActionToken ?? '')), {
        status: 'SUCCEEDED',
        verdict: 'skip',
        record: '10.20.1.77',
      }),
      step(
        `terminate of ${replacement.instanceId}, which the record points at`,
        () => {
          const terminating = sandbox.terminateInstance({ instanceId: replacement.instanceId, withLifecycleAction: true });
          return only(terminateEvent(replacement.instanceId, terminating.lifecycleActionToken ?? ''));
        },
        { status: 'SUCCEEDED', verdict: 'change', record: null },
      ),
      step(
        'a launch whose instance has a public address is refused',
        () => {
          const rogue = sandbox.launchInstance({ group: GROUP, privateIpAddress: '54.239.28.85', withLifecycleAction: true });
          return only(launchEvent(rogue.instanceId, rogue.lifecycleActionToken ?? ''));
        },
        { status: 'FAILED', error: 'AddressNotAllowed', record: null },
      ),
      step(
        'drift: someone points the record at 10.20.9.99 by hand, and the schedule reconciles',
        () => {
          sandbox.terminateInstance({ instanceId: groupInstances()[0]?.instanceId ?? '' });
          healthy = sandbox.launchInstance({ group: GROUP, privateIpAddress: '10.20.1.90', withLifecycleAction: false }).instanceId;
          sandbox.setRecord(ZONE, { name: RECORD, type: 'A', ttl: 60, values: ['10.20.9.99'] });
          return engine.runSchedule('dns-reconcile');
        },
        { status: 'SUCCEEDED', record: '10.20.1.90' },
        () => `(${healthy} is InService at 10.20.1.90; the record was set to 10.20.9.99)`,
      ),
    ];
  },
};
