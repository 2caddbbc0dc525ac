import { defineCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import * as options from '../options.ts';

export const reject = defineCommand({
  name: 'reject',
  synopsis: '<execution> --reason <why> [options]',
  description: [
    'Rejects the plan a deployed runbook execution waits for at its approval gate: reads the',
    'execution\'s history (GetExecutionHistory), shows the plan, then sends SendTaskFailure with',
    'error RunbookRejected and the reason as cause; the runbook ends there, nothing changed. No',
    'confirmation: a rejection changes nothing. The execution is its ARN, or <workflow>/<execution',
    'name> of the stage in --region. The task token is never shown. Permissions: docs/operating-deployed.md.',
  ].join('\n'),
  options: {
    reason: { type: 'string', value: '<why>', description: 'why the plan is rejected (required; at most 32,768 characters)' },
    stage: options.stage,
    region: options.deployedRegion,
    json: options.json,
  },
  positionals: { min: 1, max: 1, missing: 'execution (its ARN, or <workflow>/<execution name>)' },
  examples: ['opsflow reject search-failover/incident-4821 --region eu-central-1 --reason "eu-west-1 is back; no failover needed"'],
  async run(args, flags, output) {
    if (flags.reason === undefined || flags.reason.trim() === '') throw new UsageError('reject needs --reason "<why>": say why the plan is rejected');
    const { rejectionReason } = await import('../approval.ts');
    const reason = rejectionReason(flags.reason, '--reason');
    const { answerDeployedApproval } = await import('../deployed-approval.ts');
    return answerDeployedApproval(args[0] ?? '', { kind: 'reject', reason }, flags, output);
  },
});
