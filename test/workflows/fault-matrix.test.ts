import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { allStates, parseTaskResource, type TaskResource } from '../../cli/asl.ts';
import type { Engine, ExecutionRecord, StateRecord } from '../../engine/engine.ts';
import type { FaultRule } from '../../engine/faults.ts';
import type { SandboxAccount } from '../../engine/sandbox/index.ts';
import { serviceErrorsFor } from '../../engine/service-errors.ts';
import { definitionPath } from '../../workflows/definition.ts';
import { workflows } from '../../workflows/index.ts';
import type { JsonValue } from '../../workflows/types.ts';
import { dnsScenarios } from './scenarios/dns.ts';
import { findingScenarios } from './scenarios/findings.ts';
import { identityScenarios } from './scenarios/identity.ts';
import { identityReconcileScenarios } from './scenarios/identity-reconcile.ts';
import { searchScenarios } from './scenarios/search.ts';
import { searchRunbookScenarios } from './scenarios/search-runbooks.ts';
import type { Scenario } from './scenarios/scenario.ts';

/**
 * Truth under faults, generated from the definitions: for every Task state of every workflow, a
 * scenario that reaches it is run three times. One transient error, as the Task's service really
 * raises it, is retried and the run ends exactly as without it. Every call of that Task failing is
 * past any retry budget: the (last) run the scenario started fails with a named error and a cause, and
 * once the fault is gone, replaying the same input ends in the state a run without faults reaches.
 * A new Task is covered as soon as a scenario reaches it; one that none reaches fails the suite.
 */

const scenarios: readonly Scenario[] = [...dnsScenarios, ...findingScenarios, ...identityScenarios, ...identityReconcileScenarios, ...searchScenarios, ...searchRunbookScenarios];

interface TaskSite {
  readonly workflow: string;
  readonly state: string;
  readonly resource: TaskResource;
}

function taskSites(): TaskSite[] {
  return workflows.flatMap((module) => {
    const definition = JSON.parse(readFileSync(definitionPath(module.name), 'utf8')) as JsonValue;
    return allStates(definition).flatMap(({ name, state }) => {
      const resource = state.Type === 'Task' ? parseTaskResource(String(state.Resource)) : undefined;
      return resource ? [{ workflow: module.name, state: name, resource }] : [];
    });
  });
}

/** The fault rule's service and the integration whose errors a failure of this Task has. */
function integrationOf(resource: TaskResource): { service: string; integration: string } {
  switch (resource.kind) {
    case 'aws-sdk':
      return { service: resource.service, integration: resource.service };
    case 'lambda':
      return { service: 'lambda', integration: 'lambda:invoke' };
    case 'startExecution':
      return { service: 'sfn', integration: 'states:startExecution' };
    case 'putEvents':
      return { service: 'eventbridge', integration: 'events:putEvents' };
  }
}

/** A rule failing this Task's calls with the code its service really throttles with. */
async function throttling(site: TaskSite, selector: Pick<FaultRule, 'nth'> = {}): Promise<FaultRule> {
  const { service, integration } = integrationOf(site.resource);
  const errors = await serviceErrorsFor(integration);
  return { service, workflow: site.workflow, state: site.state, error: errors?.throttlingCode ?? 'ThrottlingException', ...selector };
}

async function play(scenario: Scenario, faults: FaultRule[] = []): Promise<{ engine: Engine; sandbox: SandboxAccount; records: ExecutionRecord[]; replay: () => Promise<ExecutionRecord[]> }> {
  const { engine, sandbox, act } = await scenario.setup();
  for (const rule of faults) engine.injectFault(rule);
  const records = await act();
  return { engine, sandbox, records, replay: act };
}

const endings = (records: readonly ExecutionRecord[]): string[] => records.map((record) => `${record.workflow} ${record.status} ${record.error ?? ''}`.trim());
const entered = (records: readonly ExecutionRecord[], site: TaskSite) =>
  records.filter((record) => record.workflow === site.workflow).flatMap((record) => record.states.filter((state) => state.name === site.state));

/**
 * Tasks whose failure past the retries the workflow absorbs by design, and why: the run succeeds
 * with what it could do instead and says so where people look. A replay must still converge.
 */
const absorbed: Readonly<Record<string, string>> = {
  'investigate-principal/GetUser': 'IAM unreadable: the ARN the finding carries is investigated, and the note says IAM was unreadable',
  'investigate-principal/GetRole': 'IAM unreadable: the ARN the finding carries is investigated, and the note says IAM was unreadable',
};

/**
 * The runs another execution started (investigate-principal under finding-enrichment) in which this
 * Task failed past its retries, with that state's record. None when the site's workflow is not started
 * by another; at least one otherwise, as the fault fails every call of the Task.
 */
function failedChildRuns(records: readonly ExecutionRecord[], site: TaskSite): { run: ExecutionRecord; state: StateRecord }[] {
  const children = records.filter((record) => record.workflow === site.workflow && record.parentExecutionArn !== undefined);
  const failed = children.flatMap((run) => run.states.filter((state) => state.name === site.state && (state.status === 'failed' || state.status === 'caught')).slice(-1).map((state) => ({ run, state })));
  expect(children.length === 0 || failed.length > 0, `${site.state} failed in a run of ${site.workflow}`).toBe(true);
  return failed;
}

/** Errors a run may not end with when a Task fails past its retries: they name nothing. */
const unnamed = new Set(['States.Runtime', 'States.TaskFailed', 'States.ALL', 'Error']);

interface Baseline {
  readonly scenario: Scenario;
  readonly endings: string[];
  readonly outcome: unknown;
  readonly reached: ReadonlySet<string>;
}

const sites = taskSites();
const baselines: Baseline[] = [];

beforeAll(async () => {
  for (const scenario of scenarios) {
    const { sandbox, records } = await play(scenario);
    const reached = new Set(records.flatMap((record) => record.states.map((state) => `${record.workflow}/${state.name}`)));
    baselines.push({ scenario, endings: endings(records), outcome: scenario.outcome(sandbox), reached });
  }
}, 120_000);

function baselineFor(site: TaskSite): Baseline {
  const baseline = baselines.find((candidate) => candidate.reached.has(`${site.workflow}/${site.state}`));
  expect(baseline, `no scenario in test/workflows/scenarios reaches ${site.workflow}/${site.state}: add one`).toBeDefined();
  return baseline as Baseline;
}

describe.each(sites.map((site) => [`${site.workflow}/${site.state}`, site] as const))('%s', (_label, site) => {
  it('retries one transient error, as its service really raises it, and ends as a run without it', async () => {
    const baseline = baselineFor(site);
    const { sandbox, records } = await play(baseline.scenario, [await throttling(site, { nth: [1] })]);

    expect(entered(records, site).some((state) => state.retries > 0), `${site.state} retried`).toBe(true);
    expect(endings(records)).toEqual(baseline.endings);
    expect(baseline.scenario.outcome(sandbox)).toEqual(baseline.outcome);
  });

  it('past its retries fails the run named, with a cause; once the fault is gone a replay converges', async () => {
    const baseline = baselineFor(site);
    const { engine, sandbox, records, replay } = await play(baseline.scenario, [await throttling(site)]);

    const started = records.filter((record) => record.parentExecutionArn === undefined).at(-1);
    expect(entered(records, site).some((state) => state.status === 'failed' || state.status === 'caught'), `${site.state} failed`).toBe(true);
    const failedRuns = failedChildRuns(records, site);
    if (absorbed[`${site.workflow}/${site.state}`]) {
      expect(started?.status, `${baseline.scenario.name}: ${endings(records).join(', ')}`).toBe('SUCCEEDED');
      expect(failedRuns.map(({ run }) => run.status)).toEqual(failedRuns.map(() => 'SUCCEEDED'));
    } else {
      expect(started?.status, `${baseline.scenario.name}: ${endings(records).join(', ')}`).toBe('FAILED');
      expect(started?.error && !unnamed.has(started.error), `named error, got ${String(started?.error)}`).toBe(true);
      expect(started?.cause ?? '').not.toBe('');
      // A run started by another that could not do its work fails too, with the Task's own error and cause,
      // and the run that started it names that error.
      for (const { run, state } of failedRuns) {
        expect({ status: run.status, error: run.error, cause: run.cause }, `${run.name}: ${run.states.at(-1)?.name ?? ''}`).toEqual({ status: 'FAILED', error: state.error, cause: state.cause });
        expect(unnamed.has(run.error ?? 'Error'), `named error, got ${String(run.error)}`).toBe(false);
        expect(started?.cause).toContain(`(${String(run.error)})`);
      }
    }

    engine.clearFaults();
    await replay();
    expect(baseline.scenario.outcome(sandbox)).toEqual(baseline.outcome);
  });
});

/**
 * At a fifth of every service's calls failing, as each service really fails them (the sandbox's
 * own throttling codes, Lambda's and Step Functions' through the engine), a run either ends as a
 * run without faults would, or fails with a named error; and once the faults are gone, a replay
 * ends in that same state. Nothing succeeds with work silently lost.
 */
describe('at a fifth of all calls failing, every run tells the truth', () => {
  const sandboxCodes: Readonly<Record<string, string>> = {
    ec2: 'RequestLimitExceeded',
    autoscaling: 'Throttling',
    route53: 'Throttling',
    eventbridge: 'ThrottlingException',
    securityhub: 'TooManyRequestsException',
    detective: 'TooManyRequestsException',
    iam: 'Throttling',
    identitystore: 'ThrottlingException',
    quicksight: 'ThrottlingException',
  };
  const seeds = Array.from({ length: 8 }, (_, index) => index + 1);
  const families = [scenarios[0], scenarios.find((scenario) => scenario.name.startsWith('the schedule reconciles')), findingScenarios[0], identityScenarios[0], identityReconcileScenarios[0]].filter(
    (scenario): scenario is Scenario => scenario !== undefined,
  );

  it.each(families.flatMap((scenario) => seeds.map((seed) => [scenario.name, seed, scenario] as const)))('%s (random seed %i)', async (_name, seed, scenario) => {
    const clean = await scenario.setup(seed);
    await clean.act();
    const baseline = { outcome: scenario.outcome(clean.sandbox) };
    const { engine, sandbox, act } = await scenario.setup(seed);
    for (const [service, error] of Object.entries(sandboxCodes)) sandbox.injectFault({ service, error, fraction: 0.2 });
    engine.injectFault({ service: 'lambda', error: 'TooManyRequestsException', fraction: 0.2 });
    engine.injectFault({ service: 'sfn', error: 'ThrottlingException', fraction: 0.2 });

    const records = await act();
    const started = records.filter((record) => record.parentExecutionArn === undefined).at(-1);
    if (started?.status === 'SUCCEEDED') {
      expect(scenario.outcome(sandbox), 'a run that succeeded under faults ends as one without them').toEqual(baseline?.outcome);
    } else {
      expect(started?.status).toBe('FAILED');
      expect(started?.error && !unnamed.has(started.error), `named error, got ${String(started?.error)}: ${String(started?.cause)}`).toBe(true);
    }

    sandbox.clearFaults();
    engine.clearFaults();
    await act();
    expect(scenario.outcome(sandbox), 'a replay once the faults are gone converges').toEqual(baseline?.outcome);
  });
});
