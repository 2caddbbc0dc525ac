import type { OpsflowConfig } from '../handlers/shared/config.ts';
import { workflows } from './index.ts';
import type { WorkflowModule } from './types.ts';

/**
 * What one stack holds: the stage's config as the stack's Region sees it (`region` is the Region
 * being packaged, `osls package --region`, else the stage's own) and the workflows deployed there
 * (WorkflowModule.regions, else the stage's Region only). A search stack in the standby Region
 * holds the search workflows only.
 */
export interface StackContext {
  readonly config: OpsflowConfig;
  readonly modules: readonly WorkflowModule[];
}

export function stackFor(stageConfig: OpsflowConfig, region: string = stageConfig.region, candidates: readonly WorkflowModule[] = workflows): StackContext {
  const modules = candidates.filter((module) => (module.regions?.(stageConfig) ?? [stageConfig.region]).includes(region));
  return { config: { ...stageConfig, region }, modules };
}
