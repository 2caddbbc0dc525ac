import * as z from 'zod/mini';
import type { SearchDrConfig } from '../../shared/config.ts';
import { regionPair } from '../config.ts';
import { SearchDomainNotReady, SearchRecordUnusable } from '../errors.ts';
import type { SearchPlan } from '../schemas.ts';
import { ratePeriodSeconds, snapshotNameFor } from '../snapshots.ts';

/** The state the workflow read: ListResourceRecordSets' sets from the record name on, and DescribeDomain's DomainStatus. */
export const planSearchSnapshotInput = z.looseObject({
  record: z.looseObject({
    sets: z.array(z.looseObject({ Name: z.string(), Type: z.string(), ResourceRecords: z.optional(z.array(z.looseObject({ Value: z.string() }))) })),
  }),
  domain: z.looseObject({
    status: z.looseObject({
      DomainName: z.string(),
      Endpoint: z.optional(z.string()),
      Endpoints: z.optional(z.record(z.string(), z.string())),
      Deleted: z.optional(z.boolean()),
    }),
  }),
  execution: z.looseObject({ startTime: z.string().check(z.minLength(1)) }),
});
export type PlanSearchSnapshotInput = z.infer<typeof planSearchSnapshotInput>;

const host = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/**
 * Active or standby: the record clients use (a CNAME) names this Region's domain endpoint, or the
 * other Region's. The active domain writes to the repository in the other Region's bucket; the
 * standby keeps its own Region's repository (the one the active writes to) registered read-only.
 * Raises SearchDomainNotReady (deleted, or no endpoint yet) and SearchRecordUnusable (no single
 * CNAME value, or one naming neither domain), SearchRegionNotConfigured.
 */
export function planSearchSnapshot(input: PlanSearchSnapshotInput, search: SearchDrConfig, region: string): SearchPlan & { reason: string } {
  const { here, other } = regionPair(search, region);
  const status = input.domain.status;
  if (status.Deleted) throw new SearchDomainNotReady(`domain ${status.DomainName} in ${region} is being deleted`);
  const endpoints = [status.Endpoint, ...Object.values(status.Endpoints ?? {})].filter((value): value is string => Boolean(value)).map(host);
  const endpoint = endpoints[0];
  if (!endpoint) throw new SearchDomainNotReady(`domain ${status.DomainName} in ${region} has no endpoint yet`);

  const recordName = search.record.name;
  const sets = input.record.sets.filter((set) => host(set.Name) === host(recordName) && set.Type === 'CNAME');
  const values = sets.flatMap((set) => set.ResourceRecords ?? []).map((value) => host(value.Value));
  if (sets.length !== 1 || values.length !== 1) {
    throw new SearchRecordUnusable(`${recordName} in ${search.record.hostedZoneId}: expected one CNAME with one value, found ${sets.length} CNAME set(s) with ${values.length} value(s)`);
  }
  const target = values[0] ?? '';
  let role: 'active' | 'standby';
  if (endpoints.includes(target) || target === host(here.domain.endpoint)) role = 'active';
  else if (target === host(other.domain.endpoint)) role = 'standby';
  else throw new SearchRecordUnusable(`${recordName} points at ${target}, neither ${here.region}'s domain (${endpoint}) nor ${other.region}'s (${other.domain.endpoint})`);

  const repository = role === 'active' ? other : here;
  return {
    role,
    reason: role === 'active' ? `${recordName} points at ${here.region}'s domain` : `${recordName} points at ${other.region}'s domain`,
    region,
    domainName: status.DomainName,
    endpoint,
    repository: {
      name: repository.repository.name,
      settings: {
        bucket: repository.repository.bucket,
        base_path: repository.repository.basePath,
        region: repository.region,
        role_arn: here.snapshotRoleArn,
        readonly: role === 'standby',
      },
    },
    snapshotName: snapshotNameFor(search.snapshotPrefix, input.execution.startTime, ratePeriodSeconds(search.schedule)),
    snapshotPrefix: search.snapshotPrefix,
  };
}
