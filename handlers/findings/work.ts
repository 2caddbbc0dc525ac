import * as z from 'zod/mini';
import { SEVERITY_LABELS, type SeverityLabel } from '../../events/severity.ts';

/**
 * The work item normalize-findings produces and every later finding-enrichment task reads: the
 * findings to investigate, the ones skipped (with why), and one Detective investigation per
 * IAM principal across the whole event.
 */

export const FindingSource = {
  SecurityHubImported: 'securityhub-imported',
  SecurityHubCustomAction: 'securityhub-custom-action',
  GuardDuty: 'guardduty',
} as const;
export type FindingSource = (typeof FindingSource)[keyof typeof FindingSource];

/** Security Hub's Severity.Label values, which are also Detective's investigation severities, lowest first. */
export const SEVERITY_ORDER = SEVERITY_LABELS;
export type { SeverityLabel };
export const severityLabelSchema = z.enum(SEVERITY_ORDER);

export function isMoreSevere(candidate: SeverityLabel, than: SeverityLabel): boolean {
  return SEVERITY_ORDER.indexOf(candidate) > SEVERITY_ORDER.indexOf(than);
}

/** Detective's EntityType values: the only principals an investigation can cover. */
export const EntityType = { IamUser: 'IAM_USER', IamRole: 'IAM_ROLE' } as const;
export type EntityType = (typeof EntityType)[keyof typeof EntityType];

/** Why a finding was not investigated; the first two are not written back (the finding was not ours to mark). */
export const SkipCode = {
  NotFlagged: 'not-flagged',
  AlreadyInvestigated: 'already-investigated',
  NotGuardDuty: 'not-guardduty',
  BelowThreshold: 'below-threshold',
  NoIamPrincipal: 'no-iam-principal',
  UnsupportedPrincipal: 'unsupported-principal',
} as const;
export type SkipCode = (typeof SkipCode)[keyof typeof SkipCode];

const NOT_WRITTEN_BACK: ReadonlySet<SkipCode> = new Set([SkipCode.NotFlagged, SkipCode.AlreadyInvestigated]);

export function isWrittenBack(code: SkipCode): boolean {
  return !NOT_WRITTEN_BACK.has(code);
}

/** The UserDefinedFields key the automation rule sets to "true" and opsflow sets when done. */
export const INVESTIGATE_FIELD = 'investigate';

export const InvestigateValue = {
  Requested: 'true',
  Complete: 'complete',
  Failed: 'failed',
  Skipped: 'skipped',
} as const;

const text = z.string().check(z.minLength(1));
const isoTimestamp = z.iso.datetime();

export const workFindingSchema = z.object({
  id: text,
  productArn: text,
  awsAccountId: text,
  region: text,
  title: z.string(),
  severityLabel: severityLabelSchema,
  firstObservedAt: isoTimestamp,
  principals: z.array(text).check(z.minLength(1)),
});

export const skippedFindingSchema = z.object({
  id: text,
  productArn: text,
  reason: text,
  code: z.enum(SkipCode),
});

export const investigationSchema = z.object({
  entityArn: text,
  entityType: z.enum(EntityType),
  scopeStartTime: isoTimestamp,
  scopeEndTime: isoTimestamp,
  /** The latest first observation among its findings: an existing investigation created before it cannot cover them all. */
  latestFirstObservedAt: isoTimestamp,
  findingIds: z.array(text).check(z.minLength(1)),
  /** The investigate-principal execution name shared by every execution about this principal and hour. */
  runName: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, 'must be a Step Functions execution name')),
});

export const pollingSchema = z.object({
  wait: z.int().check(z.gte(1)),
  maxWait: z.int().check(z.gte(1)),
  deadlineSeconds: z.int().check(z.gte(1)),
  elapsed: z.int().check(z.gte(0)),
});

export const workSchema = z.object({
  source: z.enum(FindingSource),
  graphArn: z.nullable(text),
  findings: z.array(workFindingSchema),
  skipped: z.array(skippedFindingSchema),
  investigations: z.array(investigationSchema),
  polling: pollingSchema,
});

export type WorkFinding = z.infer<typeof workFindingSchema>;
export type SkippedFinding = z.infer<typeof skippedFindingSchema>;
export type Investigation = z.infer<typeof investigationSchema>;
export type FindingWork = z.infer<typeof workSchema>;
