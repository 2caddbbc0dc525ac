import { loadSample, sampleWith } from '../events/samples.ts';
import type { ExecutionRecord } from '../engine/engine.ts';
import type { Output, World } from './demo.ts';
import { causeMessage } from './format.ts';

/**
 * The security story of `npm start`: GuardDuty findings from the sandbox's Security Hub, sent as
 * real Security Hub event samples, investigated with the sandbox's Detective and written back.
 */

type Finding = Record<string, unknown> & { Id: string; ProductArn: string; Resources: Record<string, unknown>[]; Note?: { Text: string }; UserDefinedFields?: Record<string, string> };

interface Step {
  title: string;
  findings: Finding[];
  event: () => unknown;
  expect: { investigations: number; investigate: Record<string, string> };
}

const principalOf = (finding: Finding) => String(finding.Resources[0]?.Id ?? '').split(':').pop();

export async function runSecurityStory({ sandbox, engine }: World, output: Output): Promise<number> {
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

  const steps: Step[] = [
    {
      title: 'a burst of five GuardDuty findings about two principals, flagged by the automation rule',
      findings: burst,
      event: () => flagged(...burst),
      expect: { investigations: 2, investigate: all(burst, 'complete') },
    },
    {
      title: "a later finding about analyst-alice: alice's investigation is reused",
      findings: [later],
      event: () => flagged(later),
      expect: { investigations: 2, investigate: all([later], 'complete') },
    },
    {
      title: 'an analyst sends two findings to the Investigate custom action',
      findings: [alice, deployer],
      event: () => customAction(alice, deployer),
      expect: { investigations: 2, investigate: all([alice, deployer], 'complete') },
    },
    {
      title: 'a finding with no IAM principal and a finding of another product are skipped, and marked',
      findings: [noPrincipal, control],
      event: () => flagged(noPrincipal, control),
      expect: { investigations: 2, investigate: all([noPrincipal, control], 'skipped') },
    },
    {
      title: "contractor-bob's investigation fails: reported, not dropped",
      findings: [bob],
      event: () => flagged(bob),
      expect: { investigations: 3, investigate: all([bob], 'failed') },
    },
  ];

  let failures = 0;
  output.out('opsflow demo: finding-enrichment on the local engine against the sandbox account\n');
  for (const [index, step] of steps.entries()) {
    output.out(`${index + 1}. ${step.title}`);
    const records = (await engine.send(step.event())).filter((execution) => execution.workflow === 'finding-enrichment');
    const [record] = records as [ExecutionRecord?];
    const summary = (record?.output as { summary?: Record<string, number> } | undefined)?.summary;
    output.out(`   ${record?.status ?? 'no execution'} in ${record?.transitions ?? 0} transitions${record?.error ? ` — ${record.error}: ${causeMessage(record.cause)}` : ''}${summary ? ` — ${JSON.stringify(summary)}` : ''}`);
    const shown = new Set<string>();
    for (const finding of step.findings) {
      const after = sandbox.finding(finding.Id, finding.ProductArn) as Finding | undefined;
      const principal = principalOf(finding) ?? '';
      if (shown.has(principal)) continue;
      shown.add(principal);
      output.out(`   ${principal} (${after?.UserDefinedFields?.investigate ?? 'unmarked'}): ${after?.Note?.Text ?? '(no note)'}`);
    }
    const wrong = [
      records.length !== 1 && `${records.length} executions, expected 1 (no execution may start from opsflow's own updates)`,
      record?.status !== 'SUCCEEDED' && `status ${record?.status}`,
      sandbox.investigations().length !== step.expect.investigations && `${sandbox.investigations().length} investigations, expected ${step.expect.investigations}`,
      ...Object.entries(step.expect.investigate).map(([id, value]) => {
        const actual = (sandbox.finding(id) as Finding | undefined)?.UserDefinedFields?.investigate;
        return actual !== value && `${id.split('/').pop()} investigate=${actual}, expected ${value}`;
      }),
    ].filter(Boolean);
    if (wrong.length > 0) {
      failures += 1;
      output.out(`   ✗ unexpected: ${wrong.join('; ')}`);
    }
    output.out('');
  }
  const runs = (workflow: string) => engine.executions.filter((execution) => execution.workflow === workflow).length;
  output.out(
    `${steps.length - failures} of ${steps.length} steps as expected; ${runs('finding-enrichment')} finding-enrichment executions, ` +
      `${runs('investigate-principal')} investigate-principal runs, ${sandbox.investigations().length} Detective investigations, ${sandbox.callCount('detective')} Detective calls`,
  );
  return failures;
}
