import { defineCommand, usageOf } from '../command.ts';
import { UsageError } from '../errors.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit.ts';
import { commands, isCommandName, overview } from './index.ts';

export const help = defineCommand({
  name: 'help',
  synopsis: '[command]',
  description: 'The overview of every command, or one command\'s usage, options and examples.',
  options: {},
  positionals: { min: 0, max: 1 },
  examples: ['opsflow help', 'opsflow help run'],
  async run(args, _flags, output) {
    const [name] = args;
    if (name === undefined) {
      output.out(overview());
      return EXIT.ok;
    }
    if (!isCommandName(name)) throw new UsageError(`unknown command ${name} (try: opsflow help)`);
    output.out(`${usageOf(await commands[name].load())}\n\n${EXIT_CODES_HELP}`);
    return EXIT.ok;
  },
});
