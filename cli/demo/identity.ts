import type { ExecutionRecord } from '../../engine/engine.ts';
import { loadSample, type SampleEvent } from '../../events/samples.ts';
import type { IdentityTarget } from '../../handlers/identity/parse-identity-event/task.ts';
import type { ReconcilePlan } from '../../handlers/identity/plan-identity-reconcile/task.ts';
import type { IdentitySyncPlan } from '../../handlers/identity/plan-identity-sync/task.ts';
import { causeMessage } from '../format.ts';
import { differs, type Step, type Story } from './runner.ts';

/**
 * The identity story: IAM Identity Center's SCIM CloudTrail records (events/samples/identity/, as
 * AWS publishes them: every name and attribute masked) aimed at users of the sandbox's identity
 * store, identity-sync bringing their QuickSight users and managed groups in line, then
 * identity-reconcile's dry run, apply and mass-change guard for what no event announced. The store
 * and QuickSight account are those of config/dev.json's identitySync (store d-93677a1b2c, managed
 * groups by list, users registered as the federated role QuickSightReader).
 */

const ROLE = 'QuickSightReader';
const quickSightName = (email: string) => `${ROLE}/${email}`;

/** AWS's SCIM CreateUser record, naming the new user in `responseElements.id` (where SCIM puts it). */
function scimCreateUser(userId: string): SampleEvent {
  const event = loadSample('identity/scim-create-user.json') as SampleEvent;
  return { ...event, detail: { ...event.detail, responseElements: { ...(event.detail.responseElements as object), id: userId } } };
}

/**
 * A successful SCIM call naming a user or group in `requestParameters.id`: AWS publishes only failed
 * PatchUser and PatchGroup records, so the success is the published one without `errorCode` and
 * `errorMessage` (events/samples/README.md, how variants are built from documented fields).
 */
function scimCall(sample: 'identity/scim-patch-user-failed.json' | 'identity/scim-patch-group-failed.json', id: string): SampleEvent {
  const event = loadSample(sample) as SampleEvent;
  const { errorCode: _code, errorMessage: _message, ...detail } = event.detail;
  return { ...event, detail: { ...detail, requestParameters: { ...(detail.requestParameters as object), id } } };
}

interface Expected {
  /** Default SUCCEEDED. */
  status?: ExecutionRecord['status'];
  error?: string;
  /** identity-sync: what ParseIdentityEvent made of the event; identity-reconcile: the plan's verdict. */
  verdict?: string;
  /** Each QuickSight user's groups after the step, by user name, sorted. */
  groups: Record<string, string[]>;
  /** QuickSight users that must exist after the step, with the e-mail and role registered. */
  users?: Record<string, { email: string; role: string }>;
  /** Every QuickSight user and membership as before the step. */
  unchanged?: boolean;
}

interface IdentityOutput {
  target?: IdentityTarget;
  plan?: IdentitySyncPlan | ReconcilePlan;
  report?: { applied: Record<string, number> } | null;
}

export const identityStory: Story = {
  title: 'identity-sync and identity-reconcile',
  workflows: ['identity-sync', 'identity-reconcile'],
  summary: ({ engine, sandbox }) =>
    `${engine.executions.length} executions, ${sandbox.callCount('identitystore')} identity store calls, ${sandbox.callCount('quicksight')} QuickSight calls`,
  steps({ sandbox, engine }) {
    const userId = (userName: string) => {
      const user = sandbox.snapshot().identityStore.users.find((candidate) => candidate.UserName === userName);
      if (!user) throw new RangeError(`the sandbox seed has no identity store user ${userName}`);
      return user.UserId;
    };
    const quickSight = () => sandbox.snapshot().quickSight;
    const groupsOf = (memberName: string) =>
      quickSight()
        .memberships.filter((membership) => membership.memberName === memberName)
        .map((membership) => membership.groupName)
        .sort();
    const quickSightUser = (userName: string) => quickSight().users.find((user) => user.userName === userName);
    /** What people see in QuickSight: its users and every membership. */
    const everything = () => {
      const { users, memberships } = quickSight();
      return { users: users.map((user) => `${user.userName} ${user.role}`), memberships: memberships.map((membership) => `${membership.groupName} ${membership.memberName}`) };
    };

    /** One execution, as expected, with the groups and users expected read back from QuickSight. */
    const step = (title: string, act: () => Promise<ExecutionRecord[]>, expected: Expected): Step => ({
      title,
      async run() {
        const before = everything();
        const records = await act();
        const [record] = records as [ExecutionRecord?];
        const output = record?.output as IdentityOutput | undefined;
        const reconcile = record?.workflow === 'identity-reconcile';
        const verdict = reconcile ? output?.plan?.verdict : output?.target?.verdict;
        const plan = output?.plan;
        let outcome: string;
        if (record?.error) outcome = `${record.error}: ${causeMessage(record.cause)}`;
        else if (plan && 'counts' in plan) outcome = `${plan.verdict}: ${JSON.stringify(plan.counts)}`;
        else outcome = `${verdict}: ${plan?.reason ?? output?.target?.reason ?? 'done'}`;
        const changes =
          plan && 'report' in plan
            ? plan.report.map((change) => `${change.action} ${change.groupName ?? ''}${change.groupCreated ? ' (group created)' : ''}: ${change.outcome}`.replace(' :', ':'))
            : Object.entries(output?.report?.applied ?? {})
                .filter(([, count]) => count > 0)
                .map(([action, count]) => `${action} ×${count}`);
        return {
          shown: [
            `${record?.status ?? 'no execution'} in ${record?.transitions ?? 0} transitions — ${outcome}`,
            ...(changes.length > 0 ? [`changes: ${changes.join('; ')}`] : []),
            ...Object.keys(expected.groups).map((name) => `${name}: ${quickSightUser(name) ? groupsOf(name).join(', ') || '(no group)' : '(no QuickSight user)'}`),
          ],
          unexpected: [
            ...differs('executions', records.length, 1),
            ...differs('status', record?.status, expected.status ?? 'SUCCEEDED'),
            ...(expected.error ? differs('error', record?.error, expected.error) : []),
            ...(expected.verdict ? differs('verdict', verdict, expected.verdict) : []),
            ...Object.entries(expected.groups).flatMap(([name, groups]) => differs(`${name} groups`, groupsOf(name), groups)),
            ...Object.entries(expected.users ?? {}).flatMap(([name, user]) => {
              const actual = quickSightUser(name);
              return differs(`QuickSight user ${name}`, actual && { email: actual.email, role: actual.role }, user);
            }),
            ...(expected.unchanged ? differs('QuickSight', everything(), before) : []),
          ],
        };
      },
    });
    /** The IdP changed the user (attributes as the API names them), then SCIM's record of it arrives. */
    const scimChange = (userName: string, attributes: Record<string, unknown>) => () => {
      sandbox.provisionIdentityStoreUser(userId(userName), attributes);
      return engine.send(scimCall('identity/scim-patch-user-failed.json', userId(userName)));
    };

    const chen = quickSightName('chen.wei@example.com');
    const eva = quickSightName('eva.lindqvist@example.com');
    const frank = quickSightName('frank.moreau@example.com');
    const alice = quickSightName('alice.martin@example.com');
    const bruno = quickSightName('bruno.costa@example.com');
    const dana = quickSightName('dana.okafor@example.com');
    const salesGroupId = () => {
      const group = sandbox.snapshot().identityStore.groups.find((candidate) => candidate.DisplayName === 'Sales');
      if (!group) throw new RangeError('the sandbox seed has no identity store group Sales');
      return group.GroupId;
    };

    return [
      step(
        'the IdP promotes Chen Wei to Sales-Director; SCIM PatchUser arrives with every attribute masked, and the workflow reads Chen from the store',
        scimChange('chen.wei@example.com', { Title: 'Sales-Director' }),
        { verdict: 'sync-user', groups: { [chen]: ['Sales-Director'] } },
      ),
      step('a new hire, Eva Lindqvist, arrives over SCIM CreateUser: registered in QuickSight and put in her group', () => engine.send(scimCreateUser(userId('eva.lindqvist@example.com'))), {
        verdict: 'sync-user',
        groups: { [eva]: ['Engineering-Developer'] },
        users: { [eva]: { email: 'eva.lindqvist@example.com', role: 'READER' } },
      }),
      step('a SCIM PatchGroup of Sales whose members are masked: it names no user, so nothing changes', () => engine.send(scimCall('identity/scim-patch-group-failed.json', salesGroupId())), {
        verdict: 'group-only',
        groups: { [chen]: ['Sales-Director'], [frank]: ['Sales-Analyst'] },
        unchanged: true,
      }),
      step('Frank Moreau leaves: the IdP deactivates him, and his managed memberships are removed (his QuickSight user is kept)', scimChange('frank.moreau@example.com', { UserStatus: 'DISABLED' }), {
        verdict: 'sync-user',
        groups: { [frank]: [] },
        users: { [frank]: { email: 'frank.moreau@example.com', role: 'READER' } },
      }),
      step('Alice Martin becomes Finance-Manager: her managed group changes, BI-Admins (assigned by hand) is left alone', scimChange('alice.martin@example.com', { Title: 'Finance-Manager' }), {
        verdict: 'sync-user',
        groups: { [alice]: ['BI-Admins', 'Finance-Manager'] },
      }),
      step(
        'Bruno Costa and Dana Okafor were provisioned before opsflow ran, so no event named them: a reconcile dry run shows the plan and changes nothing',
        async () => [await engine.run('identity-reconcile', { dryRun: true })],
        { verdict: 'dry-run', groups: { [bruno]: [], [dana]: [] }, unchanged: true },
      ),
      step('the same reconcile, applied', async () => [await engine.run('identity-reconcile', { dryRun: false })], {
        groups: { [bruno]: ['Finance-Manager'], [dana]: ['Sales-Director'] },
        users: { [bruno]: { email: 'bruno.costa@example.com', role: 'READER' }, [dana]: { email: 'dana.okafor@example.com', role: 'READER' } },
      }),
      step(
        'a broken IdP connection deactivates all of Sales: the scheduled reconcile would remove 2 of the 5 managed memberships, over the share allowed, and the guard stops it before any change',
        async () => {
          for (const userName of ['chen.wei@example.com', 'dana.okafor@example.com']) sandbox.provisionIdentityStoreUser(userId(userName), { UserStatus: 'DISABLED' });
          return [await engine.runSchedule('identity-reconcile')];
        },
        { status: 'FAILED', error: 'MassChangeRefused', groups: { [chen]: ['Sales-Director'], [dana]: ['Sales-Director'] }, unchanged: true },
      ),
    ];
  },
};
