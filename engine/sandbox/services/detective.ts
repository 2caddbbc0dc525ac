import * as detectiveSdk from '@aws-sdk/client-detective';
import {
  DetectiveServiceException,
  type FilterCriteria,
  type GetInvestigationCommandInput,
  type GetInvestigationCommandOutput,
  type IndicatorType,
  type InvestigationDetail,
  type ListGraphsCommandInput,
  type ListGraphsCommandOutput,
  type ListIndicatorsCommandInput,
  type ListIndicatorsCommandOutput,
  type ListInvestigationsCommandInput,
  type ListInvestigationsCommandOutput,
  type SortCriteria,
  type StartInvestigationCommandInput,
  type StartInvestigationCommandOutput,
} from '@aws-sdk/client-detective';
import { awsError, type SimulatedAwsError } from '../errors.ts';
import { operation, sdkExceptions, type OperationContext, type SandboxService } from '../service.ts';
import { cloneData } from '../store.ts';
import {
  InvestigationStatus,
  type DetectiveGraphState,
  type DetectiveInvestigationState,
  type InvestigationEntityType,
  type InvestigationOutcomeState,
  type InvestigationSeverityName,
  type SandboxStore,
} from '../state.ts';
import { missingMemberMessage } from '../validation.ts';
import { pageOf } from './securityhub.ts';

/** The GraphArn pattern of the Detective API reference. */
export const graphArnPattern = /^arn:aws[-\w]{0,10}?:detective:[-\w]{2,20}?:\d{12}?:graph:[abcdef\d]{32}?$/;

/** IAM user and IAM role ARNs: the only entities Detective investigations accept. */
const iamEntityPattern = /^arn:aws[-\w]{0,10}?:iam::(\d{12}):(user|role)\/[\w+=,.@/-]{1,512}$/;

const investigationIdPattern = /^[0-9]{21}$/;

export const indicatorTypes = [
  'TTP_OBSERVED',
  'IMPOSSIBLE_TRAVEL',
  'FLAGGED_IP_ADDRESS',
  'NEW_GEOLOCATION',
  'NEW_ASO',
  'NEW_USER_AGENT',
  'RELATED_FINDING',
  'RELATED_FINDING_GROUP',
] as const satisfies readonly IndicatorType[];

/** Which IndicatorDetail member carries the details of each indicator type. */
export const indicatorDetailMember = {
  TTP_OBSERVED: 'TTPsObservedDetail',
  IMPOSSIBLE_TRAVEL: 'ImpossibleTravelDetail',
  FLAGGED_IP_ADDRESS: 'FlaggedIpAddressDetail',
  NEW_GEOLOCATION: 'NewGeolocationDetail',
  NEW_ASO: 'NewAsoDetail',
  NEW_USER_AGENT: 'NewUserAgentDetail',
  RELATED_FINDING: 'RelatedFindingDetail',
  RELATED_FINDING_GROUP: 'RelatedFindingGroupDetail',
} as const satisfies Record<(typeof indicatorTypes)[number], string>;

export const DetectiveLimit = {
  listGraphsMaxResults: 200,
  listMaxResults: 100,
  filterValueLength: 500,
} as const;

const severityRank: Readonly<Record<InvestigationSeverityName, number>> = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 2,
  HIGH: 3,
  CRITICAL: 4,
};

/** The resource-not-found wording of the API reference ("The request refers to a nonexistent resource."). */
const nonexistentResource = 'The request refers to a nonexistent resource.';

function validationError(message: string, errorCode: 'INVALID_GRAPH_ARN' | 'INVALID_REQUEST_BODY' = 'INVALID_REQUEST_BODY'): SimulatedAwsError {
  return awsError('ValidationException', message, { Message: message, ErrorCode: errorCode });
}

function notFound(): SimulatedAwsError {
  return awsError('ResourceNotFoundException', nonexistentResource, { Message: nonexistentResource });
}

function requiredMember<T>(value: T | undefined | null, member: string): T {
  if (value === undefined || value === null || value === '') throw validationError(missingMemberMessage(member));
  return value;
}

function patternMessage(value: string, member: string, pattern: RegExp): string {
  return `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`;
}

/** Whether the ARN names an IAM user or role, and which. */
export function iamEntityType(arn: string): InvestigationEntityType | undefined {
  const match = iamEntityPattern.exec(arn);
  if (!match) return undefined;
  return match[2] === 'user' ? 'IAM_USER' : 'IAM_ROLE';
}

function graphOrThrow(state: SandboxStore, graphArn: string | undefined): DetectiveGraphState {
  const arn = requiredMember(graphArn, 'GraphArn');
  if (!graphArnPattern.test(arn)) throw validationError(patternMessage(arn, 'GraphArn', graphArnPattern), 'INVALID_GRAPH_ARN');
  const graph = state.detective.graphs.get(arn);
  if (!graph) throw notFound();
  return graph;
}

function investigationOrThrow(state: SandboxStore, graph: DetectiveGraphState, investigationId: string | undefined): DetectiveInvestigationState {
  const id = requiredMember(investigationId, 'InvestigationId');
  if (!investigationIdPattern.test(id)) throw validationError(patternMessage(id, 'InvestigationId', investigationIdPattern));
  const investigation = state.detective.investigations.get(id);
  if (investigation?.graphArn !== graph.arn) throw notFound();
  return investigation;
}

/**
 * Timestamps arrive as Dates from SDK callers and as ISO strings from Step Functions parameters
 * bridged by the local engine.
 */
function timestamp(value: Date | string | undefined, member: string): Date {
  const given = requiredMember(value, member);
  const date = given instanceof Date ? given : new Date(given);
  if (Number.isNaN(date.getTime())) throw validationError(`1 validation error detected: Value '${String(given)}' at '${member}' failed to satisfy constraint: Member must be a timestamp`);
  return date;
}

/**
 * Detective's scope time: "cannot be shorter than one hour and not longer than one year. The start
 * and end time must be on an hour." (Detective user guide, "Managing the scope time",
 * https://docs.aws.amazon.com/detective/latest/userguide/scope-time-managing.html). A year is taken
 * as 365 days, which no reading of "one year" exceeds. The wording of the refusals is the sandbox's.
 */
export const DetectiveScope = { hourMs: 3_600_000, longestMs: 365 * 24 * 3_600_000 } as const;

function checkScope(start: Date, end: Date): void {
  const span = `${start.toISOString()} to ${end.toISOString()}`;
  if (start.getTime() >= end.getTime()) throw validationError(`Invalid scope: ScopeStartTime ${start.toISOString()} must be before ScopeEndTime ${end.toISOString()}.`);
  if (start.getTime() % DetectiveScope.hourMs !== 0 || end.getTime() % DetectiveScope.hourMs !== 0) {
    throw validationError(`Invalid scope ${span}: the start and end time must be on an hour.`);
  }
  // On the hour and in order, a scope is at least an hour long.
  if (end.getTime() - start.getTime() > DetectiveScope.longestMs) throw validationError(`Invalid scope ${span}: the scope time cannot be longer than one year.`);
}

function pageSize(requested: number | undefined, max: number): number {
  const size = requested ?? max;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw validationError(`1 validation error detected: Value '${String(requested)}' at 'MaxResults' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  return size;
}

const expiredToken = (): SimulatedAwsError => validationError('The pagination token is not valid (expired, or from a request with other arguments).');

/** The outcome configured for the entity, else the default one. */
function outcomeFor(state: SandboxStore, entityArn: string): InvestigationOutcomeState {
  const configured = state.detective.outcomes.get(entityArn);
  const { status, severity, indicators } = configured ?? state.detective.defaultOutcome;
  return { status, severity, indicators: cloneData(indicators) };
}

/**
 * The investigation as it stands at `now`: RUNNING until `completesAt`, then its outcome (status
 * and severity). The stored investigation is not changed: a read stays a read, and the answer
 * depends on the time of the call only.
 */
export function investigationAt(investigation: DetectiveInvestigationState, now: Date): DetectiveInvestigationState {
  if (investigation.status !== InvestigationStatus.Running || now.getTime() < Date.parse(investigation.completesAt)) return investigation;
  return { ...investigation, status: investigation.outcome.status, severity: investigation.outcome.severity };
}

function toInvestigationDetail(investigation: DetectiveInvestigationState): InvestigationDetail {
  return {
    InvestigationId: investigation.investigationId,
    ...(investigation.severity === undefined ? {} : { Severity: investigation.severity }),
    Status: investigation.status,
    State: investigation.state,
    CreatedTime: new Date(investigation.createdTime),
    EntityArn: investigation.entityArn,
    EntityType: investigation.entityType,
  };
}

function filterValue(filter: { Value?: string } | undefined, member: string): string | undefined {
  if (filter === undefined) return undefined;
  const value = requiredMember(filter.Value, `FilterCriteria.${member}.Value`);
  if (value.length > DetectiveLimit.filterValueLength) {
    throw validationError(`1 validation error detected: Value at 'FilterCriteria.${member}.Value' failed to satisfy constraint: Member must have length less than or equal to ${DetectiveLimit.filterValueLength}`);
  }
  return value;
}

function investigationFilter(criteria: FilterCriteria | undefined): (investigation: DetectiveInvestigationState) => boolean {
  const severity = filterValue(criteria?.Severity, 'Severity');
  const status = filterValue(criteria?.Status, 'Status');
  const state = filterValue(criteria?.State, 'State');
  const entityArn = filterValue(criteria?.EntityArn, 'EntityArn');
  const created = criteria?.CreatedTime;
  const from = created === undefined ? undefined : timestamp(created.StartInclusive, 'FilterCriteria.CreatedTime.StartInclusive').getTime();
  const to = created === undefined ? undefined : timestamp(created.EndInclusive, 'FilterCriteria.CreatedTime.EndInclusive').getTime();
  return (investigation) => {
    const createdAt = new Date(investigation.createdTime).getTime();
    return (
      (severity === undefined || investigation.severity === severity) &&
      (status === undefined || investigation.status === status) &&
      (state === undefined || investigation.state === state) &&
      (entityArn === undefined || investigation.entityArn === entityArn) &&
      (from === undefined || createdAt >= from) &&
      (to === undefined || createdAt <= to)
    );
  };
}

/**
 * SEVERITY sorts by rank (a RUNNING investigation, which has none yet, below INFORMATIONAL),
 * STATUS alphabetically, CREATED_TIME chronologically; SortOrder defaults to ASC. Ties keep the
 * order in which the investigations were started.
 */
function investigationOrder(criteria: SortCriteria | undefined): ((a: DetectiveInvestigationState, b: DetectiveInvestigationState) => number) | undefined {
  if (criteria === undefined) return undefined;
  const field = criteria.Field ?? 'CREATED_TIME';
  const direction = criteria.SortOrder === 'DESC' ? -1 : 1;
  if (criteria.SortOrder !== undefined && criteria.SortOrder !== 'ASC' && criteria.SortOrder !== 'DESC') {
    throw validationError(`1 validation error detected: Value '${String(criteria.SortOrder)}' at 'SortCriteria.SortOrder' failed to satisfy constraint: Member must satisfy enum value set: [ASC, DESC]`);
  }
  const key: Record<string, (investigation: DetectiveInvestigationState) => number | string> = {
    SEVERITY: (investigation) => (investigation.severity === undefined ? -1 : severityRank[investigation.severity]),
    STATUS: (investigation) => investigation.status,
    CREATED_TIME: (investigation) => new Date(investigation.createdTime).getTime(),
  };
  const read = key[field];
  if (!read) {
    throw validationError(`1 validation error detected: Value '${String(field)}' at 'SortCriteria.Field' failed to satisfy constraint: Member must satisfy enum value set: [SEVERITY, STATUS, CREATED_TIME]`);
  }
  return (a, b) => {
    const left = read(a);
    const right = read(b);
    if (left === right) return 0;
    return (left < right ? -1 : 1) * direction;
  };
}

/** A 21-digit investigation id, unique in the account. */
function newInvestigationId({ ids, state }: OperationContext): string {
  let id = ids.chars('0123456789', 21);
  while (state.detective.investigations.has(id)) id = ids.chars('0123456789', 21);
  return id;
}

/**
 * The graph's investigations a filter can match, in the order they were started: the entity's,
 * looked up by entity, when the filter names one (as the workflows' does), else all of them.
 */
function candidateInvestigations(state: SandboxStore, graph: DetectiveGraphState, entityArn: string | undefined): DetectiveInvestigationState[] {
  const { investigations } = state.detective;
  const candidates = entityArn === undefined ? [...investigations.values()] : investigations.where('entity', entityArn);
  return candidates.filter((investigation) => investigation.graphArn === graph.arn);
}

export const detectiveService: SandboxService = {
  key: 'detective',
  clientName: 'DetectiveClient',
  regions: 'home',
  exceptions: sdkExceptions(detectiveSdk, DetectiveServiceException),
  operations: {
    ListGraphs: operation<ListGraphsCommandInput, ListGraphsCommandOutput>(['MaxResults', 'NextToken'], (input, { state }) => {
      const maxResults = pageSize(input.MaxResults, DetectiveLimit.listGraphsMaxResults);
      const { page, nextToken } = pageOf(state.detective.graphs.values(), { scope: 'ListGraphs', maxResults, nextToken: input.NextToken }, expiredToken);
      return { GraphList: page.map((graph) => ({ Arn: graph.arn, CreatedTime: new Date(graph.createdTime) })), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
    }),

    StartInvestigation: operation<StartInvestigationCommandInput, StartInvestigationCommandOutput>(
      ['GraphArn', 'EntityArn', 'ScopeStartTime', 'ScopeEndTime'],
      (input, context) => {
        const { state, now } = context;
        const graph = graphOrThrow(state, input.GraphArn);
        const entityArn = requiredMember(input.EntityArn, 'EntityArn');
        const entityType = iamEntityType(entityArn);
        if (!entityType) {
          throw validationError(`Invalid EntityArn '${entityArn}': Detective investigations support IAM user ARNs and IAM role ARNs (arn:aws:iam::<account>:user/<name> or :role/<name>).`);
        }
        const scopeStart = timestamp(input.ScopeStartTime, 'ScopeStartTime');
        const scopeEnd = timestamp(input.ScopeEndTime, 'ScopeEndTime');
        checkScope(scopeStart, scopeEnd);
        const investigation: DetectiveInvestigationState = {
          investigationId: newInvestigationId(context),
          graphArn: graph.arn,
          entityArn,
          entityType,
          createdTime: now().toISOString(),
          scopeStartTime: scopeStart.toISOString(),
          scopeEndTime: scopeEnd.toISOString(),
          status: InvestigationStatus.Running,
          state: 'ACTIVE',
          completesAt: new Date(now().getTime() + state.detective.investigationSeconds * 1000).toISOString(),
          outcome: outcomeFor(state, entityArn),
        };
        state.detective.investigations.insert(investigation);
        return { InvestigationId: investigation.investigationId };
      },
    ),

    GetInvestigation: operation<GetInvestigationCommandInput, GetInvestigationCommandOutput>(['GraphArn', 'InvestigationId'], (input, { state, now }) => {
      const graph = graphOrThrow(state, input.GraphArn);
      const investigation = investigationAt(investigationOrThrow(state, graph, input.InvestigationId), now());
      return {
        GraphArn: graph.arn,
        InvestigationId: investigation.investigationId,
        EntityArn: investigation.entityArn,
        EntityType: investigation.entityType,
        CreatedTime: new Date(investigation.createdTime),
        ScopeStartTime: new Date(investigation.scopeStartTime),
        ScopeEndTime: new Date(investigation.scopeEndTime),
        Status: investigation.status,
        ...(investigation.severity === undefined ? {} : { Severity: investigation.severity }),
        State: investigation.state,
      };
    }),

    ListInvestigations: operation<ListInvestigationsCommandInput, ListInvestigationsCommandOutput>(
      ['GraphArn', 'NextToken', 'MaxResults', 'FilterCriteria', 'SortCriteria'],
      (input, { state, now }) => {
        const graph = graphOrThrow(state, input.GraphArn);
        const maxResults = pageSize(input.MaxResults, DetectiveLimit.listMaxResults);
        const matches = investigationFilter(input.FilterCriteria);
        const order = investigationOrder(input.SortCriteria);
        const at = now();
        const listed = candidateInvestigations(state, graph, input.FilterCriteria?.EntityArn?.Value)
          .map((investigation) => investigationAt(investigation, at))
          .filter(matches);
        if (order) listed.sort(order);
        const { page, nextToken } = pageOf(listed, { scope: 'ListInvestigations', maxResults, nextToken: input.NextToken }, expiredToken);
        return { InvestigationDetails: page.map(toInvestigationDetail), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
      },
    ),

    ListIndicators: operation<ListIndicatorsCommandInput, ListIndicatorsCommandOutput>(
      ['GraphArn', 'InvestigationId', 'IndicatorType', 'NextToken', 'MaxResults'],
      (input, { state, now }) => {
        const graph = graphOrThrow(state, input.GraphArn);
        const investigation = investigationAt(investigationOrThrow(state, graph, input.InvestigationId), now());
        const maxResults = pageSize(input.MaxResults, DetectiveLimit.listMaxResults);
        if (input.IndicatorType !== undefined && !indicatorTypes.includes(input.IndicatorType)) {
          throw validationError(
            `1 validation error detected: Value '${String(input.IndicatorType)}' at 'IndicatorType' failed to satisfy constraint: Member must satisfy enum value set: [${indicatorTypes.join(', ')}]`,
          );
        }
        // Indicators are the result of a finished investigation: none while RUNNING, none when FAILED.
        const indicators = investigation.status === InvestigationStatus.Successful ? investigation.outcome.indicators : [];
        const selected = indicators.filter((indicator) => input.IndicatorType === undefined || indicator.IndicatorType === input.IndicatorType);
        const { page, nextToken } = pageOf(selected, { scope: `ListIndicators:${investigation.investigationId}`, maxResults, nextToken: input.NextToken }, expiredToken);
        return { GraphArn: graph.arn, InvestigationId: investigation.investigationId, Indicators: page, ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
      },
    ),
  },
};

