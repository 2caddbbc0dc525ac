import type { ExecutionRecord } from '../../engine/engine.ts';
import { loadSample, sampleWith } from '../../events/samples.ts';
import { causeMessage } from '../format.ts';
import { differs, type Step, type Story, type World } from './runner.ts';

/**
 * The security story: GuardDuty findings from the sandbox's Security Hub, sent as real Security
 * Hub event samples, investigated with the sandbox's Detective and written back.
 */

type Finding = Record<string, unknown> & { Id: string; ProductArn: string; Resources: Record<string, unknown>[]; Note?: { Text: string }; UserDefinedFields?: Record<string, string> };

interface Expected {
  /** Detective investigations in the account after the step. */
  investigations: number;
  /** Each finding's `investigate` field after the step, by finding Id. */
  investigate: Record<string, string>;
}

const principalOf = (finding: Finding) => String(finding.Resources[0]?.Id ?? '').split(':').pop();

const runs = ({ engine }: World, workflow: string) => engine.executions.filter((execution) => execution.workflow === workflow).length;

export const securityStory: Story = {
  title: 'finding-enrichment',
  workflows: ['finding-enrichment'],
  summary: (world) =>
    `${runs(world, 'finding-enrichment')} finding-enrichment executions, ${runs(world, 'investigate-principal')} investigate-principal runs, ` +
    `${world.sandbox.investigations().length} Detective investigations, ${world.sandbox.callCount('detective')} Detective calls`,
  steps({ sandbox, engine }) {
    const stored = sandbox.snapshot().securityHub.findings.map((entry) => entry.finding as Finding);
    const byPrincipal = (name: string) => stored.find((finding) => principalOf(finding)?.endsWith(name) && String(finding.ProductArn).endsWith('/guardduty'));
    const alice = byPrincipal('analyst-alice');
    const deployer = byPrincipal('ci-deployer');
    const bob = byPrincipal('contractor-bob');
    const control = stored.find((finding) => !String(finding.ProductArn).endsWith('/guardduty'));
    if (!alice || !deployer || !bob || !control) throw new RangeError('config/sandbox.json lacks the findings the security story uses');

    const copy = (finding: Finding, suffix: string): Finding => ({ ...structuredClone(finding), Id: `${finding.Id}-${suffix}` });
    const burst = [alice, copy(alice, '2'), copy(alice, '3'), deployer, copy(deployer, '2')];
    const later = copy(alice, 'later');
    const noPrincipal: Finding = { ...copy(deployer, 'ec2'), Resources: [{ Type: 'AwsEc2Instance', Id: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0c9d8e7f6a5b43001', Partition: 'aws', Region: 'eu-west-1' }] };
    sandbox.importFindings([...burst.filter((finding) => finding.Id.includes('-')), later, noPrincipal]);

    const flagged = (...findings: Finding[]) =>
      sampleWith('securityhub/findings-imported-guardduty-ssh-brute-force.json', {
        findings: findings.map((finding) => ({ ...finding, UserDefinedFields: { investigate: 'true' } })),
      });
    const customAction = (...findings: Finding[]) => {
      const sample = loadSample('securityhub/findings-custom-action-two-findings.json') as { resources: string[]; detail: Record<string, unknown> };
      return { ...sample, resources: [`arn:aws:securityhub:${sandbox.region}:${sandbox.accountId}:action/custom/Investigate`], detail: { ...sample.detail, findings } };
    };
    const all = (findings: Finding[], value: string) => Object.fromEntries(findings.map((finding) => [finding.Id, value]));


    /** One finding-enrichment execution, succeeded; each principal's finding as written back; the investigations and marks expected. */
    const step = (title: string, findings: Finding[], event: () => unknown, expected: Expected): Step => ({
      title,
      async run() {
        const records = (await engine.send(event())).filter((execution) => execution.workflow === 'finding-enrichment');
        const [record] = records as [ExecutionRecord?];
        const summary = (record?.output as { summary?: Record<string, number> } | undefined)?.summary;
        const shown = [`${record?.status ?? 'no execution'} in ${record?.transitions ?? 0} transitions${record?.error ? ` — ${record.error}: ${causeMessage(record.cause)}` : ''}${summary ? ` — ${JSON.stringify(summary)}` : ''}`];
        const principals = new Set<string>();
        for (const finding of findings) {
          const principal = principalOf(finding) ?? '';
          if (principals.has(principal)) continue;
          principals.add(principal);
          const after = sandbox.finding(finding.Id, finding.ProductArn) as Finding | undefined;
          shown.push(`${principal} (${after?.UserDefinedFields?.investigate ?? 'unmarked'}): ${after?.Note?.Text ?? '(no note)'}`);
        }
        return {
          shown,
          unexpected: [
            ...(records.length === 1 ? [] : [`${records.length} executions, expected 1 (no execution may start from opsflow's own updates)`]),
            ...differs('status', record?.status, 'SUCCEEDED'),
            ...differs('investigations', sandbox.investigations().length, expected.investigations),
            ...Object.entries(expected.investigate).flatMap(([id, value]) =>
              differs(`${id.split('/').pop()} investigate`, (sandbox.finding(id) as Finding | undefined)?.UserDefinedFields?.investigate, value),
            ),
          ],
        };
      },
    });

    return [
      step('a burst of five GuardDuty findings about two principals, flagged by the automation rule', burst, () => flagged(...burst), { investigations: 2, investigate: all(burst, 'complete') }),
      step("a later finding about analyst-alice: alice's investigation is reused", [later], () => flagged(later), { investigations: 2, investigate: all([later], 'complete') }),
      step('an analyst sends two findings to the Investigate custom action', [alice, deployer], () => customAction(alice, deployer), { investigations: 2, investigate: all([alice, deployer], 'complete') }),
      step('a finding with no IAM principal and a finding of another product are skipped, and marked', [noPrincipal, control], () => flagged(noPrincipal, control), { investigations: 2, investigate: all([noPrincipal, control], 'skipped') }),
      step("contractor-bob's investigation fails: reported, not dropped", [bob], () => flagged(bob), { investigations: 3, investigate: all([bob], 'failed') }),
    ];
  },
};
