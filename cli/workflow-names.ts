import { UsageError } from './errors.ts';

/** A workflow named on the command line; UsageError naming the known ones otherwise. */
export async function knownWorkflow(name: string | undefined): Promise<string> {
  const { workflows } = await import('../workflows/index.ts');
  if (!name) throw new UsageError('missing workflow name (try: opsflow help)');
  if (!workflows.some((workflow) => workflow.name === name)) {
    throw new UsageError(`unknown workflow ${name} (known: ${workflows.map((workflow) => workflow.name).join(', ')})`);
  }
  return name;
}
