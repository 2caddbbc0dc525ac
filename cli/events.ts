import { checkBusEvent } from '../engine/bus.ts';
import { InvalidName, PayloadNotJson, PayloadTooDeep, ValidationException } from '../engine/errors.ts';
import { InvalidEventFile, UsageError } from './errors.ts';
import { readEventFile, STDIN } from './files.ts';
import { firstLine } from './text.ts';

/**
 * The events of the files (`-`: standard input, at most once), each one EventBridge would take
 * (size, depth), else refused naming the file; `path` names it for people. Throws UsageError, UnreadableFile, InvalidEventFile.
 */
export async function readEvents(paths: readonly string[], readStdin?: () => Promise<string>): Promise<{ path: string; event: Record<string, unknown> }[]> {
  if (paths.filter((path) => path === STDIN).length > 1) throw new UsageError('standard input (-) can be read only once');
  return Promise.all(
    paths.map(async (path) => {
      const event = await readEventFile(path, readStdin);
      refusedAsInput(path, () => checkBusEvent(event));
      return { path: path === STDIN ? 'standard input' : path, event };
    }),
  );
}

/** A check that refuses an event as AWS would (StartExecution over 256 KiB, nested too deep): the refusal names the event file. */
export function refusedAsInput(path: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if ([ValidationException, InvalidName, PayloadTooDeep, PayloadNotJson].some((type) => error instanceof type)) {
      throw new InvalidEventFile(`${path === STDIN ? 'standard input' : path}: ${firstLine((error as Error).message)}`);
    }
    throw error;
  }
}
