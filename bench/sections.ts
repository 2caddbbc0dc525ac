import { cliSpeed } from './cli-speed.ts';
import { engineThroughput } from './engine-throughput.ts';
import { findingEnrichmentCost } from './finding-enrichment.ts';
import { identityReconcileBench } from './identity-reconcile.ts';
import { instanceDnsLaunch } from './instance-dns-launch.ts';
import { lambdaBundles } from './lambda-bundles.ts';
import { sandboxCalls } from './sandbox-calls.ts';
import { searchFailoverBench } from './search-failover.ts';
import { searchSnapshotBench } from './search-snapshot.ts';
import type { BenchSection } from './section.ts';

/**
 * Every section of bench/results.md, in order. A new bench is a module exporting a
 * `BenchSection` (see section.ts) and an entry here.
 */
export const sections: readonly BenchSection[] = [lambdaBundles, instanceDnsLaunch, sandboxCalls, engineThroughput, findingEnrichmentCost, cliSpeed, identityReconcileBench, searchSnapshotBench, searchFailoverBench];
