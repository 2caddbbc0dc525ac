import { readFile } from 'node:fs/promises';
import type { FaultsFile } from '../engine/faults-file.ts';
import { parseConfig, type OpsflowConfig } from '../handlers/shared/config.ts';
import { STDIN } from './command.ts';
import { InvalidEventFile, UnreadableFile } from './errors.ts';
import { DEFAULT_CONFIG, DEFAULT_SANDBOX } from './defaults.ts';
import { fileProblems, firstLine, oneLine } from './text.ts';

export { fileProblems } from './text.ts';


export { DEFAULT_CONFIG, DEFAULT_SANDBOX } from './defaults.ts';


export { STDIN } from './command.ts';

/** Reads all of the process's standard input as UTF-8. */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a JSON file named by a person (`-`: standard input, through `readStdin`); the error says
 * which file and what is wrong with it, in one line. Throws UnreadableFile.
 */
export async function readJsonFile(path: string, what: string, readStdin: () => Promise<string> = readProcessStdin): Promise<unknown> {
  const name = path === STDIN ? 'standard input' : path;
  let text: string;
  try {
    text = path === STDIN ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UnreadableFile(`${what} ${name}: ${fileProblems[code ?? ''] ?? firstLine(message)}`, { cause: error });
  }
  try {
    // A byte order mark, as some Windows editors save UTF-8, is not part of the JSON.
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new UnreadableFile(`${what} ${name}: not valid JSON (${oneLine((error as Error).message)})`, { cause: error });
  }
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Reads an event (or a workflow input given as one): a JSON object, as every EventBridge event is.
 * Throws UnreadableFile, or InvalidEventFile when the JSON is an array, a string, a number, a boolean or null.
 */
export async function readEventFile(path: string, readStdin?: () => Promise<string>): Promise<Record<string, unknown>> {
  const value = await readJsonFile(path, 'event', readStdin);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidEventFile(`event ${path === STDIN ? 'standard input' : path}: holds ${jsonKind(value)}, not a JSON object (an EventBridge event, or a workflow's input, is an object)`);
  }
  return value as Record<string, unknown>;
}

/** Reads and parses a stage config; errors name the file as `config <path>`. Throws UnreadableFile or InvalidConfig. */
export async function readConfig(path: string = DEFAULT_CONFIG, readStdin?: () => Promise<string>): Promise<OpsflowConfig> {
  return parseConfig(await readJsonFile(path, 'config', readStdin), `config ${path === STDIN ? 'standard input' : path}`);
}

/** Reads a faults file (README, "Rehearsing failures offline"; `-`: standard input). Throws UnreadableFile or InvalidFaultsFile. */
export async function readFaults(path: string, readStdin?: () => Promise<string>): Promise<FaultsFile> {
  const raw = await readJsonFile(path, 'faults', readStdin);
  const { parseFaultsFile } = await import('../engine/faults-file.ts');
  return parseFaultsFile(raw, `faults ${path === STDIN ? 'standard input' : path}`);
}

/** A seed's account and Region when it names none (engine/sandbox/seed.ts, sandboxSeedSchema's defaults). */
export const SEED_DEFAULT_ACCOUNT = { accountId: '123456789012', region: 'eu-west-1' } as const;

/**
 * The sandbox account's id and Region, as `run` and `send` run against it (the --state file's
 * account when that file exists, else the seed's), read without building the account: `routes`
 * needs them for schedule rules' ARNs. Throws UnreadableFile, or InvalidStateFile for a state
 * file that names no account.
 */
export async function sandboxAccountOf(
  flags: { readonly sandbox?: string; readonly state?: string },
  readStdin?: () => Promise<string>,
): Promise<{ accountId: string; region: string }> {
  if (flags.state !== undefined) {
    const saved = await readJsonFile(flags.state, 'state').catch((error: unknown) => {
      if ((error as { cause?: { code?: string } }).cause?.code === 'ENOENT') return undefined;
      throw error;
    });
    if (saved !== undefined) {
      const { accountId, region } = (saved as { account?: { accountId?: unknown; region?: unknown } }).account ?? {};
      if (typeof accountId !== 'string' || typeof region !== 'string') {
        const { InvalidStateFile } = await import('../engine/sandbox/errors.ts');
        throw new InvalidStateFile(`state ${flags.state}: not an opsflow sandbox state file (it names no account.accountId and account.region)`);
      }
      return { accountId, region };
    }
  }
  const path = flags.sandbox ?? DEFAULT_SANDBOX;
  const seed = await readJsonFile(path, 'sandbox seed', readStdin);
  const { accountId, region } = typeof seed === 'object' && seed !== null ? (seed as { accountId?: unknown; region?: unknown }) : {};
  return {
    accountId: typeof accountId === 'string' ? accountId : SEED_DEFAULT_ACCOUNT.accountId,
    region: typeof region === 'string' ? region : SEED_DEFAULT_ACCOUNT.region,
  };
}
