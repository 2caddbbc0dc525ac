import { describe, expect, it } from 'vitest';
import { createEngine, workflow } from '../../fixtures/engine/harness.ts';

// A child execution's failure, as `.sync` reports it: a Cause that is JSON holding more JSON, and a path with a backslash.
const failure = {
  Error: 'States.TaskFailed',
  Cause: JSON.stringify({ Error: 'AddressNotAllowed', Cause: JSON.stringify({ errorMessage: 'address "10.99.0.1" refused', path: 'C:\\temp' }) }),
};

describe('intrinsic functions keep the characters of their results, as on AWS', () => {
  it('JsonToString escapes quotes and backslashes, Format keeps them, and escaped braces and quotes in literals are literal', async () => {
    const engine = await createEngine({ workflows: [workflow('intrinsics', 'Intrinsics')] });

    const record = await engine.run('intrinsics', { failure });

    expect(record.status).toBe('SUCCEEDED');
    const output = record.output as Record<string, unknown>;
    expect(output.json).toBe(JSON.stringify(failure));
    expect(JSON.parse(output.json as string)).toEqual(failure);
    expect(output.line).toBe(`States.TaskFailed: ${failure.Cause}`);
    expect(output.nested).toBe(`report ${JSON.stringify(failure)}`);
    expect(output.literal).toBe("{not a placeholder} it's States.TaskFailed");
    expect(output.roundTrip).toEqual(failure);
  });
});
