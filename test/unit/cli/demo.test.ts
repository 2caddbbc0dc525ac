import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../cli/demo/index.ts';
import { differs, runStory, type Story, type World } from '../../../cli/demo/runner.ts';

describe('opsflow demo (npm start)', () => {
  it('tells every story with every step as expected', async () => {
    const lines: string[] = [];
    const code = await runDemo({ out: (line) => lines.push(line) });
    const text = lines.join('\n');
    expect(text).not.toContain('✗ unexpected');
    expect(text).not.toContain('warning:');
    expect(text).toContain('7 of 7 steps as expected');
    expect(text).toContain('5 of 5 steps as expected; 5 finding-enrichment executions, 3 investigate-principal runs, 3 Detective investigations');
    expect(text).toContain('opsflow demo: identity-sync and identity-reconcile on the local engine against the sandbox account');
    expect(text).toContain('8 of 8 steps as expected; 8 executions');
    expect(text).toContain('QuickSightReader/alice.martin@example.com: BI-Admins, Finance-Manager');
    expect(text).toContain('QuickSightReader/dana.okafor@example.com: Sales-Director');
    expect(text).toContain('MassChangeRefused');
    expect(text).toContain('opsflow demo: search failover, failback and a DR drill on the local engine against the sandbox account');
    expect(text).toContain('6 of 6 steps as expected; 9 executions in two Regions');
    // The refusal: a restore short of the manifest's range stops before DNS.
    expect(text).toContain('RestoreVerificationFailed: opsflow-');
    expect(text).toContain('orders has 5375 documents, outside [5400, 5400]');
    expect(code).toBe(0);
  });
});

describe('the demo runner', () => {
  const engine = { warnings: [] };
  const world = { engine, regions: new Map([['eu-west-1', engine]]) } as unknown as World;
  const story = (steps: Story['steps']): Story => ({ title: 'test', workflows: [], steps, summary: () => 'summary' });

  it('counts a step that comes out otherwise, or throws, and says why', async () => {
    const lines: string[] = [];
    const failures = await runStory(
      story(() => [
        { title: 'as expected', run: async () => ({ shown: ['fine'], unexpected: differs('groups', ['A', 'B'], ['A', 'B']) }) },
        { title: 'otherwise', run: async () => ({ shown: [], unexpected: differs('groups', [], ['Sales-Analyst']) }) },
        { title: 'throws', run: () => Promise.reject(new RangeError('no such user')) },
      ]),
      world,
      { out: (line) => lines.push(line) },
    );

    expect(failures).toBe(2);
    expect(lines).toContain('   fine');
    expect(lines).toContain('   ✗ unexpected: groups [], expected ["Sales-Analyst"]');
    expect(lines).toContain('   ✗ unexpected: threw RangeError: no such user');
    expect(lines).toContain('1 of 3 steps as expected; summary');
  });
});
