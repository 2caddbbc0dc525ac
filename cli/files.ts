import { readFile } from 'node:fs/promises';
import { parseConfig, type OpsflowConfig } from '../handlers/shared/config.ts';
import { InvalidEventFile, UnreadableFile } from './errors.ts';
import { DEFAULT_CONFIG } from './defaults.ts';
import { firstLine } from './text.ts';


export { DEFAULT_CONFIG, DEFAULT_SANDBOX } from './defaults.ts';

const unreadableReasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** The file name that means standard input, as in most Unix tools. */
export const STDIN = '-';

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
    throw new UnreadableFile(`${what} ${name}: ${unreadableReasons[code ?? ''] ?? firstLine(message)}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnreadableFile(`${what} ${name}: not valid JSON (${firstLine((error as Error).message)})`, { cause: error });
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
export async function readConfig(path: string = DEFAULT_CONFIG): Promise<OpsflowConfig> {
  return parseConfig(await readJsonFile(path, 'config'), `config ${path}`);
}
