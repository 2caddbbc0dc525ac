import * as z from 'zod/mini';
import { EVENT_CAUSE_LIMIT } from '../compose-finding-updates/task.ts';

/**
 * A caught error as a Catch's ResultPath gives it ({ "Error", "Cause" }), about to become part of a
 * principal's outcome in finding-enrichment.
 */
export const shortenCauseInput = z.looseObject({
  error: z.looseObject({ Error: z.string(), Cause: z.string() }),
});
export type ShortenCauseInput = z.infer<typeof shortenCauseInput>;

export interface ShortenedError {
  Error: string;
  Cause: string;
}

/** How much of a text is kept: UTF-16 code units (as String.length counts), and UTF-8 bytes once written as a JSON string. */
export interface TextBound {
  readonly characters: number;
  readonly jsonBytes: number;
}

/**
 * An error name: Step Functions records at most 256 characters of one ("error [...] Maximum length
 * of 256", ExecutionFailedEventDetails and TaskFailedEventDetails in the Step Functions API
 * reference), so on AWS an error name (`Detective.TooManyRequestsException`, a Lambda errorType) is
 * kept whole.
 */
export const ERROR_BOUND: TextBound = { characters: 256, jsonBytes: 256 };

/**
 * A cause: as much as the Finding Enriched event shows (EVENT_CAUSE_LIMIT, 256 characters; the
 * note names the error only), where Step Functions allows 32,768 characters ("cause [...] Maximum
 * length of 32768", same pages). The byte bound holds a cause of quotes, control characters or
 * non-ASCII text to twice the size of a plain one.
 */
export const CAUSE_BOUND: TextBound = { characters: EVENT_CAUSE_LIMIT, jsonBytes: 2 * EVENT_CAUSE_LIMIT };

const ELLIPSIS = '…';

/** UTF-8 bytes of one code point inside a JSON string, as JSON.stringify writes it. */
function jsonBytesOf(codePoint: number): number {
  if (codePoint === 0x22 || codePoint === 0x5c) return 2; // \" and \\
  if (codePoint === 0x08 || codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0c || codePoint === 0x0d) return 2; // \b \t \n \f \r
  if (codePoint < 0x20) return 6; // \u00XX
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 6; // a lone surrogate is written \uXXXX
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * The start of `text` within `bound`, whole code points only, ending in "…" when anything was cut
 * (the ellipsis counts towards the bound).
 */
export function startWithin(text: string, bound: TextBound): string {
  let characters = 0;
  let bytes = 0;
  /** Where the text may be cut so that the ellipsis still fits. */
  let cutAt = 0;
  const ellipsisBytes = jsonBytesOf(ELLIPSIS.codePointAt(0) ?? 0);
  for (const symbol of text) {
    const nextCharacters = characters + symbol.length;
    const nextBytes = bytes + jsonBytesOf(symbol.codePointAt(0) ?? 0);
    if (nextCharacters > bound.characters || nextBytes > bound.jsonBytes) {
      return `${text.slice(0, cutAt)}${ELLIPSIS}`;
    }
    characters = nextCharacters;
    bytes = nextBytes;
    if (characters + ELLIPSIS.length <= bound.characters && bytes + ellipsisBytes <= bound.jsonBytes) cutAt = characters;
  }
  return text;
}

/**
 * The start of a caught error, for a principal's outcome: its name (within ERROR_BOUND) and the
 * first 256 characters, at most 512 bytes as JSON, of its cause (CAUSE_BOUND). A cause can be
 * 32,768 characters (a Lambda error's JSON with its stack trace is often several KB) and
 * finding-enrichment keeps every principal's outcome until the write-back, so a hundred whole
 * causes pass Step Functions' 256 KiB state quota; cut, a hundred errors take at most about 80 KB
 * as JSON, and about 30 KB when the causes are plain text. The whole cause stays in the execution
 * that failed with it. Raises InvalidInput (from the handler) when the error has no Error or Cause.
 */
export function shortenCause(input: ShortenCauseInput): ShortenedError {
  return { Error: startWithin(input.error.Error, ERROR_BOUND), Cause: startWithin(input.error.Cause, CAUSE_BOUND) };
}
