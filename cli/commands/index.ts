import type { Command } from '../command.ts';
import { EXIT_CODES_HELP } from '../exit.ts';

/**
 * Every command, by name: a line for the overview and the module that holds it, imported only
 * when that command runs or its help is asked for.
 */
export const commands = {
  routes: { line: '<event.json>...', summary: 'which workflows each event starts', load: async () => (await import('./routes.ts')).routes },
  run: { line: '<workflow> --event <file>', summary: 'run one workflow on the local engine (or --schedule for its schedule input)', load: async () => (await import('./run.ts')).run },
  send: { line: '<event.json>...', summary: 'route each event and run every workflow it matches', load: async () => (await import('./send.ts')).send },
  graph: { line: '<workflow> [--write]', summary: 'Mermaid diagram generated from the ASL (--write updates the READMEs)', load: async () => (await import('./graph.ts')).graph },
  validate: { line: '[workflow...]', summary: 'check every definition (schema, language service, cross-checks)', load: async () => (await import('./validate.ts')).validate },
  start: { line: '<workflow> [--input <file>]', summary: 'start an execution of a workflow deployed on AWS (--stage, --region)', load: async () => (await import('./start.ts')).start },
  executions: { line: '<workflow> [--status <status>]', summary: 'the recent executions of a deployed workflow, one line each', load: async () => (await import('./executions.ts')).executions },
  watch: { line: '<execution>', summary: 'follow an execution of a deployed stage, state by state, until it ends', load: async () => (await import('./watch.ts')).watch },
  approve: { line: '<execution> [--yes]', summary: 'answer a deployed runbook execution\'s approval gate: approve its plan (SendTaskSuccess)', load: async () => (await import('./approve.ts')).approve },
  reject: { line: '<execution> --reason <why>', summary: 'answer a deployed runbook execution\'s approval gate: reject its plan (SendTaskFailure)', load: async () => (await import('./reject.ts')).reject },
  redrive: { line: '<execution> [--watch]', summary: 'redrive a failed execution of a deployed stage, after showing where it failed', load: async () => (await import('./redrive.ts')).redrive },
  demo: { line: '', summary: 'the instance-DNS, security, identity, search-snapshot and search-runbook stories on the sandbox (what npm start runs)', load: async () => (await import('./demo.ts')).demo },
  help: { line: '[command]', summary: 'this overview, or one command\'s options and examples', load: async () => (await import('./help.ts')).help },
} as const satisfies Record<string, { line: string; summary: string; load(): Promise<Command> }>;

export type CommandName = keyof typeof commands;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** `opsflow help`, `opsflow --help`, and what a bare `opsflow` prints to stderr. */
export function overview(): string {
  const rows = Object.entries(commands).map(([name, { line, summary }]) => [`${name} ${line}`.trimEnd(), summary] as const);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    'usage: opsflow <command> [options]',
    '',
    ...rows.map(([left, summary]) => `  ${left.padEnd(width)}${summary}`),
    '',
    'opsflow help <command> (or opsflow <command> --help) shows its options and an example;',
    'opsflow --version prints the version. A file named - is read from standard input.',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}
