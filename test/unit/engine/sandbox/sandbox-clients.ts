import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Route53Client } from '@aws-sdk/client-route-53';
import { Clock } from '../../../../engine/clock.ts';
import { SandboxAccount, type SandboxOptions, type SandboxSeed } from '../../../../engine/sandbox/index.ts';

export const fixturePath = new URL('../../../fixtures/sandbox/instance-dns.json', import.meta.url).pathname;
export const zoneId = 'Z0OPSFLOWINTERNAL01';
export const weblogicInstance = 'i-0a3f5c2e9b7d41001';
export const terminatedWeblogicInstance = 'i-0a3f5c2e9b7d41000';
export const reportsInstance = 'i-0b7e4d1c8a6f52001';
export const bastionInstance = 'i-0c9d8e7f6a5b43001';
export const now = new Date('2025-02-01T12:00:00.000Z');

/** A fresh copy of the instance-dns fixture, to tweak per test. */
export function fixtureSeed(): SandboxSeed {
  return JSON.parse(readFileSync(fixturePath, 'utf8')) as SandboxSeed;
}

/** An account on a simulated clock that starts at `now`, plus real SDK clients (region only, no credentials) attached to it through the plugin. */
export function sandbox(options: SandboxOptions = {}, seed: unknown = fixtureSeed()) {
  const account = SandboxAccount.fromSeed(seed, { clock: Clock.simulated(now), ...options });
  const attach = <T extends { middlewareStack: { use(plugin: ReturnType<SandboxAccount['plugin']>): void } }>(client: T): T => {
    client.middlewareStack.use(account.plugin());
    return client;
  };
  return {
    account,
    route53: attach(new Route53Client({ region: 'eu-west-1' })),
    ec2: attach(new EC2Client({ region: 'eu-west-1' })),
    autoScaling: attach(new AutoScalingClient({ region: 'eu-west-1' })),
    eventBridge: attach(new EventBridgeClient({ region: 'eu-west-1' })),
  };
}

/** Runs a call expected to fail and returns what it threw. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  return expect.unreachable('expected the call to fail, but it succeeded');
}
