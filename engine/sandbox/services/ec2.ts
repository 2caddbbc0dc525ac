import * as ec2Sdk from '@aws-sdk/client-ec2';
import {
  EC2ServiceException,
  type DescribeInstancesCommandInput,
  type DescribeInstancesCommandOutput,
  type Filter,
  type Instance,
  type Reservation,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { awsError } from '../errors.ts';
import { operation, sdkExceptions, type SandboxService } from '../service.ts';
import { InstanceStateCode, type Ec2InstanceState, type SandboxStore } from '../state.ts';

const instanceIdPattern = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function isInstanceId(value: string): boolean {
  return instanceIdPattern.test(value);
}

export function findInstance(state: SandboxStore, instanceId: string): Ec2InstanceState | undefined {
  return state.ec2.instances.get(instanceId);
}

/** Terminated instances keep their id, tags and state but lose their network identity, as on AWS. */
export function markTerminated(state: SandboxStore, instanceId: string): void {
  const instance = state.ec2.instances.edit(instanceId);
  if (!instance) return;
  instance.state = 'terminated';
  delete instance.privateIpAddress;
  delete instance.publicIpAddress;
  delete instance.subnetId;
  delete instance.vpcId;
}

type PatternPart = { readonly kind: 'literal'; readonly char: string } | { readonly kind: 'one' } | { readonly kind: 'any' };

/**
 * Reads an EC2 filter value as AWS documents it: `*` matches zero or more characters, `?` exactly
 * one, and a backslash makes the next character literal (`\*amazon\?\\` is the literal `*amazon?\`)
 * (https://docs.aws.amazon.com/sdkfornet1/latest/apidocs/html/T_Amazon_EC2_Model_Filter.htm).
 * Runs of `*` are one `*`; a trailing lone backslash stands for itself.
 */
function parseFilterPattern(pattern: string): PatternPart[] {
  const chars = Array.from(pattern);
  const parts: PatternPart[] = [];
  for (let index = 0; index < chars.length; index += 1) {
    const char = chars[index] ?? '';
    if (char === '\\' && index + 1 < chars.length) {
      index += 1;
      parts.push({ kind: 'literal', char: chars[index] ?? '' });
    } else if (char === '*') {
      if (parts.at(-1)?.kind !== 'any') parts.push({ kind: 'any' });
    } else if (char === '?') {
      parts.push({ kind: 'one' });
    } else {
      parts.push({ kind: 'literal', char });
    }
  }
  return parts;
}

/** A filter value that only an equal value matches: no `*`, `?` or `\` escape. */
function isLiteral(pattern: string): boolean {
  return !/[*?\\]/.test(pattern);
}

/**
 * A filter value as a matcher. No regular expression is built from request input: a filter value of
 * any length compiles, and matching is the greedy wildcard walk that backtracks only to the last
 * `*`, so it costs at most pattern length × value length, never exponential time.
 */
export function filterValueMatcher(pattern: string): (value: string | undefined) => boolean {
  if (isLiteral(pattern)) return (given) => given === pattern;
  const parts = parseFilterPattern(pattern);
  const fixedLength = parts.filter((part) => part.kind !== 'any').length;
  const matchesAt = (part: PatternPart, char: string): boolean => part.kind === 'one' || (part.kind === 'literal' && part.char === char);
  return (given) => {
    if (given === undefined) return false;
    // Characters, not UTF-16 units, as `?` matches one character.
    const value = Array.from(given);
    if (value.length < fixedLength) return false;
    let partIndex = 0;
    let valueIndex = 0;
    let starPart = -1;
    let starValue = 0;
    while (valueIndex < value.length) {
      const part = parts[partIndex];
      if (part !== undefined && part.kind !== 'any' && matchesAt(part, value[valueIndex] ?? '')) {
        partIndex += 1;
        valueIndex += 1;
      } else if (part?.kind === 'any') {
        starPart = partIndex;
        starValue = valueIndex;
        partIndex += 1;
      } else if (starPart >= 0) {
        partIndex = starPart + 1;
        starValue += 1;
        valueIndex = starValue;
      } else {
        return false;
      }
    }
    while (parts[partIndex]?.kind === 'any') partIndex += 1;
    return partIndex === parts.length;
  };
}

/** The DescribeInstances filters the sandbox answers, each giving the instance's values for it. */
const filterValues: Readonly<Record<string, (instance: Ec2InstanceState) => readonly (string | undefined)[]>> = {
  'instance-id': (instance) => [instance.instanceId],
  'instance-state-name': (instance) => [instance.state],
  'instance-state-code': (instance) => [String(InstanceStateCode[instance.state])],
  'instance-type': (instance) => [instance.instanceType],
  'private-ip-address': (instance) => [instance.privateIpAddress],
  'ip-address': (instance) => [instance.publicIpAddress],
  'subnet-id': (instance) => [instance.subnetId],
  'vpc-id': (instance) => [instance.vpcId],
  'availability-zone': (instance) => [instance.availabilityZone],
  'reservation-id': (instance) => [instance.reservationId],
  'tag-key': (instance) => Object.keys(instance.tags),
  'tag-value': (instance) => Object.values(instance.tags),
};

function instanceFilter(filter: Filter): (instance: Ec2InstanceState) => boolean {
  const name = filter.Name ?? '';
  const matchers = (filter.Values ?? []).map(filterValueMatcher);
  const valuesOf = name.startsWith('tag:')
    ? (instance: Ec2InstanceState) => [instance.tags[name.slice('tag:'.length)]]
    : filterValues[name];
  if (!valuesOf) throw awsError('InvalidParameterValue', `The filter '${name}' is invalid`);
  return (instance) => valuesOf(instance).some((value) => matchers.some((matches) => matches(value)));
}

function privateDnsName(instance: Ec2InstanceState, region: string): string {
  if (!instance.privateIpAddress) return '';
  const domain = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return `ip-${instance.privateIpAddress.replaceAll('.', '-')}.${domain}`;
}

function toInstance(instance: Ec2InstanceState, region: string): Instance {
  const tags = Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    InstanceId: instance.instanceId,
    ImageId: instance.imageId,
    InstanceType: instance.instanceType as _InstanceType,
    State: { Code: InstanceStateCode[instance.state], Name: instance.state },
    PrivateDnsName: privateDnsName(instance, region),
    PublicDnsName: '',
    LaunchTime: new Date(instance.launchTime),
    Placement: { AvailabilityZone: instance.availabilityZone, Tenancy: 'default' },
    ...(instance.privateIpAddress === undefined ? {} : { PrivateIpAddress: instance.privateIpAddress }),
    ...(instance.publicIpAddress === undefined ? {} : { PublicIpAddress: instance.publicIpAddress }),
    ...(instance.subnetId === undefined ? {} : { SubnetId: instance.subnetId }),
    ...(instance.vpcId === undefined ? {} : { VpcId: instance.vpcId }),
    ...(tags.length > 0 ? { Tags: tags } : {}),
  };
}

/**
 * The instances a request can match, in the account's order: those it names (InstanceIds, or an
 * `instance-id` filter of literal values, as the workflows send it) looked up by id, else all.
 * Every filter is still applied to them.
 */
function candidateInstances(state: SandboxStore, instanceIds: readonly string[], filters: readonly Filter[]): Iterable<Ec2InstanceState> {
  if (instanceIds.length > 0) return state.ec2.instances.inOrder(instanceIds);
  const byId = filters.find((filter) => filter.Name === 'instance-id' && (filter.Values ?? []).every(isLiteral));
  return byId ? state.ec2.instances.inOrder(byId.Values ?? []) : state.ec2.instances.values();
}

/** Instances launched together share a reservation; the response groups them the same way. */
function toReservations(instances: readonly Ec2InstanceState[], state: SandboxStore): Reservation[] {
  const reservations = new Map<string, Reservation & { Instances: Instance[] }>();
  for (const instance of instances) {
    let reservation = reservations.get(instance.reservationId);
    if (!reservation) {
      reservation = { ReservationId: instance.reservationId, OwnerId: state.accountId, Groups: [], Instances: [] };
      reservations.set(instance.reservationId, reservation);
    }
    reservation.Instances.push(toInstance(instance, state.region));
  }
  return [...reservations.values()];
}

function pageStart(nextToken: string | undefined): number {
  if (nextToken === undefined) return 0;
  const start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw awsError('InvalidParameterValue', `Invalid value '${nextToken}' for nextToken`);
  return start;
}

export const ec2Service: SandboxService = {
  key: 'ec2',
  clientName: 'EC2Client',
  regions: 'home',
  exceptions: sdkExceptions(ec2Sdk, EC2ServiceException),
  operations: {
    DescribeInstances: operation<DescribeInstancesCommandInput, DescribeInstancesCommandOutput>(
      ['InstanceIds', 'Filters', 'MaxResults', 'NextToken', 'DryRun'],
      (input, { state }) => {
        if (input.DryRun) throw awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
        const instanceIds = input.InstanceIds ?? [];
        if (instanceIds.length > 0 && input.MaxResults !== undefined) {
          throw awsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
        }
        const malformed = instanceIds.find((id) => !isInstanceId(id));
        if (malformed !== undefined) throw awsError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
        const missing = instanceIds.filter((id) => !findInstance(state, id));
        if (missing.length === 1) throw awsError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
        if (missing.length > 1) throw awsError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);

        const filters = (input.Filters ?? []).map(instanceFilter);
        const matching = [...candidateInstances(state, instanceIds, input.Filters ?? [])].filter((instance) => filters.every((matches) => matches(instance)));

        const maxResults = input.MaxResults;
        if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 1000)) {
          throw awsError('InvalidParameterValue', `Value ( ${String(maxResults)} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
        }
        const start = pageStart(input.NextToken);
        const end = maxResults === undefined ? matching.length : start + maxResults;
        const page = matching.slice(start, end);
        return {
          Reservations: toReservations(page, state),
          ...(end < matching.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {}),
        };
      },
    ),
  },
};
