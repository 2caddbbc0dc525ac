import * as route53Sdk from '@aws-sdk/client-route-53';
import {
  Route53ServiceException,
  type ChangeInfo,
  type ChangeStatus,
  type ChangeResourceRecordSetsCommandInput,
  type ChangeResourceRecordSetsCommandOutput,
  type GetChangeCommandInput,
  type GetChangeCommandOutput,
  type GetHostedZoneCommandInput,
  type GetHostedZoneCommandOutput,
  type HostedZone,
  type ListHostedZonesCommandInput,
  type ListHostedZonesCommandOutput,
  type ListResourceRecordSetsCommandInput,
  type ListResourceRecordSetsCommandOutput,
  type ResourceRecordSet,
  type RRType,
} from '@aws-sdk/client-route-53';
import { isIpv4 } from '../../../handlers/shared/cidr.ts';
import { awsError, SandboxUnsupportedOperation } from '../errors.ts';
import { operation, sdkExceptions, type SandboxService } from '../service.ts';
import type { ChangeState, RecordKey, ResourceRecordState, SandboxStore, StoredHostedZone } from '../state.ts';
import { required } from '../validation.ts';

/** Route 53 answers names in lower case with a trailing dot, whatever the caller sent. */
export function normaliseDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

export function normaliseZoneId(id: string): string {
  return id.replace(/^\/hostedzone\//, '');
}

function normaliseChangeId(id: string): string {
  return id.replace(/^\/change\//, '');
}

/** Labels reversed, trailing dot kept: 'admin.corp.internal.' sorts as 'internal.corp.admin.'. */
function reversedLabels(name: string): string {
  return `${name.slice(0, -1).split('.').reverse().join('.')}.`;
}

/**
 * The ListResourceRecordSets order as one string: DNS name with its labels reversed, then type.
 * The NUL between them sorts a name before every longer name it is a prefix of, as comparing the
 * reversed names first and the types second would.
 */
export function recordSortKey(record: RecordKey): string {
  return `${reversedLabels(record.name)}\u0000${record.type}`;
}

/** How a zone's records are keyed: one record per name and type. */
export function recordKey(record: RecordKey): string {
  return `${record.name}\u0000${record.type}`;
}

export function isNameInZone(name: string, zoneName: string): boolean {
  return name === zoneName || name.endsWith(`.${zoneName}`);
}

export function findZone(state: SandboxStore, id: string): StoredHostedZone | undefined {
  return state.route53.hostedZones.get(normaliseZoneId(id));
}

function zoneOrThrow(state: SandboxStore, id: string | undefined): StoredHostedZone {
  const zoneId = required(id, 'InvalidInput', 'hostedZoneId');
  const zone = findZone(state, zoneId);
  if (!zone) throw awsError('NoSuchHostedZone', `No hosted zone found with ID: ${normaliseZoneId(zoneId)}`);
  return zone;
}

/** The SOA and NS records Route 53 creates with every zone (private zones get these fixed servers). */
export function apexRecords(zoneName: string): ResourceRecordState[] {
  const nameServers = ['ns-1536.awsdns-00.co.uk.', 'ns-0.awsdns-00.com.', 'ns-1024.awsdns-00.org.', 'ns-512.awsdns-00.net.'];
  return [
    { name: zoneName, type: 'NS', ttl: 172800, values: nameServers },
    {
      name: zoneName,
      type: 'SOA',
      ttl: 900,
      values: [`${nameServers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
    },
  ];
}

function toHostedZone(zone: StoredHostedZone): HostedZone {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { PrivateZone: zone.private, ...(zone.comment === undefined ? {} : { Comment: zone.comment }) },
    ResourceRecordSetCount: zone.records.size,
  };
}

function toResourceRecordSet(record: ResourceRecordState): ResourceRecordSet {
  return {
    Name: record.name,
    Type: record.type as RRType,
    TTL: record.ttl,
    ResourceRecords: record.values.map((value) => ({ Value: value })),
  };
}

/**
 * A change's status at `now`: PENDING until it has propagated, INSYNC from `insyncAt` on.
 * ChangeResourceRecordSets answers PENDING whatever the delay, "the initial status of all change
 * batch requests" (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html).
 */
function statusAt(change: ChangeState, now: Date): ChangeStatus {
  return now.getTime() >= Date.parse(change.insyncAt) ? 'INSYNC' : 'PENDING';
}

function toChangeInfo(change: ChangeState, status: ChangeStatus): ChangeInfo {
  return {
    Id: `/change/${change.id}`,
    Status: status,
    SubmittedAt: new Date(change.submittedAt),
    ...(change.comment === undefined ? {} : { Comment: change.comment }),
  };
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.every((value, index) => value === right[index]);
}

/** Routing features the sandbox does not model: refused loudly instead of being half-simulated. */
const unsupportedRecordMembers = [
  'AliasTarget',
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'HealthCheckId',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
] as const;

const changeActions = ['CREATE', 'DELETE', 'UPSERT'] as const;

/**
 * Route 53's InvalidChangeBatch messages, worded as Route 53 returns them (HTTP 400, the modeled
 * InvalidChangeBatch, every problem of the batch in one message `[problem, problem]`). Wording
 * taken from answers quoted in public issues, not from the API reference, which gives none:
 * - `RRSet with DNS name … is not permitted in zone …` and the bracketed list:
 *   kcp-dev/kcp-glbc#475, meltwater/terraform-aws-asg-dns-handler#38;
 * - `Tried to delete … but it was not found` / `… but the values provided do not match the current
 *   values`: boto/boto#2887, kubernetes-sigs/external-dns#732;
 * - `Tried to create … but it already exists`: kubernetes-sigs/external-dns#5939;
 * - the CNAME conflicts, with the two spaces Route 53 puts in `of type  CNAME`:
 *   ansible-collections/amazon.aws#2694, presslabs/zinc#178, boto/boto3#1475;
 * - `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address …'` and
 *   `Duplicate Resource Record: '…'`: kubernetes-sigs/external-dns#1929, ministryofjustice/cloud-platform-environments#7302.
 */
const changeBatchProblem = {
  notInZone: (name: string, zone: string) => `RRSet with DNS name ${name} is not permitted in zone ${zone}`,
  duplicateValue: (value: string) => `Duplicate Resource Record: '${value}'`,
  illegalIpv4: (value: string) => `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${value}''`,
  cnameBesideOthers: (name: string, zone: string) =>
    `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone}`,
  besideCname: (type: string, name: string, zone: string) =>
    `RRSet of type ${type} with DNS name ${name} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone ${zone}`,
  deleteNotFound: (label: string) => `Tried to delete resource record set ${label} but it was not found`,
  deleteMismatch: (label: string) => `Tried to delete resource record set ${label} but the values provided do not match the current values`,
  createExists: (label: string) => `Tried to create resource record set ${label} but it already exists`,
} as const;

/** Checks of a record's own content, independent of the zone's records. */
function contentProblems(record: ResourceRecordState, zone: StoredHostedZone): string[] {
  if (!isNameInZone(record.name, zone.name)) return [changeBatchProblem.notInZone(record.name, zone.name)];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const value of record.values) {
    if (seen.has(value)) problems.push(changeBatchProblem.duplicateValue(value));
    seen.add(value);
    if (record.type === 'A' && !isIpv4(value)) problems.push(changeBatchProblem.illegalIpv4(value));
  }
  return problems;
}

/** The zone's records of that name (next to each other in the zone's order). */
function recordsNamed(zone: StoredHostedZone, name: string): ResourceRecordState[] {
  const named: ResourceRecordState[] = [];
  for (let position = zone.records.lowerBound({ name, type: '' }); zone.records.at(position)?.name === name; position += 1) {
    named.push(zone.records.at(position) as ResourceRecordState);
  }
  return named;
}

function cnameConflict(zone: StoredHostedZone, record: ResourceRecordState): string | undefined {
  const others = recordsNamed(zone, record.name).filter((existing) => existing.type !== record.type);
  if (record.type === 'CNAME' && others.length > 0) {
    return changeBatchProblem.cnameBesideOthers(record.name, zone.name);
  }
  if (record.type !== 'CNAME' && others.some((existing) => existing.type === 'CNAME')) {
    return changeBatchProblem.besideCname(record.type, record.name, zone.name);
  }
  return undefined;
}

function recordLabel(record: ResourceRecordState): string {
  return `[name='${record.name}', type='${record.type}']`;
}

/**
 * Reads one Change into a record. Malformed requests are `InvalidInput` (the request itself is
 * wrong); problems with what the change would do are collected as InvalidChangeBatch messages.
 */
function parseChange(change: unknown, position: number): { action: (typeof changeActions)[number]; record: ResourceRecordState } {
  const { Action: action, ResourceRecordSet: set } = (change ?? {}) as { Action?: string; ResourceRecordSet?: ResourceRecordSet };
  const path = `changeBatch.changes.${position}.member`;
  required(action, 'InvalidInput', `${path}.action`);
  const recordSet = required(set, 'InvalidInput', `${path}.resourceRecordSet`);
  for (const member of unsupportedRecordMembers) {
    if (recordSet[member] !== undefined) {
      throw new SandboxUnsupportedOperation(`route53 ChangeResourceRecordSets: ${member} is not simulated by the sandbox (simple routing records only)`);
    }
  }
  if (!changeActions.includes(action as (typeof changeActions)[number])) {
    throw awsError('InvalidInput', `Invalid request: Value '${String(action)}' at '${path}.action' must be one of ${changeActions.join(', ')}`);
  }
  const name = required(recordSet.Name, 'InvalidInput', `${path}.resourceRecordSet.name`);
  const type = required(recordSet.Type, 'InvalidInput', `${path}.resourceRecordSet.type`);
  const values = (recordSet.ResourceRecords ?? []).map((record) => record.Value);
  if (recordSet.TTL === undefined || values.length === 0) {
    throw awsError(
      'InvalidInput',
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=${String(action)}, Name=${name}, Type=${type}, SetIdentifier=null]`,
    );
  }
  if (!Number.isInteger(recordSet.TTL) || recordSet.TTL < 0 || recordSet.TTL > 2147483647) {
    throw awsError('InvalidInput', `Invalid request: TTL ${String(recordSet.TTL)} in ${path}.resourceRecordSet must be an integer from 0 to 2147483647`);
  }
  const strings = values.map((value) => required(value, 'InvalidInput', `${path}.resourceRecordSet.resourceRecords.member.value`));
  return {
    action: action as (typeof changeActions)[number],
    record: { name: normaliseDnsName(name), type, ttl: recordSet.TTL, values: strings },
  };
}

/**
 * Applies a batch to the zone's records, change by change (so DELETE then CREATE of the same
 * record works, and a second DELETE of it fails), and returns every problem. A batch with a
 * problem must fail the operation, whose transaction then undoes the changes that did apply.
 */
function applyChangeBatch(zone: StoredHostedZone, changes: readonly unknown[]): string[] {
  const problems: string[] = [];
  changes.forEach((change, index) => {
    const { action, record } = parseChange(change, index + 1);
    const ownProblems = contentProblems(record, zone);
    if (ownProblems.length > 0) {
      problems.push(...ownProblems);
      return;
    }
    const existing = zone.records.get(recordKey(record));
    if (action === 'DELETE') {
      if (!existing) problems.push(changeBatchProblem.deleteNotFound(recordLabel(record)));
      else if (existing.ttl !== record.ttl || !sameValues(existing.values, record.values)) {
        problems.push(changeBatchProblem.deleteMismatch(recordLabel(record)));
      } else zone.records.delete(recordKey(record));
      return;
    }
    if (action === 'CREATE' && existing) {
      problems.push(changeBatchProblem.createExists(recordLabel(record)));
      return;
    }
    const conflict = cnameConflict(zone, record);
    if (conflict) problems.push(conflict);
    else zone.records.put(record);
  });
  return problems;
}

/** Route 53's MaxItems travels as a query string: Step Functions parameters may give it as "10". */
function pageSize(requested: number | string | undefined, fallback: number): number {
  if (requested === undefined) return fallback;
  const size = Number(requested);
  if (!Number.isInteger(size) || size < 1) throw awsError('InvalidInput', `Invalid request: MaxItems must be a positive integer, got ${String(requested)}`);
  return size;
}

const changeIdAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export const route53Service: SandboxService = {
  key: 'route53',
  clientName: 'Route53Client',
  regions: 'global',
  exceptions: sdkExceptions(route53Sdk, Route53ServiceException),
  operations: {
    GetHostedZone: operation<GetHostedZoneCommandInput, GetHostedZoneCommandOutput>(['Id'], (input, { state }) => {
      const zone = zoneOrThrow(state, input.Id);
      const location = zone.private
        ? { VPCs: zone.vpcs.map((vpc) => ({ VPCId: vpc.vpcId, VPCRegion: vpc.vpcRegion as route53Sdk.VPCRegion })) }
        : { DelegationSet: { NameServers: apexRecords(zone.name)[0]?.values ?? [] } };
      return { HostedZone: toHostedZone(zone), ...location };
    }),

    ListHostedZones: operation<ListHostedZonesCommandInput, ListHostedZonesCommandOutput>(
      ['Marker', 'MaxItems', 'HostedZoneType'],
      (input, { state }) => {
        const maxItems = Math.min(pageSize(input.MaxItems, 100), 100);
        const zones = [...state.route53.hostedZones.values()].filter((zone) => input.HostedZoneType !== 'PrivateHostedZone' || zone.private);
        let start = 0;
        if (input.Marker !== undefined) {
          start = zones.findIndex((zone) => zone.id === normaliseZoneId(input.Marker ?? ''));
          if (start < 0) throw awsError('InvalidInput', `Invalid request: marker ${input.Marker} does not name a hosted zone`);
        }
        const page = zones.slice(start, start + maxItems);
        const next = zones[start + maxItems];
        return {
          HostedZones: page.map(toHostedZone),
          Marker: input.Marker ?? '',
          IsTruncated: next !== undefined,
          ...(next ? { NextMarker: next.id } : {}),
          MaxItems: maxItems,
        };
      },
    ),

    ListResourceRecordSets: operation<ListResourceRecordSetsCommandInput, ListResourceRecordSetsCommandOutput>(
      ['HostedZoneId', 'StartRecordName', 'StartRecordType', 'MaxItems'],
      (input, { state }) => {
        const zone = zoneOrThrow(state, input.HostedZoneId);
        if (input.StartRecordType !== undefined && input.StartRecordName === undefined) {
          throw awsError('InvalidInput', 'Invalid request: StartRecordType was specified without StartRecordName');
        }
        const maxItems = pageSize(input.MaxItems, 300);
        const itemsPerPage = Math.min(maxItems, 300);
        const { records } = zone;
        const start = input.StartRecordName === undefined ? 0 : records.lowerBound({ name: normaliseDnsName(input.StartRecordName), type: input.StartRecordType ?? '' });
        const page = records.slice(start, start + itemsPerPage);
        const next = records.at(start + itemsPerPage);
        return {
          ResourceRecordSets: page.map(toResourceRecordSet),
          IsTruncated: next !== undefined,
          ...(next ? { NextRecordName: next.name, NextRecordType: next.type as RRType } : {}),
          MaxItems: maxItems,
        };
      },
    ),

    ChangeResourceRecordSets: operation<ChangeResourceRecordSetsCommandInput, ChangeResourceRecordSetsCommandOutput>(
      ['HostedZoneId', 'ChangeBatch'],
      (input, { state, ids, now }) => {
        const zone = zoneOrThrow(state, input.HostedZoneId);
        const changes = required(input.ChangeBatch?.Changes, 'InvalidInput', 'changeBatch.changes');
        if (changes.length === 0 || changes.length > 1000) {
          throw awsError('InvalidInput', `Invalid request: a change batch holds 1 to 1000 changes, got ${changes.length}`);
        }
        const problems = applyChangeBatch(zone, changes);
        if (problems.length > 0) throw awsError('InvalidChangeBatch', `[${problems.join(', ')}]`, { messages: problems });
        const comment = input.ChangeBatch?.Comment;
        const submittedAt = now();
        const change: ChangeState = {
          id: `C${ids.chars(changeIdAlphabet, 20)}`,
          hostedZoneId: zone.id,
          submittedAt: submittedAt.toISOString(),
          ...(comment === undefined ? {} : { comment }),
          insyncAt: new Date(submittedAt.getTime() + state.route53.insyncAfterSeconds * 1000).toISOString(),
        };
        state.route53.changes.insert(change);
        return { ChangeInfo: toChangeInfo(change, 'PENDING') };
      },
    ),

    GetChange: operation<GetChangeCommandInput, GetChangeCommandOutput>(['Id'], (input, { state, now }) => {
      const id = normaliseChangeId(required(input.Id, 'InvalidInput', 'id'));
      const change = state.route53.changes.get(id);
      if (!change) throw awsError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`);
      return { ChangeInfo: toChangeInfo(change, statusAt(change, now())) };
    }),
  },
};
