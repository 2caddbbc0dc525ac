import * as z from 'zod/mini';
import type { FindingEnrichmentConfig } from '../../shared/config.ts';
import { InvalidInput } from '../../shared/errors.ts';
import { investigationReportUrl } from '../detective.ts';
import { IndicatorType } from '../indicators.ts';
import { entityLabel, type FallbackSource } from '../principals.ts';
import {
  ArnSource,
  FindingSource,
  IamLookup,
  INVESTIGATE_FIELD,
  InvestigateValue,
  isMoreSevere,
  isWrittenBack,
  PrincipalStatus,
  principalOutcomeSchema,
  skippedFindingSchema,
  workFindingSchema,
  type ArnOrigin,
  type PrincipalOutcome,
  type SeverityLabel,
  type WorkFinding,
} from '../work.ts';
import { composeNote, NOTE_LABEL_LIMIT, noteLabel, shortTime, skippedNote, truncate, type NoteLine } from './note.ts';

export { PrincipalStatus };
const STATUS_ORDER: readonly PrincipalStatus[] = Object.values(PrincipalStatus);

/** One batch of findings (normalize-findings), and the outcome of every principal of the execution. */
export const composeFindingUpdatesInput = z.looseObject({
  source: z.enum(FindingSource),
  // Null only when nothing was investigated: the workflow resolves no graph then.
  graphArn: z.nullable(z.string().check(z.regex(/^arn:aws[a-z-]*:detective:[a-z0-9-]+:\d{12}:graph:[a-f0-9]{32}$/, 'must be a Detective behavior graph ARN'))),
  findings: z.array(workFindingSchema),
  skipped: z.array(skippedFindingSchema),
  principals: z.array(principalOutcomeSchema),
});
export type ComposeFindingUpdatesInput = z.infer<typeof composeFindingUpdatesInput>;

export const UPDATED_BY = 'opsflow';
export const EVENT_SOURCE = 'opsflow.findings';
export const EVENT_DETAIL_TYPE = 'Finding Enriched';
/** BatchUpdateFindings updates at most 100 findings per request. */
export const FINDINGS_PER_REQUEST = 100;
/** PutEvents takes at most 10 entries per call. */
export const EVENTS_PER_CALL = 10;
/** Security Hub's limit on one UserDefinedFields value. */
const FIELD_VALUE_LIMIT = 1024;
/** A caught error's Cause can be long (a stack, a whole response); the event keeps its start. */
export const EVENT_CAUSE_LIMIT = 256;

/** The UserDefinedFields key of each indicator count. */
const COUNT_FIELD_OF_TYPE = {
  [IndicatorType.TtpObserved]: 'detective_ttps',
  [IndicatorType.ImpossibleTravel]: 'detective_impossible_travel',
  [IndicatorType.FlaggedIpAddress]: 'detective_flagged_ips',
  [IndicatorType.NewGeolocation]: 'detective_new_geolocations',
  [IndicatorType.NewAso]: 'detective_new_asos',
  [IndicatorType.NewUserAgent]: 'detective_new_user_agents',
  [IndicatorType.RelatedFinding]: 'detective_related_findings',
  [IndicatorType.RelatedFindingGroup]: 'detective_related_finding_groups',
} as const;

export interface FindingIdentifier {
  Id: string;
  ProductArn: string;
}

export interface BatchUpdateFindingsRequest {
  FindingIdentifiers: FindingIdentifier[];
  Note: { Text: string; UpdatedBy: string };
  UserDefinedFields: Record<string, string>;
  Severity?: { Label: SeverityLabel };
}

export interface EnrichedPrincipal {
  /** Null when no run gave an outcome (it failed, or could not be started or followed), so no ARN is known. */
  entityArn: string | null;
  investigationId: string | null;
  status: PrincipalStatus;
  severity: SeverityLabel | null;
  reused: boolean;
  indicatorCounts: Record<string, number> | null;
  reportUrl: string | null;
  /** Why the investigation did not succeed, as the workflow caught it (the cause cut short). */
  error: { Error: string; Cause?: string } | null;
}

export interface FindingEnrichedDetail {
  findingId: string;
  productArn: string;
  awsAccountId: string;
  region: string;
  title: string;
  /** The finding's severity label once this update is applied. */
  severity: SeverityLabel;
  principals: EnrichedPrincipal[];
  note: string;
}

export interface FindingEnrichedEntry {
  Source: typeof EVENT_SOURCE;
  DetailType: typeof EVENT_DETAIL_TYPE;
  Detail: FindingEnrichedDetail;
  EventBusName: string;
}

/** What one batch did, for the report. */
export interface BatchSummary {
  findings: number;
  investigated: number;
  skipped: number;
  failed: number;
  /** Finding updates in the batch's requests (findings and the skipped findings marked). */
  updates: number;
  /** Finding Enriched events of the batch. */
  events: number;
}

/**
 * Where a batch's write-back starts: every request pending for the first round. check-write-back
 * carries it from round to round, and the workflow adds what was published.
 */
export interface BatchOutcome {
  /** Whether a finding may still be on its way into Security Hub (the direct GuardDuty trigger): FindingNotFound is waited for. */
  awaitImport: boolean;
  summary: BatchSummary;
  pending: BatchUpdateFindingsRequest[];
  round: 1;
  updated: 0;
  retriedRounds: 0;
  importWaitedSeconds: 0;
  waitSeconds: 0;
  unprocessed: [];
}

export interface FindingUpdates {
  /** PutEvents calls, each with at most 10 entries. */
  events: FindingEnrichedEntry[][];
  outcome: BatchOutcome;
}

interface FindingUpdate {
  identifier: FindingIdentifier;
  note: string;
  fields: Record<string, string>;
  severity: SeverityLabel | undefined;
}

/**
 * Writes each principal's outcome back to every finding of the batch it covers: one Security Hub
 * update per finding (failures included, written as such), identical updates grouped into
 * BatchUpdateFindings requests of at most 100 findings, and a "Finding Enriched" event per
 * investigated finding. Skipped findings get an update too, so the automation rule does not flag
 * them again, unless they were never ours to mark (not flagged, or already enriched). Raises
 * InvalidInput when a finding names a principal without an outcome, or a principal has two.
 */
export function composeFindingUpdates(input: ComposeFindingUpdatesInput, config: FindingEnrichmentConfig): FindingUpdates {
  if (input.graphArn === null && input.principals.length > 0) throw new InvalidInput('graphArn: required when there are principal outcomes');
  const graphArn = input.graphArn ?? '';
  const outcomes = outcomesByKey(input.principals);
  const updates: FindingUpdate[] = [];
  const entries: FindingEnrichedEntry[] = [];
  let investigated = 0;
  input.findings.forEach((finding, findingIndex) => {
    const principals = finding.principals.map((key) => {
      const outcome = outcomes.get(key);
      if (!outcome) throw new InvalidInput(`findings.${findingIndex}.principals: ${key} has no outcome in principals`);
      return outcome;
    });
    const update = enrichedUpdate(finding, principals, graphArn, config);
    if (principals.every((principal) => principal.status === PrincipalStatus.Successful)) investigated += 1;
    updates.push(update);
    entries.push({
      Source: EVENT_SOURCE,
      DetailType: EVENT_DETAIL_TYPE,
      EventBusName: config.eventBusName,
      Detail: {
        findingId: finding.id,
        productArn: finding.productArn,
        awsAccountId: finding.awsAccountId,
        region: finding.region,
        title: finding.title,
        severity: update.severity ?? finding.severityLabel,
        principals: principals.map((principal) => enrichedPrincipal(principal, graphArn)),
        note: update.note,
      },
    });
  });
  for (const skipped of input.skipped.filter((finding) => isWrittenBack(finding.code))) {
    updates.push({
      identifier: { Id: skipped.id, ProductArn: skipped.productArn },
      note: skippedNote(skipped.reason),
      fields: { [INVESTIGATE_FIELD]: InvestigateValue.Skipped, investigate_reason: skipped.code },
      severity: undefined,
    });
  }
  return {
    events: chunk(entries, EVENTS_PER_CALL),
    outcome: {
      awaitImport: input.source === FindingSource.GuardDuty,
      summary: {
        findings: input.findings.length + input.skipped.length,
        investigated,
        skipped: input.skipped.length,
        failed: input.findings.length - investigated,
        updates: updates.length,
        events: entries.length,
      },
      pending: groupedRequests(updates),
      round: 1,
      updated: 0,
      retriedRounds: 0,
      importWaitedSeconds: 0,
      waitSeconds: 0,
      unprocessed: [],
    },
  };
}

/** One outcome per principal: two for one key means the workflow lost track. */
function outcomesByKey(principals: readonly PrincipalOutcome[]): Map<string, PrincipalOutcome> {
  const outcomes = new Map<string, PrincipalOutcome>();
  principals.forEach((principal, index) => {
    if (outcomes.has(principal.key)) throw new InvalidInput(`principals.${index}.key: ${principal.key} has more than one outcome`);
    outcomes.set(principal.key, principal);
  });
  return outcomes;
}

function enrichedUpdate(finding: WorkFinding, principals: readonly PrincipalOutcome[], graphArn: string, config: FindingEnrichmentConfig): FindingUpdate {
  const detectiveSeverity = highestSeverity(principals);
  const allSuccessful = principals.every((principal) => principal.status === PrincipalStatus.Successful);
  const statuses = STATUS_ORDER.filter((status) => principals.some((principal) => principal.status === status));
  const ids = [...new Set(principals.flatMap((principal) => (principal.investigationId === null ? [] : [principal.investigationId])))];
  const arnSources = [...new Set(principals.flatMap((principal) => principal.arnOrigin?.source ?? []))];
  const fields: Record<string, string> = {
    // A failure is not "complete": an analyst can run the custom action on it again.
    [INVESTIGATE_FIELD]: allSuccessful ? InvestigateValue.Complete : InvestigateValue.Failed,
    detective_status: statuses.join(','),
    detective_severity: detectiveSeverity ?? 'NONE',
    detective_investigation_ids: joinWithin(ids, FIELD_VALUE_LIMIT) || 'none',
    // A principal whose run could not be started or followed has no ARN, so no source.
    detective_arn_sources: arnSources.join(',') || 'none',
    ...indicatorCountFields(principals.flatMap((principal) => (principal.counts ? [principal.counts] : []))),
  };
  const raise = config.raiseSeverity && detectiveSeverity !== null && isMoreSevere(detectiveSeverity, finding.severityLabel);
  return {
    identifier: { Id: finding.id, ProductArn: finding.productArn },
    note: composeNote(principals.map((principal) => noteLine(principal, graphArn))),
    fields,
    severity: raise ? detectiveSeverity : undefined,
  };
}

function highestSeverity(principals: readonly PrincipalOutcome[]): SeverityLabel | null {
  let highest: SeverityLabel | null = null;
  for (const principal of principals) {
    if (principal.status !== PrincipalStatus.Successful || principal.severity === null) continue;
    if (highest === null || isMoreSevere(principal.severity, highest)) highest = principal.severity;
  }
  return highest;
}

function indicatorCountFields(counts: readonly Record<string, number>[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(COUNT_FIELD_OF_TYPE).map(([type, field]) => [field, String(counts.reduce((total, count) => total + (count[type] ?? 0), 0))]),
  );
}

/** Whole ids, comma-separated, as many as fit in a field value. */
function joinWithin(values: readonly string[], limit: number): string {
  let joined = '';
  for (const value of values) {
    const next = joined ? `${joined},${value}` : value;
    if (next.length > limit) break;
    joined = next;
  }
  return joined;
}

/** `role/…/AWSReservedSSO_Admin_0123`: a long path gives way to the name; `user/alice` when no ARN was resolved. */
function principalLabel(principal: PrincipalOutcome): string {
  if (principal.entityArn === null) return noteLabel(`${principal.kind}/${principal.name}`);
  const label = entityLabel(principal.entityArn);
  if (label.length <= NOTE_LABEL_LIMIT) return label;
  const parts = label.split('/');
  return noteLabel(`${parts[0] ?? ''}/…/${parts.at(-1) ?? ''}`);
}

const ASSUMED_ARN: Readonly<Record<FallbackSource, string>> = {
  [ArnSource.Finding]: 'ARN from the finding',
  [ArnSource.ReservedPath]: 'ARN assumed on the IAM Identity Center path',
  [ArnSource.RootPath]: 'ARN assumed on the root path',
};

/** Says where the ARN came from unless IAM gave it: the finding's word may not be the principal's ARN. */
function arnNote(entityArn: string | null, origin: ArnOrigin | null): string {
  if (entityArn === null || !origin || origin.source === ArnSource.Iam) return '';
  const account = entityArn.split(':')[4] ?? '';
  const why =
    origin.iam === IamLookup.OtherAccount ? `IAM of ${account} not read`
    : origin.iam === IamLookup.NotFound ? 'not in IAM'
    : `IAM unreadable${origin.error ? ` (${origin.error})` : ''}`;
  return ` (${ASSUMED_ARN[origin.source]}; ${why})`;
}

const SCOPE_CUT = " (cut to Detective's one-year limit)";

function noteLine(principal: PrincipalOutcome, graphArn: string): NoteLine {
  const reused = principal.reused ? ', reused' : '';
  const { scope } = principal;
  return {
    head: `${principalLabel(principal)}${arnNote(principal.entityArn, principal.arnOrigin)}: ${verdict(principal)}${reused}`,
    // A reused investigation ran over its own window, which ListInvestigations does not return.
    scope: principal.reused ? '' : `, scope ${shortTime(scope.scopeStartTime)}/${shortTime(scope.scopeEndTime)}${scope.scopeCut ? SCOPE_CUT : ''}`,
    indicators: principal.status === PrincipalStatus.Successful && principal.indicators ? principal.indicators : '',
    link: principal.investigationId === null ? '' : investigationReportUrl(graphArn, principal.investigationId),
  };
}

function verdict(principal: PrincipalOutcome): string {
  switch (principal.status) {
    case PrincipalStatus.Successful:
      return `${principal.severity ?? 'no severity'} (SUCCESSFUL)`;
    case PrincipalStatus.Failed:
      return 'investigation FAILED';
    case PrincipalStatus.TimedOut:
      return 'TIMED_OUT (no result before the deadline)';
    case PrincipalStatus.Error:
      return `ERROR ${noteLabel(principal.error?.Error ?? 'unknown')}`;
  }
}

/** Every indicator type Detective documents, 0 when none was found, and any other type it found. */
function everyIndicatorType(counts: Record<string, number>): Record<string, number> {
  return { ...Object.fromEntries(Object.values(IndicatorType).map((type) => [type, 0])), ...counts };
}

function enrichedPrincipal(principal: PrincipalOutcome, graphArn: string): EnrichedPrincipal {
  return {
    entityArn: principal.entityArn,
    investigationId: principal.investigationId,
    status: principal.status,
    severity: principal.severity,
    reused: principal.reused,
    indicatorCounts: principal.counts === null ? null : everyIndicatorType(principal.counts),
    reportUrl: principal.investigationId === null ? null : investigationReportUrl(graphArn, principal.investigationId),
    error: principal.error
      ? { Error: principal.error.Error, ...(principal.error.Cause === undefined ? {} : { Cause: truncate(principal.error.Cause, EVENT_CAUSE_LIMIT) }) }
      : null,
  };
}

/** Findings whose updates are identical share requests; a raised severity is part of the update. */
function groupedRequests(updates: readonly FindingUpdate[]): BatchUpdateFindingsRequest[] {
  const groups = new Map<string, { update: FindingUpdate; identifiers: FindingIdentifier[] }>();
  for (const update of updates) {
    const key = JSON.stringify([update.note, Object.entries(update.fields).sort(), update.severity ?? null]);
    const group = groups.get(key);
    if (group) group.identifiers.push(update.identifier);
    else groups.set(key, { update, identifiers: [update.identifier] });
  }
  return [...groups.values()].flatMap(({ update, identifiers }) =>
    chunk(identifiers, FINDINGS_PER_REQUEST).map((FindingIdentifiers) => ({
      FindingIdentifiers,
      Note: { Text: update.note, UpdatedBy: UPDATED_BY },
      UserDefinedFields: update.fields,
      ...(update.severity ? { Severity: { Label: update.severity } } : {}),
    })),
  );
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

