import { readFile } from 'node:fs/promises';
import type { InitializeHandlerOutput, InitializeMiddleware, Pluggable } from '@smithy/types';
import { Clock } from '../clock.ts';
import { LocalCloudWatch } from '../metrics.ts';
import { InvalidSandboxOptions, InvalidSandboxRequest, InvalidSandboxSeed, SandboxRegionNotSimulated, SandboxUnsupportedOperation, SimulatedAwsError } from './errors.ts';
import { buildStore, snapshotOf } from './account-store.ts';
import { FaultInjector, faultMessage, isEngineScoped, type FaultRule } from './faults.ts';
import { IdSource } from './ids.ts';
import { parseSeed } from './seed.ts';
import { type OperationContext, type SandboxService } from './service.ts';
import { putEventsEntryCodes } from '../service-errors.ts';
import {
  launchGroupInstance,
  terminateInstance,
  type LaunchInstanceRequest,
  type LifecycleActionSummary,
  type TerminateInstanceRequest,
} from './services/autoscaling.ts';
import { defaultEventBus } from './services/eventbridge.ts';
import { sandboxServices } from './services/index.ts';
import { investigationAt } from './services/detective.ts';
import { findZone, isNameInZone, normaliseDnsName, recordKey } from './services/route53.ts';
import { asffProblem, findFinding, importFindings } from './services/securityhub.ts';
import {
  FindingUpdateErrorCode,
  type AsffFinding,
  type DetectiveInvestigationState,
  type EventBridgeEvent,
  type FindingUpdateErrorCodeName,
  type IdentityStoreUserState,
  type PublishedEventState,
  type ResourceRecordState,
  type SandboxState,
  type SandboxStore,
  type StoredHostedZone,
} from './state.ts';
import { cloneData, deepFreeze, Journal } from './store.ts';
import { faultResponse, SimulatedOpenSearchError } from './opensearch/errors.ts';
import type { OpenSearchDomains, OpenSearchHttpRequest, OpenSearchHttpResponse } from './opensearch/http.ts';
import { indexNamePattern, stableOpenSearchUuid } from './seed-search.ts';
import { answerOpenSearch, openSearchOperationOf, openSearchOperations } from './opensearch/requests.ts';
import { automatedRepositoryOf, snapshotStateAt, takeAutomatedSnapshots } from './opensearch/snapshots.ts';
import type { ClusterHealthName, OpenSearchDomainState } from './state.ts';

export interface SandboxOptions {
  /** Fault rules active from the first call; more can be added with `injectFault`. */
  readonly faults?: readonly FaultRule[];
  /** Seeds identifiers and `fraction` fault decisions, so a run can be repeated exactly. Default 1. */
  readonly randomSeed?: number;
  /**
   * The account's clock (engine/clock.ts): LaunchTime, SubmittedAt, event times, when a change is
   * INSYNC and an investigation done. An engine on this account keeps time with it. Default: a
   * simulated clock starting at the system clock's time now, which moves only as an engine's
   * executions wait or when advanced (`clock.advance(seconds)`).
   */
  readonly clock?: Clock;
  /**
   * Also deliver the events AWS services emit on their own (Auto Scaling lifecycle actions and
   * launch/terminate results) to `onEvent` listeners. Default false: listeners get PutEvents only.
   */
  readonly serviceEvents?: boolean;
  /** Names the seed in error messages. Default 'seed' (the file path for `fromSeedFile`). */
  readonly source?: string;
}

/** An account as `SandboxAccount#save()` gives it and `fromSaved` takes it (engine/sandbox/state-file.ts keeps it in a file). */
export interface SavedSandbox {
  readonly account: SandboxState;
  /** Where the account's identifier sequence stands (IdSource#position), so ids handed out later do not repeat earlier ones. */
  readonly idPosition: number;
}

export interface SandboxCall {
  readonly service: string;
  readonly operation: string;
  readonly input: unknown;
  /** The name of the error the call threw (the AWS error code for AWS errors). */
  readonly error?: string;
}

export interface EventDelivery {
  readonly eventBusName: string;
}

export type SandboxEventListener = (event: EventBridgeEvent, delivery: EventDelivery) => void;

/** What a simulation helper did: the lifecycle actions it opened and the events AWS would emit. */
export interface SimulationResult {
  readonly instanceId: string;
  /** Token of the first lifecycle action opened, when one was. */
  readonly lifecycleActionToken?: string;
  readonly lifecycleActions: readonly LifecycleActionSummary[];
  readonly events: readonly EventBridgeEvent[];
}

export interface RecordInput {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly string[];
}

/** Makes BatchUpdateFindings report a finding as unprocessed, as AWS does under contention. */
export interface FindingUpdateFailure {
  readonly findingId: string;
  /** Omitted: the finding of that Id whatever its product. */
  readonly productArn?: string;
  readonly errorCode: FindingUpdateErrorCodeName;
  /** How many BatchUpdateFindings calls that name the finding it fails. Default 1. */
  readonly times?: number;
}

/** A snapshot a domain sees, as `SandboxAccount#domainSnapshots` lists it. */
export interface DomainSnapshot {
  readonly repository: string;
  readonly snapshot: string;
  readonly state: string;
  readonly startTime: string;
  readonly indices: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The fault rules' service for the domains' REST API (the `es:ESHttp*` actions' prefix). */
export const openSearchRestService = 'es';

const responseMetadata = (httpStatusCode: number, requestId: string) => ({ httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 });

/**
 * An in-memory AWS account reached through the real SDK v3 clients: `client.middlewareStack.use(
 * account.plugin())` answers every command of that client from the simulation, before any
 * credential, endpoint or network step runs. Every call is atomic: a call that fails changes
 * nothing. It is so by an undo log (engine/sandbox/store.ts), not by copying: a call costs what it
 * reads and writes, however much the account holds.
 */
export class SandboxAccount implements OpenSearchDomains {
  readonly #journal = new Journal();
  readonly #store: SandboxStore;
  readonly #calls: (SandboxCall & { error?: string })[] = [];
  readonly #listeners = new Set<SandboxEventListener>();
  readonly #servicesByClient: ReadonlyMap<string, SandboxService>;
  readonly #faults: FaultInjector;
  readonly #ids: IdSource;
  readonly clock: Clock;
  /** The account's CloudWatch metrics and alarm evaluation, every Region's (engine/metrics.ts); not kept by `save()`. */
  readonly cloudWatch = new LocalCloudWatch();
  readonly #serviceEvents: boolean;

  private constructor(seed: unknown, options: SandboxOptions, saved?: SavedSandbox) {
    const randomSeed = options.randomSeed ?? 1;
    if (!Number.isSafeInteger(randomSeed)) throw new InvalidSandboxOptions(`randomSeed: must be an integer, got ${String(randomSeed)}`);
    this.#ids = new IdSource(saved ? saved.idPosition : randomSeed);
    this.clock = options.clock ?? Clock.simulated();
    this.#serviceEvents = options.serviceEvents ?? false;
    this.#servicesByClient = new Map(sandboxServices.map((service) => [service.clientName, service]));
    this.#faults = new FaultInjector((rule) => sandboxFaultProblem(rule), randomSeed);
    (options.faults ?? []).forEach((rule, index) => this.#faults.add(rule, `faults.${index}`));
    const state = saved ? structuredClone(saved.account) : parseSeed(seed, options.source ?? 'seed', { now: this.clock.now(), ids: this.#ids });
    this.#store = buildStore(state, this.#journal);
  }

  /**
   * An account as `save()` left it: the same entities, and identifiers going on where they stood.
   * The account is taken as given (it is a snapshot, not a seed: nothing is defaulted or checked
   * beyond the store's keys); give `options.clock` at the time it was saved.
   */
  static fromSaved(saved: SavedSandbox, options: SandboxOptions = {}): SandboxAccount {
    return new SandboxAccount(undefined, options, saved);
  }

  /** The whole account (`snapshot()`) and where its identifier sequence stands: what `fromSaved` takes back. */
  save(): SavedSandbox {
    return { account: this.snapshot(), idPosition: this.#ids.position };
  }

  /** Builds an account from a seed object (the JSON shape documented in README.md). */
  static fromSeed(seed: unknown, options: SandboxOptions = {}): SandboxAccount {
    return new SandboxAccount(seed, options);
  }

  static async fromSeedFile(path: string, options: SandboxOptions = {}): Promise<SandboxAccount> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new InvalidSandboxSeed(`${path}: cannot be read`, { cause: error });
    }
    let seed: unknown;
    try {
      seed = JSON.parse(text);
    } catch (error) {
      throw new InvalidSandboxSeed(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    return new SandboxAccount(seed, { source: path, ...options });
  }

  /** Services and operations the sandbox answers, by Step Functions service name. */
  static supportedOperations(): Record<string, string[]> {
    return Object.fromEntries(sandboxServices.map((service) => [service.key, Object.keys(service.operations)]));
  }

  get accountId(): string {
    return this.#store.accountId;
  }

  get region(): string {
    return this.#store.region;
  }

  /**
   * The SDK plugin. Its middleware sits first in the initialize step and never calls `next`, so no
   * serializer, credential provider, signer or HTTP handler runs (and the SDK's own retries do not
   * apply: a faulted call fails once, as the Step Functions Retry sees it).
   *
   * A middleware cannot read its client's configuration, so the calls are taken to come from the
   * account's Region unless `region` says which Region the client is built for: attach a client
   * made for another Region with `plugin({ region })` (QuickSight refuses user calls from outside
   * its identity Region).
   */
  // The plugin must fit every client's own Input/Output union types, which `object` does not.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  plugin(options: { readonly region?: string } = {}): Pluggable<any, any> {
    const region = options.region ?? this.region;
    const middleware: InitializeMiddleware<object, object> = (_next, context) => async (args): Promise<InitializeHandlerOutput<object>> => ({
      output: this.#handle(context.clientName, context.commandName, args.input, region),
      response: undefined,
    });
    return {
      applyToStack: (stack) => {
        stack.add(middleware, { step: 'initialize', priority: 'high', name: 'opsflowSandbox', override: true });
      },
    };
  }

  /** Receives every event put on a bus (and AWS service events with `serviceEvents`). Returns an unsubscribe. */
  onEvent(listener: SandboxEventListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Adds a fault rule; InvalidSandboxOptions names what is wrong with it, under `where`. */
  injectFault(rule: FaultRule, where = 'fault'): void {
    this.#faults.add(rule, where);
  }

  /** Drops every fault rule: calls succeed again. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** Every SDK call that reached the sandbox, in order, including failed ones. */
  get calls(): readonly SandboxCall[] {
    return this.#calls;
  }

  callCount(service?: string, operation?: string): number {
    return this.#calls.filter((call) => (service === undefined || call.service === service) && (operation === undefined || call.operation === operation)).length;
  }

  /**
   * A deep, JSON-serialisable copy of the whole account, as of the clock's now (a running
   * investigation whose time is up shows its outcome). Records are in ListResourceRecordSets
   * order, everything else in the order it was added.
   */
  snapshot(): SandboxState {
    return snapshotOf(this.#store, this.clock.now());
  }

  /** Scale-out by one instance: `Pending:Wait` with open lifecycle actions when the group has a launching hook. */
  launchInstance(request: LaunchInstanceRequest): SimulationResult {
    const { result, emitted } = this.#transact((context) => launchGroupInstance(context, request));
    return simulationResult(result.instanceId, result.lifecycleActions, cloneData(emitted));
  }

  /** Scale-in (`Terminating:Wait` when the group has a terminating hook) or a plain termination. */
  terminateInstance(request: TerminateInstanceRequest): SimulationResult {
    const { result, emitted } = this.#transact((context) => terminateInstance(context, request));
    return simulationResult(request.instanceId, result.lifecycleActions, cloneData(emitted));
  }

  /** Writes a record directly (no change batch, no change id): for setting up drift in tests. */
  setRecord(zoneId: string, record: RecordInput): void {
    this.#transact(({ state }) => {
      const zone = this.#zone(state, zoneId, 'setRecord');
      const name = normaliseDnsName(record.name);
      if (!isNameInZone(name, zone.name)) throw new InvalidSandboxRequest(`setRecord: ${name} is not in zone ${zone.name}`);
      if (!Number.isInteger(record.ttl) || record.ttl < 0) throw new InvalidSandboxRequest(`setRecord: ttl must be a non-negative integer, got ${record.ttl}`);
      if (record.values.length === 0) throw new InvalidSandboxRequest('setRecord: a record needs at least one value (use deleteRecord to remove one)');
      zone.records.put({ name, type: record.type, ttl: record.ttl, values: [...record.values] });
    });
  }

  deleteRecord(zoneId: string, name: string, type: string): boolean {
    const { result } = this.#transact(({ state }) => this.#zone(state, zoneId, 'deleteRecord').records.delete(recordKey({ name: normaliseDnsName(name), type })));
    return result;
  }

  /** A copy of the record, or undefined when the zone has none of that name and type. */
  record(zoneId: string, name: string, type: string): ResourceRecordState | undefined {
    const found = this.#zone(this.#store, zoneId, 'record').records.get(recordKey({ name: normaliseDnsName(name), type }));
    return found ? cloneData(found) : undefined;
  }

  /** A copy of the Security Hub finding, or undefined. Without productArn, the first finding with that Id. */
  finding(id: string, productArn?: string): AsffFinding | undefined {
    const stored = findFinding(this.#store, id, productArn);
    return stored ? cloneData(stored.finding) : undefined;
  }

  /**
   * Findings arriving in Security Hub (a GuardDuty finding imported, say), with BatchImportFindings'
   * semantics but no SDK call recorded. Returns the "Security Hub Findings - Imported" event, which
   * listeners receive too. Every finding must be valid ASFF, or nothing is imported.
   */
  importFindings(findings: readonly unknown[]): EventBridgeEvent {
    if (findings.length === 0) throw new InvalidSandboxRequest('importFindings: give at least one finding');
    findings.forEach((finding, index) => {
      const problem = asffProblem(finding);
      if (problem !== undefined) throw new InvalidSandboxRequest(`importFindings: findings.${index}: ${problem}`);
    });
    const { result } = this.#transact((context) => importFindings(context, findings).event);
    if (!result) throw new InvalidSandboxRequest('importFindings: nothing was imported');
    return cloneData(result);
  }

  /** The next `times` BatchUpdateFindings calls naming the finding report it in UnprocessedFindings with `errorCode`. */
  failFindingUpdates({ findingId, productArn, errorCode, times = 1 }: FindingUpdateFailure): void {
    if (!Object.values(FindingUpdateErrorCode).includes(errorCode)) {
      throw new InvalidSandboxRequest(`failFindingUpdates: errorCode must be one of ${Object.values(FindingUpdateErrorCode).join(', ')}, got ${String(errorCode)}`);
    }
    if (!Number.isInteger(times) || times < 1) throw new InvalidSandboxRequest(`failFindingUpdates: times must be a positive integer, got ${times}`);
    this.#transact(({ state }) => {
      if (!findFinding(state, findingId, productArn)) throw new InvalidSandboxRequest(`failFindingUpdates: no Security Hub finding ${findingId}`);
      const pending = state.securityHub.unprocessed;
      pending.set([...pending.get(), { findingId, ...(productArn === undefined ? {} : { productArn }), errorCode, timesLeft: times }]);
    });
  }

  /** Every Detective investigation, started or seeded, in the order they were created, as of the clock's now (copies). */
  investigations(): DetectiveInvestigationState[] {
    const now = this.clock.now();
    return cloneData([...this.#store.detective.investigations.values()].map((investigation) => investigationAt(investigation, now)));
  }

  /**
   * Changes an identity store user as provisioning from the IdP over SCIM does (no identitystore call
   * is recorded): each given attribute replaces the user's (`UserStatus`, `Title`, `Extensions`...,
   * in the API's names), `undefined` removes it. Returns a copy of the user as it now is. UserId and
   * UserName cannot change here.
   */
  provisionIdentityStoreUser(userId: string, attributes: Readonly<Record<string, unknown>>): IdentityStoreUserState {
    for (const fixed of ['UserId', 'UserName', 'CreatedAt']) {
      if (fixed in attributes) throw new InvalidSandboxRequest(`provisionIdentityStoreUser: ${fixed} cannot be changed`);
    }
    if (attributes.UserStatus !== undefined && attributes.UserStatus !== 'ENABLED' && attributes.UserStatus !== 'DISABLED') {
      throw new InvalidSandboxRequest(`provisionIdentityStoreUser: UserStatus must be ENABLED or DISABLED, got ${String(attributes.UserStatus)}`);
    }
    const { result } = this.#transact(({ state, now }) => {
      const current = state.identityStore.users.get(userId);
      if (!current) throw new InvalidSandboxRequest(`provisionIdentityStoreUser: no identity store user ${userId}`);
      const draft: IdentityStoreUserState = { ...cloneData(current), UpdatedAt: now().toISOString() };
      for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined) delete draft[name];
        else draft[name] = cloneData(value);
      }
      state.identityStore.users.put(draft);
      return draft;
    });
    return cloneData(result);
  }

  /**
   * Answers one REST request to a domain (engine/sandbox/opensearch/): OpenSearch's body and status,
   * its error bodies included. The request is recorded in `calls` as service `es` with the
   * operation's API name, passes through fault rules `{ service: 'es', operation }` (whose `error`
   * is an OpenSearch error type, or `TooManyRequests` for the service's 429) and runs as one
   * transaction: an error answer changes nothing. An endpoint the account does not hold is an
   * InvalidSandboxRequest (the server answers only the endpoints `openSearchEndpoints` gives).
   */
  openSearchRequest(request: OpenSearchHttpRequest): OpenSearchHttpResponse {
    const domain = this.#store.openSearch.domains.where('endpoint', request.endpoint)[0];
    if (!domain) throw new InvalidSandboxRequest(`openSearchRequest: no domain has the endpoint ${request.endpoint}`);
    const routed = openSearchOperationOf(request);
    const operation = 'operation' in routed ? routed.operation : `${request.method} ${request.path}`;
    const call: SandboxCall & { error?: string } = { service: openSearchRestService, operation, input: deepFreeze(cloneData({ endpoint: request.endpoint, method: request.method, path: request.path, query: request.query, ...(request.body === undefined ? {} : { body: request.body }) })) };
    this.#calls.push(call);
    if ('response' in routed) {
      call.error = 'no_handler';
      return routed.response;
    }
    const fault = this.#faults.check({ service: openSearchRestService, operation });
    if (fault) {
      call.error = fault.error;
      return faultResponse(fault.error, fault.message);
    }
    try {
      const { result } = this.#transact((context) => answerOpenSearch(context, `${domain.region}/${domain.domainName}`, request, routed), domain.region);
      return cloneData(result);
    } catch (error) {
      if (!(error instanceof SimulatedOpenSearchError)) throw error;
      call.error = error.type;
      return error.response;
    }
  }

  /** Every domain's endpoint, Region and name. */
  openSearchEndpoints(): { endpoint: string; region: string; domainName: string }[] {
    return [...this.#store.openSearch.domains.values()].map(({ endpoint, region, domainName }) => ({ endpoint, region, domainName }));
  }

  /**
   * Documents written to a domain's index, as an application would (no call recorded): `count`
   * more documents (fewer when negative), the index created when it does not exist. Returns the
   * index's document count.
   */
  indexDocuments(region: string, domainName: string, index: string, count: number): number {
    if (!Number.isInteger(count)) throw new InvalidSandboxRequest(`indexDocuments: count must be an integer, got ${count}`);
    if (!indexNamePattern.test(index)) throw new InvalidSandboxRequest(`indexDocuments: ${index} is not a valid index name (lower-case letters, digits and ._-)`);
    const { result } = this.#transact(({ state }) => {
      const key = this.#domainKey(region, domainName, 'indexDocuments');
      const domain = state.openSearch.domains.edit(key) as OpenSearchDomainState;
      const existing = domain.indices.find((item) => item.name === index);
      const docsCount = (existing?.docsCount ?? 0) + count;
      if (docsCount < 0) throw new InvalidSandboxRequest(`indexDocuments: ${index} has ${existing?.docsCount ?? 0} documents, cannot remove ${-count}`);
      domain.indices = existing
        ? domain.indices.map((item) => (item.name === index ? { ...item, docsCount } : item))
        : [...domain.indices, { name: index, uuid: stableOpenSearchUuid(`${this.accountId}/${key}/${index}`), docsCount, primaries: 1, replicas: 1 }];
      return docsCount;
    });
    return result;
  }

  /** Changes a domain's state as the service would on its own: a configuration change in progress (`processing`), or the cluster's health. */
  setDomainStatus(region: string, domainName: string, status: { readonly processing?: boolean; readonly health?: ClusterHealthName }): void {
    if (status.health !== undefined && !['green', 'yellow', 'red'].includes(status.health)) throw new InvalidSandboxRequest(`setDomainStatus: health must be green, yellow or red, got ${String(status.health)}`);
    this.#transact(({ state }) => {
      const domain = state.openSearch.domains.edit(this.#domainKey(region, domainName, 'setDomainStatus')) as OpenSearchDomainState;
      if (status.processing !== undefined) domain.processing = status.processing;
      if (status.health !== undefined) domain.health = status.health;
    });
  }

  /**
   * A restore that loses documents (the count-mismatch path of the search runbooks): the next
   * snapshot restore of `index` on the domain (its name in the snapshot, or the name it is restored
   * as) recovers `missingDocs` fewer documents than the snapshot holds (never fewer than 0). No call
   * is recorded; a later call replaces an earlier one for the same index.
   */
  setRestoreShortfall(region: string, domainName: string, index: string, missingDocs: number): void {
    if (!Number.isInteger(missingDocs) || missingDocs < 0) throw new InvalidSandboxRequest(`setRestoreShortfall: missingDocs must be a non-negative integer, got ${missingDocs}`);
    if (!indexNamePattern.test(index)) throw new InvalidSandboxRequest(`setRestoreShortfall: ${index} is not a valid index name (lower-case letters, digits and ._-)`);
    this.#transact(({ state }) => {
      const domain = state.openSearch.domains.edit(this.#domainKey(region, domainName, 'setRestoreShortfall')) as OpenSearchDomainState;
      domain.restoreShortfalls = { ...(domain.restoreShortfalls ?? {}), [index]: missingDocs };
    });
  }

  /** The snapshots a domain sees now, in each repository it has registered and its automated repository, with their state as of the clock. */
  domainSnapshots(region: string, domainName: string): DomainSnapshot[] {
    const { result } = this.#transact((context) => {
      const domain = takeAutomatedSnapshots(context, this.#domainKey(region, domainName, 'domainSnapshots'));
      const now = context.now();
      const automated = domain.automated.map((item) => ({ repository: automatedRepositoryOf(domain), snapshot: item.name, state: snapshotStateAt(item.endsAt, 'SUCCESS', now), startTime: item.startTime, indices: item.indices }));
      const manual = domain.repositories.flatMap((repository) => {
        const location = `${repository.bucket}/${repository.basePath}`;
        const table = context.state.openSearch.snapshots;
        return table.slice(table.lowerBoundOfKey(`${location}\u0000`), table.lowerBoundOfKey(`${location}\u0001`)).map((item) => ({
          repository: repository.name,
          snapshot: item.snapshot,
          state: snapshotStateAt(item.endsAt, item.outcome, now),
          startTime: item.startTime,
          indices: item.indices,
          ...(item.metadata === undefined ? {} : { metadata: item.metadata }),
        }));
      });
      return [...automated, ...manual];
    }, region);
    return cloneData(result);
  }

  #domainKey(region: string, domainName: string, helper: string): string {
    const key = `${region}/${domainName}`;
    if (!this.#store.openSearch.domains.has(key)) throw new InvalidSandboxRequest(`${helper}: no OpenSearch domain ${domainName} in ${region}`);
    return key;
  }

  #zone(state: SandboxStore, zoneId: string, helper: string): StoredHostedZone {
    const zone = findZone(state, zoneId);
    if (!zone) throw new InvalidSandboxRequest(`${helper}: no hosted zone ${zoneId}`);
    return zone;
  }

  #handle(clientName: string | undefined, commandName: string | undefined, rawInput: unknown, region: string): object {
    const service = this.#servicesByClient.get(clientName ?? '');
    const operationName = (commandName ?? '').replace(/Command$/, '');
    // Cloned once, for the call record and the operation alike; frozen, so neither can change the other's.
    const input = deepFreeze(cloneData((rawInput ?? {}) as Record<string, unknown>));
    const call: SandboxCall & { error?: string } = { service: service?.key ?? clientName ?? 'unknown', operation: operationName, input };
    this.#calls.push(call);
    const requestId = this.#ids.uuid();
    try {
      if (!service) {
        throw new SandboxUnsupportedOperation(
          `The sandbox does not simulate ${clientName ?? 'this client'} (operation ${operationName}); it simulates ${sandboxServices.map((s) => s.key).join(', ')}`,
        );
      }
      const spec = service.operations[operationName];
      if (!spec) {
        throw new SandboxUnsupportedOperation(
          `The sandbox does not simulate ${service.key} ${operationName}; it simulates ${service.key} ${Object.keys(service.operations).join(', ')}`,
        );
      }
      if (service.regions === 'home' && region !== this.region) {
        throw new SandboxRegionNotSimulated(`The sandbox holds ${service.key} in ${this.region} only; a client for ${region} called ${operationName}`);
      }
      const unsupported = Object.keys(input).filter((member) => input[member] !== undefined && !spec.accepts.includes(member));
      if (unsupported.length > 0) {
        throw new SandboxUnsupportedOperation(`The sandbox does not simulate ${service.key} ${operationName} with ${unsupported.join(', ')}`);
      }
      const fault = this.#faults.check({ service: service.key, operation: operationName });
      if (fault && isFailedEntriesFault(service.key, operationName, fault.error)) {
        call.error = fault.error;
        return { ...failedEntries(input, fault), $metadata: responseMetadata(200, requestId) };
      }
      if (fault) throw new SimulatedAwsError(fault.error, faultMessage(fault));
      const { result } = this.#transact((context) => spec.run(input, context), region);
      const output = { ...cloneData(result), $metadata: responseMetadata(200, requestId) };
      return service.respond ? service.respond(operationName, output) : output;
    } catch (error) {
      if (!(error instanceof SimulatedAwsError && service)) {
        call.error = error instanceof Error ? error.name : String(error);
        throw error;
      }
      call.error = error.code;
      throw service.exceptions.create(error.code, error.message, error.members, requestId);
    }
  }

  /**
   * Runs an operation (or a simulation helper) as one transaction of the journal: what it changed
   * is kept if it returns, undone if it throws. Its events are published in the same transaction
   * and delivered to listeners only once it has committed. `emitted` may be what the account
   * stored (frozen): a helper that hands it out copies it.
   */
  #transact<T>(run: (context: OperationContext) => T, region = this.region): { result: T; emitted: EventBridgeEvent[] } {
    const deliveries: PublishedEventState[] = [];
    const emitted: EventBridgeEvent[] = [];
    const context: OperationContext = {
      state: this.#store,
      ids: this.#ids,
      region,
      now: () => this.clock.now(),
      publish: (event, eventBusName) => {
        deliveries.push({ eventBusName, event });
      },
      emit: (event) => {
        emitted.push(event);
        if (this.#serviceEvents) deliveries.push({ eventBusName: defaultEventBus, event });
      },
    };
    const result = this.#journal.transact(() => {
      const value = run(context);
      for (const delivery of deliveries) this.#store.eventBridge.published.insert(delivery);
      return value;
    });
    for (const { event, eventBusName } of deliveries) {
      for (const listener of this.#listeners) listener(cloneData(event), { eventBusName });
    }
    return { result, emitted };
  }
}

/** Why a rule cannot be the sandbox's, if it cannot. */
function sandboxFaultProblem(rule: FaultRule): { field: string; message: string } | undefined {
  if (isEngineScoped(rule)) {
    return { field: rule.state !== undefined ? 'state' : 'workflow', message: 'a rule that picks a workflow or a Task state is the engine\'s: give it to the engine (EngineOptions.faults, engine.injectFault)' };
  }
  if (rule.service === openSearchRestService) {
    if (rule.operation !== undefined && !(openSearchOperations as readonly string[]).includes(rule.operation)) {
      return { field: 'operation', message: `es (the domains' REST API) has no operation ${rule.operation} (one of ${openSearchOperations.join(', ')})` };
    }
    return undefined;
  }
  const service = sandboxServices.find((candidate) => candidate.key === rule.service);
  if (!service) return { field: 'service', message: `${rule.service} is not simulated (one of ${sandboxServices.map((s) => s.key).join(', ')}, or ${openSearchRestService} for the domains' REST API)` };
  if (rule.operation !== undefined && !(rule.operation in service.operations)) {
    return { field: 'operation', message: `${rule.service} has no simulated operation ${rule.operation}` };
  }
  return undefined;
}

/** PutEvents reports throttling and internal failures per entry, inside a successful answer. */
function isFailedEntriesFault(service: string, operation: string, code: string): boolean {
  return service === 'eventbridge' && operation === 'PutEvents' && Object.hasOwn(putEventsEntryCodes, code);
}

function failedEntries(input: Record<string, unknown>, rule: FaultRule): object {
  const entries = Array.isArray(input.Entries) ? input.Entries : [];
  const ErrorMessage = rule.message ?? putEventsEntryCodes[rule.error];
  return { FailedEntryCount: entries.length, Entries: entries.map(() => ({ ErrorCode: rule.error, ErrorMessage })) };
}

function simulationResult(instanceId: string, lifecycleActions: readonly LifecycleActionSummary[], events: readonly EventBridgeEvent[]): SimulationResult {
  const token = lifecycleActions[0]?.token;
  return { instanceId, ...(token === undefined ? {} : { lifecycleActionToken: token }), lifecycleActions, events };
}
