import * as quickSightSdk from '@aws-sdk/client-quicksight';
import { QuickSightServiceException } from '@aws-sdk/client-quicksight';
import { sdkExceptions, type SandboxService } from '../service.ts';
import { SortedTable, type Journal } from '../store.ts';
import type { QuickSightMembershipState, QuickSightState, QuickSightStore } from '../state.ts';

const userKey = ({ namespace, userName }: { namespace: string; userName: string }): string => `${namespace}\u0000${userName}`;
const groupKey = ({ namespace, groupName }: { namespace: string; groupName: string }): string => `${namespace}\u0000${groupName}`;
const byGroupKey = ({ namespace, groupName, memberName }: QuickSightMembershipState): string => `${namespace}\u0000${groupName}\u0000${memberName}`;
const byMemberKey = ({ namespace, groupName, memberName }: QuickSightMembershipState): string => `${namespace}\u0000${memberName}\u0000${groupName}`;

/** QuickSight's containers, keyed by what its operations look things up by. */
export function quickSightContainers(state: QuickSightState, journal: Journal): QuickSightStore {
  return {
    identityRegion: state.identityRegion,
    namespaces: new SortedTable(journal, (namespace) => namespace.name, (namespace) => namespace.name, state.namespaces),
    users: new SortedTable(journal, userKey, userKey, state.users),
    groups: new SortedTable(journal, groupKey, groupKey, state.groups),
    membershipsByGroup: new SortedTable(journal, byGroupKey, byGroupKey, state.memberships),
    membershipsByMember: new SortedTable(journal, byMemberKey, byMemberKey, state.memberships),
  };
}

export function quickSightSnapshot(store: QuickSightStore): QuickSightState {
  return {
    identityRegion: store.identityRegion,
    namespaces: [...store.namespaces.values()],
    users: [...store.users.values()],
    groups: [...store.groups.values()],
    memberships: [...store.membershipsByGroup.values()],
  };
}

export const quickSightService: SandboxService = {
  key: 'quicksight',
  clientName: 'QuickSightClient',
  exceptions: sdkExceptions(quickSightSdk, QuickSightServiceException),
  operations: {},
};
