import { defineCommand } from '../command.ts';
import * as options from '../options.ts';

export const watch = defineCommand({
  name: 'watch',
  synopsis: '<execution> [options]',
  description: [
    'Follows an execution of a deployed stage: the states it entered and left so far, then each',
    'new one as its history grows, the same lines as a local run, until it ends; then one summary',
    'line (status, transitions, duration, error and cause). <execution> is its ARN (in its own',
    'Region) or <workflow>/<execution name> (in --region). Exits 0 when it SUCCEEDED, 1 when it',
    'FAILED, TIMED_OUT or was ABORTED. Ctrl-C stops watching; the execution keeps running.',
    '--json prints one object when it ends: DescribeExecution\'s fields, where it failed, the states.',
  ].join('\n'),
  options: {
    stage: options.stage,
    region: options.deployedRegion,
    json: options.json,
  },
  positionals: { min: 1, max: 1, missing: 'execution (its ARN, or <workflow>/<execution name>)' },
  examples: [
    'opsflow watch search-failover/failover-2026-11-30 --region eu-central-1',
    'opsflow watch arn:aws:states:eu-central-1:123456789012:execution:opsflow-dev-SearchFailover:failover-2026-11-30',
  ],
  async run(args, flags, output) {
    const { namedExecution, stepFunctions } = await import('../deployed.ts');
    const { ref, workflow } = await namedExecution(args[0] ?? '', flags, output.readStdin);
    const { followExecution } = await import('../follow.ts');
    const client = await stepFunctions(ref.region);
    try {
      const { exitCode } = await followExecution(client, ref, output, { workflow, ...(flags.json ? { json: true } : {}) });
      return exitCode;
    } finally {
      client.destroy();
    }
  },
});
