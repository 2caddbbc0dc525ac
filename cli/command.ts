import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';
import { firstLine } from './text.ts';

/** The file name that means standard input, as in most Unix tools. */
export const STDIN = '-';

/** Where a command writes: `out` is its answer (stdout), `err` its refusals and failures (stderr). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Standard input as text, for a file named `-`. Default: the process's. */
  readStdin?(): Promise<string>;
}

/** One option of a command: its type for node:util parseArgs, and how usage shows it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in usage, for a string option: `--event <file>`. */
  readonly value?: string;
  readonly description: string;
  /** A file option: `read` takes `-` for standard input; `written` refuses `-` (it is written back). */
  readonly file?: 'read' | 'written';
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** What parseArgs gives for a table: strings for string options, booleans for the rest, absent when not given. */
export type Flags<O extends OptionTable> = { readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

/**
 * One CLI command (cli/commands/<name>.ts): its usage text and options beside the code that runs
 * it. The module loads only when its command runs or its help is asked for, so it imports the
 * engine and other heavy modules inside `run`, not at its top.
 */
export interface Command<O extends OptionTable = OptionTable> {
  readonly name: string;
  /** After `opsflow <name> `: the arguments, e.g. `<event.json>... [options]`. */
  readonly synopsis: string;
  /** What it does, a few lines for `opsflow help <name>`. */
  readonly description: string;
  /** Every option it takes; any other is refused. Add one here to extend the command. */
  readonly options: O;
  /** How many positional arguments it takes (refused outside this range, one line). */
  readonly positionals: { readonly min: number; readonly max: number; readonly missing?: string };
  readonly examples: readonly string[];
  run(args: readonly string[], flags: Flags<O>, output: Output): Promise<number>;
}

/** Declares a command; keeps the option table's literal types for its `run`. */
export function defineCommand<O extends OptionTable>(command: Command<O>): Command<O> {
  return command;
}

/** `opsflow help <name>`: usage, description, options and examples. */
export function usageOf(command: Command): string {
  const options: [string, string][] = Object.entries(command.options).map(([name, option]) => [`--${name}${option.value ? ` ${option.value}` : ''}`, option.description]);
  options.push(['-h, --help', 'this help']);
  const width = Math.max(...options.map(([flag]) => flag.length)) + 2;
  return [
    `usage: opsflow ${command.name} ${command.synopsis}`,
    '',
    ...command.description.split('\n').map((line) => `  ${line}`),
    '',
    'options:',
    ...options.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`),
    '',
    command.examples.length === 1 ? 'example:' : 'examples:',
    ...command.examples.map((example) => `  ${example}`),
  ].join('\n');
}

/**
 * Parses a command's arguments against its option table; UsageError (one line) for anything it
 * does not take, an option given twice, a value missing, or standard input (`-`) named more than
 * once across the file options and the positionals.
 */
export function parseCommandLine<O extends OptionTable>(command: Command<O>, argv: readonly string[]): { args: string[]; flags: Flags<O> } {
  const hint = `(try: opsflow help ${command.name})`;
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[]; tokens: { kind: string; name?: string; value?: string }[] };
  try {
    const options = Object.fromEntries(Object.entries(command.options).map(([name, option]) => [name, { type: option.type }]));
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^' ]*)/.exec(message)?.[1]?.split('=')[0];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) throw new UsageError(`${command.name} does not take ${option} ${hint}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
      if (/does not take an argument/.test(message)) throw new UsageError(`${option} takes no value ${hint}`);
      // A value that starts with a dash reads as another option unless joined with `=`.
      if (/ambiguous/.test(message)) throw new UsageError(`${option} needs a value; one that starts with - is written ${option}=-… ${hint}`);
      throw new UsageError(`${option} needs a value ${hint}`);
    }
    throw new UsageError(`${firstLine(message) || 'invalid arguments'} ${hint}`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once; give it once ${hint}`);
    seen.add(token.name);
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === '') throw new UsageError(`--${name} needs a value ${hint}`);
    if (value === STDIN && command.options[name]?.file === 'written') {
      throw new UsageError(`--${name} cannot be standard input (-): the file is written back after the command; name a file`);
    }
  }
  const args = parsed.positionals;
  const stdinUses = [...args, ...Object.entries(parsed.values).filter(([name]) => command.options[name]?.file === 'read').map(([, value]) => value)].filter((value) => value === STDIN);
  if (stdinUses.length > 1) throw new UsageError('standard input (-) can be read only once');
  const { min, max, missing } = command.positionals;
  if (args.length < min) throw new UsageError(`missing ${missing ?? 'argument'} ${hint}`);
  const extra = args[max];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra} (${`opsflow ${command.name} ${command.synopsis}`.trimEnd()})`);
  return { args, flags: parsed.values as Flags<O> };
}
