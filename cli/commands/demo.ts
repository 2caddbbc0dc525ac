import { defineCommand } from '../command.ts';

export const demo = defineCommand({
  name: 'demo',
  synopsis: '',
  description: [
    'The instance-DNS and security stories on the local engine and the sandbox (what npm start runs):',
    'every step says what must come out; exits 1 when one did not.',
  ].join('\n'),
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ['opsflow demo'],
  async run(_args, _flags, output) {
    const { runDemo } = await import('../demo/index.ts');
    return runDemo(output);
  },
});
