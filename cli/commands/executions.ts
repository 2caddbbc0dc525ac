import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { defineCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import { EXIT } from '../exit.ts';
import * as options from '../options.ts';

/** ListExecutions' statusFilter values (Step Functions API Reference, ListExecutions). */
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
type Status = (typeof STATUSES)[number];

/** ListExecutions returns at most 1,000 executions a page. */
const PAGE_MOST = 1000;
const DEFAULT_COUNT = 20;

export const executions = defineCommand({
  name: 'executions',
  synopsis: '<workflow> [--status <status>] [--max <n>] [options]',
  description: [
    'Lists the recent executions of a workflow deployed on AWS, newest first, one line each: name,',
    'status, start, duration (and redrives). ListExecutions on the state machine of the stage\'s stack,',
    'paged until --max. Give `opsflow watch <workflow>/<name>` a name to follow or read one.',
  ].join('\n'),
  options: {
    status: { type: 'string', value: '<status>', description: `only executions in this status: ${STATUSES.join(', ')}` },
    max: { type: 'string', value: '<n>', description: `how many at most (default ${DEFAULT_COUNT})` },
    stage: options.stage,
    region: options.deployedRegion,
    json: options.json,
  },
  positionals: { min: 1, max: 1, missing: 'workflow name' },
  examples: ['opsflow executions search-failover --region eu-central-1', 'opsflow executions instance-dns --status FAILED --max 50'],
  async run(args, flags, output) {
    const status = statusOf(flags.status);
    const count = countOf(flags.max);
    const { call, deployedStage, deployedWorkflow, stateMachineArn, stepFunctions } = await import('../deployed.ts');
    const deployed = await deployedStage(flags, output.readStdin);
    const module = await deployedWorkflow(deployed, args[0] ?? '');
    const machineArn = await stateMachineArn(deployed, module);
    const { ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
    const client = await stepFunctions(deployed.region);
    const listed: ExecutionListItem[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const page = await call(`states:ListExecutions ${machineArn}`, () =>
          client.send(
            new ListExecutionsCommand({
              stateMachineArn: machineArn,
              maxResults: Math.min(PAGE_MOST, count - listed.length),
              ...(status ? { statusFilter: status } : {}),
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        );
        listed.push(...(page.executions ?? []));
        nextToken = page.nextToken;
      } while (nextToken && listed.length < count);
    } finally {
      client.destroy();
    }
    const shown = listed.slice(0, count);
    if (flags.json) {
      output.out(JSON.stringify({ workflow: module.name, stage: deployed.stage, region: deployed.region, executions: shown.map(jsonOf) }, null, 2));
      return EXIT.ok;
    }
    if (shown.length === 0) {
      output.out(`${module.name} (stage ${deployed.stage}, ${deployed.region}) has no ${status ? `${status} ` : ''}executions`);
      return EXIT.ok;
    }
    const now = new Date();
    const rows = shown.map((execution) => [
      execution.name ?? '',
      execution.status ?? '',
      execution.startDate?.toISOString() ?? '',
      duration(execution, now),
      execution.redriveCount ? `redriven ${execution.redriveCount}×` : '',
    ]);
    const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
    for (const row of rows) output.out(row.map((cell, column) => (column < 4 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd());
    return EXIT.ok;
  },
});

function statusOf(value: string | undefined): Status | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (!(STATUSES as readonly string[]).includes(upper)) throw new UsageError(`--status: ${JSON.stringify(value)} is not one of ${STATUSES.join(', ')}`);
  return upper as Status;
}

function countOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_COUNT;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--max: ${JSON.stringify(value)} is not a whole number of executions, 1 or more`);
  return Number(value);
}

/** From start to stop, or `running <so far>`: `45 s`, `3 min 20 s`, `2 h 5 min`. */
function duration(execution: ExecutionListItem, now: Date): string {
  if (!execution.startDate) return '';
  // Only a running execution has no stop yet; an ended one without its stopDate has no duration to show.
  if (!execution.stopDate && execution.status !== 'RUNNING') return '';
  const end = execution.stopDate ?? now;
  const text = spoken(Math.max(0, Math.round((end.getTime() - execution.startDate.getTime()) / 1000)));
  return execution.stopDate ? text : `running ${text}`;
}

function spoken(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function jsonOf(execution: ExecutionListItem) {
  return {
    name: execution.name,
    executionArn: execution.executionArn,
    status: execution.status,
    startDate: execution.startDate?.toISOString(),
    stopDate: execution.stopDate?.toISOString(),
    redriveCount: execution.redriveCount ?? 0,
  };
}
