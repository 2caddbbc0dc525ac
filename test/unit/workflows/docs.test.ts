import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replaceDiagram, toMermaid } from '../../../cli/graph.ts';
import { validateWorkflows } from '../../../cli/validate.ts';
import { loadDefinition } from '../../../workflows/definition.ts';
import { workflows } from '../../../workflows/index.ts';

describe.each(workflows.map((workflow) => workflow.name))('%s', (name) => {
  it('passes opsflow validate', async () => {
    const report = await validateWorkflows({ workflows: [name] });
    expect(report.workflows.flatMap((workflow) => workflow.problems)).toEqual([]);
  });

  it('has a README whose diagram is generated from the current ASL (opsflow graph <name> --write)', async () => {
    const readme = readFileSync(`workflows/${name}/README.md`, 'utf8');
    const mermaid = toMermaid((await loadDefinition({ name })) as object, { title: name });
    expect(replaceDiagram(readme, mermaid)).toBe(readme);
  });

  it('has the same diagram in the top-level README', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const mermaid = toMermaid((await loadDefinition({ name })) as object, { title: name });
    expect(replaceDiagram(readme, mermaid, name)).toBe(readme);
  });
});
