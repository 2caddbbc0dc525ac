import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sandboxServices } from '../../../../engine/sandbox/services/index.ts';

describe('engine/sandbox/README.md', () => {
  it('has a row in "Simulated operations" for every simulated service, naming each of its operations', async () => {
    const readme = await readFile('engine/sandbox/README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Simulated operations'), readme.indexOf('A command for any other operation'));
    const rows = new Map([...section.matchAll(/^\| `([a-z0-9]+)` \| (.*) \|$/gm)].map(([, key, operations]) => [key, operations ?? '']));
    expect([...rows.keys()]).toEqual(sandboxServices.map((service) => service.key));
    for (const service of sandboxServices) {
      const named = new Set(rows.get(service.key)?.match(/\b[A-Z][A-Za-z0-9]+\b/g) ?? []);
      expect(Object.keys(service.operations).filter((operation) => !named.has(operation)), service.key).toEqual([]);
    }
  });
});
