import * as z from 'zod/mini';
import type { FindingEnrichmentConfig } from '../../shared/config.ts';
import { eventBridgeEventSchema } from '../../../events/eventbridge.ts';
import {
  AsffFindingSchema,
  AsffResourceSchema,
  AsffResourceType,
  AsffSeveritySchema,
  AwsIamUserDetailsSchema,
  FindingsCustomActionDetailSchema,
  SECURITYHUB_SOURCE,
  SecurityHubDetailType,
} from '../../../events/securityhub.ts';
import {
  GUARDDUTY_SOURCE,
  GuardDutyDetailType,
  GuardDutyFindingDetailSchema,
  GuardDutyServiceSchema,
} from '../../../events/guardduty.ts';
import {
  fromAwsIamAccessKey,
  fromAwsIamRole,
  fromAwsIamUser,
  fromGuardDutyAccessKey,
  mergeRefs,
  partitionOf,
  type IamResourceContext,
  type PrincipalRef,
  type PrincipalResolution,
} from '../principals.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { planPrincipals } from '../plan.ts';
import { rfc3339Timestamp as timestamp, toIsoUtc } from '../time.ts';
import {
  FINDINGS_PER_BATCH,
  FindingSource,
  INVESTIGATE_FIELD,
  InvestigateValue,
  MAX_FINDINGS_PER_EVENT,
  MAX_PRINCIPALS_PER_EVENT,
  SkipCode,
  severityLabelSchema,
  type FindingBatch,
  type FindingWork,
  type SeverityLabel,
  type SkippedFinding,
  type WorkFinding,
} from '../work.ts';

/** ASFF AwsIamAccessKeyDetails (Security Hub API reference); every member is optional. */
const awsIamAccessKeyDetailsSchema = z.looseObject({
  AccessKeyId: z.optional(z.string()),
  AccountId: z.optional(z.string()),
  PrincipalId: z.optional(z.string()),
  PrincipalName: z.optional(z.string()),
  PrincipalType: z.optional(z.string()),
  UserName: z.optional(z.string()),
  SessionContext: z.optional(z.looseObject({
    SessionIssuer: z.optional(z.looseObject({
      AccountId: z.optional(z.string()),
      Arn: z.optional(z.string()),
      PrincipalId: z.optional(z.string()),
      Type: z.optional(z.string()),
      UserName: z.optional(z.string()),
    })),
  })),
});

/** ASFF AwsIamRoleDetails: the two members a role ARN is built from. */
const awsIamRoleDetailsSchema = z.looseObject({
  RoleName: z.optional(z.string()),
  Path: z.optional(z.string()),
});

const resourceSchema = z.extend(AsffResourceSchema, {
  Details: z.optional(z.looseObject({
    AwsIamUser: z.optional(AwsIamUserDetailsSchema),
    AwsIamAccessKey: z.optional(awsIamAccessKeyDetailsSchema),
    AwsIamRole: z.optional(awsIamRoleDetailsSchema),
  })),
});

const findingSchema = z.extend(AsffFindingSchema, {
  Severity: z.extend(AsffSeveritySchema, { Label: severityLabelSchema }),
  CreatedAt: timestamp,
  FirstObservedAt: z.optional(timestamp),
  Resources: z.array(resourceSchema),
  UserDefinedFields: z.optional(z.record(z.string(), z.string())),
});
type Finding = z.infer<typeof findingSchema>;

const findings = z.array(findingSchema).check(
  z.minLength(1),
  z.maxLength(MAX_FINDINGS_PER_EVENT, `at most ${MAX_FINDINGS_PER_EVENT} findings per event: no event Security Hub sends carries more`),
);

const importedEventSchema = eventBridgeEventSchema(
  SECURITYHUB_SOURCE,
  SecurityHubDetailType.FindingsImported,
  z.looseObject({ findings }),
);
const customActionEventSchema = eventBridgeEventSchema(
  SECURITYHUB_SOURCE,
  SecurityHubDetailType.FindingsCustomAction,
  z.extend(FindingsCustomActionDetailSchema, { findings }),
);
const guardDutyEventSchema = eventBridgeEventSchema(
  GUARDDUTY_SOURCE,
  GuardDutyDetailType.Finding,
  z.extend(GuardDutyFindingDetailSchema, {
    arn: z.string().check(z.regex(/^arn:aws[a-z-]*:guardduty:[a-z0-9-]+:\d{12}:detector\/[^/]+\/finding\/[^/]+$/, 'must be a GuardDuty finding ARN')),
    createdAt: timestamp,
    service: z.extend(GuardDutyServiceSchema, { eventFirstSeen: z.optional(timestamp) }),
  }),
);

/** The three events that start finding enrichment; the detail type picks the schema, so errors name the real field. */
export const normalizeFindingsInput = z.discriminatedUnion('detail-type', [importedEventSchema, customActionEventSchema, guardDutyEventSchema]);
export type NormalizeFindingsInput = z.infer<typeof normalizeFindingsInput>;
type SecurityHubEvent = z.infer<typeof importedEventSchema> | z.infer<typeof customActionEventSchema>;
type GuardDutyEvent = z.infer<typeof guardDutyEventSchema>;

const GUARDDUTY_PRODUCT_ARN = /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+::product\/aws\/guardduty$/;

type Triage = { readonly investigate: WorkFinding; readonly refs: PrincipalRef[] } | { readonly skip: SkippedFinding };

/**
 * Reads every finding of the event (not only the first): which to investigate, with the IAM
 * principals each names (by key, each principal once across the event), and why the others are
 * skipped; plans one investigation per principal (its window within Detective's limits, and the
 * name of the run every request about it in the hour shares); and puts the findings in batches of
 * FINDINGS_PER_BATCH to be written back. Nothing of the event itself is kept. Raises InvalidInput
 * (through its schema) naming the field when the event is malformed, a timestamp included, or
 * carries more than MAX_FINDINGS_PER_EVENT findings, and when its findings name more than
 * MAX_PRINCIPALS_PER_EVENT principals.
 */
export function normalizeFindings(event: NormalizeFindingsInput, config: FindingEnrichmentConfig, now: () => Date): FindingWork {
  const { source, triaged } = isGuardDutyEvent(event)
    ? { source: FindingSource.GuardDuty, triaged: [triageGuardDuty(event, config)] }
    : { source: sourceOf(event), triaged: triageSecurityHub(event, config) };
  const investigated = triaged.flatMap((item) => ('investigate' in item ? [item.investigate] : []));
  const refs = mergeRefs(triaged.flatMap((item) => ('refs' in item ? item.refs : [])));
  if (refs.length > MAX_PRINCIPALS_PER_EVENT) {
    throw new InvalidInput(`detail.findings: they name ${refs.length} IAM principals; at most ${MAX_PRINCIPALS_PER_EVENT} are investigated per event`);
  }
  return {
    source,
    graphArn: config.graphArn ?? null,
    batches: batched(investigated, triaged.flatMap((item) => ('skip' in item ? [item.skip] : []))),
    principals: planPrincipals(investigated, refs, config, now()),
    polling: {
      wait: config.polling.firstWaitSeconds,
      maxWait: config.polling.maxWaitSeconds,
      doublesUpTo: Math.floor(config.polling.maxWaitSeconds / 2),
      deadlineSeconds: config.polling.deadlineMinutes * 60,
      elapsed: 0,
    },
  };
}

/** Findings to investigate first, then the skipped ones, FINDINGS_PER_BATCH to a batch; one batch at least. */
function batched(findings: readonly WorkFinding[], skipped: readonly SkippedFinding[]): FindingBatch[] {
  const batches: FindingBatch[] = [];
  const total = findings.length + skipped.length;
  for (let start = 0; start < Math.max(total, 1); start += FINDINGS_PER_BATCH) {
    const end = start + FINDINGS_PER_BATCH;
    batches.push({
      findings: findings.slice(start, end),
      skipped: skipped.slice(Math.max(start - findings.length, 0), Math.max(end - findings.length, 0)),
    });
  }
  return batches;
}

function isGuardDutyEvent(event: NormalizeFindingsInput): event is GuardDutyEvent {
  return event['detail-type'] === GuardDutyDetailType.Finding;
}

function sourceOf(event: SecurityHubEvent): FindingWork['source'] {
  return event['detail-type'] === SecurityHubDetailType.FindingsImported ? FindingSource.SecurityHubImported : FindingSource.SecurityHubCustomAction;
}

function triageSecurityHub(event: SecurityHubEvent, config: FindingEnrichmentConfig): Triage[] {
  const source = sourceOf(event);
  const seen = new Set<string>();
  const triaged: Triage[] = [];
  for (const finding of event.detail.findings) {
    // BatchUpdateFindings rejects a request naming one finding twice.
    const key = `${finding.ProductArn} ${finding.Id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    triaged.push(triageAsff(finding, source, event.region, config));
  }
  return triaged;
}

function triageAsff(finding: Finding, source: FindingWork['source'], eventRegion: string, config: FindingEnrichmentConfig): Triage {
  const skip = (code: SkipCode, reason: string): Triage => ({ skip: { id: finding.Id, productArn: finding.ProductArn, code, reason } });
  const investigate = finding.UserDefinedFields?.[INVESTIGATE_FIELD];
  // Loop protection in depth: opsflow's own update of a finding comes back as an Imported event.
  if (investigate === InvestigateValue.Complete) {
    return skip(SkipCode.AlreadyInvestigated, `already enriched by opsflow (UserDefinedFields.${INVESTIGATE_FIELD} = ${InvestigateValue.Complete})`);
  }
  // One Imported event can carry findings the automation rule did not flag beside one it did.
  if (source === FindingSource.SecurityHubImported && investigate !== InvestigateValue.Requested) {
    return skip(SkipCode.NotFlagged, `not flagged for investigation (UserDefinedFields.${INVESTIGATE_FIELD} is not "${InvestigateValue.Requested}")`);
  }
  if (!GUARDDUTY_PRODUCT_ARN.test(finding.ProductArn)) {
    const product = finding.ProductName ?? finding.ProductFields?.['aws/securityhub/ProductName'] ?? finding.ProductArn;
    return skip(SkipCode.NotGuardDuty, `not a GuardDuty finding (product ${product}): only GuardDuty findings are investigated`);
  }
  const partition = partitionOf(finding.ProductArn) ?? 'aws';
  // ProductArn names the Region the finding was imported in: arn:aws:securityhub:<region>::product/...
  const region = finding.Region ?? (finding.ProductArn.split(':')[3] || eventRegion);
  const identityCenterRegion = config.identityCenterRegion ?? region;
  const resolutions = finding.Resources.flatMap((resource) => {
    const context: IamResourceContext = { partition: resource.Partition ?? partition, account: finding.AwsAccountId, identityCenterRegion };
    switch (resource.Type) {
      case AsffResourceType.AwsIamUser:
        return [fromAwsIamUser(resource, context)];
      case AsffResourceType.AwsIamRole:
        return [fromAwsIamRole(resource, context)];
      case AsffResourceType.AwsIamAccessKey:
        return [fromAwsIamAccessKey(resource.Details?.AwsIamAccessKey, context)];
      default:
        return [];
    }
  });
  const principals = principalsOf(resolutions);
  if ('skip' in principals) return skip(principals.skip.code, principals.skip.reason);
  return {
    investigate: {
      id: finding.Id,
      productArn: finding.ProductArn,
      awsAccountId: finding.AwsAccountId,
      region,
      title: finding.Title,
      severityLabel: finding.Severity.Label,
      firstObservedAt: toIsoUtc(finding.FirstObservedAt ?? finding.CreatedAt),
      principals: principals.refs.map((principal) => principal.key),
    },
    refs: principals.refs,
  };
}

function triageGuardDuty(event: GuardDutyEvent, config: FindingEnrichmentConfig): Triage {
  const detail = event.detail;
  const partition = partitionOf(detail.arn) ?? detail.partition;
  // Security Hub identifies a GuardDuty finding by its GuardDuty ARN under GuardDuty's product ARN.
  const identity = { id: detail.arn, productArn: `arn:${partition}:securityhub:${detail.region}::product/aws/guardduty` };
  const skip = (code: SkipCode, reason: string): Triage => ({ skip: { ...identity, code, reason } });
  if (detail.severity < config.minimumGuardDutySeverity) {
    return skip(SkipCode.BelowThreshold, `GuardDuty severity ${detail.severity} is below the configured minimum ${config.minimumGuardDutySeverity}`);
  }
  const accessKey = detail.resource.accessKeyDetails;
  if (!accessKey) {
    return skip(SkipCode.NoIamPrincipal, `GuardDuty ${detail.resource.resourceType} finding names no access key principal`);
  }
  const context: IamResourceContext = { partition, account: detail.accountId, identityCenterRegion: config.identityCenterRegion ?? detail.region };
  const principals = principalsOf([fromGuardDutyAccessKey(accessKey, context)]);
  if ('skip' in principals) return skip(principals.skip.code, principals.skip.reason);
  return {
    investigate: {
      ...identity,
      awsAccountId: detail.accountId,
      region: detail.region,
      title: detail.title,
      severityLabel: guardDutySeverityLabel(detail.severity),
      firstObservedAt: toIsoUtc(detail.service.eventFirstSeen ?? detail.createdAt),
      principals: principals.refs.map((principal) => principal.key),
    },
    refs: principals.refs,
  };
}

/** GuardDuty's documented bands: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0. */
export function guardDutySeverityLabel(severity: number): SeverityLabel {
  if (severity >= 9) return 'CRITICAL';
  if (severity >= 7) return 'HIGH';
  if (severity >= 4) return 'MEDIUM';
  return 'LOW';
}

function principalsOf(resolutions: PrincipalResolution[]): { refs: PrincipalRef[] } | { skip: { code: SkipCode; reason: string } } {
  const refs = mergeRefs(resolutions.flatMap((resolution) => ('ref' in resolution ? [resolution.ref] : [])));
  if (refs.length > 0) return { refs };
  const unsupported = resolutions.flatMap((resolution) => ('unsupported' in resolution ? [resolution.unsupported] : []));
  if (unsupported.length > 0) {
    return { skip: { code: SkipCode.UnsupportedPrincipal, reason: `no IAM user or role to investigate: ${[...new Set(unsupported)].join('; ')}` } };
  }
  return { skip: { code: SkipCode.NoIamPrincipal, reason: 'no IAM user, role or access key among the finding\'s resources' } };
}
