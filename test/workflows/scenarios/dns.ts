import type { SandboxAccount } from '../../../engine/sandbox/index.ts';
import { launchLifecycleEvent, recordValues, REPORTS_RECORD, terminateSuccessfulEvent, WEBLOGIC_RECORD, world, ZONE } from '../harness.ts';
import { executionsOf, type Scenario } from './scenario.ts';

const REPORTS = 'i-0b7e4d1c8a6f52001';

/** The records and where every group instance is in its lifecycle: what DNS workflows must get right. */
function dnsOutcome(sandbox: SandboxAccount): unknown {
  const { autoScaling } = sandbox.snapshot();
  return {
    records: { weblogic: recordValues(sandbox, WEBLOGIC_RECORD) ?? null, reports: recordValues(sandbox, REPORTS_RECORD) ?? null },
    instances: Object.fromEntries(autoScaling.groups.flatMap((group) => group.instances.map((instance) => [instance.instanceId, instance.lifecycleState]))),
    openLifecycleActions: autoScaling.lifecycleActions.length,
  };
}

/** A new weblogic-admin instance waiting in Pending:Wait, and its launch lifecycle event. */
async function launch(address: string, randomSeed?: number) {
  const context = await world({ randomSeed });
  const { instanceId, lifecycleActionToken } = context.sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: address, withLifecycleAction: true, replacement: true });
  return { ...context, event: launchLifecycleEvent(instanceId, lifecycleActionToken ?? '') };
}

export const dnsScenarios: readonly Scenario[] = [
  {
    name: 'a launch with a lifecycle hook takes the record, then completes the action',
    async setup(randomSeed) {
      const { engine, sandbox, event } = await launch('10.20.1.77', randomSeed);
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(event)) };
    },
    outcome: dnsOutcome,
  },
  {
    name: 'the same launch event arrives twice',
    async setup() {
      const { engine, sandbox, event } = await launch('10.20.1.78');
      return {
        engine,
        sandbox,
        act: () =>
          executionsOf(engine, async () => {
            await engine.send(event);
            await engine.send(event);
          }),
      };
    },
    outcome: dnsOutcome,
  },
  {
    name: 'a guard refuses a public address and releases the instance',
    async setup() {
      const { engine, sandbox, event } = await launch('203.0.113.9');
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(event)) };
    },
    outcome: dnsOutcome,
  },
  {
    name: 'Terminate Successful in a group without hooks: the record follows the remaining instance',
    async setup() {
      const { engine, sandbox } = await world();
      sandbox.launchInstance({ group: 'reports-admin', privateIpAddress: '10.30.4.4' });
      sandbox.terminateInstance({ instanceId: REPORTS });
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(terminateSuccessfulEvent(REPORTS))) };
    },
    outcome: dnsOutcome,
  },
  {
    name: 'a replayed launch of a replacement already in service (released by a failed run) takes the record',
    async setup() {
      const { engine, sandbox, event } = await launch('10.20.1.79');
      engine.injectFault({ service: 'ec2', workflow: 'instance-dns', state: 'DescribeInstance', error: 'RequestLimitExceeded' });
      await engine.send(event);
      engine.clearFaults();
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.send(event)) };
    },
    outcome: dnsOutcome,
  },
  {
    name: 'the schedule follows the newest instance while a replacement is under way',
    async setup() {
      const { engine, sandbox } = await world();
      sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: '10.20.1.80', replacement: true });
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.runSchedule('dns-reconcile')) };
    },
    outcome: dnsOutcome,
  },
  {
    name: 'the schedule reconciles a record that drifted',
    async setup(randomSeed) {
      const { engine, sandbox } = await world({ randomSeed });
      sandbox.setRecord(ZONE, { name: WEBLOGIC_RECORD, type: 'A', ttl: 60, values: ['10.20.9.99'] });
      return { engine, sandbox, act: () => executionsOf(engine, () => engine.runSchedule('dns-reconcile')) };
    },
    outcome: dnsOutcome,
  },
];
