import { describe, expect, it } from 'vitest';
import { handler } from '../../../../handlers/findings/shorten-cause/handler.ts';
import { CAUSE_BOUND, ERROR_BOUND, shortenCause, startWithin } from '../../../../handlers/findings/shorten-cause/task.ts';
import { invoke } from './fixtures.ts';

const jsonBytes = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;

describe('startWithin', () => {
  it('keeps a text within the bound whole', () => {
    expect(startWithin('Rate exceeded', CAUSE_BOUND)).toBe('Rate exceeded');
    const exact = 'x'.repeat(CAUSE_BOUND.characters);
    expect(startWithin(exact, CAUSE_BOUND)).toBe(exact);
  });

  it('cuts a longer text to its start, ending in an ellipsis inside the bound', () => {
    const cut = startWithin('y'.repeat(CAUSE_BOUND.characters + 1), CAUSE_BOUND);
    expect(cut).toBe(`${'y'.repeat(CAUSE_BOUND.characters - 1)}…`);
    expect(cut).toHaveLength(CAUSE_BOUND.characters);
  });

  it.each([
    ['quotes and backslashes', '"\\'.repeat(20_000)],
    ['control characters', '\u0001\n'.repeat(20_000)],
    ['three-byte characters', '€'.repeat(20_000)],
    ['astral characters', '😀'.repeat(20_000)],
  ])('holds %s to the byte bound once written as JSON', (_kind, text) => {
    const cut = startWithin(text, CAUSE_BOUND);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(CAUSE_BOUND.characters);
    expect(jsonBytes(cut)).toBeLessThanOrEqual(CAUSE_BOUND.jsonBytes);
    expect(text.startsWith(cut.slice(0, -1))).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const cut = startWithin(`a${'😀'.repeat(300)}`, CAUSE_BOUND);
    expect(cut.slice(0, -1)).toBe(`a${'😀'.repeat((cut.length - 2) / 2)}`);
  });
});

describe('shortenCause', () => {
  it('keeps the error name whole and the start of a 32,768-character cause', () => {
    const cause = `The request was refused: ${'at handler (index.mjs:1:1) '.repeat(2_000)}`.slice(0, 32_768);
    const shortened = shortenCause({ error: { Error: 'Detective.ValidationException', Cause: cause } });
    expect(shortened.Error).toBe('Detective.ValidationException');
    expect(shortened.Cause.startsWith('The request was refused: at handler')).toBe(true);
    expect(shortened.Cause).toHaveLength(CAUSE_BOUND.characters);
  });

  it('bounds an error name to what Step Functions records', () => {
    const { Error: name } = shortenCause({ error: { Error: 'E'.repeat(1_000), Cause: '' } });
    expect(name.endsWith('…')).toBe(true);
    expect(jsonBytes(name)).toBeLessThanOrEqual(ERROR_BOUND.jsonBytes);
    expect(name.length).toBeGreaterThan(ERROR_BOUND.characters - 4);
  });

  it('refuses an error without a Cause, naming it', async () => {
    await expect(invoke(handler, { error: { Error: 'States.TaskFailed' } })).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
