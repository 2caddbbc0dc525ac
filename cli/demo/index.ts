import { Engine } from '../../engine/engine.ts';
import { applyFaults, type FaultsFile } from '../../engine/faults-file.ts';
import { SandboxAccount } from '../../engine/sandbox/index.ts';
import { sandboxTarget } from '../../engine/target.ts';
import { DEFAULT_CONFIG, DEFAULT_SANDBOX, readConfig, readJsonFile } from '../files.ts';
import { loadValidatedDefinitions, saveValidatedDefinitions } from '../validated-definitions.ts';
import { identityStory } from './identity.ts';
import { instanceDnsStory } from './instance-dns.ts';
import { type Output, runStory, type Story } from './runner.ts';
import { searchRunbookStory } from './search-runbooks.ts';
import { searchStory } from './search.ts';
import { securityStory } from './security.ts';

/**
 * `npm start` (`opsflow demo`): every story on the local engine, each on a fresh sandbox seeded
 * from the CLI's default seed (config/sandbox.json, which holds every workflow's account) with the
 * dev config. Each engine builds only the workflows its story runs, and definitions are
 * schema-validated once per install (cli/validated-definitions.ts).
 */

export type { Output } from './runner.ts';

export const stories: readonly Story[] = [instanceDnsStory, securityStory, identityStory, searchStory, searchRunbookStory];

/**
 * Runs every story; 0 only when every step came out as expected, else 1. With `faults` (--faults),
 * the rules apply to each story's engine and sandbox, which then build every workflow, so that a
 * rule naming any workflow's state is checked and applied as `run` and `send` apply it.
 * Raises InvalidFaultsFile for a rule that cannot be applied.
 */
export async function runDemo(output: Output, options: { readonly faults?: FaultsFile | undefined } = {}): Promise<number> {
  const config = await readConfig(DEFAULT_CONFIG);
  const seed = await readJsonFile(DEFAULT_SANDBOX, 'sandbox seed');
  const validatedDefinitions = await loadValidatedDefinitions();
  const known = validatedDefinitions.size;
  let failures = 0;
  try {
    for (const story of stories) {
      const sandbox = SandboxAccount.fromSeed(seed, { source: DEFAULT_SANDBOX });
      const build = options.faults ? {} : { build: story.workflows };
      const engineIn = (region: string) => Engine.create({ config, target: sandboxTarget(sandbox, { region }), validatedDefinitions, ...build });
      const engine = await engineIn(sandbox.region);
      const regions = new Map([[sandbox.region, engine]]);
      try {
        for (const region of story.regions ?? []) if (!regions.has(region)) regions.set(region, await engineIn(region));
        if (options.faults) {
          applyFaults(options.faults, { engine, sandbox });
          // The account's rules are in place once; each other Region's engine takes the engine rules.
          const applied = { injectFault: () => undefined };
          for (const regional of regions.values()) if (regional !== engine) applyFaults(options.faults, { engine: regional, sandbox: applied });
        }
        failures += await runStory(story, { config, sandbox, engine, regions }, output);
      } finally {
        for (const regional of regions.values()) await regional.close();
      }
    }
  } finally {
    await saveValidatedDefinitions(validatedDefinitions, known);
  }
  return failures === 0 ? 0 : 1;
}
