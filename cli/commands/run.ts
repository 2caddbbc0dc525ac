import type { ExecutionRecord } from '../../engine/engine.ts';
import { defineCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import { refusedAsInput } from '../events.ts';
import { EXIT } from '../exit.ts';
import { readConfig, readEventFile } from '../files.ts';
import * as options from '../options.ts';
import { knownWorkflow } from '../workflow-names.ts';

export const run = defineCommand({
  name: 'run',
  synopsis: '<workflow> (--event <file> | --schedule) [options]',
  description: [
    'Runs one workflow on the local engine against the sandbox account, showing each state as it',
    'runs, then every execution it caused and the first one\'s output. `--event -` reads the input',
    'from standard input. Exits 1 when the execution did not succeed.',
    'A workflow with an approval gate (a runbook) shows the plan when it waits there, then answers:',
    '--approve or --reject <reason> given up front, else a prompt when a person is at the terminal;',
    'with neither, the run stops at the gate (ABORTED, nothing changed), says how to answer and exits 1.',
    'The task token is never shown.',
  ].join('\n'),
  options: {
    event: { type: 'string', value: '<file>', file: 'read', description: 'the execution\'s input: an event, or the workflow\'s own input (- for standard input)' },
    schedule: { type: 'boolean', description: 'run it with its schedule rule\'s input instead' },
    config: options.config,
    sandbox: options.sandbox,
    aws: options.aws,
    json: options.json,
    faults: options.faults,
    state: options.state,
    region: options.region,
    approve: { type: 'boolean', description: 'approve the plan at the workflow\'s approval gate' },
    reject: { type: 'string', value: '<reason>', description: 'reject the plan at the workflow\'s approval gate, saying why' },
  },
  positionals: { min: 1, max: 1, missing: 'workflow name' },
  examples: [
    'opsflow run instance-dns --event workflows/instance-dns/example-input.json',
    'opsflow run dns-reconcile --schedule --json',
    'cat examples/state-walk/launch.json | opsflow run instance-dns --event -',
    'opsflow run instance-dns --event examples/state-walk/launch.json --faults examples/faults/route53-throttling.json',
    'opsflow run dns-reconcile --schedule --state story.json',
    'opsflow run search-snapshot --schedule --region eu-central-1',
  ],
  async run(args, flags, output) {
    const workflow = await knownWorkflow(args[0]);
    if (!flags.event === !flags.schedule) throw new UsageError('run needs exactly one of --event <file> or --schedule');
    const input = flags.event ? await readEventFile(flags.event, output.readStdin) : undefined;
    const config = await readConfig(flags.config, output.readStdin);
    const { workflows } = await import('../../workflows/index.ts');
    const module = workflows.find((candidate) => candidate.name === workflow);
    const { answerGate, decisionFromFlags, dryRunPlan } = await import('../approval.ts');
    const decision = module ? decisionFromFlags(module, flags) : undefined;
    const region = flags.region ?? config.region;
    const deployedTo = module?.regions?.(config) ?? [config.region];
    if (!deployedTo.includes(region)) {
      throw new UsageError(`${workflow} is not deployed in ${region}: the config deploys it to ${deployedTo.join(', ') || 'no Region (its config section is missing)'}`);
    }
    const hasSchedule = module?.triggers(config).some((trigger) => trigger.kind === 'schedule') ?? false;
    if (input === undefined && !hasSchedule) throw new UsageError(`${workflow} has no schedule; run it with --event <file>`);
    if (input !== undefined) {
      const { checkStartExecution } = await import('../../engine/limits.ts');
      refusedAsInput(flags.event ?? '', () => checkStartExecution('opsflow-run', input));
    }
    const { engineFor, keepState, report } = await import('../executions.ts');
    // Only this workflow and those it starts: an event it causes that another would take is a warning.
    const { engine, sandbox } = await engineFor(flags, config, output, [workflow]);
    let record: ExecutionRecord;
    try {
      const running = input === undefined ? engine.runSchedule(workflow) : engine.run(workflow, input);
      if (module?.approval) {
        await answerGate(engine, running, {
          workflow,
          state: module.approval.state,
          decision,
          show: (line) => (flags.json ? output.err(line) : output.out(line)),
          note: (line) => output.err(line),
        });
      }
      record = await running;
    } finally {
      await engine.close();
    }
    await keepState(flags, sandbox);
    report([record, ...engine.executions.filter((execution) => execution !== record)], flags, output, sandbox);
    // A dry run ends before the gate: its plan, readable, is what the operator ran it for.
    const showPlan = (line: string) => (flags.json ? output.err(line) : output.out(line));
    if (module?.approval) for (const line of dryRunPlan(record)) showPlan(line);
    for (const warning of engine.warnings) output.err(`opsflow: warning: ${warning.message}`);
    return record.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed;
  },
});
