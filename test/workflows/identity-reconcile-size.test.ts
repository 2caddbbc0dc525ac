import { describe, expect, it, vi } from 'vitest';
import { maxPayloadBytes } from '../../engine/limits.ts';
import { largest, resetLargest } from './payload-meter.ts';
import { largeIdentityWorld, quickSightWrites } from './scenarios/identity-reconcile.ts';

/**
 * identity-reconcile at 10,000 users and 200 managed groups with 1% drift, through the real ASL:
 * every state's input and output, and every task's result, is measured as the engine checks it
 * (engine/limits.ts), as test/workflows/finding-enrichment-size.test.ts does.
 */

vi.mock('../../engine/limits.ts', async (importOriginal) => (await import('./payload-meter.ts')).meteredLimits(await importOriginal()));

/**
 * The bound every state stays under: 37.5% of the quota (96 KiB). A batch is at most 250 changes
 * (BATCH_SIZE) whatever the number of users, so the largest state is a full batch and its results:
 * 75,412 bytes (29% of the quota) when this was written, the output of ApplyChanges.
 */
const BOUND_BYTES = maxPayloadBytes * 0.375;

describe('identity-reconcile: every state stays within 256 KiB at 10,000 users and 200 groups', () => {
  it('applies 1% drift in one round, and a second run plans nothing', async () => {
    const { engine, sandbox } = await largeIdentityWorld({ users: 10_000, groups: 200, drift: 100 });
    resetLargest();

    const run = await engine.runSchedule('identity-reconcile');

    expect(run.status, `${String(run.error)}: ${String(run.cause)}`).toBe('SUCCEEDED');
    expect((run.output as { plan: { counts: unknown } }).plan.counts).toMatchObject({ identityUsers: 10_000, managedGroups: 200, registerUsers: 50, addMemberships: 100, removeMemberships: 50 });
    expect(quickSightWrites(sandbox)).toHaveLength(50 + 100 + 50);
    expect(largest.bytes, `largest payload: ${largest.where}`).toBeGreaterThan(0);
    expect(largest.bytes, `largest payload: ${largest.where}`).toBeLessThanOrEqual(BOUND_BYTES);

    const again = await engine.runSchedule('identity-reconcile');
    expect((again.output as { plan: { verdict: string } }).plan.verdict).toBe('in-sync');
  }, 300_000);

  it('applies drift larger than one batch over several rounds, each state still within the bound', async () => {
    const { engine, sandbox } = await largeIdentityWorld({ users: 10_000, groups: 200, drift: 400 });
    resetLargest();

    const run = await engine.runSchedule('identity-reconcile');

    expect(run.status, `${String(run.error)}: ${String(run.cause)}`).toBe('SUCCEEDED');
    expect(run.states.filter((state) => state.name === 'PlanIdentityReconcile').length).toBeGreaterThan(1);
    expect(quickSightWrites(sandbox)).toHaveLength(200 + 400 + 200);
    expect(largest.bytes, `largest payload: ${largest.where}`).toBeLessThanOrEqual(BOUND_BYTES);

    const again = await engine.runSchedule('identity-reconcile');
    expect((again.output as { plan: { verdict: string } }).plan.verdict).toBe('in-sync');
  }, 600_000);
});
