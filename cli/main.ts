import '../engine/polyfills.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkBusEvent } from '../engine/bus.ts';
import { Engine, type ExecutionRecord, type StateEvent } from '../engine/engine.ts';
import { InvalidName, PayloadNotJson, PayloadTooDeep, ValidationException } from '../engine/errors.ts';
import { checkStartExecution } from '../engine/limits.ts';
import { SandboxAccount } from '../engine/sandbox/index.ts';
import { awsTarget, sandboxTarget, type AccountTarget } from '../engine/target.ts';
import { InvalidSandboxSeed } from '../engine/sandbox/errors.ts';
import { InvalidConfig } from '../handlers/shared/errors.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import { definitionPath, loadDefinition } from '../workflows/definition.ts';
import { workflows } from '../workflows/index.ts';
import { runDemo } from './demo.ts';
import { causeMessage } from './format.ts';
import { InvalidEventFile, NoRouteForEvent, UnreadableFile, UsageError } from './errors.ts';
import { DEFAULT_CONFIG, DEFAULT_SANDBOX, firstLine, readConfig, readEventFile, readJsonFile } from './files.ts';
import { replaceDiagram, toMermaid } from './graph.ts';
import { formatReport, validateWorkflows } from './validate.ts';

const TOP_README = 'README.md';

const USAGE = `usage: opsflow <command> [options]

  routes <event.json>...            which workflows each event starts
  run <workflow> --event <file>     run one workflow on the local engine (or --schedule for its schedule input)
  send <event.json>...              route each event and run every workflow it matches
  graph <workflow> [--write]        Mermaid diagram generated from the ASL (--write updates its README and this one's)
  validate [workflow...]            check every definition (schema, language service, cross-checks)
  demo                              the instance-DNS and security stories on the sandbox (what npm start runs)

options:
  --config <file>     stage config (default ${DEFAULT_CONFIG})
  --sandbox <file>    sandbox seed (default ${DEFAULT_SANDBOX})
  --aws               run against the AWS account of the default credential chain instead of the sandbox
  --json              one JSON object on stdout instead of lines for people

exit codes: 0 done, as expected; 1 it ran and something did not succeed (an execution, a check, a demo step);
            2 bad input, nothing ran; 3 opsflow itself failed`;

/** The exit codes; README's "The opsflow command" has the same table. */
export const EXIT = {
  /** Done, and everything came out as expected. */
  ok: 0,
  /** It ran, and an outcome is not a success: an execution did not succeed, validation found problems, a demo step came out otherwise. */
  failed: 1,
  /** The command line or a file it names is wrong; nothing ran. */
  usage: 2,
  /** opsflow itself failed (a defect, or a file it could not write). */
  internal: 3,
} as const;

interface Output {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: Output = { out: (line) => console.log(line), err: (line) => console.error(line) };

const options = {
  config: { type: 'string' },
  sandbox: { type: 'string' },
  event: { type: 'string' },
  schedule: { type: 'boolean' },
  aws: { type: 'boolean' },
  json: { type: 'boolean' },
  write: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type Flags = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'string' ? string : boolean };
type Flag = Exclude<keyof typeof options, 'help'>;

/** The flags each command takes; any other is refused rather than ignored. */
const commandFlags = {
  routes: ['config', 'json'],
  run: ['config', 'sandbox', 'event', 'schedule', 'aws', 'json'],
  send: ['config', 'sandbox', 'aws', 'json'],
  graph: ['write'],
  validate: ['json'],
  demo: [],
} as const satisfies Record<string, readonly Flag[]>;

type Command = keyof typeof commandFlags;

/** Errors that mean the command line, or a file it names, is wrong (exit 2). */
/** Refusals of bad input (exit 2): the CLI's own, and what the engine refuses as AWS would (a start over the limits, an event EventBridge would not take). */
const inputErrors = [UsageError, UnreadableFile, InvalidEventFile, NoRouteForEvent, InvalidConfig, InvalidSandboxSeed, ValidationException, InvalidName, PayloadTooDeep, PayloadNotJson];

/** Runs one command line; returns its exit code (EXIT). Every refusal and failure is one line on stderr. */
export async function main(argv: readonly string[], output: Output = consoleOutput): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    const [name, ...args] = positionals;
    if (values.help || name === 'help') {
      output.out(USAGE);
      return EXIT.ok;
    }
    const command = knownCommand(name);
    checkFlags(command, values);
    switch (command) {
      case 'routes':
        return await routesCommand(args, values, output);
      case 'run':
        return await runCommand(args, values, output);
      case 'send':
        return await sendCommand(args, values, output);
      case 'graph':
        return await graphCommand(args, values, output);
      case 'validate':
        return await validateCommand(args, values, output);
      case 'demo':
        noMoreArgs(args, 0);
        return await runDemo(output);
    }
  } catch (error) {
    if (inputErrors.some((type) => error instanceof type)) {
      output.err(`opsflow: ${firstLine((error as Error).message)}`);
      return EXIT.usage;
    }
    output.err(`opsflow: internal error: ${describeError(error)}`);
    return EXIT.internal;
  }
}

function parseCommandLine(argv: readonly string[]): { values: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: values as Flags, positionals };
  } catch (error) {
    throw new UsageError(firstLine((error as Error).message) || 'invalid arguments');
  }
}

function knownCommand(name: string | undefined): Command {
  if (name === undefined) throw new UsageError('missing command (try: opsflow help)');
  if (!Object.hasOwn(commandFlags, name)) throw new UsageError(`unknown command ${name} (try: opsflow help)`);
  return name as Command;
}

function checkFlags(command: Command, flags: Flags): void {
  const allowed: readonly Flag[] = commandFlags[command];
  for (const [flag, value] of Object.entries(flags) as [Flag, string | boolean | undefined][]) {
    if (value === undefined) continue;
    if (!allowed.includes(flag)) throw new UsageError(`${command} does not take --${flag} (try: opsflow help)`);
    if (value === '') throw new UsageError(`--${flag} needs a value`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${firstLine(error.message)}`;
  return String(error);
}

function requireArgs(args: readonly string[], what: string): void {
  if (args.length === 0) throw new UsageError(`missing ${what} (try: opsflow help)`);
}

function noMoreArgs(args: readonly string[], expected: number): void {
  const extra = args[expected];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra} (try: opsflow help)`);
}

function knownWorkflow(name: string | undefined): string {
  if (!name) throw new UsageError('missing workflow name (try: opsflow help)');
  if (!workflows.some((workflow) => workflow.name === name)) {
    throw new UsageError(`unknown workflow ${name} (known: ${workflows.map((workflow) => workflow.name).join(', ')})`);
  }
  return name;
}

async function target(flags: Flags, config: OpsflowConfig): Promise<{ target: AccountTarget; sandbox?: SandboxAccount }> {
  if (flags.aws) {
    if (flags.sandbox) throw new UsageError('--aws and --sandbox exclude each other');
    return { target: awsTarget(config.region) };
  }
  const path = flags.sandbox ?? DEFAULT_SANDBOX;
  const sandbox = SandboxAccount.fromSeed(await readJsonFile(path, 'sandbox seed'), { source: `sandbox seed ${path}` });
  return { target: sandboxTarget(sandbox), sandbox };
}

async function engineFor(flags: Flags, config: OpsflowConfig, output: Output) {
  const { target: account, sandbox } = await target(flags, config);
  const onStateEvent = flags.json
    ? undefined
    : (execution: ExecutionRecord, event: StateEvent) => {
        const line = formatStateEvent(execution, event);
        if (line) output.out(line);
      };
  const engine = await Engine.create({ config, target: account, onStateEvent });
  return { engine, sandbox };
}

async function routesCommand(args: readonly string[], flags: Flags, output: Output): Promise<number> {
  requireArgs(args, 'event file');
  const events = await readEvents(args);
  const config = await readConfig(flags.config);
  const engine = await Engine.create({ config, target: awsTarget(config.region) });
  const results = events.map(({ path, event }) => ({ event: path, routes: engine.routes(event) }));
  if (flags.json) output.out(JSON.stringify(results, null, 2));
  else {
    for (const { event, routes } of results) {
      output.out(`${event}: ${routes.length === 0 ? 'matches no workflow' : routes.map((route) => `${route.workflow} (${route.trigger})`).join(', ')}`);
    }
  }
  const unrouted = results.filter((result) => result.routes.length === 0).map((result) => result.event);
  if (unrouted.length > 0) throw new NoRouteForEvent(`${unrouted.join(', ')}: ${unrouted.length === 1 ? 'matches' : 'match'} no workflow`);
  return EXIT.ok;
}

/** The events of the files, each one EventBridge would take (size, depth), else refused naming the file. */
async function readEvents(paths: readonly string[]): Promise<{ path: string; event: Record<string, unknown> }[]> {
  return Promise.all(
    paths.map(async (path) => {
      const event = await readEventFile(path);
      refusedAsInput(path, () => checkBusEvent(event));
      return { path, event };
    }),
  );
}

async function runCommand(args: readonly string[], flags: Flags, output: Output): Promise<number> {
  const workflow = knownWorkflow(args[0]);
  noMoreArgs(args, 1);
  if (!flags.event === !flags.schedule) throw new UsageError('run needs exactly one of --event <file> or --schedule');
  const input = flags.event ? await readEventFile(flags.event) : undefined;
  const config = await readConfig(flags.config);
  if (input === undefined && !hasSchedule(workflow, config)) {
    throw new UsageError(`${workflow} has no schedule; run it with --event <file>`);
  }
  if (input !== undefined) refusedAsInput(flags.event ?? '', () => checkStartExecution('opsflow-run', input));
  const { engine, sandbox } = await engineFor(flags, config, output);
  const record = input === undefined ? await engine.runSchedule(workflow) : await engine.run(workflow, input);
  report([record, ...engine.executions.filter((execution) => execution !== record)], flags, output, sandbox);
  return record.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed;
}

/** A check that refuses an event as AWS would (StartExecution over 256 KiB, nested too deep): the refusal names the event file. */
function refusedAsInput(path: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if ([ValidationException, InvalidName, PayloadTooDeep, PayloadNotJson].some((type) => error instanceof type)) {
      throw new InvalidEventFile(`${path}: ${firstLine((error as Error).message)}`);
    }
    throw error;
  }
}

function hasSchedule(workflow: string, config: OpsflowConfig): boolean {
  return workflows.some((module) => module.name === workflow && module.triggers(config).some((trigger) => trigger.kind === 'schedule'));
}

async function sendCommand(args: readonly string[], flags: Flags, output: Output): Promise<number> {
  requireArgs(args, 'event file');
  const events = await readEvents(args);
  const config = await readConfig(flags.config);
  const { engine, sandbox } = await engineFor(flags, config, output);
  for (const { path, event } of events) {
    if (engine.routes(event).length === 0) throw new NoRouteForEvent(`${path}: matches no workflow (see: opsflow routes ${path})`);
  }
  for (const { event } of events) await engine.send(event);
  const succeeded = engine.executions.every((execution) => execution.status === 'SUCCEEDED');
  if (flags.json) {
    const status = succeeded ? 'SUCCEEDED' : 'FAILED';
    output.out(JSON.stringify({ status, executions: engine.executions.map(summary), account: sandbox?.snapshot() ?? null }, null, 2));
  } else report(engine.executions, flags, output, sandbox);
  return succeeded ? EXIT.ok : EXIT.failed;
}

function summary(record: ExecutionRecord) {
  const { workflow, executionArn, status, output, error, cause, transitions, states, simulatedSeconds, parentExecutionArn } = record;
  return { workflow, executionArn, status, output, error, cause, transitions, simulatedSeconds, parentExecutionArn, states };
}

function report(records: readonly ExecutionRecord[], flags: Flags, output: Output, sandbox: SandboxAccount | undefined): void {
  if (flags.json) {
    const [first, ...rest] = records.map(summary);
    output.out(JSON.stringify({ ...first, executions: rest, account: sandbox?.snapshot() ?? null }, null, 2));
    return;
  }
  for (const record of records) {
    const failure = record.error ? `  ${record.error}: ${causeMessage(record.cause)}` : '';
    output.out(`${record.workflow} ${record.status} in ${record.transitions} transitions${record.simulatedSeconds ? `, ${Number(record.simulatedSeconds.toFixed(3))} s on the simulated clock` : ''}${failure}`);
  }
  const last = records[0];
  if (last?.output !== undefined) output.out(JSON.stringify(last.output, null, 2));
}

/** One line per state entered and per retry, catch or failure; exits are implied by the next line. */
export function formatStateEvent(execution: ExecutionRecord, event: StateEvent): string | undefined {
  const where = `${execution.workflow}${event.state.mapIndex === undefined ? '' : `[${event.state.mapIndex}]`}`;
  switch (event.type) {
    case 'entered':
      return `  ${where} → ${event.state.name}`;
    case 'retried':
      return `  ${where}   ↻ ${event.state.name} retried after ${event.state.error ?? 'an error'}`;
    case 'caught':
      return `  ${where}   ✗ ${event.state.name} caught ${event.state.error ?? ''}`;
    case 'failed':
      return `  ${where}   ✗ ${event.state.name} failed: ${event.state.error ?? ''}`;
    default:
      return undefined;
  }
}

async function graphCommand(args: readonly string[], flags: Flags, output: Output): Promise<number> {
  const name = knownWorkflow(args[0]);
  noMoreArgs(args, 1);
  const mermaid = toMermaid((await loadDefinition({ name })) as object, { title: name });
  if (!flags.write) {
    output.out(mermaid);
    return EXIT.ok;
  }
  const readme = definitionPath(name).replace(/definition\.asl\.json$/, 'README.md');
  await writeFile(readme, replaceDiagram(await readFile(readme, 'utf8'), mermaid));
  await writeFile(TOP_README, replaceDiagram(await readFile(TOP_README, 'utf8'), mermaid, name));
  output.out(`updated ${readme} and ${TOP_README}`);
  return EXIT.ok;
}

async function validateCommand(args: readonly string[], flags: Flags, output: Output): Promise<number> {
  for (const name of args) knownWorkflow(name);
  const report = await validateWorkflows(args.length > 0 ? { workflows: args } : {});
  output.out(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? EXIT.ok : EXIT.failed;
}
