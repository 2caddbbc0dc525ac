import '../engine/polyfills.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Engine, type ExecutionRecord, type StateEvent } from '../engine/engine.ts';
import { SandboxAccount } from '../engine/sandbox/index.ts';
import { awsTarget, sandboxTarget, type AccountTarget } from '../engine/target.ts';
import { OpsflowError } from '../handlers/shared/errors.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import { definitionPath, loadDefinition } from '../workflows/definition.ts';
import { workflows } from '../workflows/index.ts';
import { runDemo } from './demo.ts';
import { causeMessage } from './format.ts';
import { NoRouteForEvent, UsageError } from './errors.ts';
import { DEFAULT_CONFIG, DEFAULT_SANDBOX, readConfig, readJsonFile } from './files.ts';
import { replaceDiagram, toMermaid } from './graph.ts';
import { formatReport, validateWorkflows } from './validate.ts';

const TOP_README = 'README.md';

const USAGE = `usage: opsflow <command> [options]

  routes <event.json>...            which workflows each event starts
  run <workflow> --event <file>     run one workflow on the local engine (or --schedule for its schedule input)
  send <event.json>...              route each event and run every workflow it matches
  graph <workflow> [--write]        Mermaid diagram generated from the ASL (--write updates workflows/<name>/README.md)
  validate [workflow...]            check every definition (schema, language service, cross-checks)
  demo                              the instance-DNS story on the sandbox (what npm start runs)

options:
  --config <file>     stage config (default ${DEFAULT_CONFIG})
  --sandbox <file>    sandbox seed (default ${DEFAULT_SANDBOX})
  --aws               run against the AWS account of the default credential chain instead of the sandbox
  --json              one JSON object on stdout instead of lines for people`;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

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

export async function main(argv: readonly string[], output: Output = consoleOutput): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    const [command, ...args] = positionals;
    if (values.help || command === undefined || command === 'help') {
      output.out(USAGE);
      return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
    }
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
        return await runDemo(output);
      default:
        throw new UsageError(`unknown command ${command} (try: opsflow help)`);
    }
  } catch (error) {
    output.err(`opsflow: ${describeError(error)}`);
    return EXIT.usage;
  }
}

function parseCommandLine(argv: readonly string[]): { values: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: values as Flags, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

function describeError(error: unknown): string {
  if (error instanceof OpsflowError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return String(error);
}

function requireArgs(args: readonly string[], what: string): void {
  if (args.length === 0) throw new UsageError(`missing ${what} (try: opsflow help)`);
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
  const sandbox = SandboxAccount.fromSeed(await readJsonFile(path, 'sandbox seed'), { source: path });
  return { target: sandboxTarget(sandbox), sandbox };
}

async function engineFor(flags: Flags, output: Output) {
  const config = await readConfig(flags.config);
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
  const config = await readConfig(flags.config);
  const engine = await Engine.create({ config, target: awsTarget(config.region) });
  const results = [];
  for (const path of args) {
    const event = await readJsonFile(path, 'event');
    results.push({ event: path, routes: engine.routes(event) });
  }
  if (flags.json) output.out(JSON.stringify(results, null, 2));
  else {
    for (const { event, routes } of results) {
      output.out(`${event}: ${routes.length === 0 ? 'matches no workflow' : routes.map((route) => `${route.workflow} (${route.trigger})`).join(', ')}`);
    }
  }
  return results.every((result) => result.routes.length > 0) ? EXIT.ok : EXIT.failed;
}

async function runCommand(args: readonly string[], flags: Flags, output: Output): Promise<number> {
  const workflow = knownWorkflow(args[0]);
  if (args.length > 1) throw new UsageError(`unexpected argument ${args[1]}`);
  if (!flags.event === !flags.schedule) throw new UsageError('run needs exactly one of --event <file> or --schedule');
  const input = flags.event ? await readJsonFile(flags.event, 'event') : undefined;
  const { engine, sandbox } = await engineFor(flags, output);
  const record = input === undefined ? await engine.runSchedule(workflow) : await engine.run(workflow, input);
  report([record, ...engine.executions.filter((execution) => execution !== record)], flags, output, sandbox);
  return record.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed;
}

async function sendCommand(args: readonly string[], flags: Flags, output: Output): Promise<number> {
  requireArgs(args, 'event file');
  const events = await Promise.all(args.map(async (path) => ({ path, event: await readJsonFile(path, 'event') })));
  const { engine, sandbox } = await engineFor(flags, output);
  for (const { path, event } of events) {
    if (engine.routes(event).length === 0) throw new NoRouteForEvent(`${path}: matches no workflow (see: opsflow routes ${path})`);
  }
  for (const { event } of events) await engine.send(event);
  report(engine.executions, flags, output, sandbox);
  return engine.executions.every((execution) => execution.status === 'SUCCEEDED') ? EXIT.ok : EXIT.failed;
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
    output.out(`${record.workflow} ${record.status} in ${record.transitions} transitions${record.simulatedSeconds ? `, ${record.simulatedSeconds} s on the simulated clock` : ''}${failure}`);
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
  const report = await validateWorkflows(args.length > 0 ? { workflows: args } : {});
  output.out(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? EXIT.ok : EXIT.failed;
}
