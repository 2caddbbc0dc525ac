import { DEFAULT_CONFIG, DEFAULT_SANDBOX } from './defaults.ts';
import type { OptionSpec } from './command.ts';
import { UsageError } from './errors.ts';

/** Options several commands take, written once so they read the same in every command's help. */
export const config = { type: 'string', value: '<file>', file: 'read', description: `stage config (default ${DEFAULT_CONFIG}; - for standard input)` } as const satisfies OptionSpec;
export const sandbox = { type: 'string', value: '<seed.json>', file: 'read', description: `sandbox seed (default ${DEFAULT_SANDBOX}; - for standard input)` } as const satisfies OptionSpec;
export const aws = {
  type: 'boolean',
  description: 'the AWS account of the default credential chain (its id from STS GetCallerIdentity) instead of the sandbox: handlers still run locally, Waits and retries take real time',
} as const satisfies OptionSpec;
export const json = { type: 'boolean', description: 'one JSON object on stdout instead of lines for people' } as const satisfies OptionSpec;
export const faults = {
  type: 'string',
  value: '<file>',
  file: 'read',
  description: 'fault rules to rehearse failures offline (README, "Rehearsing failures offline"; examples/faults/)',
} as const satisfies OptionSpec;
export const state = {
  type: 'string',
  value: '<file>',
  file: 'written',
  description: 'the sandbox account is loaded from this file when it exists (else from the seed) and saved back after',
} as const satisfies OptionSpec;
export const region = {
  type: 'string',
  value: '<region>',
  description: "the Region whose stack runs (default the config's region): a sandbox Region such as the search standby's, or the AWS Region with --aws",
} as const satisfies OptionSpec;
export const stage = {
  type: 'string',
  value: '<stage>',
  description: 'the deployed stage (default dev): its stack opsflow-<stage>, and config/<stage>.json for where each workflow is deployed',
} as const satisfies OptionSpec;
export const deployedRegion = {
  type: 'string',
  value: '<region>',
  description: "the Region of the stack (default the stage config's region): the search runbooks' standby Region, for one",
} as const satisfies OptionSpec;

/** An AWS Region's code (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** --region, when given, must be a Region's code; UsageError (one line) otherwise. */
export function checkRegionFlag(region: string | undefined): void {
  if (region !== undefined && !REGION_CODE.test(region)) throw new UsageError(`--region: ${JSON.stringify(region)} is not a Region code such as eu-west-1`);
}
