import { defineCommand } from '../command.ts';
import * as options from '../options.ts';

export const demo = defineCommand({
  name: 'demo',
  synopsis: '',
  description: [
    'The instance-DNS, security, identity, search-snapshot and search-runbook stories on the local engine and the sandbox (what npm start runs):',
    'every step says what must come out; exits 1 when one did not.',
  ].join('\n'),
  options: { faults: options.faults },
  positionals: { min: 0, max: 0 },
  examples: ['opsflow demo', 'opsflow demo --faults examples/faults/route53-outage.json'],
  async run(_args, flags, output) {
    const { runDemo } = await import('../demo/index.ts');
    const { readFaults } = await import('../files.ts');
    const faults = flags.faults === undefined ? undefined : await readFaults(flags.faults, output.readStdin);
    return runDemo(output, { faults });
  },
});
