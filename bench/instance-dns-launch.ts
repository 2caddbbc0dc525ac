import { callNames, launchLifecycleEvent, lifecycleState, recordValues, WEBLOGIC_RECORD, world } from '../test/workflows/harness.ts';
import { code, table } from './markdown.ts';
import type { BenchSection, Goal, SectionReport } from './section.ts';

const MAX_TRANSITIONS = 12;
const SEED = 'test/fixtures/sandbox/instance-dns.json';
const CONFIG = 'config/dev.json';
const ADDRESS = '10.20.1.77';

/**
 * The instance-dns happy path, driven as the workflow tests drive it: a new instance waits on
 * the launch hook, the real Auto Scaling sample aimed at it goes to the engine's bus.
 */
export const instanceDnsLaunch: BenchSection = {
  title: 'instance-dns launch: state transitions and AWS API calls',
  async run(): Promise<SectionReport> {
    const { sandbox, engine } = await world({ seed: SEED });
    const { instanceId, lifecycleActionToken } = sandbox.launchInstance({ group: 'weblogic-admin', privateIpAddress: ADDRESS, withLifecycleAction: true });
    const executions = await engine.send(launchLifecycleEvent(instanceId, lifecycleActionToken ?? ''));
    const [execution] = executions;
    const record = recordValues(sandbox);
    const lifecycle = lifecycleState(sandbox, instanceId);
    const calls = callNames(sandbox);
    const transitions = execution?.transitions ?? Number.NaN;
    const outcome = `${execution?.status ?? 'no execution'}; ${WEBLOGIC_RECORD} → ${record?.join(',') ?? '(none)'}; ${instanceId} ${lifecycle ?? '(not in group)'}`;

    const goals: Goal[] = [
      {
        goal: `happy path: one execution SUCCEEDED, record → ${ADDRESS}, instance InService`,
        measured: `${executions.length} execution(s): ${outcome}`,
        met: executions.length === 1 && execution?.status === 'SUCCEEDED' && record?.join(',') === ADDRESS && lifecycle === 'InService',
      },
      { goal: `≤ ${MAX_TRANSITIONS} state transitions per launch`, measured: String(transitions), met: transitions <= MAX_TRANSITIONS },
    ];
    const states = (execution?.states ?? []).map((state, index) => [index + 1, code(state.name), state.type, state.status, state.retries]);
    const body = [
      `A launch with a lifecycle hook against ${code(SEED)} and ${code(CONFIG)}: \`sandbox.launchInstance\` puts a new instance ` +
        `(${ADDRESS}) in Pending:Wait in weblogic-admin, and the real sample \`autoscaling/instance-launch-lifecycle-action.json\` ` +
        `aimed at it goes to \`engine.send\`. Transitions are the execution record's \`transitions\` (states entered plus retries: ` +
        `what Step Functions bills); calls are \`sandbox.calls\`, every SDK call that reached the sandbox.`,
      '',
      table(['measure', 'value'], [
        ['outcome', outcome],
        ['state transitions', transitions],
        ['AWS API calls', calls.length],
      ]),
      '',
      'States entered, in order:',
      '',
      table(['#', 'state', 'type', 'status', 'retries'], states, ['#', 'retries']),
      '',
      'AWS API calls, in order:',
      '',
      table(['#', 'call', 'error'], sandbox.calls.map((call, index) => [index + 1, code(`${call.service}.${call.operation}`), call.error ?? ''])),
    ].join('\n');
    return { body, goals, summary: [`instance-dns launch: ${transitions} transitions, ${calls.length} AWS API calls (${calls.join(', ')})`] };
  },
};
