import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { callNames, world } from './harness.ts';

type Input = Record<string, Record<string, unknown> | string>;

async function exampleInput(): Promise<Input> {
  return JSON.parse(await readFile('workflows/investigate-principal/example-input.json', 'utf8')) as Input;
}

describe('investigate-principal', () => {
  it('investigates the principal of its example input on the default sandbox', async () => {
    const { sandbox, engine } = await world({ seed: 'config/sandbox.json' });
    const execution = await engine.run('investigate-principal', await exampleInput());
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({
      key: 'aws:123456789012:user:analyst-alice',
      entityArn: 'arn:aws:iam::123456789012:user/analyst-alice',
      arnOrigin: { source: 'iam', iam: 'read', error: null },
      status: 'SUCCESSFUL',
      reused: false,
    });
    expect(callNames(sandbox)).toEqual(expect.arrayContaining(['iam.GetUser', 'detective.StartInvestigation']));
  });

  it('refuses an input that is not finding-enrichment\'s with InvalidInput, naming the fields, before any call', async () => {
    const missing: [string, (input: Input) => void][] = [
      ['empty', (input) => { for (const field of Object.keys(input)) delete input[field]; }],
      ['no principal.account', (input) => { delete (input.principal as Record<string, unknown>).account; }],
      ['no graphArn', (input) => { delete input.graphArn; }],
      ['no scope.latestFirstSeenHour', (input) => { delete (input.scope as Record<string, unknown>).latestFirstSeenHour; }],
      ['no polling.wait', (input) => { delete (input.polling as Record<string, unknown>).wait; }],
      ['no folded', (input) => { delete input.folded; }],
    ];
    for (const [label, change] of missing) {
      const { sandbox, engine } = await world({ seed: 'config/sandbox.json' });
      const input = await exampleInput();
      change(input);
      const execution = await engine.run('investigate-principal', input);
      expect(execution.status, label).toBe('FAILED');
      expect(execution.error, label).toBe('InvalidInput');
      expect(execution.cause, label).toMatch(/^the input must hold graphArn, principal \{key, kind, name, account, fallbackArn, fallbackSource\}, scope \{.*latestFirstSeenHour\}, polling \{wait, .*\} and folded/);
      expect(callNames(sandbox), label).toEqual([]);
    }
  });
});
