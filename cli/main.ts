import { readFile } from 'node:fs/promises';
import { AwsAccountUnavailable, AwsCredentialsUnusable, InvalidFaultsFile, InvalidName, UnknownWorkflow, PayloadNotJson, PayloadTooDeep, ValidationException } from '../engine/errors.ts';
import { InvalidSandboxSeed, InvalidStateFile } from '../engine/sandbox/errors.ts';
import { InvalidConfig } from '../handlers/shared/errors.ts';
import { parseCommandLine, usageOf, type Output } from './command.ts';
import { commands, isCommandName, overview } from './commands/index.ts';
import { AwsCallFailed, AwsRefused, InvalidEventFile, NoPendingApproval, NoRouteForEvent, UnreadableFile, UnwritableFile, UsageError } from './errors.ts';
import { EXIT, EXIT_CODES_HELP } from './exit.ts';
import { readProcessStdin } from './files.ts';
import { firstLine } from './text.ts';

export { EXIT } from './exit.ts';
export type { Output } from './command.ts';

const consoleOutput: Output = { out: (line) => console.log(line), err: (line) => console.error(line), readStdin: readProcessStdin };

/** Refusals of bad input (exit 2): the CLI's own, and what the engine refuses as AWS would (a start over the limits, an event EventBridge would not take). */
const inputErrors = [
  UsageError, UnreadableFile, UnwritableFile, InvalidEventFile, NoRouteForEvent, InvalidConfig, InvalidSandboxSeed, InvalidFaultsFile, InvalidStateFile,
  ValidationException, InvalidName, PayloadTooDeep, PayloadNotJson, UnknownWorkflow, AwsCredentialsUnusable, AwsRefused, NoPendingApproval,
];

/** Failures of a call to AWS (exit 1): `--aws` could not tell the account, a deployed-stage command's call failed. */
const unsuccessfulErrors = [AwsAccountUnavailable, AwsCallFailed];

const helpFlags = new Set(['--help', '-h']);

/**
 * Runs one command line, `opsflow <command> [arguments and options]`: picks the command, loads
 * its module (cli/commands/<command>.ts), parses its options and runs it. Returns the exit code
 * (EXIT); every refusal and failure is one line on stderr.
 */
export async function main(argv: readonly string[], output: Output = consoleOutput): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) {
      output.err(`opsflow: missing command\n\n${overview()}`);
      return EXIT.usage;
    }
    if (name === '--version') {
      if (rest[0] !== undefined) throw new UsageError(`unexpected argument ${rest[0]} (opsflow --version)`);
      output.out(await version());
      return EXIT.ok;
    }
    if (helpFlags.has(name)) return await main(['help', ...rest], output);
    if (name.startsWith('-')) throw new UsageError(`a command comes first, its options after it: opsflow <command> ${name} (try: opsflow help)`);
    if (!isCommandName(name)) throw new UsageError(`unknown command ${JSON.stringify(name).slice(1, -1) || '""'} (try: opsflow help)`);
    const command = await commands[name].load();
    if (rest.some((arg) => helpFlags.has(arg))) {
      const extra = rest.find((arg) => !helpFlags.has(arg));
      if (extra !== undefined) throw new UsageError(`unexpected argument ${extra} with --help (opsflow ${name} --help)`);
      output.out(`${usageOf(command)}\n\n${EXIT_CODES_HELP}`);
      return EXIT.ok;
    }
    const { args, flags } = parseCommandLine(command, rest);
    return await command.run(args, flags, { readStdin: readProcessStdin, ...output });
  } catch (error) {
    if (inputErrors.some((type) => error instanceof type)) {
      output.err(`opsflow: ${firstLine((error as Error).message)}`);
      return EXIT.usage;
    }
    if (unsuccessfulErrors.some((type) => error instanceof type)) {
      output.err(`opsflow: ${firstLine((error as Error).message)}`);
      return EXIT.failed;
    }
    output.err(`opsflow: internal error: ${describeError(error)}`);
    return EXIT.internal;
  }
}

/** The version in package.json. */
async function version(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${firstLine(error.message)}`;
  return String(error);
}
