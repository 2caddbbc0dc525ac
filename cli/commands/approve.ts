import { defineCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import * as options from '../options.ts';

export const approve = defineCommand({
  name: 'approve',
  synopsis: '<execution> [--yes] [options]',
  description: [
    'Approves the plan a deployed runbook execution waits for at its approval gate: reads the',
    'execution\'s history (GetExecutionHistory), shows the plan and when the answer is due, asks',
    '"Approve? [y/N]" (--yes answers it), then sends SendTaskSuccess {approved, by: your OS user, at}.',
    'The execution is its ARN, or <workflow>/<execution name> of the stage in --region. An execution',
    'not running or not at its gate is refused in one line (exit 2), nothing sent. The task token is',
    'never shown. Permissions: docs/operating-deployed.md.',
  ].join('\n'),
  options: {
    yes: { type: 'boolean', description: 'approve without asking (needed when no one is at a terminal)' },
    stage: options.stage,
    region: options.deployedRegion,
    json: options.json,
  },
  positionals: { min: 1, max: 1, missing: 'execution (its ARN, or <workflow>/<execution name>)' },
  examples: [
    'opsflow approve search-failover/incident-4821 --region eu-central-1',
    'opsflow approve arn:aws:states:eu-central-1:123456789012:execution:opsflow-dev-SearchFailover:incident-4821 --yes',
  ],
  async run(args, flags, output) {
    const { terminal } = await import('../approval.ts');
    if (!flags.yes && !terminal.interactive()) throw new UsageError('approve needs --yes when no one is at a terminal');
    const { answerDeployedApproval } = await import('../deployed-approval.ts');
    return answerDeployedApproval(args[0] ?? '', { kind: 'approve' }, flags, output);
  },
});
