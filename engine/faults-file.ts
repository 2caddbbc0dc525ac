/**
 * A file of fault rules for rehearsing failures offline (`opsflow run|send|demo --faults <file>`),
 * as Step Functions Local takes a mock file. The rules are the sandbox's and the engine's own
 * format (engine/sandbox/faults.ts); the file is documented in README.md, "Rehearsing failures
 * offline", with examples/faults/ as examples.
 *
 * ```json
 * { "description": "Route 53 throttles the first UPSERT",
 *   "faults": [ { "service": "route53", "operation": "ChangeResourceRecordSets", "error": "Throttling", "nth": [1] } ] }
 * ```
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { InvalidFaultsFile } from './errors.ts';
import { engineAnswered } from './faults.ts';
import { InvalidSandboxOptions } from './sandbox/errors.ts';
import { faultRuleSchema, isEngineScoped, type FaultRule } from './sandbox/faults.ts';

export const faultsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  /** Applied in this order; the first rule that fires on a call decides its error. */
  faults: z.array(faultRuleSchema),
});

/** Where a rule applies: the engine (Lambda invokes, child executions, a Task picked by workflow or state) or the sandbox (every other service). */
export type FaultTarget = 'engine' | 'sandbox';

export interface FileFaultRule {
  readonly rule: FaultRule;
  /** Its place in the file, for messages: `faults.2`. */
  readonly where: string;
  readonly target: FaultTarget;
}

export interface FaultsFile {
  /** Names the file in messages: `faults <path>`. */
  readonly source: string;
  readonly description?: string;
  readonly rules: readonly FileFaultRule[];
}

/** What takes rules: a SandboxAccount and an Engine both do. */
export interface FaultTaker {
  injectFault(rule: FaultRule, where?: string): void;
}

/** Whether the engine or the sandbox applies a rule: the engine takes what it answers itself and any rule that picks a workflow or a state. */
export function faultTarget(rule: FaultRule): FaultTarget {
  return isEngineScoped(rule) || Object.hasOwn(engineAnswered, rule.service) ? 'engine' : 'sandbox';
}

/** Checks a parsed faults file. InvalidFaultsFile names the source and the first wrong field (`faults.0.nth.0: ...`). */
export function parseFaultsFile(raw: unknown, source: string): FaultsFile {
  const parsed = faultsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new InvalidFaultsFile(`${source}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const { description, faults } = parsed.data;
  return {
    source,
    ...(description === undefined ? {} : { description }),
    rules: faults.map((rule, index) => ({ rule, where: `faults.${index}`, target: faultTarget(rule) })),
  };
}

/** Reads and checks a faults file; InvalidFaultsFile when it cannot be read, is not JSON or not the format. */
export async function readFaultsFile(path: string): Promise<FaultsFile> {
  const source = `faults ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidFaultsFile(`${source}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidFaultsFile(`${source}: not valid JSON (${(error as Error).message.split('\n')[0] ?? ''})`, { cause: error });
  }
  return parseFaultsFile(raw, source);
}

/**
 * Gives each rule to the engine or the sandbox, in file order. Call it after both are built and
 * before anything runs: a rule they cannot apply (an unknown service, operation, workflow or Task
 * state) is InvalidFaultsFile naming the file and the field. Without a sandbox (`--aws`), a rule
 * for a service the sandbox would answer is refused.
 */
export function applyFaults(file: FaultsFile, takers: { readonly engine: FaultTaker; readonly sandbox?: FaultTaker }): void {
  for (const { rule, where, target } of file.rules) {
    const taker = target === 'engine' ? takers.engine : takers.sandbox;
    if (!taker) {
      throw new InvalidFaultsFile(`${file.source}: ${where}.service: ${rule.service} is answered by the AWS account, not the sandbox; its faults can only be rehearsed on the sandbox`);
    }
    try {
      taker.injectFault(rule, where);
    } catch (error) {
      if (error instanceof InvalidSandboxOptions) throw new InvalidFaultsFile(`${file.source}: ${error.message}`, { cause: error });
      throw error;
    }
  }
}
