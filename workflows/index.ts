import type { WorkflowModule } from './types.ts';
import { instanceDns } from './instance-dns/workflow.ts';
import { dnsReconcile } from './dns-reconcile/workflow.ts';
import { findingEnrichment } from './finding-enrichment/workflow.ts';
import { investigatePrincipal } from './investigate-principal/workflow.ts';
import { identitySync } from './identity-sync/workflow.ts';
import { identityReconcile } from './identity-reconcile/workflow.ts';
import { searchSnapshot } from './search-snapshot/workflow.ts';
import { searchFailover } from './search-failover/workflow.ts';
import { searchFailback } from './search-failback/workflow.ts';
import { searchDrDrill } from './search-dr-drill/workflow.ts';

/** Every workflow opsflow deploys and runs; adding one is a folder and a line here. */
export const workflows: readonly WorkflowModule[] = [instanceDns, dnsReconcile, findingEnrichment, investigatePrincipal, identitySync, identityReconcile, searchSnapshot, searchFailover, searchFailback, searchDrDrill];
