import { defineCommand } from '../command.ts';
import { EXIT } from '../exit.ts';
import { knownWorkflow } from '../workflow-names.ts';

const TOP_README = 'README.md';

export const graph = defineCommand({
  name: 'graph',
  synopsis: '<workflow> [--write]',
  description: [
    'The Mermaid diagram of a workflow, generated from its ASL. With --write, updates the diagram',
    'in the workflow\'s README and in this repository\'s README instead of printing it.',
  ].join('\n'),
  options: { write: { type: 'boolean', description: 'update the workflow\'s README and README.md' } },
  positionals: { min: 1, max: 1, missing: 'workflow name' },
  examples: ['opsflow graph instance-dns', 'opsflow graph instance-dns --write'],
  async run(args, flags, output) {
    const name = await knownWorkflow(args[0]);
    const [{ readFile, writeFile }, { definitionPath, loadDefinition }, { replaceDiagram, toMermaid }] = await Promise.all([
      import('node:fs/promises'),
      import('../../workflows/definition.ts'),
      import('../graph.ts'),
    ]);
    const mermaid = toMermaid((await loadDefinition({ name })) as object, { title: name });
    if (!flags.write) {
      output.out(mermaid);
      return EXIT.ok;
    }
    const readme = definitionPath(name).replace(/definition\.asl\.json$/, 'README.md');
    await writeFile(readme, replaceDiagram(await readFile(readme, 'utf8'), mermaid));
    await writeFile(TOP_README, replaceDiagram(await readFile(TOP_README, 'utf8'), mermaid, name));
    output.out(`updated ${readme} and ${TOP_README}`);
    return EXIT.ok;
  },
});
