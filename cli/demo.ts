import { Engine, type ExecutionRecord } from '../engine/engine.ts';
import { applyFaults, type FaultsFile } from '../engine/faults-file.ts';
import { SandboxAccount } from '../engine/sandbox/index.ts';
import { sandboxTarget } from '../engine/target.ts';
import { sampleWith } from '../events/samples.ts';
import type { DnsPlan } from '../handlers/dns/plan-dns-change/task.ts';
import { causeMessage } from './format.ts';
import { DEFAULT_CONFIG, DEFAULT_SANDBOX, readConfig, readJsonFile } from './files.ts';
import { runSecurityStory } from './demo-security.ts';

/**
 * The main job on the local engine and the sandbox (`npm start`): the instance-DNS story told
 * with real Auto Scaling event samples aimed at sandbox instances. Every step states what must
 * come out; the demo exits non-zero if any does not.
 */

const ZONE = 'Z0OPSFLOWINTERNAL01';
const RECORD = 'admin.weblogic.corp.internal.';
const GROUP = 'weblogic-admin';

export interface Output {
  out(line: string): void;
}

interface Step {
  title: string;
  run(): Promise<ExecutionRecord>;
  expect: { status: ExecutionRecord['status']; verdict?: DnsPlan['verdict']; record: string | null; error?: string };
}


/** Both stories, each on a fresh sandbox (with `faults`, the --faults rules applied to each); exit 0 only when every step came out as expected. */
export async function runDemo(output: Output, options: { readonly faults?: FaultsFile | undefined } = {}): Promise<number> {
  const config = await readConfig(DEFAULT_CONFIG);
  const seed = await readJsonFile(DEFAULT_SANDBOX, 'sandbox seed');
  const world = async () => {
    const sandbox = SandboxAccount.fromSeed(seed, { source: DEFAULT_SANDBOX });
    const engine = await Engine.create({ config, target: sandboxTarget(sandbox) });
    if (options.faults) applyFaults(options.faults, { engine, sandbox });
    return { sandbox, engine };
  };
  const failures = (await runDnsStory(await world(), output)) + (await runSecurityStory(await world(), output));
  return failures === 0 ? 0 : 1;
}

export interface World {
  sandbox: SandboxAccount;
  engine: Engine;
}

async function runDnsStory({ sandbox, engine }: World, output: Output): Promise<number> {
  const recordValue = () => sandbox.record(ZONE, RECORD, 'A')?.values.join(',') ?? null;
  const groupState = () =>
    sandbox
      .snapshot()
      .autoScaling.groups.find((group) => group.name === GROUP)
      ?.instances.map((instance) => `${instance.instanceId} ${instance.lifecycleState}`)
      .join(', ') ?? '';
  const only = async (event: unknown): Promise<ExecutionRecord> => {
    const [record] = await engine.send(event);
    if (!record) throw new RangeError('the event matched no workflow');
    return record;
  };
  const launchEvent = (instanceId: string, token: string) =>
    sampleWith('autoscaling/instance-launch-lifecycle-action.json', { AutoScalingGroupName: GROUP, LifecycleHookName: 'opsflow-dns-launch', EC2InstanceId: instanceId, LifecycleActionToken: token });
  const terminateEvent = (instanceId: string, token: string) =>
    sampleWith('autoscaling/instance-terminate-lifecycle-action.json', { AutoScalingGroupName: GROUP, LifecycleHookName: 'opsflow-dns-terminate', EC2InstanceId: instanceId, LifecycleActionToken: token });

  const original = sandbox.snapshot().autoScaling.groups.find((group) => group.name === GROUP)?.instances[0]?.instanceId ?? '';
  const replacement = sandbox.launchInstance({ group: GROUP, privateIpAddress: '10.20.1.77', withLifecycleAction: true });
  const firstLaunch = launchEvent(replacement.instanceId, replacement.lifecycleActionToken ?? '');
  let retired: { lifecycleActionToken?: string } = {};

  const steps: Step[] = [
    {
      title: `launch ${replacement.instanceId} (10.20.1.77), waiting in Pending:Wait on the launch hook`,
      run: () => only(firstLaunch),
      expect: { status: 'SUCCEEDED', verdict: 'change', record: '10.20.1.77' },
    },
    {
      title: 'the same launch event delivered again',
      run: () => only(firstLaunch),
      expect: { status: 'SUCCEEDED', verdict: 'in-sync', record: '10.20.1.77' },
    },
    {
      title: `a stale launch event for the older instance ${original}, now being retired`,
      run: async () => {
        retired = sandbox.terminateInstance({ instanceId: original, withLifecycleAction: true });
        return only(launchEvent(original, 'stale-token'));
      },
      expect: { status: 'SUCCEEDED', verdict: 'skip', record: '10.20.1.77' },
    },
    {
      title: `terminate of the older instance ${original}: the record points elsewhere`,
      run: () => only(terminateEvent(original, retired.lifecycleActionToken ?? '')),
      expect: { status: 'SUCCEEDED', verdict: 'skip', record: '10.20.1.77' },
    },
    {
      title: `terminate of ${replacement.instanceId}, which the record points at`,
      run: () => {
        const terminating = sandbox.terminateInstance({ instanceId: replacement.instanceId, withLifecycleAction: true });
        return only(terminateEvent(replacement.instanceId, terminating.lifecycleActionToken ?? ''));
      },
      expect: { status: 'SUCCEEDED', verdict: 'change', record: null },
    },
    {
      title: 'a launch whose instance has a public address is refused',
      run: () => {
        const rogue = sandbox.launchInstance({ group: GROUP, privateIpAddress: '54.239.28.85', withLifecycleAction: true });
        return only(launchEvent(rogue.instanceId, rogue.lifecycleActionToken ?? ''));
      },
      expect: { status: 'FAILED', error: 'AddressNotAllowed', record: null },
    },
    {
      title: 'drift: someone points the record at 10.20.9.99 by hand, and the schedule reconciles',
      run: async () => {
        sandbox.terminateInstance({ instanceId: sandbox.snapshot().autoScaling.groups.find((group) => group.name === GROUP)?.instances[0]?.instanceId ?? '' });
        const healthy = sandbox.launchInstance({ group: GROUP, privateIpAddress: '10.20.1.90', withLifecycleAction: false });
        sandbox.setRecord(ZONE, { name: RECORD, type: 'A', ttl: 60, values: ['10.20.9.99'] });
        output.out(`    (${healthy.instanceId} is InService at 10.20.1.90; record set to 10.20.9.99)`);
        return engine.runSchedule('dns-reconcile');
      },
      expect: { status: 'SUCCEEDED', record: '10.20.1.90' },
    },
  ];

  let failures = 0;
  output.out('opsflow demo: instance-dns on the local engine against the sandbox account\n');
  for (const [index, step] of steps.entries()) {
    output.out(`${index + 1}. ${step.title}`);
    const record = await step.run();
    const plan = (record.output as { plan?: DnsPlan } | undefined)?.plan;
    const reconcile = (record.output as { report?: { summary: string } } | undefined)?.report;
    const outcome = record.status === 'SUCCEEDED' ? (plan ? `${plan.verdict}: ${plan.reason}` : (reconcile?.summary ?? 'done')) : `${record.error}: ${causeMessage(record.cause)}`;
    output.out(`   ${record.status} in ${record.transitions} transitions — ${outcome}`);
    output.out(`   ${RECORD} → ${recordValue() ?? '(no record)'}   group: ${groupState()}`);
    const wrong = [
      record.status !== step.expect.status && `status ${record.status}, expected ${step.expect.status}`,
      step.expect.verdict && plan?.verdict !== step.expect.verdict && `verdict ${plan?.verdict}, expected ${step.expect.verdict}`,
      step.expect.error && record.error !== step.expect.error && `error ${record.error}, expected ${step.expect.error}`,
      recordValue() !== step.expect.record && `record ${recordValue()}, expected ${step.expect.record}`,
    ].filter(Boolean);
    if (wrong.length > 0) {
      failures += 1;
      output.out(`   ✗ unexpected: ${wrong.join('; ')}`);
    }
    output.out('');
  }
  const executions = engine.executions.length;
  output.out(`${steps.length - failures} of ${steps.length} steps as expected; ${executions} executions, ${sandbox.calls.length} AWS API calls to the sandbox\n`);
  return failures;
}
