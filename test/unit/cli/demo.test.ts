import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../cli/demo.ts';

describe('opsflow demo (npm start)', () => {
  it('tells both stories with every step as expected', async () => {
    const lines: string[] = [];
    const code = await runDemo({ out: (line) => lines.push(line) });
    const text = lines.join('\n');
    expect(text).not.toContain('✗ unexpected');
    expect(text).toContain('7 of 7 steps as expected');
    expect(text).toContain('5 of 5 steps as expected; 5 finding-enrichment executions, 3 investigate-principal runs, 3 Detective investigations');
    expect(code).toBe(0);
  });
});
