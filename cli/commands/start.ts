import type { OpsflowConfig } from '../../handlers/shared/config.ts';
import type { WorkflowModule } from '../../workflows/types.ts';
import { OpsflowError } from '../../handlers/shared/errors.ts';
import { defineCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import { EXIT } from '../exit.ts';
import * as options from '../options.ts';

export const start = defineCommand({
  name: 'start',
  synopsis: '<workflow> [--input <file>] [--name <name>] [options]',
  description: [
    'Starts an execution of a workflow deployed on AWS (StartExecution on the state machine of the',
    'stage\'s stack, found through CloudFormation), and prints it. The input is the file given, else a',
    'scheduled workflow\'s schedule input. Credentials come from the default credential chain.',
    'A name makes the start idempotent: the same name and input while it runs is the same execution.',
    '--watch then follows it as `opsflow watch` does and exits with its status (Ctrl-C stops watching,',
    'not the execution).',
  ].join('\n'),
  options: {
    input: { type: 'string', value: '<file>', file: 'read', description: 'the execution\'s input, a JSON object: an event, or the workflow\'s own input (- for standard input)' },
    name: { type: 'string', value: '<name>', description: 'the execution\'s name (default: one Step Functions generates)' },
    watch: { type: 'boolean', description: 'follow the execution until it ends, state by state; exit 0 only when it SUCCEEDED' },
    stage: options.stage,
    region: options.deployedRegion,
    json: options.json,
  },
  positionals: { min: 1, max: 1, missing: 'workflow name' },
  examples: [
    'opsflow start search-failover --input workflows/search-failover/example-input.json --region eu-central-1',
    'opsflow start dns-reconcile --name reconcile-after-change-42 --watch',
  ],
  async run(args, flags, output) {
    const { call, deployedStage, deployedWorkflow, stateMachineArn, stepFunctions } = await import('../deployed.ts');
    const deployed = await deployedStage(flags, output.readStdin);
    const module = await deployedWorkflow(deployed, args[0] ?? '');
    const input = await executionInput(module, deployed.config, flags.input, output.readStdin);
    const { checkStartExecution } = await import('../../engine/limits.ts');
    if (flags.input !== undefined) {
      const { refusedAsInput } = await import('../events.ts');
      refusedAsInput(flags.input, () => checkStartExecution('opsflow-start', input));
    }
    if (flags.name !== undefined) checkName(flags.name, checkStartExecution);
    if (module.checkInput) await refusedBeforeStart(flags.input, () => module.checkInput?.(input));
    const machineArn = await stateMachineArn(deployed, module);
    const { StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    const client = await stepFunctions(deployed.region);
    try {
      const started = await call(`states:StartExecution ${machineArn}`, () =>
        client.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify(input), ...(flags.name === undefined ? {} : { name: flags.name }) })),
      );
      const executionArn = started.executionArn ?? '';
      const startDate = started.startDate?.toISOString() ?? '';
      if (flags.json && !flags.watch) {
        output.out(JSON.stringify({ workflow: module.name, stage: deployed.stage, region: deployed.region, executionArn, startDate }, null, 2));
        return EXIT.ok;
      }
      // With --json --watch, stdout carries the one object the watch ends with; these lines go to stderr.
      const say = flags.json ? output.err : output.out;
      say(`Started ${module.name} (stage ${deployed.stage}, ${deployed.region})`);
      say(`  execution  ${executionArn}`);
      say(`  started    ${startDate}`);
      if (!flags.watch) say(`Follow it: opsflow watch ${executionArn}`);
      // A runbook's dry run ends with its plan and asks nobody.
      if (module.approval && input.dryRun !== true) say(`It waits at ${module.approval.state} for: opsflow approve ${executionArn} (or opsflow reject ${executionArn} --reason "...")`);
      if (!flags.watch) return EXIT.ok;
      const { followExecution } = await import('../follow.ts');
      const { executionNamed } = await import('../deployed.ts');
      const { exitCode } = await followExecution(client, await executionNamed(executionArn, deployed), output, { workflow: module.name, ...(flags.json ? { json: true } : {}) });
      return exitCode;
    } finally {
      client.destroy();
    }
  },
});

/**
 * The input to start with: the file's JSON object, else the schedule rule's input of a scheduled
 * workflow. UsageError for a workflow that has no schedule and no file given.
 */
async function executionInput(module: WorkflowModule, config: OpsflowConfig, path: string | undefined, readStdin?: () => Promise<string>): Promise<Record<string, unknown>> {
  if (path !== undefined) {
    const { readEventFile } = await import('../files.ts');
    return readEventFile(path, readStdin);
  }
  const schedule = module.triggers(config).find((trigger) => trigger.kind === 'schedule');
  if (!schedule) throw new UsageError(`${module.name} has no schedule to take its input from; give --input <file>`);
  return { ...schedule.input };
}

/** The workflow's own check of its input (WorkflowModule.checkInput): its refusal is one line naming the file, nothing started. */
async function refusedBeforeStart(path: string | undefined, check: () => Promise<void> | undefined): Promise<void> {
  try {
    await check();
  } catch (error) {
    // The workflow's named refusals only; anything else is a defect, reported as one.
    if (!(error instanceof OpsflowError)) throw error;
    const where = path === undefined ? 'the schedule\'s input' : path === '-' ? 'standard input' : path;
    throw new UsageError(`${where}: ${(error as Error).name}: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
}

/** An execution name Step Functions would refuse, refused here first (UsageError), nothing started. */
function checkName(name: string, check: (name: string, input: unknown) => unknown): void {
  try {
    check(name, {});
  } catch (error) {
    throw new UsageError(`--name: ${(error as Error).message.split('\n')[0] ?? ''} (at most 80 characters; no spaces, brackets, wildcards or " # % \\ ^ | ~ \` $ & , ; : /)`);
  }
}
