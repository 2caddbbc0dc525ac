import { defineCommand } from '../command.ts';
import { UnwritableFile } from '../errors.ts';
import { EXIT } from '../exit.ts';
import { fileProblems } from '../text.ts';
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
    const said: string[] = [];
    for (const [file, workflowName] of [[readme, undefined], [TOP_README, name]] as const) {
      const before = await readReadme(readFile, file);
      const after = replaceDiagram(before, mermaid, workflowName);
      if (after === before) said.push(`${file} unchanged`);
      else {
        await writeFile(file, after).catch((error: unknown) => {
          throw new UnwritableFile(`graph --write: ${file}: cannot be written (${fileProblems[(error as NodeJS.ErrnoException).code ?? ''] ?? 'error'})`, { cause: error });
        });
        said.push(`updated ${file}`);
      }
    }
    output.out(said.join(', '));
    return EXIT.ok;
  },
});

/** A README `graph --write` rewrites; UnwritableFile (exit 2) naming it when it is missing or a directory. */
async function readReadme(readFile: (path: string, encoding: 'utf8') => Promise<string>, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UnwritableFile(`graph --write: ${file}: ${fileProblems[code ?? ''] ?? message}`, { cause: error });
  }
}
