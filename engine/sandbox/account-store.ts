import { investigationAt } from './services/detective.ts';
import { iamNameKey } from './services/iam.ts';
import { identityStoreContainers, identityStoreSnapshot } from './services/identitystore.ts';
import { quickSightContainers, quickSightSnapshot } from './services/quicksight.ts';
import { recordKey, recordSortKey } from './services/route53.ts';
import { findingKey } from './services/securityhub.ts';
import { snapshotKey, snapshotSortKey } from './opensearch/snapshots.ts';
import { objectKey } from './services/s3.ts';
import type { RecordKey, ResourceRecordState, SandboxState, SandboxStore } from './state.ts';
import { Cell, SortedTable, Table, type Journal } from './store.ts';

/** The account a seed describes (`parseSeed`), in the containers its operations use, journaled by `journal`. */
export function buildStore(state: SandboxState, journal: Journal): SandboxStore {
  const { route53, securityHub, detective, iam } = state;
  return {
    accountId: state.accountId,
    region: state.region,
    ec2: { instances: new Table(journal, (instance) => instance.instanceId, { items: state.ec2.instances }) },
    autoScaling: {
      groups: new Table(journal, (group) => group.name, { items: state.autoScaling.groups }),
      lifecycleActions: new Cell(journal, state.autoScaling.lifecycleActions),
    },
    route53: {
      insyncAfterSeconds: route53.insyncAfterSeconds,
      hostedZones: new Table(journal, (zone) => zone.id, {
        items: route53.hostedZones.map((zone) => ({
          ...zone,
          records: new SortedTable<ResourceRecordState, RecordKey>(journal, recordKey, recordSortKey, zone.records),
        })),
      }),
      changes: new Table(journal, (change) => change.id, { items: route53.changes }),
    },
    eventBridge: { published: new Table(journal, (published) => published.event.id, { items: state.eventBridge.published }) },
    securityHub: {
      findings: new Table(journal, ({ finding }) => findingKey(finding), { items: securityHub.findings, indexes: { id: ({ finding }) => finding.Id } }),
      unprocessed: new Cell(journal, securityHub.unprocessed),
    },
    detective: {
      graphs: new Table(journal, (graph) => graph.arn, { items: detective.graphs }),
      investigationSeconds: detective.investigationSeconds,
      outcomes: new Table(journal, (outcome) => outcome.entityArn, { items: detective.outcomes }),
      defaultOutcome: detective.defaultOutcome,
      investigations: new Table(journal, (investigation) => investigation.investigationId, {
        items: detective.investigations,
        indexes: { entity: (investigation) => investigation.entityArn },
      }),
    },
    iam: {
      users: new Table(journal, (user) => iamNameKey(user.userName), { items: iam.users }),
      roles: new Table(journal, (role) => iamNameKey(role.roleName), { items: iam.roles }),
    },
    identityStore: identityStoreContainers(state.identityStore, journal),
    quickSight: quickSightContainers(state.quickSight, journal),
    openSearch: {
      domains: new Table(journal, (domain) => `${domain.region}/${domain.domainName}`, { items: state.openSearch.domains, indexes: { endpoint: (domain) => domain.endpoint } }),
      buckets: new Table(journal, (bucket) => bucket.name, { items: state.openSearch.buckets }),
      snapshots: new SortedTable(journal, snapshotKey, snapshotSortKey, state.openSearch.snapshots),
      objects: new SortedTable(journal, objectKey, objectKey, state.openSearch.objects),
    },
  };
}

/**
 * The whole account as plain JSON, a deep copy (the `snapshot()` of tests and the CLI: it costs
 * what the account holds, and no call makes one). Investigations are given as of `now`.
 */
export function snapshotOf(store: SandboxStore, now: Date): SandboxState {
  const { ec2, autoScaling, route53, eventBridge, securityHub, detective, iam, identityStore, quickSight, openSearch } = store;
  return structuredClone({
    accountId: store.accountId,
    region: store.region,
    ec2: { instances: [...ec2.instances.values()] },
    autoScaling: { groups: [...autoScaling.groups.values()], lifecycleActions: [...autoScaling.lifecycleActions.get()] },
    route53: {
      insyncAfterSeconds: route53.insyncAfterSeconds,
      hostedZones: [...route53.hostedZones.values()].map((zone) => ({ ...zone, records: [...zone.records.values()] })),
      changes: [...route53.changes.values()],
    },
    eventBridge: { published: [...eventBridge.published.values()] },
    securityHub: { findings: [...securityHub.findings.values()], unprocessed: [...securityHub.unprocessed.get()] },
    detective: {
      graphs: [...detective.graphs.values()],
      investigationSeconds: detective.investigationSeconds,
      outcomes: [...detective.outcomes.values()],
      defaultOutcome: detective.defaultOutcome,
      investigations: [...detective.investigations.values()].map((investigation) => investigationAt(investigation, now)),
    },
    iam: { users: [...iam.users.values()], roles: [...iam.roles.values()] },
    identityStore: identityStoreSnapshot(identityStore),
    quickSight: quickSightSnapshot(quickSight),
    openSearch: { domains: [...openSearch.domains.values()], buckets: [...openSearch.buckets.values()], snapshots: [...openSearch.snapshots.values()], objects: [...openSearch.objects.values()] },
  });
}
