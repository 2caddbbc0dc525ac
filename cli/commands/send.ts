import { defineCommand } from '../command.ts';
import { NoRouteForEvent } from '../errors.ts';
import { readEvents, refusedAsInput } from '../events.ts';
import { EXIT } from '../exit.ts';
import { readConfig } from '../files.ts';
import * as options from '../options.ts';

export const send = defineCommand({
  name: 'send',
  synopsis: '<event.json>... [options]',
  description: [
    'Routes each event as the rules would and runs every workflow it matches on the local engine',
    '(and whatever those emit), in order. `-` reads one event from standard input. Nothing runs',
    'when an event matches no workflow (exit 2); exits 1 when an execution did not succeed.',
  ].join('\n'),
  options: { config: options.config, sandbox: options.sandbox, aws: options.aws, json: options.json, faults: options.faults, state: options.state, region: options.region },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, missing: 'event file' },
  examples: [
    'opsflow send workflows/instance-dns/example-input.json',
    'opsflow send - --json < examples/state-walk/launch.json',
    'opsflow send examples/state-walk/launch.json --state story.json --faults examples/faults/route53-throttling.json',
  ],
  async run(args, flags, output) {
    const events = await readEvents(args, output.readStdin);
    const config = await readConfig(flags.config, output.readStdin);
    const { engineFor, keepState, report, summary } = await import('../executions.ts');
    const { engine, sandbox } = await engineFor(flags, config, output);
    const { checkStartExecution } = await import('../../engine/limits.ts');
    try {
      for (const { path, event } of events) {
        if (engine.routes(event).length === 0) throw new NoRouteForEvent(`${path}: matches no workflow (see: opsflow routes ${path})`);
        // Each workflow it starts takes the event as its input: refused as StartExecution would refuse it, naming the file.
        refusedAsInput(path, () => checkStartExecution('opsflow-send', event));
      }
      for (const { event } of events) await engine.send(event);
    } finally {
      await engine.close();
    }
    await keepState(flags, sandbox);
    const succeeded = engine.executions.every((execution) => execution.status === 'SUCCEEDED');
    if (flags.json) {
      const status = succeeded ? 'SUCCEEDED' : 'FAILED';
      output.out(JSON.stringify({ status, executions: engine.executions.map(summary), account: sandbox?.snapshot() ?? null }, null, 2));
    } else report(engine.executions, flags, output, sandbox);
    return succeeded ? EXIT.ok : EXIT.failed;
  },
});
