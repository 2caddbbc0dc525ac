import { defineCommand } from '../command.ts';
import { NoRouteForEvent } from '../errors.ts';
import { readEvents } from '../events.ts';
import { readConfig, sandboxAccountOf } from '../files.ts';
import * as options from '../options.ts';
import { EXIT } from '../exit.ts';

export const routes = defineCommand({
  name: 'routes',
  synopsis: '<event.json>... [options]',
  description: [
    'Which workflows (and which of their rules) each event starts: the rules evaluated locally as',
    'EventBridge evaluates them, without running anything. `-` reads one event from standard input.',
    'Exits 2 when an event matches no workflow, after printing what it found.',
  ].join('\n'),
  options: {
    config: options.config,
    sandbox: { ...options.sandbox, description: `${options.sandbox.description}: schedule rules name its account, as in run and send` },
    state: { ...options.state, description: 'a saved sandbox account (run|send --state): its account, else the seed\'s, is the one schedule rules name' },
    json: { ...options.json, description: 'a JSON array on stdout instead of lines for people: per event, its routes (and with --explain its explanation)' },
    explain: { type: 'boolean', description: 'for each rule, why it takes the event or, for an event that matches nothing, the first field that failed' },
  },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, missing: 'event file' },
  examples: [
    'opsflow routes workflows/instance-dns/example-input.json',
    'opsflow routes - < examples/state-walk/launch.json',
    'opsflow routes examples/state-walk/terminate.json --explain',
  ],
  async run(args, flags, output) {
    const events = await readEvents(args, output.readStdin);
    const config = await readConfig(flags.config, output.readStdin);
    const account = await sandboxAccountOf(flags, output.readStdin);
    // Routing needs only the rules' patterns: no definitions, handlers or executor.
    const [{ routeEvent, routableWorkflow }, { explainRoutes }, { partitionOf }, { workflows }] = await Promise.all([
      import('../../engine/bus.ts'),
      import('../../engine/router/explain.ts'),
      import('../../engine/naming.ts'),
      import('../../workflows/index.ts'),
    ]);
    const routable = workflows.map((module) => routableWorkflow(module, config));
    // The environment Engine.routes has on the sandbox target run and send use (schedule rules' ARNs name its account and Region).
    const env = { partition: partitionOf(account.region), region: account.region, accountId: account.accountId, stage: 'local' };
    const results = events.map(({ path, event }) => ({
      event: path,
      routes: routeEvent(routable, event, env).map((route) => ({ workflow: route.workflow, trigger: route.trigger.id })),
      ...(flags.explain ? { explanation: explainRoutes(routable, event, env) } : {}),
    }));
    if (flags.json) output.out(JSON.stringify(results, null, 2));
    else {
      for (const { event, routes, explanation } of results) {
        output.out(`${event}: ${routes.length === 0 ? 'matches no workflow' : routes.map((route) => `${route.workflow} (${route.trigger})`).join(', ')}`);
        // A match: the rules that take it; no match: every rule, with the first field that failed.
        const shown = (explanation ?? []).filter((rule) => rule.matched === routes.length > 0);
        for (const rule of shown) output.out(`  ${rule.workflow} ${rule.trigger}: ${rule.message}`);
      }
    }
    const unrouted = results.filter((result) => result.routes.length === 0).map((result) => result.event);
    if (unrouted.length > 0) throw new NoRouteForEvent(`${unrouted.join(', ')}: ${unrouted.length === 1 ? 'matches' : 'match'} no workflow`);
    return EXIT.ok;
  },
});
