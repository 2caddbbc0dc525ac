import { createHash } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { defineCommand, type Output } from '../command.ts';
import type { ExecutionRef } from '../deployed.ts';
import { AwsRefused } from '../errors.ts';
import { EXIT } from '../exit.ts';
import * as options from '../options.ts';

/** What Step Functions can redrive: an execution that ended unsuccessfully (Step Functions API Reference, RedriveExecution). */
const REDRIVABLE_STATUSES = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

export const redrive = defineCommand({
  name: 'redrive',
  synopsis: '<execution> [options]',
  description: [
    'Redrives an execution of a deployed stage that FAILED, TIMED_OUT or was ABORTED: shows where it',
    'failed (state, error, cause) and how often it was redriven, then RedriveExecution, which',
    'continues it from that state with the same input; the states that succeeded are not run again.',
    'Refused, with AWS\'s reason and nothing sent, when Step Functions cannot redrive it. <execution>',
    'is its ARN (in its own Region) or <workflow>/<execution name> (in --region). --watch then follows',
    'it as `opsflow watch` does (Ctrl-C stops watching, not the execution). --json prints one object:',
    'the execution, where it failed, its redrive count and date (with --watch, the watched end).',
  ].join('\n'),
  options: {
    stage: options.stage,
    region: options.deployedRegion,
    watch: { type: 'boolean', description: 'follow the redriven execution until it ends; exits 1 unless it SUCCEEDED' },
    json: options.json,
  },
  positionals: { min: 1, max: 1, missing: 'execution (its ARN, or <workflow>/<execution name>)' },
  examples: [
    'opsflow redrive instance-dns/launch-i-0b7e4d1c8a6f52001 --watch',
    'opsflow redrive arn:aws:states:eu-west-1:123456789012:execution:opsflow-dev-DnsReconcile:nightly-2026-11-30',
  ],
  async run(args, flags, output) {
    const { namedExecution, stageWorkflowOf, stepFunctions } = await import('../deployed.ts');
    const named = await namedExecution(args[0] ?? '', flags, output.readStdin);
    const { ref } = named;
    const workflow = stageWorkflowOf(named).name;
    const client = await stepFunctions(ref.region);
    try {
      return await redriveExecution(client, ref, output, workflow, { watch: flags.watch === true, json: flags.json === true });
    } finally {
      client.destroy();
    }
  },
});

/**
 * DescribeExecution; refused (AwsRefused, nothing sent) unless it ended unsuccessfully and
 * Step Functions does not call it NOT_REDRIVABLE (its redriveStatusReason is the line); else shows
 * where it failed and RedriveExecution with a client token of the execution and its redrive count,
 * so a retried request redrives it once (AWS answers the same for a token used in the last 15
 * minutes: API Reference, RedriveExecution, clientToken: 1 to 64 of [!-~], botocore's model).
 */
async function redriveExecution(client: SFNClient, ref: ExecutionRef, output: Output, workflow: string, { watch, json }: { watch: boolean; json: boolean }): Promise<number> {
  const { describeExecution, failureLine, followExecution, newHistoryEvents } = await import('../follow.ts');
  const { failureOf } = await import('../history.ts');
  const { RedriveExecutionCommand } = await import('@aws-sdk/client-sfn');
  const { call } = await import('../deployed.ts');
  const execution = `${workflow}/${ref.name}`;
  const description = await describeExecution(client, ref.executionArn);
  const { status, redriveStatus, redriveStatusReason, redriveCount = 0 } = description;
  if (!REDRIVABLE_STATUSES.has(status ?? '') || redriveStatus === 'NOT_REDRIVABLE') {
    throw new AwsRefused(`${execution} cannot be redriven: ${redriveStatusReason ?? `it is ${status ?? 'in no known status'}`}`);
  }
  const history = await newHistoryEvents(client, ref.executionArn, 0);
  const failure = failureOf(history) ?? { state: 'an unknown state', ...(description.error ? { error: description.error } : {}), ...(description.cause ? { cause: description.cause } : {}) };
  // With --json, stdout carries one object: these lines go to stderr.
  const say = json ? output.err : output.out;
  say(`${execution} ${status} at ${failureLine(failure)}`);
  say(`redriven ${redriveCount === 1 ? 'once' : `${redriveCount} times`} before`);
  const clientToken = createHash('sha256').update(`${ref.executionArn}#${redriveCount}`).digest('hex');
  const { redriveDate } = await call(`states:RedriveExecution ${ref.executionArn}`, () => client.send(new RedriveExecutionCommand({ executionArn: ref.executionArn, clientToken })));
  say(`${execution} redriven at ${redriveDate?.toISOString() ?? 'an unknown time'}`);
  if (json && !watch) {
    output.out(JSON.stringify({ workflow, executionArn: ref.executionArn, status, failure, redriveCount: redriveCount + 1, redriveDate: redriveDate?.toISOString() }, null, 2));
  }
  if (!watch) return EXIT.ok;
  const { exitCode } = await followExecution(client, ref, output, { workflow, history, redriven: true, ...(json ? { json: true } : {}) });
  return exitCode;
}
