import { describe, expect, it } from 'vitest';
import { routableWorkflow, routeEvent } from '../../../../engine/bus.ts';
import { explainPattern, explainRoutes, MismatchReason } from '../../../../engine/router/explain.ts';
import { matchesPattern } from '../../../../engine/router/pattern.ts';
import { listSamples, loadSample } from '../../../../events/samples.ts';
import { workflows } from '../../../../workflows/index.ts';
import type { DeploymentEnvironment, EventTrigger } from '../../../../workflows/types.ts';
import { devConfig, terminateLifecycleEvent } from '../../../workflows/harness.ts';

const env: DeploymentEnvironment = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012', stage: 'local' };

/** The lifecycle action event of the EventBridge user guide for Auto Scaling (events/samples/autoscaling). */
const terminating = loadSample('autoscaling/instance-terminate-lifecycle-action.json') as Record<string, unknown>;

function mismatchOf(pattern: unknown, event: unknown) {
  const explanation = explainPattern(pattern, event);
  expect(explanation.matched).toBe(matchesPattern(pattern, event));
  return explanation.branches[explanation.closest]?.mismatch;
}

describe('explainPattern', () => {
  it('names the field, the wanted values and the event value for an exact match that fails', () => {
    const pattern = { source: ['aws.autoscaling'], detail: { LifecycleTransition: ['autoscaling:EC2_INSTANCE_LAUNCHING'] } };
    expect(mismatchOf(pattern, terminating)).toEqual({
      field: 'detail.LifecycleTransition',
      reason: MismatchReason.NoValueMatches,
      wanted: ['autoscaling:EC2_INSTANCE_LAUNCHING'],
      found: ['autoscaling:EC2_INSTANCE_TERMINATING'],
      message: 'detail.LifecycleTransition: wanted one of ["autoscaling:EC2_INSTANCE_LAUNCHING"], event has "autoscaling:EC2_INSTANCE_TERMINATING"',
    });
  });

  it('reports the first field that fails, in pattern order, not a later one', () => {
    const mismatch = mismatchOf({ source: ['aws.ec2'], 'detail-type': ['nope'] }, terminating);
    expect(mismatch?.field).toBe('source');
  });

  it('says where a missing field stops, with [] after the arrays on its way', () => {
    const event = { source: 'aws.securityhub', detail: { findings: [{ Id: 'a', ProductFields: { x: '1' } }] } };
    const mismatch = mismatchOf({ detail: { findings: { ProductFields: { 'aws/guardduty/service/action/actionType': ['AWS_API_CALL'] } } } }, event);
    expect(mismatch?.reason).toBe(MismatchReason.Missing);
    expect(mismatch?.field).toBe('detail.findings[].ProductFields.aws/guardduty/service/action/actionType');
    expect(mismatch?.message).toBe(
      'detail.findings[].ProductFields.aws/guardduty/service/action/actionType: wanted one of ["AWS_API_CALL"], event has nothing at detail.findings[].ProductFields.aws/guardduty/service/action/actionType',
    );
  });

  it('says when the event holds an object or an empty array where a value is wanted', () => {
    expect(mismatchOf({ detail: ['x'] }, terminating)?.message).toMatch(/^detail: wanted one of \["x"\], event has an object, not a value$/);
    expect(mismatchOf({ resources: ['x'] }, { resources: [] })?.message).toBe('resources[]: wanted one of ["x"], event has an empty array');
  });

  it('explains prefix, suffix, wildcard and equals-ignore-case with the operator as written', () => {
    const event = { source: 'aws.autoscaling', 'detail-type': 'EC2 Instance Launch Successful' };
    const cases = [
      { operator: { prefix: 'EC2 Instance Terminate' }, passing: { prefix: 'EC2 Instance' } },
      { operator: { suffix: 'Unsuccessful' }, passing: { suffix: 'Successful' } },
      { operator: { wildcard: 'EC2 * Terminate *' }, passing: { wildcard: 'EC2 * Launch *' } },
      { operator: { 'equals-ignore-case': 'ec2 instance launch unsuccessful' }, passing: { 'equals-ignore-case': 'ec2 instance launch successful' } },
      { operator: { prefix: { 'equals-ignore-case': 'ec2 instance term' } }, passing: { prefix: { 'equals-ignore-case': 'ec2 INSTANCE launch' } } },
    ];
    for (const { operator, passing } of cases) {
      expect(mismatchOf({ 'detail-type': [operator] }, event)?.message).toBe(`detail-type: wanted one of ${JSON.stringify([operator])}, event has "EC2 Instance Launch Successful"`);
      expect(explainPattern({ 'detail-type': [passing] }, event).matched).toBe(true);
    }
  });

  it('explains anything-but, with a value, a list and a nested prefix', () => {
    const event = { detail: { state: 'terminated' } };
    for (const operand of ['terminated', ['stopped', 'terminated'], { prefix: 'term' }, { suffix: 'nated' }, { 'equals-ignore-case': 'TERMINATED' }, { wildcard: 't*d' }]) {
      const mismatch = mismatchOf({ detail: { state: [{ 'anything-but': operand }] } }, event);
      expect(mismatch).toMatchObject({ field: 'detail.state', reason: MismatchReason.NoValueMatches, found: ['terminated'] });
    }
    expect(explainPattern({ detail: { state: [{ 'anything-but': 'running' }] } }, event).matched).toBe(true);
  });

  it('explains numeric comparisons and ranges', () => {
    const event = { detail: { severity: 5.3 } };
    expect(mismatchOf({ detail: { severity: [{ numeric: ['>=', 7] }] } }, event)?.message).toBe('detail.severity: wanted one of [{"numeric":[">=",7]}], event has 5.3');
    expect(mismatchOf({ detail: { severity: [{ numeric: ['>', 0, '<', 5] }] } }, event)?.found).toEqual([5.3]);
    expect(explainPattern({ detail: { severity: [{ numeric: ['>', 4, '<=', 6] }] } }, event).matched).toBe(true);
    expect(mismatchOf({ detail: { severity: [{ numeric: ['=', 5.3] }] } }, { detail: { severity: '5.3' } })?.message).toBe(
      'detail.severity: wanted one of [{"numeric":["=",5.3]}], event has "5.3"',
    );
  });

  it('explains exists: true on a missing field and exists: false on a present one', () => {
    expect(mismatchOf({ detail: { Origin: [{ exists: true }] } }, terminating)).toMatchObject({ reason: MismatchReason.Missing, found: [] });
    expect(mismatchOf({ detail: { LifecycleHookName: [{ exists: false }] } }, terminating)).toMatchObject({
      field: 'detail.LifecycleHookName',
      reason: MismatchReason.NoValueMatches,
      wanted: [{ exists: false }],
    });
    expect(explainPattern({ detail: { Origin: [{ exists: false }] } }, terminating).matched).toBe(true);
  });

  it('explains cidr', () => {
    const event = { detail: { sourceIPAddress: '203.0.113.7' } };
    expect(mismatchOf({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }] } }, event)?.message).toBe(
      'detail.sourceIPAddress: wanted one of [{"cidr":"10.0.0.0/8"}], event has "203.0.113.7"',
    );
    expect(explainPattern({ detail: { sourceIPAddress: [{ cidr: '203.0.113.0/24' }] } }, event).matched).toBe(true);
  });

  it('explains $or: the branch that matched, else the one that got furthest', () => {
    const pattern = { source: ['aws.autoscaling'], $or: [{ 'detail-type': ['nope'] }, { detail: { LifecycleTransition: ['autoscaling:EC2_INSTANCE_LAUNCHING'] } }] };
    const explanation = explainPattern(pattern, terminating);
    expect(explanation.matched).toBe(false);
    expect(explanation.branches).toHaveLength(2);
    expect(explanation.branches.map((branch) => branch.mismatch?.field)).toEqual(['detail-type', 'detail.LifecycleTransition']);
    expect(explanation.closest).toBe(0);
    const matching = explainPattern({ $or: [{ source: ['aws.ec2'] }, { source: ['aws.autoscaling'] }] }, terminating);
    expect(matching).toMatchObject({ matched: true, closest: 1, branches: [{ matched: false }, { matched: true }] });
  });

  it('explains arrays: any element matches, and fields must come from the same element', () => {
    const event = { detail: { employees: [{ first: 'Anna', last: 'Smith' }, { first: 'Peter', last: 'Jones' }] } };
    expect(explainPattern({ detail: { employees: { first: ['Peter'] } } }, event).matched).toBe(true);
    expect(mismatchOf({ detail: { employees: { first: ['Paul'] } } }, event)).toMatchObject({ field: 'detail.employees[].first', found: ['Anna', 'Peter'] });
    const mismatch = mismatchOf({ detail: { employees: { first: ['Anna'], last: ['Jones'] } } }, event);
    expect(mismatch).toMatchObject({ field: 'detail.employees[].last', reason: MismatchReason.OtherArrayElement, found: ['Smith', 'Jones'] });
    expect(mismatch?.message).toContain('same array element');
  });
});

describe('explainRoutes', () => {
  const configs = [devConfig(), devConfig((raw) => Object.assign((raw.findingEnrichment as Record<string, unknown>).triggers as object, { guardDuty: true }))];

  it('agrees with the matcher and the router for every sample against every rule', () => {
    let compared = 0;
    for (const config of configs) {
      const routable = workflows.map((module) => routableWorkflow(module, config));
      for (const sample of listSamples()) {
        const event = loadSample(sample);
        const explained = explainRoutes(routable, event, env);
        const routed = routeEvent(routable, event, env).map((route) => `${route.workflow}/${route.trigger.id}`);
        expect(explained.filter((rule) => rule.matched).map((rule) => `${rule.workflow}/${rule.trigger}`), sample).toEqual(routed);
        for (const rule of explained) {
          const trigger = routable.find((workflow) => workflow.module.name === rule.workflow)?.triggers.find((candidate) => candidate.id === rule.trigger);
          if (trigger?.kind !== 'event') continue;
          expect(rule.matched, `${sample} × ${rule.workflow}/${rule.trigger}`).toBe(matchesPattern((trigger as EventTrigger).pattern, event));
          if (!rule.matched) expect(rule.pattern?.branches[rule.pattern.closest]?.mismatch, `${sample} × ${rule.trigger}`).toBeDefined();
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('names the rule a terminate lifecycle action matches, and why the others do not take it', () => {
    const routable = workflows.map((module) => routableWorkflow(module, devConfig()));
    const explained = explainRoutes(routable, terminateLifecycleEvent('i-0123456789abcdef0', '87654321-4321-4321-4321-210987654321'), env);
    const byRule = Object.fromEntries(explained.map((rule) => [`${rule.workflow}/${rule.trigger}`, rule]));
    expect(explained.filter((rule) => rule.matched).map((rule) => rule.trigger)).toEqual(['TerminateLifecycleAction']);
    expect(byRule['instance-dns/TerminateLifecycleAction']?.message).toBe('matches its pattern');
    expect(byRule['instance-dns/LaunchLifecycleAction']?.message).toBe(
      'detail-type: wanted one of ["EC2 Instance-launch Lifecycle Action"], event has "EC2 Instance-terminate Lifecycle Action"',
    );
    expect(byRule['finding-enrichment/FlaggedFindingsImported']?.message).toBe('source: wanted one of ["aws.securityhub"], event has "aws.autoscaling"');
  });

  it('matches a schedule rule only on its own Scheduled Event, and says which one it takes', () => {
    const routable = workflows.map((module) => routableWorkflow(module, devConfig()));
    const schedule = loadSample('schedule/scheduled-event.json');
    const scheduleRules = explainRoutes(routable, schedule, env).filter((rule) => rule.kind === 'schedule');
    expect(scheduleRules.length).toBeGreaterThan(0);
    const enabled = (rule: (typeof scheduleRules)[number]) =>
      routable.find((workflow) => workflow.module.name === rule.workflow)?.triggers.some((trigger) => trigger.id === rule.trigger && trigger.kind === 'schedule' && trigger.enabled);
    expect(scheduleRules.filter(enabled).length).toBeGreaterThan(0);
    for (const rule of scheduleRules) {
      expect(rule.matched).toBe(false);
      // A schedule disabled in config (search-dr-drill's, by default) says so instead.
      expect(rule.message).toContain(enabled(rule) ? `rule/opsflow-local-${rule.workflow}-${rule.trigger}` : 'is disabled in config');
    }
  });
});
