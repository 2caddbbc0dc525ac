import type { OpsflowConfig, SearchDrConfig, SearchRegionConfig } from '../shared/config.ts';
import { InvalidConfig } from '../shared/errors.ts';
import { SearchRegionNotConfigured } from './errors.ts';

/** The stage's searchDr section; InvalidConfig when the stage has none (then no search stack is deployed). */
export function searchDrConfig(config: OpsflowConfig): SearchDrConfig {
  if (!config.searchDr) throw new InvalidConfig('searchDr is not configured for this stage');
  return config.searchDr;
}

/** This Region's entry and the other Region's; SearchRegionNotConfigured when `region` is not listed. */
export function regionPair(search: SearchDrConfig, region: string): { here: SearchRegionConfig; other: SearchRegionConfig } {
  const here = search.regions.find((entry) => entry.region === region);
  const other = search.regions.find((entry) => entry.region !== region);
  if (!here || !other) throw new SearchRegionNotConfigured(`${region} is not one of searchDr.regions (${search.regions.map((entry) => entry.region).join(', ')})`);
  return { here, other };
}
