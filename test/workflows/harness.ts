import { readFileSync } from 'node:fs';
import { Engine } from '../../engine/engine.ts';
import { SandboxAccount, type SandboxOptions } from '../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../engine/target.ts';
import { parseConfig, type OpsflowConfig } from '../../handlers/shared/config.ts';
import { sampleWith } from '../../events/samples.ts';

export const ZONE = 'Z0OPSFLOWINTERNAL01';
export const WEBLOGIC_RECORD = 'admin.weblogic.corp.internal.';
export const REPORTS_RECORD = 'admin.reports.corp.internal.';

type Json = Record<string, unknown>;

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** The committed dev config, optionally changed by the test. */
export function devConfig(change: (raw: Json) => void = () => {}): OpsflowConfig {
  const raw = readJson('config/dev.json');
  change(raw);
  return parseConfig(raw, 'config/dev.json');
}

/**
 * A sandbox from a seed fixture (optionally changed) and an engine over it, built with the real
 * definitions, in the account's Region or `region`. `randomSeed` seeds both (ids, `fraction` fault
 * decisions, retry jitter).
 */
export async function world(
  options: { seed?: string; changeSeed?: (seed: Json) => void; sandbox?: SandboxOptions; config?: OpsflowConfig; randomSeed?: number; region?: string } = {},
): Promise<{ sandbox: SandboxAccount; engine: Engine; config: OpsflowConfig }> {
  const seed = readJson(options.seed ?? 'test/fixtures/sandbox/instance-dns.json');
  options.changeSeed?.(seed);
  const randomSeed = options.randomSeed === undefined ? {} : { randomSeed: options.randomSeed };
  const sandbox = SandboxAccount.fromSeed(seed, { ...randomSeed, ...options.sandbox });
  const config = options.config ?? devConfig();
  const engine = await regionEngine(sandbox, options.region ?? sandbox.region, { config, ...randomSeed });
  return { sandbox, engine, config };
}

/**
 * An engine for one Region's stack over a sandbox (its state machines and schedules, the one
 * account and clock): two of them run both Regions as AWS does. `engine.close()` stops the account's
 * OpenSearch endpoint once every engine over it has closed.
 */
export function regionEngine(sandbox: SandboxAccount, region: string, options: { config?: OpsflowConfig; randomSeed?: number } = {}): Promise<Engine> {
  const randomSeed = options.randomSeed === undefined ? {} : { randomSeed: options.randomSeed };
  return Engine.create({ config: options.config ?? devConfig(), target: sandboxTarget(sandbox, { region }), ...randomSeed });
}

/** A real Auto Scaling sample aimed at a sandbox instance. */
export function launchLifecycleEvent(instanceId: string, token: string, group = 'weblogic-admin', hook = 'opsflow-dns-launch') {
  return sampleWith('autoscaling/instance-launch-lifecycle-action.json', {
    AutoScalingGroupName: group,
    LifecycleHookName: hook,
    EC2InstanceId: instanceId,
    LifecycleActionToken: token,
  });
}

export function terminateLifecycleEvent(instanceId: string, token: string, group = 'weblogic-admin', hook = 'opsflow-dns-terminate') {
  return sampleWith('autoscaling/instance-terminate-lifecycle-action.json', {
    AutoScalingGroupName: group,
    LifecycleHookName: hook,
    EC2InstanceId: instanceId,
    LifecycleActionToken: token,
  });
}

export function launchSuccessfulEvent(instanceId: string, group = 'reports-admin') {
  return sampleWith('autoscaling/instance-launch-successful.json', { AutoScalingGroupName: group, EC2InstanceId: instanceId });
}

export function terminateSuccessfulEvent(instanceId: string, group = 'reports-admin') {
  return sampleWith('autoscaling/instance-terminate-successful.json', { AutoScalingGroupName: group, EC2InstanceId: instanceId });
}

export function recordValues(sandbox: SandboxAccount, name = WEBLOGIC_RECORD): string[] | undefined {
  return sandbox.record(ZONE, name, 'A')?.values;
}

export function lifecycleState(sandbox: SandboxAccount, instanceId: string): string | undefined {
  const groups = sandbox.snapshot().autoScaling.groups;
  return groups.flatMap((group) => group.instances).find((instance) => instance.instanceId === instanceId)?.lifecycleState;
}

export function instanceState(sandbox: SandboxAccount, instanceId: string): string | undefined {
  return sandbox.snapshot().ec2.instances.find((instance) => instance.instanceId === instanceId)?.state;
}

/** Names of the calls the workflow made, in order, e.g. 'route53.GetChange'. */
export function callNames(sandbox: SandboxAccount): string[] {
  return sandbox.calls.map((call) => `${call.service}.${call.operation}`);
}
