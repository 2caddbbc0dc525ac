import * as z from 'zod/mini';
import { SEVERITY_LABELS, type SeverityLabel } from '../../events/severity.ts';
import { rfc3339Timestamp } from './time.ts';

/**
 * The work item of finding-enrichment. normalize-findings reads the event into findings to
 * investigate and findings skipped (with why), in batches, and plans one investigate-principal run
 * per principal they name across the whole event; each run reads the principal's ARN from IAM and
 * ends with the principal's outcome, which replaces its plan; compose-finding-updates then writes
 * each batch back. Only these compact items travel in the state, never the event: every state of
 * an execution stays within Step Functions' 256 KiB (see MAX_FINDINGS_PER_EVENT).
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

/**
 * Findings one execution takes: "Maximum of 100 findings per request" is what BatchImportFindings
 * takes and "Every BatchImportFindings and BatchUpdateFindings request triggers a Security Hub
 * Findings - Imported event" (Security Hub user guide, securityhub-cwe-integration-types, in
 * github.com/awsdocs/aws-security-hub-user-guide at 26bae5b, doc_source/securityhub-cwe-integration-types.md),
 * while today's guide says "Each Security Hub Findings - Imported event contains a single finding"
 * and "You can select a custom action for up to 20 findings at a time"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-integration-types.html).
 * So no event AWS sends carries more than 100 findings, and the state's compact items are sized for 100.
 */
export const MAX_FINDINGS_PER_EVENT = 100;

/**
 * Principals one execution investigates. Each is one plan, then one outcome, in the state (about
 * 0.5 KB, then 0.8 KB), and every batch is handed all outcomes: with 100 findings about 100
 * principals the largest state is about half of Step Functions' 256 KiB
 * (test/workflows/finding-enrichment-size.test.ts). An event about more is refused whole.
 */
export const MAX_PRINCIPALS_PER_EVENT = 100;

/**
 * Findings written back per batch: the Finding Enriched events (about 1.3 KB a finding) and the
 * BatchUpdateFindings requests (up to 1 KB a finding when every note differs) of one batch are in
 * the state at once, so a batch of 25 adds at most about 60 KB to it.
 */
export const FINDINGS_PER_BATCH = 25;

/** A finding to investigate, naming its principals by key (PrincipalRef.key). */
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

/** Findings written back together: those to investigate and those skipped, at most FINDINGS_PER_BATCH. */
export const findingBatchSchema = z.object({
  findings: z.array(workFindingSchema),
  skipped: z.array(skippedFindingSchema),
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

/** Where an investigated ARN came from, and what IAM answered (with its error when it could not be read). */
export const arnOriginSchema = z.object({
  source: z.enum(ArnSource),
  iam: z.enum(IamLookup),
  error: z.nullable(z.string()),
});

/**
 * The window an investigation covers, and the hour its run is named after. It is part of the
 * investigate-principal run's input, so it holds nothing a request's own findings add beyond what
 * sets the window: every request about the principal whose findings give the same window, planned
 * in the same hour of the clock, sends the same input. StartExecution "is idempotent for STANDARD
 * workflows. For a STANDARD workflow, if you call StartExecution with the same name and input as a
 * running execution, the call succeeds and return the same response as the original request. If
 * the execution is closed or if the input is different, it returns a 400 ExecutionAlreadyExists
 * error" (Step Functions API reference, StartExecution,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html): so
 * simultaneous requests that send this input join the running run instead of following it.
 */
export const investigationScopeSchema = z.object({
  scopeStartTime: rfc3339Timestamp,
  scopeEndTime: rfc3339Timestamp,
  /** Whether the start is later than the findings ask (Detective's one-year limit). */
  scopeCut: z.boolean(),
  /**
   * The start of the hour in which the last of the findings was first seen. An existing
   * investigation created before that hour ended may predate a finding of some request sharing
   * the run, so it is not reused.
   */
  latestFirstSeenHour: rfc3339Timestamp,
});

/** One principal's investigation as normalize-findings plans it: who, over which window, and the run's name. */
export const principalPlanSchema = z.object({
  principal: principalRefSchema,
  scope: investigationScopeSchema,
  /** The investigate-principal execution name shared by every execution about this principal and hour (an attempt number is appended). */
  runName: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,76}$/, 'must leave room in a Step Functions execution name for an attempt number')),
});

/** How one principal's investigation ended. */
export const PrincipalStatus = {
  Successful: 'SUCCESSFUL',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Error: 'ERROR',
} as const;
export type PrincipalStatus = (typeof PrincipalStatus)[keyof typeof PrincipalStatus];

const errorSchema = z.looseObject({ Error: z.string(), Cause: z.optional(z.string()) });

/**
 * One principal's outcome, as an investigate-principal run ends (or, when no run gave one because
 * it failed or could not be started or followed, as finding-enrichment records it, status ERROR
 * with the run's own error): compact, with the indicators already described, so that a hundred of
 * them fit in the state beside everything else. `entityArn` and `arnOrigin` are null only when no
 * run gave an outcome.
 */
export const principalOutcomeSchema = z.object({
  key: text,
  kind: z.enum(['user', 'role']),
  name: text,
  entityArn: z.nullable(text),
  arnOrigin: z.nullable(arnOriginSchema),
  scope: investigationScopeSchema,
  investigationId: z.nullable(text),
  reused: z.boolean(),
  status: z.enum(PrincipalStatus),
  severity: z.nullable(severityLabelSchema),
  /** Indicators per IndicatorType found (a type not listed was not found), null unless Detective's investigation succeeded. */
  counts: z.nullable(z.record(z.string(), z.int().check(z.gte(0)))),
  /** The indicators that matter most, in words (handlers/findings/indicators.ts describeIndicators). */
  indicators: z.nullable(z.string()),
  error: z.nullable(errorSchema),
});

export const pollingSchema = z.object({
  wait: z.int().check(z.gte(1)),
  maxWait: z.int().check(z.gte(1)),
  /** The longest wait that, doubled, stays within maxWait: a longer one is capped instead of doubled. */
  doublesUpTo: z.int().check(z.gte(0)),
  deadlineSeconds: z.int().check(z.gte(1)),
  elapsed: z.int().check(z.gte(0)),
});

/** What normalize-findings produces: the findings in batches, and one plan per principal they name. */
export const workSchema = z.object({
  source: z.enum(FindingSource),
  graphArn: z.nullable(text),
  batches: z.array(findingBatchSchema),
  principals: z.array(principalPlanSchema).check(z.maxLength(MAX_PRINCIPALS_PER_EVENT)),
  polling: pollingSchema,
});

export type WorkFinding = z.infer<typeof workFindingSchema>;
export type SkippedFinding = z.infer<typeof skippedFindingSchema>;
export type FindingBatch = z.infer<typeof findingBatchSchema>;
export type PrincipalRefInput = z.infer<typeof principalRefSchema>;
export type ArnOrigin = z.infer<typeof arnOriginSchema>;
export type InvestigationScope = z.infer<typeof investigationScopeSchema>;
export type PrincipalPlan = z.infer<typeof principalPlanSchema>;
export type PrincipalOutcome = z.infer<typeof principalOutcomeSchema>;
export type Polling = z.infer<typeof pollingSchema>;
export type FindingWork = z.infer<typeof workSchema>;
