import { defineCommand } from '../command.ts';
import { EXIT } from '../exit.ts';
import * as options from '../options.ts';
import { knownWorkflow } from '../workflow-names.ts';

export const validate = defineCommand({
  name: 'validate',
  synopsis: '[workflow...] [--json]',
  description: [
    'Checks every definition (or the ones named): asl-validator, amazon-states-language-service, and',
    'opsflow\'s cross-checks (functions exist, error names are real and retried as they are really',
    'named, timeouts and comments, nothing the local engine cannot run). Exits 1 on a problem.',
  ].join('\n'),
  options: { json: options.json },
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  examples: ['opsflow validate', 'opsflow validate instance-dns --json'],
  async run(args, flags, output) {
    for (const name of args) await knownWorkflow(name);
    await ensureTypeScriptLoader();
    const { formatReport, validateWorkflows } = await import('../validate.ts');
    const report = await validateWorkflows(args.length > 0 ? { workflows: args } : {});
    output.out(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  },
});

/**
 * Validation imports the project's own modules (workflows, function registry, errors) from their
 * TypeScript sources, as they are in any checkout it checks; the compiled command (bin/build.js)
 * has no loader for them, so it registers tsx first.
 */
async function ensureTypeScriptLoader(): Promise<void> {
  // A computed URL, so a bundler leaves it to be imported when this runs.
  const probe = new URL('../text.ts', import.meta.url).href;
  try {
    await import(probe);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const { register } = await import('tsx/esm/api');
    register();
  }
}
