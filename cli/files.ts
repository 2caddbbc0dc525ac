import { readFile } from 'node:fs/promises';
import { parseConfig, type OpsflowConfig } from '../handlers/shared/config.ts';
import { UnreadableFile } from './errors.ts';

export const DEFAULT_CONFIG = 'config/dev.json';
export const DEFAULT_SANDBOX = 'config/sandbox.json';

/** Reads a JSON file named by a person; the error says which file and what is wrong with it. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UnreadableFile(`${what} ${path}: ${reason}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnreadableFile(`${what} ${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

export async function readConfig(path: string = DEFAULT_CONFIG): Promise<OpsflowConfig> {
  return parseConfig(await readJsonFile(path, 'config'), path);
}
