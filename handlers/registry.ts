import type { LambdaHandler } from './shared/lambda.ts';

/**
 * Every Lambda task, by function key. One naming chain: folder `parse-dns-event` = key
 * `parseDnsEvent` = state `ParseDnsEvent`. The deployment reads `handler` (the path osls
 * bundles); the local engine calls `load()` and invokes the same handler in-process.
 */
export interface FunctionSpec {
  readonly handler: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  load(): Promise<{ handler: LambdaHandler }>;
}

export const functionRegistry = {
} as const satisfies Record<string, FunctionSpec>;

export type FunctionKey = keyof typeof functionRegistry;
