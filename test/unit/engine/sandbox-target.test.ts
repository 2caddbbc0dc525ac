import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListNamespacesCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/engine.ts';
import { OpenSearchEndpointClosed, UnknownOpenSearchEndpoint } from '../../../engine/errors.ts';
import { SandboxAccount } from '../../../engine/sandbox/index.ts';
import type { OpenSearchDomains, OpenSearchHttpRequest } from '../../../engine/sandbox/opensearch/http.ts';
import { awsTarget, sandboxTarget, type AccountTarget, type BusEvent } from '../../../engine/target.ts';
import { openSearchClient } from '../../../handlers/search/opensearch-client.ts';
import { currentRuntime } from '../../../handlers/shared/runtime.ts';
import type { Trigger } from '../../../workflows/types.ts';
import { createEngine, fakeFunction, workflow } from '../../fixtures/engine/harness.ts';
import { identitySeed } from './sandbox/identity-clients.ts';

const HOME = 'eu-west-1';
const OTHER = 'eu-central-1';
const ACTIVE = { endpoint: 'search-orders-abc123.eu-west-1.es.amazonaws.com', region: HOME, domainName: 'orders' };
const STANDBY = { endpoint: 'search-orders-def456.eu-central-1.es.amazonaws.com', region: OTHER, domainName: 'orders' };

/**
 * A sandbox account (identity fixture: its QuickSight identity Region is eu-west-1) that also
 * serves two OpenSearch domains, one per Region, answering each request with where it went.
 */
function account(): { sandbox: SandboxAccount; requests: OpenSearchHttpRequest[] } {
  const sandbox = SandboxAccount.fromSeed(identitySeed());
  const requests: OpenSearchHttpRequest[] = [];
  const domains: OpenSearchDomains = {
    openSearchRequest: (request) => {
      requests.push(request);
      return { statusCode: 200, body: { cluster_name: `123456789012:${request.endpoint.split('-')[1]}`, status: 'green', endpoint: request.endpoint } };
    },
    openSearchEndpoints: () => [ACTIVE, STANDBY],
  };
  return { sandbox: Object.assign(sandbox, domains), requests };
}

function quickSightIn(target: AccountTarget): QuickSightClient {
  const client = new QuickSightClient({ region: target.region });
  for (const plugin of target.sdkPlugins) client.middlewareStack.use(plugin);
  return client;
}

const opened: AccountTarget[] = [];
const engines: Engine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
  await Promise.all(opened.splice(0).map((target) => target.close?.()));
});

describe('sandbox targets, one per Region over one account', () => {
  it("share the account and its clock; each target's clients are answered as its Region's endpoints", async () => {
    const { sandbox } = account();
    const home = sandboxTarget(sandbox);
    const other = sandboxTarget(sandbox, { region: OTHER });

    expect([home.region, other.region]).toEqual([HOME, OTHER]);
    expect(other.accountId).toBe(home.accountId);
    expect(other.clock).toBe(home.clock);
    await expect(quickSightIn(home).send(new ListNamespacesCommand({ AwsAccountId: sandbox.accountId }))).resolves.toMatchObject({ Status: 200 });
    await expect(quickSightIn(other).send(new ListNamespacesCommand({ AwsAccountId: sandbox.accountId }))).rejects.toThrow(
      `Operation is being called from endpoint ${OTHER}, but your identity region is ${HOME}`,
    );
  });

  it("delivers only its own Region's events to each target's bus", async () => {
    const { sandbox } = account();
    const received: Record<string, BusEvent[]> = { [HOME]: [], [OTHER]: [] };
    const home = sandboxTarget(sandbox);
    const other = sandboxTarget(sandbox, { region: OTHER });
    home.subscribe?.((event) => received[HOME]?.push(event));
    other.subscribe?.((event) => received[OTHER]?.push(event));
    const events = new EventBridgeClient({ region: HOME });
    for (const plugin of home.sdkPlugins) events.middlewareStack.use(plugin);

    await events.send(new PutEventsCommand({ Entries: [{ Source: 'opsflow.test', DetailType: 'Probe', Detail: '{}' }] }));

    expect(received[HOME]?.map((event) => event.region)).toEqual([HOME]);
    expect(received[OTHER]).toEqual([]);
  });

  it("puts a target's events on its own Region's bus, which only that Region's target hears", async () => {
    const { sandbox } = account();
    const received: Record<string, BusEvent[]> = { [HOME]: [], [OTHER]: [] };
    const home = sandboxTarget(sandbox);
    const other = sandboxTarget(sandbox, { region: OTHER });
    home.subscribe?.((event) => received[HOME]?.push(event));
    other.subscribe?.((event) => received[OTHER]?.push(event));
    const events = new EventBridgeClient({ region: OTHER });
    for (const plugin of other.sdkPlugins) events.middlewareStack.use(plugin);

    await events.send(new PutEventsCommand({ Entries: [{ Source: 'opsflow.search', DetailType: 'Runbook Completed', Detail: '{}' }] }));

    expect(received[OTHER]?.map((event) => [event['detail-type'], event.region])).toEqual([['Runbook Completed', OTHER]]);
    expect(received[HOME]).toEqual([]);
  });

  it("runs a task's putEvents in its engine's Region: only that Region's engine routes the event", async () => {
    const sandbox = SandboxAccount.fromSeed(identitySeed());
    const thingHappened: Trigger = { kind: 'event', id: 'ThingHappened', description: 'a thing happened', pattern: { source: ['opsflow.test'], 'detail-type': ['Thing Happened'] } };
    const startRequested: Trigger = { kind: 'event', id: 'StartRequested', description: 'someone asked', pattern: { source: ['opsflow.start'] } };
    const workflows = [workflow('emitter', 'Emitter', { triggers: [startRequested] }), workflow('listener', 'Listener', { triggers: [thingHappened] })];
    const home = await createEngine({ workflows, target: sandboxTarget(sandbox) });
    const other = await createEngine({ workflows, target: sandboxTarget(sandbox, { region: OTHER }) });
    engines.push(home, other);

    const record = await other.run('emitter', { detail: { thing: 'disk full' } });
    await home.idle();

    expect(record.status).toBe('SUCCEEDED');
    expect(other.executions.map((execution) => [execution.workflow, execution.status])).toEqual([
      ['emitter', 'SUCCEEDED'],
      ['listener', 'SUCCEEDED'],
    ]);
    expect(home.executions).toEqual([]);
    expect(sandbox.snapshot().eventBridge.published.map(({ event }) => [event['detail-type'], event.region])).toEqual([['Thing Happened', OTHER]]);
  });

  it('gives each domain endpoint its local URL once open, and names the known endpoints for an unknown one', async () => {
    const { sandbox } = account();
    const home = sandboxTarget(sandbox);

    expect(() => home.openSearch?.nodeFor(ACTIVE.endpoint)).toThrow(OpenSearchEndpointClosed);
    await home.open?.();
    opened.push(home);

    expect(home.openSearch?.nodeFor(ACTIVE.endpoint)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${ACTIVE.endpoint.replaceAll('.', '\\.')}$`));
    expect(() => home.openSearch?.nodeFor('search-gone-zzz.eu-west-1.es.amazonaws.com')).toThrow(UnknownOpenSearchEndpoint);
    expect(() => home.openSearch?.nodeFor('search-gone-zzz.eu-west-1.es.amazonaws.com')).toThrow(`known: ${ACTIVE.endpoint}, ${STANDBY.endpoint}`);
    await expect(home.openSearch?.credentials()).resolves.toMatchObject({ accessKeyId: expect.any(String), secretAccessKey: expect.any(String) });
  });

  it('serve both Regions from one server per account, which stops when the last engine closes', async () => {
    const { sandbox, requests } = account();
    const homeEngine = await createEngine({ workflows: [], target: sandboxTarget(sandbox) });
    const otherTarget = sandboxTarget(sandbox, { region: OTHER });
    const otherEngine = await createEngine({ workflows: [], target: otherTarget });
    engines.push(homeEngine, otherEngine);
    const node = otherTarget.openSearch?.nodeFor(STANDBY.endpoint);

    await homeEngine.close();
    const health = await openSearchClient(STANDBY, { openSearch: otherTarget.openSearch }).cluster.health();
    expect(otherTarget.openSearch?.nodeFor(STANDBY.endpoint)).toBe(node);
    await otherEngine.close();

    expect(health.body).toMatchObject({ status: 'green', endpoint: STANDBY.endpoint });
    expect(requests.map((request) => `${request.endpoint} ${request.method} ${request.path}`)).toEqual([`${STANDBY.endpoint} GET /_cluster/health`]);
    expect(() => otherTarget.openSearch?.nodeFor(STANDBY.endpoint)).toThrow(OpenSearchEndpointClosed);
    await expect(fetch(`${node}/_cluster/health`)).rejects.toThrow();
  });

  it("runs each Region's tasks with that Region and the account's OpenSearch access in their runtime", async () => {
    const { sandbox, requests } = account();
    const probe = fakeFunction(async (event) => {
      const runtime = currentRuntime();
      const domain = (event as { domain: typeof ACTIVE }).domain;
      const health = await openSearchClient(domain).cluster.health();
      return { region: runtime.region, node: runtime.openSearch?.nodeFor(domain.endpoint), health: health.body };
    });
    const run = async (region: string, domain: typeof ACTIVE) => {
      const engine = await createEngine({ workflows: [workflow('lambda-envelope', 'Envelope')], functions: { echo: probe }, target: sandboxTarget(sandbox, { region }) });
      engines.push(engine);
      return engine.run('lambda-envelope', { domain });
    };

    const active = await run(HOME, ACTIVE);
    const standby = await run(OTHER, STANDBY);

    expect(active.status).toBe('SUCCEEDED');
    expect(standby.status).toBe('SUCCEEDED');
    expect((active.output as { Payload: unknown }).Payload).toMatchObject({ region: HOME, node: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/), health: { endpoint: ACTIVE.endpoint } });
    expect((standby.output as { Payload: unknown }).Payload).toMatchObject({ region: OTHER, health: { endpoint: STANDBY.endpoint } });
    expect(requests.map((request) => request.endpoint)).toEqual([ACTIVE.endpoint, STANDBY.endpoint]);
  });
});

describe('an AWS target', () => {
  it('has no OpenSearch access: tasks call https://<endpoint> with the default credential chain', () => {
    const target = awsTarget(HOME, { accountId: '123456789012' });
    expect(target.openSearch).toBeUndefined();
    expect(target.open).toBeUndefined();
  });
});
