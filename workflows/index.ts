import type { WorkflowModule } from './types.ts';

/** Every workflow opsflow deploys and runs; adding one is a folder and a line here. */
export const workflows: readonly WorkflowModule[] = [];
