import { describe, expect, it } from 'vitest';
import { putEventsEntrySize } from '../../../engine/bus.ts';
import { InvalidName, PayloadNotJson, PayloadTooDeep, ValidationException } from '../../../engine/errors.ts';
import { checkStartExecution, checkTaskFailure, checkTaskSuccessOutput, maxJsonDepth, measureJson, resourceLabel } from '../../../engine/limits.ts';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? { next: value } : [value];
  return value;
}

describe('measureJson', () => {
  it.each([
    ['a string with escapes and multi-byte characters', 'quote " backslash \\ newline \n é 日本 😀 \u0007'],
    ['a lone surrogate', 'broken \ud800 pair'],
    ['numbers', [0, -0, 1.5, -2e-7, 1e21, 123456789012345680000, Number.MAX_SAFE_INTEGER]],
    ['non-finite numbers, written null', [Number.NaN, Number.POSITIVE_INFINITY]],
    ['what JSON leaves out of objects and writes null in arrays', { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s')], d: null }],
    ['a Date, by its toJSON', { when: new Date(Date.UTC(2025, 0, 13, 7, 45, 2)) }],
    ['keys that need escaping', { 'wei"rd': 1, 'é': true, '': false }],
    ['empty containers', { a: {}, b: [], c: [[]] }],
    ['the same object twice (not a cycle)', (() => { const shared = { x: 1 }; return { a: shared, b: [shared, shared] }; })()],
  ])('counts the UTF-8 bytes of JSON.stringify exactly: %s', (_what, value) => {
    expect(measureJson(value)).toEqual({ kind: 'json', bytes: Buffer.byteLength(JSON.stringify(value)) });
  });

  it('counts every UTF-16 code unit as JSON.stringify writes it, lone surrogates and pairs included', () => {
    const everyUnit = String.fromCharCode(...Array.from({ length: 0x10000 }, (_, code) => code));
    const pairs = '😀𝄞'.repeat(3);
    for (const text of [everyUnit, pairs, `${pairs}\ud83d`, `\ude00${pairs}`]) {
      expect(measureJson({ [text.slice(0, 300)]: text }, Number.POSITIVE_INFINITY)).toEqual({ kind: 'json', bytes: Buffer.byteLength(JSON.stringify({ [text.slice(0, 300)]: text })) });
    }
  });

  it('allows exactly the limit and refuses one byte more', () => {
    const within = { blob: 'x'.repeat(100 - 11) };
    expect(Buffer.byteLength(JSON.stringify(within))).toBe(100);
    expect(measureJson(within, 100)).toEqual({ kind: 'json', bytes: 100 });
    expect(measureJson({ blob: 'x'.repeat(90) }, 100)).toEqual({ kind: 'tooLarge' });
  });

  it('counts bytes, not characters', () => {
    const accents = 'é'.repeat(140_000);
    expect(accents.length).toBeLessThan(262_144);
    expect(measureJson(accents)).toEqual({ kind: 'tooLarge' });
  });

  it('stops at the limit instead of walking a huge array', () => {
    const huge = new Array<number>(20_000_000).fill(7);
    const started = performance.now();
    expect(measureJson(huge)).toEqual({ kind: 'tooLarge' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it(`takes ${maxJsonDepth} levels and refuses one more, however deep, without recursion`, () => {
    expect(measureJson(nested(maxJsonDepth))).toMatchObject({ kind: 'json' });
    expect(measureJson(nested(maxJsonDepth + 1))).toEqual({ kind: 'tooDeep' });
    expect(measureJson(nested(1_000_000), Number.POSITIVE_INFINITY)).toEqual({ kind: 'tooDeep' });
  });

  it('names what is not JSON: a cycle, a BigInt, a function on its own', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(measureJson(cyclic)).toEqual({ kind: 'notJson', why: 'a cycle' });
    expect(measureJson({ n: 10n })).toEqual({ kind: 'notJson', why: 'a BigInt' });
    expect(measureJson(() => 1)).toEqual({ kind: 'notJson', why: 'a function' });
  });
});

describe('StartExecution checks', () => {
  it('returns a parsed copy of the input', () => {
    const input = { when: new Date(Date.UTC(2025, 0, 1)), list: [1, undefined] };
    expect(checkStartExecution('run-1', input)).toEqual({ when: '2025-01-01T00:00:00.000Z', list: [1, null] });
    expect(checkStartExecution('run-1', undefined)).toEqual({});
  });

  it('refuses a name over 80 characters, counted as characters, in the words of the AWS API', () => {
    const emoji = '😀'.repeat(80);
    expect(checkStartExecution(emoji, {})).toEqual({});
    const long = 'n'.repeat(81);
    expect(() => checkStartExecution(long, {})).toThrow(ValidationException);
    expect(() => checkStartExecution(long, {})).toThrow(
      `1 validation error detected: Value '${long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
    );
    expect(() => checkStartExecution('', {})).toThrow("Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1");
  });

  it('names both violations of one request, the sensitive input without its value', () => {
    const long = 'n'.repeat(81);
    expect(() => checkStartExecution(long, { blob: 'x'.repeat(262_144) })).toThrow(
      `2 validation errors detected: Value '${long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80; ` +
        "Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
    );
  });

  it.each([
    ['white space', 'a b'],
    ['a tab', 'a\tb'],
    ['a no-break space', 'a\u00a0b'],
    ['brackets', 'a<b'],
    ['braces', 'a{b'],
    ['square brackets', 'a]b'],
    ['a wildcard', 'a*b'],
    ['a question mark', 'a?b'],
    ['a slash', 'a/b'],
    ['a colon', 'a:b'],
    ['a dollar', 'a$b'],
    ['a backtick', 'a`b'],
    ['a control character', 'a\u0000b'],
    ['a C1 control character', 'a\u0085b'],
  ])('refuses %s in a name with InvalidName', (_what, name) => {
    expect(() => checkStartExecution(name, {})).toThrow(InvalidName);
    expect(() => checkStartExecution(name, {})).toThrow(`Invalid Name: '${name}'`);
  });

  it('accepts the characters the rule allows, non-ASCII letters included', () => {
    expect(checkStartExecution('dns-reconcile_2025-01-13T07.45.02Z', {})).toEqual({});
    expect(checkStartExecution('café-日本-@+=!', {})).toEqual({});
  });

  it('refuses an input the engine cannot take with one line', () => {
    expect(() => checkStartExecution('deep', nested(10_000))).toThrow(PayloadTooDeep);
    expect(() => checkStartExecution('deep', nested(10_000))).toThrow('the execution input nests deeper than 1000 levels, which the local engine does not take');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => checkStartExecution('cyclic', cyclic)).toThrow(new PayloadNotJson('the execution input is not JSON: it holds a cycle'));
  });
});

describe('task token answers', () => {
  it('SendTaskSuccess: at most 262,144 bytes of output', () => {
    expect(checkTaskSuccessOutput({ ok: true })).toEqual({ ok: true });
    expect(() => checkTaskSuccessOutput({ blob: 'x'.repeat(262_144) })).toThrow(
      "1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to 262144",
    );
  });

  it('SendTaskFailure: an error of at most 256 characters and a cause of at most 32,768', () => {
    expect(() => checkTaskFailure('e'.repeat(256), 'c'.repeat(32_768))).not.toThrow();
    expect(() => checkTaskFailure('e'.repeat(257), 'c'.repeat(32_769))).toThrow(
      "2 validation errors detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256; " +
        "Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768",
    );
  });
});

describe('resourceLabel', () => {
  it('is the resource type of an integration and the ARN of a function resource', () => {
    expect(resourceLabel('arn:aws:states:::lambda:invoke')).toBe('lambda');
    expect(resourceLabel('arn:aws:states:::lambda:invoke.waitForTaskToken')).toBe('lambda');
    expect(resourceLabel('arn:aws:states:::aws-sdk:route53:listResourceRecordSets')).toBe('aws-sdk:route53');
    expect(resourceLabel('arn:aws:states:::states:startExecution.sync:2')).toBe('states');
    expect(resourceLabel('arn:aws:lambda:eu-west-1:123456789012:function:opsflow-test-big')).toBe('arn:aws:lambda:eu-west-1:123456789012:function:opsflow-test-big');
  });
});

describe('putEventsEntrySize', () => {
  it('counts as EventBridge documents: Time 14 bytes, the UTF-8 bytes of Source, DetailType, Detail and each resource', () => {
    const entry = { Time: new Date(), Source: 'opsflow.test', DetailType: 'Thing Happened', Detail: '{"é":1}', Resources: ['arn:a', 'arn:bb'] };
    expect(putEventsEntrySize(entry)).toBe(14 + 12 + 14 + 8 + 5 + 6);
    expect(putEventsEntrySize({ Source: 's', DetailType: 'd' })).toBe(2);
  });
});
