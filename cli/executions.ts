import type { Engine, ExecutionRecord, StateEvent } from '../engine/engine.ts';
import type { SandboxAccount } from '../engine/sandbox/index.ts';
import type { AccountTarget } from '../engine/target.ts';
import type { OpsflowConfig } from '../handlers/shared/config.ts';
import type { Output } from './command.ts';
import { UnwritableFile, UsageError } from './errors.ts';
import { DEFAULT_SANDBOX, fileProblems, readFaults, readJsonFile, STDIN } from './files.ts';
import { causeMessage, transitionCount } from './format.ts';
import { checkRegionFlag } from './options.ts';
import { firstLine } from './text.ts';

/** What `run` and `send` share: where they run, the engine, and how executions are reported. */

export interface RunFlags {
  readonly sandbox?: string;
  readonly faults?: string;
  readonly state?: string;
  readonly aws?: boolean;
  readonly json?: boolean;
  readonly region?: string;
}

async function target(flags: RunFlags, config: OpsflowConfig, readStdin?: () => Promise<string>): Promise<{ target: AccountTarget; sandbox?: SandboxAccount }> {
  const { awsAccountId, awsTarget, sandboxTarget } = await import('../engine/target.ts');
  checkRegionFlag(flags.region);
  // The stage's stack runs in the config's Region, as on AWS; --region picks another Region's stack.
  const region = { region: flags.region ?? config.region };
  if (flags.aws) {
    if (flags.sandbox) throw new UsageError('--aws and --sandbox exclude each other');
    if (flags.state) throw new UsageError('--state keeps a sandbox account; it does not go with --aws');
    // The account's own id, so the ARNs the engine builds are real; its clock is real time.
    return { target: awsTarget(region.region, { accountId: await awsAccountId(region.region) }) };
  }
  if (flags.state !== undefined) {
    const { loadStateFile } = await import('../engine/sandbox/state-file.ts');
    const saved = await loadStateFile(flags.state);
    if (saved) return { target: sandboxTarget(saved, region), sandbox: saved };
  }
  const path = flags.sandbox ?? DEFAULT_SANDBOX;
  const seed = await readJsonFile(path, 'sandbox seed', readStdin);
  const { SandboxAccount } = await import('../engine/sandbox/index.ts');
  const sandbox = SandboxAccount.fromSeed(seed, { source: `sandbox seed ${path === STDIN ? 'standard input' : path}` });
  return { target: sandboxTarget(sandbox, region), sandbox };
}

/**
 * The engine for `run` and `send`, on the sandbox (or AWS with --aws), printing each state as it
 * runs unless --json. `build`: the workflows to build (EngineOptions.build), default every one.
 * Definitions are schema-validated once per install (cli/validated-definitions.ts).
 */
export async function engineFor(flags: RunFlags, config: OpsflowConfig, output: Output, build?: readonly string[]): Promise<{ engine: Engine; sandbox?: SandboxAccount }> {
  if (flags.state !== undefined) await checkStatePath(flags.state);
  const faultsFile = flags.faults === undefined ? undefined : await import('../engine/faults-file.ts');
  const faults = flags.faults === undefined ? undefined : await readFaults(flags.faults, output.readStdin);
  const { target: account, sandbox } = await target(flags, config, output.readStdin);
  const onStateEvent = flags.json
    ? undefined
    : (execution: ExecutionRecord, event: StateEvent) => {
        const line = formatStateEvent(execution, event);
        if (line) output.out(line);
      };
  const [{ Engine }, cache] = await Promise.all([import('../engine/engine.ts'), import('./validated-definitions.ts')]);
  const validatedDefinitions = await cache.loadValidatedDefinitions();
  const known = validatedDefinitions.size;
  const engine = await Engine.create({ config, target: account, onStateEvent, validatedDefinitions, ...(build ? { build } : {}) });
  await cache.saveValidatedDefinitions(validatedDefinitions, known);
  // --faults: checked against what was built before anything runs.
  if (faults) faultsFile?.applyFaults(faults, { engine, ...(sandbox ? { sandbox } : {}) });
  return { engine, sandbox };
}

/** --state: the account, saved back once the command's executions are done, whatever their outcome. */
export async function keepState(flags: RunFlags, sandbox: SandboxAccount | undefined): Promise<void> {
  if (flags.state === undefined || !sandbox) return;
  const { saveStateFile } = await import('../engine/sandbox/state-file.ts');
  try {
    await saveStateFile(flags.state, sandbox);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UnwritableFile(`state ${flags.state}: cannot be written (${fileProblems[code ?? ''] ?? firstLine(message)})`, { cause: error });
  }
}

/**
 * --state names a file the command writes back: refused (UsageError, naming the path as given)
 * before anything runs when its directory does not exist or the path is a directory.
 */
export async function checkStatePath(path: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const kind = async (of: string) => stat(of).then((found) => (found.isDirectory() ? 'directory' : 'file'), () => undefined);
  if ((await kind(path)) === 'directory') throw new UsageError(`--state ${path}: is a directory, not a file`);
  if ((await kind(dirname(path))) !== 'directory') throw new UsageError(`--state ${path}: its directory ${dirname(path)} does not exist`);
}

export function summary(record: ExecutionRecord) {
  const { workflow, executionArn, status, output, error, cause, transitions, states, simulatedSeconds, parentExecutionArn } = record;
  return { workflow, executionArn, status, output, error, cause, transitions, simulatedSeconds, parentExecutionArn, states };
}

/** The executions, the first one's output, and (--json) the account after the run. */
export function report(records: readonly ExecutionRecord[], flags: RunFlags, output: Output, sandbox: SandboxAccount | undefined): void {
  if (flags.json) {
    const [first, ...rest] = records.map(summary);
    output.out(JSON.stringify({ ...first, executions: rest, account: sandbox?.snapshot() ?? null }, null, 2));
    return;
  }
  for (const record of records) {
    const failure = record.error ? `  ${record.error}: ${causeMessage(record.cause)}` : '';
    output.out(`${record.workflow} ${record.status}${endedAt(record)} in ${transitionCount(record.transitions)}${took(record, flags)}${failure}`);
  }
  const last = records[0];
  if (last?.output !== undefined) output.out(JSON.stringify(last.output, null, 2));
}

/**
 * ` at <state>` for an execution that succeeded in a Succeed state: which end it reached says
 * what it did (`DryRun`, `NotTheStandby`, `NothingToSync`...); nothing otherwise.
 */
function endedAt(record: ExecutionRecord): string {
  const last = record.states.at(-1);
  return record.status === 'SUCCEEDED' && last?.type === 'Succeed' ? ` at ${last.name}` : '';
}

/** How long it took: on the simulated clock (the sandbox), or in real time (--aws, whose clock is real). */
function took(record: ExecutionRecord, flags: RunFlags): string {
  if (record.simulatedSeconds) return `, ${Number(record.simulatedSeconds.toFixed(3))} s on the simulated clock`;
  if (!flags.aws || record.stopDate === undefined) return '';
  const seconds = (Date.parse(record.stopDate) - Date.parse(record.startDate)) / 1000;
  return Number.isFinite(seconds) ? `, ${Number(seconds.toFixed(1))} s` : '';
}

/** One line per state entered and per retry, catch or failure; exits are implied by the next line. */
export function formatStateEvent(execution: Pick<ExecutionRecord, 'workflow'>, event: StateEvent): string | undefined {
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
