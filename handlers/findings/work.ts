import * as z from 'zod/mini';
import { SEVERITY_LABELS, type SeverityLabel } from '../../events/severity.ts';
import { rfc3339Timestamp } from './time.ts';

/**
 * The work item of finding-enrichment. normalize-findings reads the event into findings to
 * investigate, findings skipped (with why) and the principals they name; once IAM has been asked
 * for the principals' ARNs, group-by-principal plans one Detective investigation per principal
 * across the whole event, and every later task reads that.
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

/** Where an investigated ARN came from: IAM, or (when IAM was not read or did not know it) the finding. */
export const ArnSource = {
  Iam: 'iam',
  Finding: 'finding',
  ReservedPath: 'reserved-path',
  RootPath: 'root-path',
} as const;
export type ArnSource = (typeof ArnSource)[keyof typeof ArnSource];

/** What happened when the workflow asked IAM (GetUser/GetRole) for a principal. */
export const IamLookup = {
  Read: 'read',
  OtherAccount: 'other-account',
  NotFound: 'not-found',
  Unreadable: 'unreadable',
} as const;
export type IamLookup = (typeof IamLookup)[keyof typeof IamLookup];

/** A finding to investigate. Its principals are keys of `principals` until group-by-principal makes them ARNs. */
export const workFindingSchema = z.object({
  id: text,
  productArn: text,
  awsAccountId: text,
  region: text,
  title: z.string(),
  severityLabel: severityLabelSchema,
  firstObservedAt: rfc3339Timestamp,
  principals: z.array(text).check(z.minLength(1)),
});

export const skippedFindingSchema = z.object({
  id: text,
  productArn: text,
  reason: text,
  code: z.enum(SkipCode),
});

const account = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));

/** A user or role as the findings name it (handlers/findings/principals.ts PrincipalRef). */
export const principalRefSchema = z.object({
  key: text,
  kind: z.enum(['user', 'role']),
  name: text,
  account,
  partition: text,
  fallbackArn: text,
  fallbackSource: z.enum([ArnSource.Finding, ArnSource.ReservedPath, ArnSource.RootPath]),
});

/** One principal once the workflow has asked IAM: the ARN to investigate and where it came from. */
export const resolvedPrincipalSchema = z.object({
  key: text,
  arn: text,
  source: z.enum(ArnSource),
  iam: z.enum(IamLookup),
  /** The error IAM answered with when it could not be read. */
  error: z.optional(z.nullable(z.string())),
});

export const arnOriginSchema = z.object({
  source: z.enum(ArnSource),
  iam: z.enum(IamLookup),
  error: z.nullable(z.string()),
});

/**
 * What an investigate-principal run is told about its principal: nothing a request's own findings
 * add, so it is the same for every request about the principal whose findings were first seen in
 * the hour the run is named after, planned in the same hour of the clock. StartExecution "is
 * idempotent for STANDARD workflows. For a STANDARD workflow, if you call StartExecution with the
 * same name and input as a running execution, the call succeeds and return the same response as
 * the original request. If the execution is closed or if the input is different, it returns a 400
 * ExecutionAlreadyExists error" (Step Functions API reference, StartExecution,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html): so
 * simultaneous requests that send this input join the running run instead of following it.
 */
export const runInvestigationSchema = z.object({
  entityArn: text,
  entityType: z.enum(EntityType),
  scopeStartTime: rfc3339Timestamp,
  scopeEndTime: rfc3339Timestamp,
  /**
   * The start of the hour in which the last of the findings was first seen. An existing
   * investigation created before that hour ended may predate a finding of some request sharing
   * the run, so it is not reused.
   */
  latestFirstSeenHour: rfc3339Timestamp,
});

/** One principal's investigation as finding-enrichment plans it: the run's input, and what the request's own findings add. */
export const investigationSchema = z.extend(runInvestigationSchema, {
  /** Where entityArn came from, for the note. */
  arnOrigin: arnOriginSchema,
  /** Why the scope starts later than the findings ask (Detective's one-year limit), or null. */
  scopeCut: z.nullable(text),
  findingIds: z.array(text).check(z.minLength(1)),
  /** The investigate-principal execution name shared by every execution about this principal and hour (an attempt number is appended). */
  runName: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,76}$/, 'must leave room in a Step Functions execution name for an attempt number')),
});

export const pollingSchema = z.object({
  wait: z.int().check(z.gte(1)),
  maxWait: z.int().check(z.gte(1)),
  deadlineSeconds: z.int().check(z.gte(1)),
  elapsed: z.int().check(z.gte(0)),
});

/** What normalize-findings produces: findings naming principals by key, and the principals to look up. */
export const normalizedWorkSchema = z.object({
  source: z.enum(FindingSource),
  graphArn: z.nullable(text),
  findings: z.array(workFindingSchema),
  skipped: z.array(skippedFindingSchema),
  principals: z.array(principalRefSchema),
  polling: pollingSchema,
});

/** What group-by-principal produces and every later task reads: findings naming principals by ARN, one investigation each. */
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
export type PrincipalRefInput = z.infer<typeof principalRefSchema>;
export type ResolvedPrincipal = z.infer<typeof resolvedPrincipalSchema>;
export type ArnOrigin = z.infer<typeof arnOriginSchema>;
export type RunInvestigation = z.infer<typeof runInvestigationSchema>;
export type Investigation = z.infer<typeof investigationSchema>;
export type Polling = z.infer<typeof pollingSchema>;
export type NormalizedWork = z.infer<typeof normalizedWorkSchema>;
export type FindingWork = z.infer<typeof workSchema>;
