import type { EventBridgeEvent } from 'aws-lambda';
import type { Pluggable } from '@smithy/types';
import type { Clock } from './clock.ts';
import type { OpenSearchAccess } from '../handlers/shared/runtime.ts';

/** An event as EventBridge delivers it to a rule's target. */
export type BusEvent = EventBridgeEvent<string, unknown>;

/**
 * The account a local engine works against: the sandbox (in-memory, reached through the real
 * SDK clients by a plugin) or a real AWS account. The bridge and the handlers differ only by
 * the SDK plugins; events the account emits reach the local bus through `subscribe`.
 */
export interface AccountTarget {
  readonly kind: 'sandbox' | 'aws';
  readonly region: string;
  readonly accountId: string;
  /**
   * Attached to every SDK client the bridge and the handlers create. [] for real AWS. Typed
   * `any` because a plugin must fit every client's own Input/Output unions, which `object` does not.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly sdkPlugins: readonly Pluggable<any, any>[];
  /** The plugins for a client made for another Region (a handler's QuickSight client in its identity Region). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see sdkPlugins
  readonly sdkPluginsFor?: (region: string) => readonly Pluggable<any, any>[];
  /** Events the account emits (sandbox: PutEvents, Security Hub imports...) → the local bus. */
  subscribe?(listener: (event: BusEvent) => void): void;
  /** The account's clock, which the engine then keeps time with (a sandbox's `now` is its clock's). */
  readonly clock?: Clock;
  /** How tasks reach OpenSearch domains' REST APIs (handlers/shared/runtime.ts); absent for real AWS. */
  readonly openSearch?: OpenSearchAccess;
}

/** What the engine needs of engine/sandbox/account.ts (SandboxAccount), structurally. */
export interface SandboxAccountLike {
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see AccountTarget.sdkPlugins
  plugin(options?: { readonly region?: string }): Pluggable<any, any>;
  onEvent(listener: (event: BusEvent, delivery: { readonly eventBusName: string }) => void): unknown;
}

/** The bus the workflows' rules are on. */
const defaultEventBus = 'default';

export function sandboxTarget(sandbox: SandboxAccountLike): AccountTarget {
  return {
    kind: 'sandbox',
    region: sandbox.region,
    accountId: sandbox.accountId,
    clock: sandbox.clock,
    sdkPlugins: [sandbox.plugin()],
    sdkPluginsFor: (region) => [sandbox.plugin({ region })],
    subscribe: (listener) => {
      sandbox.onEvent((event, delivery) => {
        if (delivery.eventBusName === defaultEventBus) listener(event);
      });
    },
  };
}

/**
 * A real account through the default credential chain. The account id is not looked up (no STS
 * call at start); ARNs the engine builds locally then read 'unknown'.
 */
export function awsTarget(region: string): AccountTarget {
  return { kind: 'aws', region, accountId: 'unknown', sdkPlugins: [] };
}
