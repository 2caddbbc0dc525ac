import * as securityHubSdk from '@aws-sdk/client-securityhub';
import { SEVERITY_LABELS, type SeverityLabel } from '../../../events/severity.ts';
import {
  SecurityHubServiceException,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
  type AwsSecurityFindingIdentifier,
  type BatchImportFindingsCommandInput,
  type BatchImportFindingsCommandOutput,
  type BatchUpdateFindingsCommandInput,
  type BatchUpdateFindingsCommandOutput,
  type BatchUpdateFindingsUnprocessedFinding,
  type GetFindingsCommandInput,
  type GetFindingsCommandOutput,
  type ImportFindingsError,
  type MapFilter,
  type StringFilter,
} from '@aws-sdk/client-securityhub';
import { SecurityHubDetailType, SECURITYHUB_SOURCE } from '../../../events/securityhub.ts';
import { awsError, SandboxUnsupportedOperation, type SimulatedAwsError } from '../errors.ts';
import { eventEnvelope } from '../events.ts';
import { operation, sdkExceptions, type OperationContext, type SandboxService } from '../service.ts';
import { cloneData } from '../store.ts';
import {
  FindingUpdateErrorCode,
  type AsffFinding,
  type EventBridgeEvent,
  type FindingUpdateErrorCodeName,
  type SandboxStore,
  type SecurityHubFindingState,
} from '../state.ts';
import { missingMemberMessage } from '../validation.ts';
import { defaultEventBus } from './eventbridge.ts';

/** Limits from the Security Hub API reference and the ASFF attribute reference. */
export const SecurityHubLimit = {
  findingsPerBatch: 100,
  noteText: 512,
  noteUpdatedBy: 512,
  userDefinedFields: 50,
  userDefinedFieldKey: 128,
  userDefinedFieldValue: 1024,
  relatedFindings: 10,
  types: 50,
  resources: 32,
  getFindingsMaxResults: 100,
  filterAttributes: 10,
  filterValues: 20,
} as const;

/** `UnprocessedFindings[].ErrorMessage` for each documented ErrorCode, in AWS's words. */
const unprocessedMessages: Readonly<Record<FindingUpdateErrorCodeName, string>> = {
  ConcurrentUpdateError: 'Concurrent finding updates detected',
  DuplicatedFindingIdentifier: 'Finding Identifier is duplicated',
  FindingNotFound: 'Finding Not Found',
  FindingSizeExceeded: 'Finding size exceeded 240 KB',
  InternalFailure: 'Internal service failure',
  InvalidInput: 'Invalid Input',
};

const severityLabels = SEVERITY_LABELS;

/** What Security Hub sets Normalized to when only Label is given (SeverityUpdate documentation). */
const normalizedForLabel: Readonly<Record<SeverityLabel, number>> = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 40, HIGH: 70, CRITICAL: 90 };

/** What Security Hub sets Label to when only Normalized is given: 0, 1–39, 40–69, 70–89, 90–100. */
export function labelForNormalized(normalized: number): SeverityLabel {
  if (normalized === 0) return 'INFORMATIONAL';
  if (normalized < 40) return 'LOW';
  if (normalized < 70) return 'MEDIUM';
  if (normalized < 90) return 'HIGH';
  return 'CRITICAL';
}

const verificationStates = ['UNKNOWN', 'TRUE_POSITIVE', 'FALSE_POSITIVE', 'BENIGN_POSITIVE'] as const;
const workflowStatuses = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'] as const;
const typeNamespaces = ['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors', 'Sensitive Data Identifications'];
/** ASFF: "The key name can only contain letters, numbers, and the following special characters: -_=+@./:" */
const userDefinedFieldKeyPattern = /^[A-Za-z0-9\-_=+@./:]+$/;

/** The attributes BatchImportFindings can never change once a finding exists (ASFF reference). */
const customerOnlyAttributes = ['Note', 'UserDefinedFields', 'VerificationState', 'Workflow'] as const;

function invalidInput(message: string): SimulatedAwsError {
  return awsError('InvalidInputException', message, { Message: message });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && /\S/.test(value);
}

function isRatio(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100;
}

/** How findings are keyed: Security Hub identifies a finding by its Id and ProductArn. */
export function findingKey(identifier: { Id?: string | undefined; ProductArn?: string | undefined }): string {
  return `${identifier.ProductArn ?? ''}\u0000${identifier.Id ?? ''}`;
}

/** The finding of that Id and ProductArn; without a ProductArn, the first finding stored with that Id. */
export function findFinding(state: SandboxStore, id: string, productArn?: string): SecurityHubFindingState | undefined {
  const { findings } = state.securityHub;
  return productArn === undefined ? findings.where('id', id)[0] : findings.get(findingKey({ Id: id, ProductArn: productArn }));
}

/** The finding's ARN as Security Hub puts it in an event's `resources`: `<ProductArn>/<Id>`. */
function findingArn(finding: AsffFinding): string {
  return `${finding.ProductArn}/${finding.Id}`;
}

/** The event Security Hub sends to EventBridge for imported and updated findings. */
export function findingsImportedEvent(context: Pick<OperationContext, 'ids' | 'now' | 'state'>, findings: readonly AsffFinding[]): EventBridgeEvent {
  return eventEnvelope(context, {
    source: SECURITYHUB_SOURCE,
    detailType: SecurityHubDetailType.FindingsImported,
    resources: findings.map(findingArn),
    detail: { findings: cloneData(findings) },
  });
}

/**
 * Pages a list with an opaque token that remembers the position and the operation it came from.
 * The items are read only as far as the page and one more (to know whether a token is due), so a
 * first page costs the same however long the list is.
 */
export function pageOf<T>(
  items: Iterable<T>,
  { scope, maxResults, nextToken }: { scope: string; maxResults: number; nextToken: string | undefined },
  invalidToken: () => Error,
): { page: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    const [tokenScope, offset] = Buffer.from(nextToken, 'base64url').toString('utf8').split('#');
    start = Number(offset);
    if (tokenScope !== scope || !Number.isInteger(start) || start < 0) throw invalidToken();
  }
  const end = start + maxResults;
  const page: T[] = [];
  let position = 0;
  let more = false;
  for (const item of items) {
    if (position >= end) {
      more = true;
      break;
    }
    if (position >= start) page.push(item);
    position += 1;
  }
  if (position < start) throw invalidToken();
  return { page, ...(more ? { nextToken: Buffer.from(`${scope}#${end}`).toString('base64url') } : {}) };
}

// ---------------------------------------------------------------------------------------------
// BatchImportFindings and the seed: what makes a finding valid ASFF, and how Security Hub stores it
// ---------------------------------------------------------------------------------------------

const requiredStringAttributes = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'SchemaVersion', 'Title', 'UpdatedAt'] as const;

function notAdhering(detail: string): string {
  return `Finding does not adhere to Amazon Finding Format. ${detail}`;
}

/**
 * The first reason a finding is not valid ASFF, in Security Hub's words (`data should have
 * required property ...`), or undefined. Severity and Types may come from FindingProviderFields.
 */
export function asffProblem(raw: unknown): string | undefined {
  if (!isRecord(raw)) return notAdhering('data should be object.');
  for (const attribute of [...requiredStringAttributes, 'Resources'] as const) {
    if (raw[attribute] === undefined) return notAdhering(`data should have required property '${attribute}'.`);
  }
  for (const attribute of requiredStringAttributes) {
    if (!isNonEmptyString(raw[attribute])) return notAdhering(`data.${attribute} should be a non-empty string.`);
  }
  const providerFields = isRecord(raw.FindingProviderFields) ? raw.FindingProviderFields : {};
  if ((raw.Severity === undefined && providerFields.Severity === undefined) || (raw.Types === undefined && providerFields.Types === undefined)) {
    return notAdhering("data should have required property 'FindingProviderFields', data should match some schema in anyOf.");
  }
  const severity = raw.Severity ?? providerFields.Severity;
  if (!isRecord(severity) || (severity.Label === undefined && severity.Normalized === undefined)) {
    return notAdhering('data.Severity should have either Label or Normalized.');
  }
  if (severity.Label !== undefined && !severityLabels.includes(severity.Label as SeverityLabel)) {
    return notAdhering(`data.Severity.Label should be equal to one of the allowed values: ${severityLabels.join(', ')}.`);
  }
  if (severity.Normalized !== undefined && !isRatio(severity.Normalized)) return notAdhering('data.Severity.Normalized should be an integer from 0 to 100.');
  const types = raw.Types ?? providerFields.Types;
  if (!Array.isArray(types) || types.length > SecurityHubLimit.types || !types.every(isNonEmptyString)) {
    return notAdhering(`data.Types should be an array of up to ${SecurityHubLimit.types} strings.`);
  }
  const resources = raw.Resources;
  if (!Array.isArray(resources) || resources.length < 1 || resources.length > SecurityHubLimit.resources) {
    return notAdhering(`data.Resources should be an array of 1 to ${SecurityHubLimit.resources} resources.`);
  }
  const badResource = resources.findIndex((resource) => !isRecord(resource) || !isNonEmptyString(resource.Type) || !isNonEmptyString(resource.Id));
  if (badResource >= 0) return notAdhering(`data.Resources[${badResource}] should have required properties 'Type' and 'Id'.`);
  return undefined;
}

/** Severity with both Label and Normalized: Security Hub fills in whichever one is missing. */
function completeSeverity(severity: Record<string, unknown>): Record<string, unknown> {
  if (severity.Label === undefined && typeof severity.Normalized === 'number') return { ...severity, Label: labelForNormalized(severity.Normalized) };
  if (severity.Normalized === undefined && typeof severity.Label === 'string') return { ...severity, Normalized: normalizedForLabel[severity.Label as SeverityLabel] };
  return severity;
}

/**
 * A valid ASFF finding as Security Hub stores it: the severity completed, top-level Severity and
 * Types taken from FindingProviderFields when only those are given (and FindingProviderFields
 * keeping the provider's severity), `Workflow.Status` NEW and `RecordState` ACTIVE by default. For
 * a finding that exists, what customers own (Note, UserDefinedFields, VerificationState, Workflow,
 * and anything BatchUpdateFindings changed) stays as it is.
 */
export function storedFinding(raw: Record<string, unknown>, existing?: SecurityHubFindingState): SecurityHubFindingState {
  const finding = cloneData(raw) as AsffFinding;
  const providerFields = isRecord(finding.FindingProviderFields) ? finding.FindingProviderFields : undefined;
  if (finding.Severity === undefined && isRecord(providerFields?.Severity)) finding.Severity = { ...providerFields.Severity };
  if (finding.Types === undefined && Array.isArray(providerFields?.Types)) finding.Types = [...providerFields.Types];
  finding.Severity = completeSeverity(finding.Severity as Record<string, unknown>);
  if (providerFields === undefined) finding.FindingProviderFields = { Severity: cloneData(finding.Severity) };
  if (!existing) {
    finding.Workflow ??= { Status: 'NEW' };
    finding.RecordState ??= 'ACTIVE';
    return { finding, customerUpdated: [] };
  }
  for (const attribute of new Set<string>([...customerOnlyAttributes, ...existing.customerUpdated])) {
    if (existing.finding[attribute] === undefined) delete finding[attribute];
    else finding[attribute] = cloneData(existing.finding[attribute]);
  }
  return { finding, customerUpdated: [...existing.customerUpdated] };
}

/** Imports findings (the BatchImportFindings semantics); the Imported event is published when any succeeded. */
export function importFindings(context: OperationContext, findings: readonly unknown[]): { imported: AsffFinding[]; failed: ImportFindingsError[]; event?: EventBridgeEvent } {
  const imported: AsffFinding[] = [];
  const failed: ImportFindingsError[] = [];
  for (const raw of findings) {
    const problem = asffProblem(raw);
    if (problem !== undefined) {
      const id = isRecord(raw) && typeof raw.Id === 'string' ? raw.Id : '';
      failed.push({ Id: id, ErrorCode: 'InvalidInput', ErrorMessage: problem });
      continue;
    }
    const record = raw as AsffFinding;
    const { findings } = context.state.securityHub;
    const existing = findings.get(findingKey(record));
    const stored = storedFinding(record, existing);
    if (existing) findings.replace(stored);
    else findings.insert(stored);
    imported.push(stored.finding);
  }
  if (imported.length === 0) return { imported, failed };
  const event = findingsImportedEvent(context, imported);
  context.publish(event, defaultEventBus);
  return { imported, failed, event };
}

// ---------------------------------------------------------------------------------------------
// BatchUpdateFindings
// ---------------------------------------------------------------------------------------------

type FindingUpdate = Omit<BatchUpdateFindingsCommandInput, 'FindingIdentifiers'>;

function checkLength(value: unknown, member: string, max: number): void {
  if (!isNonEmptyString(value)) throw invalidInput(missingMemberMessage(member));
  if (value.length > max) throw invalidInput(`Invalid parameter '${member}': the maximum length is ${max} characters, got ${value.length}.`);
}

/** Checks the whole request: any problem fails the call and changes nothing. */
function checkUpdateRequest(input: BatchUpdateFindingsCommandInput): AwsSecurityFindingIdentifier[] {
  const identifiers = input.FindingIdentifiers;
  if (!Array.isArray(identifiers)) throw invalidInput(missingMemberMessage('FindingIdentifiers'));
  if (identifiers.length < 1 || identifiers.length > SecurityHubLimit.findingsPerBatch) {
    throw invalidInput(`Invalid parameter 'FindingIdentifiers': BatchUpdateFindings updates 1 to ${SecurityHubLimit.findingsPerBatch} findings at a time, got ${identifiers.length}.`);
  }
  identifiers.forEach((identifier, index) => {
    if (!isNonEmptyString(identifier?.Id)) throw invalidInput(missingMemberMessage(`FindingIdentifiers.${index}.Id`));
    if (!isNonEmptyString(identifier.ProductArn)) throw invalidInput(missingMemberMessage(`FindingIdentifiers.${index}.ProductArn`));
  });
  if (input.Note !== undefined) {
    checkLength(input.Note.Text, 'Note.Text', SecurityHubLimit.noteText);
    checkLength(input.Note.UpdatedBy, 'Note.UpdatedBy', SecurityHubLimit.noteUpdatedBy);
  }
  if (input.Severity !== undefined) {
    const { Label, Normalized, Product } = input.Severity;
    if (Label === undefined && Normalized === undefined && Product === undefined) throw invalidInput("Invalid parameter 'Severity': give Label, Normalized or Product.");
    if (Label !== undefined && !severityLabels.includes(Label)) {
      throw invalidInput(`Invalid parameter 'Severity.Label': '${String(Label)}' is not one of ${severityLabels.join(', ')}.`);
    }
    if (Normalized !== undefined && !isRatio(Normalized)) throw invalidInput(`Invalid parameter 'Severity.Normalized': must be an integer from 0 to 100, got ${String(Normalized)}.`);
    if (Product !== undefined && typeof Product !== 'number') throw invalidInput(`Invalid parameter 'Severity.Product': must be a number, got ${String(Product)}.`);
  }
  if (input.VerificationState !== undefined && !verificationStates.includes(input.VerificationState)) {
    throw invalidInput(`Invalid parameter 'VerificationState': '${String(input.VerificationState)}' is not one of ${verificationStates.join(', ')}.`);
  }
  for (const member of ['Confidence', 'Criticality'] as const) {
    if (input[member] !== undefined && !isRatio(input[member])) throw invalidInput(`Invalid parameter '${member}': must be an integer from 0 to 100, got ${String(input[member])}.`);
  }
  if (input.Workflow !== undefined && !workflowStatuses.includes(input.Workflow.Status as (typeof workflowStatuses)[number])) {
    throw invalidInput(`Invalid parameter 'Workflow.Status': '${String(input.Workflow.Status)}' is not one of ${workflowStatuses.join(', ')}.`);
  }
  if (input.Types !== undefined) {
    if (input.Types.length > SecurityHubLimit.types) throw invalidInput(`Invalid parameter 'Types': at most ${SecurityHubLimit.types} types, got ${input.Types.length}.`);
    for (const type of input.Types) {
      if (!isNonEmptyString(type) || !typeNamespaces.includes(type.split('/')[0] ?? '')) {
        throw invalidInput(`Invalid parameter 'Types': '${String(type)}' does not start with a namespace (${typeNamespaces.join(', ')}).`);
      }
    }
  }
  if (input.UserDefinedFields !== undefined) checkUserDefinedFields(input.UserDefinedFields);
  if (input.RelatedFindings !== undefined) {
    if (input.RelatedFindings.length > SecurityHubLimit.relatedFindings) {
      throw invalidInput(`Invalid parameter 'RelatedFindings': at most ${SecurityHubLimit.relatedFindings} related findings, got ${input.RelatedFindings.length}.`);
    }
    input.RelatedFindings.forEach((related, index) => {
      if (!isNonEmptyString(related?.Id) || !isNonEmptyString(related.ProductArn)) throw invalidInput(missingMemberMessage(`RelatedFindings.${index}.Id/ProductArn`));
    });
  }
  return identifiers;
}

function checkUserDefinedFields(fields: Record<string, string>): void {
  const entries = Object.entries(fields);
  if (entries.length > SecurityHubLimit.userDefinedFields) {
    throw invalidInput(`Invalid parameter 'UserDefinedFields': at most ${SecurityHubLimit.userDefinedFields} key-value pairs, got ${entries.length}.`);
  }
  for (const [key, value] of entries) {
    if (key.length > SecurityHubLimit.userDefinedFieldKey) {
      throw invalidInput(`Invalid parameter 'UserDefinedFields': the key '${key.slice(0, 32)}...' is longer than ${SecurityHubLimit.userDefinedFieldKey} characters.`);
    }
    if (!userDefinedFieldKeyPattern.test(key)) {
      throw invalidInput(`Invalid parameter 'UserDefinedFields': the key '${key}' may contain only letters, numbers and -_=+@./:`);
    }
    if (!isNonEmptyString(value)) throw invalidInput(`Invalid parameter 'UserDefinedFields.${key}': the value must not be empty.`);
    if (value.length > SecurityHubLimit.userDefinedFieldValue) {
      throw invalidInput(`Invalid parameter 'UserDefinedFields.${key}': the value is longer than ${SecurityHubLimit.userDefinedFieldValue} characters.`);
    }
  }
}

/**
 * Applies the update to a copy of the finding. Returns the attributes it set, or the error code
 * when the result would not be valid ASFF (user-defined fields merged past 50 pairs).
 */
function updatedFinding(current: AsffFinding, update: FindingUpdate, now: Date): { finding: AsffFinding; attributes: string[] } | { errorCode: FindingUpdateErrorCodeName } {
  const finding = cloneData(current);
  const attributes: string[] = [];
  const set = (attribute: string, value: unknown): void => {
    finding[attribute] = value;
    attributes.push(attribute);
  };
  if (update.Note !== undefined) set('Note', { Text: update.Note.Text, UpdatedBy: update.Note.UpdatedBy, UpdatedAt: now.toISOString() });
  if (update.Severity !== undefined) {
    const { Label, Normalized, Product } = update.Severity;
    const severity: Record<string, unknown> = { ...(isRecord(finding.Severity) ? finding.Severity : {}) };
    if (Product !== undefined) severity.Product = Product;
    if (Label !== undefined) severity.Label = Label;
    if (Normalized !== undefined) severity.Normalized = Normalized;
    if (Label !== undefined && Normalized === undefined) severity.Normalized = normalizedForLabel[Label];
    if (Normalized !== undefined && Label === undefined) severity.Label = labelForNormalized(Normalized);
    set('Severity', severity);
  }
  if (update.VerificationState !== undefined) set('VerificationState', update.VerificationState);
  if (update.Confidence !== undefined) set('Confidence', update.Confidence);
  if (update.Criticality !== undefined) set('Criticality', update.Criticality);
  if (update.Types !== undefined) set('Types', [...update.Types]);
  if (update.UserDefinedFields !== undefined) {
    // The request's pairs are added to the finding's map; keys it does not name are kept.
    const merged = { ...(isRecord(finding.UserDefinedFields) ? finding.UserDefinedFields : {}), ...update.UserDefinedFields };
    if (Object.keys(merged).length > SecurityHubLimit.userDefinedFields) return { errorCode: FindingUpdateErrorCode.InvalidInput };
    set('UserDefinedFields', merged);
  }
  if (update.Workflow !== undefined) set('Workflow', { ...(isRecord(finding.Workflow) ? finding.Workflow : {}), Status: update.Workflow.Status });
  if (update.RelatedFindings !== undefined) set('RelatedFindings', update.RelatedFindings.map(({ ProductArn, Id }) => ({ ProductArn, Id })));
  return { finding, attributes };
}

/** Consumes one use of an injected failure for this finding, if one is pending. */
function injectedFailure(state: SandboxStore, identifier: AwsSecurityFindingIdentifier): FindingUpdateErrorCodeName | undefined {
  const pending = state.securityHub.unprocessed;
  const rule = pending.get().find((candidate) => candidate.findingId === identifier.Id && (candidate.productArn === undefined || candidate.productArn === identifier.ProductArn));
  if (!rule) return undefined;
  pending.set(pending.get().flatMap((candidate) => (candidate !== rule ? [candidate] : rule.timesLeft > 1 ? [{ ...rule, timesLeft: rule.timesLeft - 1 }] : [])));
  return rule.errorCode;
}

function batchUpdateFindings(input: BatchUpdateFindingsCommandInput, context: OperationContext): Omit<BatchUpdateFindingsCommandOutput, '$metadata'> {
  const identifiers = checkUpdateRequest(input);
  const { FindingIdentifiers: _identifiers, ...update } = input;
  const { state } = context;
  const occurrences = new Map<string, number>();
  for (const identifier of identifiers) occurrences.set(findingKey(identifier), (occurrences.get(findingKey(identifier)) ?? 0) + 1);

  const processed: AwsSecurityFindingIdentifier[] = [];
  const unprocessed: BatchUpdateFindingsUnprocessedFinding[] = [];
  const updated: AsffFinding[] = [];
  const reported = new Set<string>();
  const refuse = (identifier: AwsSecurityFindingIdentifier, errorCode: FindingUpdateErrorCodeName): void => {
    unprocessed.push({ FindingIdentifier: { Id: identifier.Id, ProductArn: identifier.ProductArn }, ErrorCode: errorCode, ErrorMessage: unprocessedMessages[errorCode] });
  };

  for (const identifier of identifiers) {
    const key = findingKey(identifier);
    if ((occurrences.get(key) ?? 0) > 1) {
      if (!reported.has(key)) refuse(identifier, FindingUpdateErrorCode.DuplicatedFindingIdentifier);
      reported.add(key);
      continue;
    }
    const stored = state.securityHub.findings.get(key);
    if (!stored) {
      refuse(identifier, FindingUpdateErrorCode.FindingNotFound);
      continue;
    }
    const injected = injectedFailure(state, identifier);
    if (injected) {
      refuse(identifier, injected);
      continue;
    }
    const result = updatedFinding(stored.finding, update, context.now());
    if ('errorCode' in result) {
      refuse(identifier, result.errorCode);
      continue;
    }
    state.securityHub.findings.replace({ finding: result.finding, customerUpdated: [...new Set([...stored.customerUpdated, ...result.attributes])] });
    processed.push({ Id: identifier.Id, ProductArn: identifier.ProductArn });
    updated.push(result.finding);
  }
  // Security Hub reports every update to EventBridge as "Findings - Imported" (user guide, BatchUpdateFindings).
  if (updated.length > 0) context.publish(findingsImportedEvent(context, updated), defaultEventBus);
  return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
}

// ---------------------------------------------------------------------------------------------
// GetFindings
// ---------------------------------------------------------------------------------------------

function stringValues(value: unknown): string[] {
  return typeof value === 'string' ? [value] : [];
}

function resourceValues(finding: AsffFinding, member: 'Type' | 'Id'): string[] {
  return Array.isArray(finding.Resources) ? finding.Resources.flatMap((resource: unknown) => (isRecord(resource) ? stringValues(resource[member]) : [])) : [];
}

function nested(value: unknown, member: string): unknown {
  return isRecord(value) ? value[member] : undefined;
}

/** The string filters the sandbox evaluates, each reading the finding's values for that attribute. */
const stringFilterFields: Readonly<Record<string, (finding: AsffFinding) => string[]>> = {
  Id: (finding) => [finding.Id],
  ProductArn: (finding) => [finding.ProductArn],
  AwsAccountId: (finding) => stringValues(finding.AwsAccountId),
  GeneratorId: (finding) => stringValues(finding.GeneratorId),
  Region: (finding) => stringValues(finding.Region),
  Type: (finding) => (Array.isArray(finding.Types) ? finding.Types.filter((type): type is string => typeof type === 'string') : []),
  Title: (finding) => stringValues(finding.Title),
  ProductName: (finding) => stringValues(finding.ProductName),
  CompanyName: (finding) => stringValues(finding.CompanyName),
  SeverityLabel: (finding) => stringValues(nested(finding.Severity, 'Label')),
  WorkflowStatus: (finding) => stringValues(nested(finding.Workflow, 'Status')),
  RecordState: (finding) => stringValues(finding.RecordState),
  VerificationState: (finding) => stringValues(finding.VerificationState),
  ComplianceStatus: (finding) => stringValues(nested(finding.Compliance, 'Status')),
  ResourceType: (finding) => resourceValues(finding, 'Type'),
  ResourceId: (finding) => resourceValues(finding, 'Id'),
  NoteText: (finding) => stringValues(nested(finding.Note, 'Text')),
};

const mapFilterFields: Readonly<Record<string, (finding: AsffFinding) => Record<string, unknown>>> = {
  UserDefinedFields: (finding) => (isRecord(finding.UserDefinedFields) ? finding.UserDefinedFields : {}),
  ProductFields: (finding) => (isRecord(finding.ProductFields) ? finding.ProductFields : {}),
};

function unsupportedFilter(field: string): SandboxUnsupportedOperation {
  const simulated = [...Object.keys(stringFilterFields), ...Object.keys(mapFilterFields)].join(', ');
  return new SandboxUnsupportedOperation(`securityhub GetFindings: the filter ${field} is not simulated by the sandbox (it filters on ${simulated})`);
}

const positiveStringComparisons = ['EQUALS', 'PREFIX', 'CONTAINS'];
const negativeStringComparisons = ['NOT_EQUALS', 'PREFIX_NOT_EQUALS', 'NOT_CONTAINS'];

function stringMatches(value: string, filter: StringFilter): boolean {
  const wanted = filter.Value ?? '';
  switch (filter.Comparison) {
    case 'EQUALS':
      return value === wanted;
    case 'PREFIX':
      return value.startsWith(wanted);
    case 'CONTAINS':
      return value.includes(wanted);
    case 'NOT_EQUALS':
      return value !== wanted;
    case 'PREFIX_NOT_EQUALS':
      return !value.startsWith(wanted);
    default:
      return !value.includes(wanted);
  }
}

/** The documented combination rules: which comparisons may share a field. */
function checkComparisons(field: string, comparisons: readonly string[]): void {
  const has = (comparison: string): boolean => comparisons.includes(comparison);
  const conflict =
    (has('CONTAINS') && comparisons.some((comparison) => comparison !== 'CONTAINS')) ||
    (has('NOT_CONTAINS') && comparisons.some((comparison) => comparison !== 'NOT_CONTAINS')) ||
    (has('EQUALS') && (has('NOT_EQUALS') || has('PREFIX_NOT_EQUALS')));
  if (conflict) throw invalidInput(`Invalid filter on '${field}': the comparisons ${[...new Set(comparisons)].join(', ')} cannot be combined on one field.`);
}

/**
 * Positive comparisons (EQUALS, PREFIX, CONTAINS) on a field are joined by OR, negative ones by
 * AND; a multi-valued attribute (Types, resources) matches a positive filter when any value does
 * and a negative filter when every value does.
 */
function stringFilterMatch(field: string, filters: readonly StringFilter[]): (finding: AsffFinding) => boolean {
  const values = stringFilterFields[field];
  if (!values) throw unsupportedFilter(field);
  filters.forEach((filter, index) => {
    if (!isNonEmptyString(filter?.Value)) throw invalidInput(missingMemberMessage(`Filters.${field}.${index}.Value`));
    if (filter.Comparison === 'CONTAINS_WORD') throw invalidInput(`Invalid filter on '${field}': CONTAINS_WORD works only with the V2 APIs.`);
    if (![...positiveStringComparisons, ...negativeStringComparisons].includes(filter.Comparison ?? '')) {
      throw invalidInput(`Invalid filter on '${field}': Comparison must be one of ${[...positiveStringComparisons, ...negativeStringComparisons].join(', ')}.`);
    }
  });
  checkComparisons(field, filters.map((filter) => filter.Comparison ?? ''));
  const positive = filters.filter((filter) => positiveStringComparisons.includes(filter.Comparison ?? ''));
  const negative = filters.filter((filter) => negativeStringComparisons.includes(filter.Comparison ?? ''));
  return (finding) => {
    const own = values(finding);
    return (
      (positive.length === 0 || positive.some((filter) => own.some((value) => stringMatches(value, filter)))) &&
      negative.every((filter) => own.every((value) => stringMatches(value, filter)))
    );
  };
}

function mapFilterMatch(field: string, filters: readonly MapFilter[]): (finding: AsffFinding) => boolean {
  const map = mapFilterFields[field];
  if (!map) throw unsupportedFilter(field);
  filters.forEach((filter, index) => {
    if (!isNonEmptyString(filter?.Key)) throw invalidInput(missingMemberMessage(`Filters.${field}.${index}.Key`));
    if (!isNonEmptyString(filter.Value)) throw invalidInput(missingMemberMessage(`Filters.${field}.${index}.Value`));
    if (filter.Comparison === 'CONTAINS' || filter.Comparison === 'NOT_CONTAINS') {
      throw invalidInput(`Invalid filter on '${field}': ${filter.Comparison} can be used only with automation rules.`);
    }
    if (filter.Comparison !== 'EQUALS' && filter.Comparison !== 'NOT_EQUALS') throw invalidInput(`Invalid filter on '${field}': Comparison must be EQUALS or NOT_EQUALS.`);
  });
  checkComparisons(field, filters.map((filter) => filter.Comparison ?? ''));
  const equals = filters.filter((filter) => filter.Comparison === 'EQUALS');
  const notEquals = filters.filter((filter) => filter.Comparison === 'NOT_EQUALS');
  return (finding) => {
    const own = map(finding);
    return (equals.length === 0 || equals.some((filter) => own[filter.Key ?? ''] === filter.Value)) && notEquals.every((filter) => own[filter.Key ?? ''] !== filter.Value);
  };
}

/** Filters on different attributes are joined by AND. */
function findingFilter(filters: AwsSecurityFindingFilters | undefined): (finding: AsffFinding) => boolean {
  const fields = Object.entries(filters ?? {}).filter(([, list]) => list !== undefined) as [string, unknown][];
  if (fields.length > SecurityHubLimit.filterAttributes) {
    throw invalidInput(`Invalid parameter 'Filters': you can filter by up to ${SecurityHubLimit.filterAttributes} finding attributes, got ${fields.length}.`);
  }
  const matchers = fields.map(([field, list]) => {
    if (!Array.isArray(list)) throw invalidInput(`Invalid parameter 'Filters.${field}': must be a list of filters.`);
    if (list.length > SecurityHubLimit.filterValues) {
      throw invalidInput(`Invalid parameter 'Filters.${field}': you can provide up to ${SecurityHubLimit.filterValues} filter values, got ${list.length}.`);
    }
    if (field in mapFilterFields) return mapFilterMatch(field, list as MapFilter[]);
    return stringFilterMatch(field, list as StringFilter[]);
  });
  return (finding) => matchers.every((matches) => matches(finding));
}

/**
 * The findings a filter can match, in the order they were added: those of the Ids an `Id` filter
 * names with EQUALS only, looked up by Id; else all of them. The whole filter still decides.
 */
function candidateFindings(state: SandboxStore, filters: AwsSecurityFindingFilters | undefined): Iterable<SecurityHubFindingState> {
  const { findings } = state.securityHub;
  const ids = filters?.Id;
  if (!ids || ids.length === 0 || !ids.every((filter) => filter.Comparison === 'EQUALS')) return findings.values();
  return findings.where('id', ...ids.map((filter) => filter.Value ?? ''));
}

function* matching(candidates: Iterable<SecurityHubFindingState>, matches: (finding: AsffFinding) => boolean): Generator<AsffFinding> {
  for (const { finding } of candidates) if (matches(finding)) yield finding;
}

function getFindings(input: GetFindingsCommandInput, { state }: OperationContext): Omit<GetFindingsCommandOutput, '$metadata'> {
  const maxResults = input.MaxResults ?? SecurityHubLimit.getFindingsMaxResults;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > SecurityHubLimit.getFindingsMaxResults) {
    throw invalidInput(`Invalid parameter 'MaxResults': must be an integer from 1 to ${SecurityHubLimit.getFindingsMaxResults}, got ${String(maxResults)}.`);
  }
  const matches = findingFilter(input.Filters);
  const findings = matching(candidateFindings(state, input.Filters), matches);
  const { page, nextToken } = pageOf(findings, { scope: 'GetFindings', maxResults, nextToken: input.NextToken }, () => invalidInput("Invalid parameter 'NextToken': the token is not valid."));
  return { Findings: page as unknown as AwsSecurityFinding[], ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
}

function batchImportFindings(input: BatchImportFindingsCommandInput, context: OperationContext): Omit<BatchImportFindingsCommandOutput, '$metadata'> {
  const findings = input.Findings;
  if (!Array.isArray(findings)) throw invalidInput(missingMemberMessage('Findings'));
  if (findings.length < 1 || findings.length > SecurityHubLimit.findingsPerBatch) {
    throw invalidInput(`Invalid parameter 'Findings': BatchImportFindings takes 1 to ${SecurityHubLimit.findingsPerBatch} findings, got ${findings.length}.`);
  }
  const { imported, failed } = importFindings(context, findings);
  return { FailedCount: failed.length, SuccessCount: imported.length, FailedFindings: failed };
}

export const securityHubService: SandboxService = {
  key: 'securityhub',
  clientName: 'SecurityHubClient',
  regions: 'home',
  exceptions: sdkExceptions(securityHubSdk, SecurityHubServiceException),
  operations: {
    BatchUpdateFindings: operation<BatchUpdateFindingsCommandInput, BatchUpdateFindingsCommandOutput>(
      ['FindingIdentifiers', 'Note', 'Severity', 'VerificationState', 'Confidence', 'Criticality', 'Types', 'UserDefinedFields', 'Workflow', 'RelatedFindings'],
      batchUpdateFindings,
    ),
    GetFindings: operation<GetFindingsCommandInput, GetFindingsCommandOutput>(['Filters', 'MaxResults', 'NextToken'], getFindings),
    BatchImportFindings: operation<BatchImportFindingsCommandInput, BatchImportFindingsCommandOutput>(['Findings'], batchImportFindings),
  },
};
