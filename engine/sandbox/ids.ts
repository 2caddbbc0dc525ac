import { createHash } from 'node:crypto';

/**
 * Identifiers the account hands out (request ids, tokens, change ids, event ids). They come from a
 * seeded generator so that a run with the same seed and the same calls prints the same ids.
 */
export class IdSource {
  #state: number;

  /** `seed` is a random seed, or a `position` saved earlier: the sequence then goes on from there. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Where the sequence stands (an unsigned 32-bit integer): an IdSource built from it hands out what this one would next. */
  get position(): number {
    return this.#state;
  }

  /** mulberry32: small, fast and good enough for identifiers (not for security). */
  #next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(this.#next() * alphabet.length)];
    return out;
  }

  hex(length: number): string {
    return this.chars('0123456789abcdef', length);
  }

  uuid(): string {
    const hex = this.hex(32);
    // Version 4 layout, so the ids look like the ones AWS returns.
    const variant = '89ab'[Math.floor(this.#next() * 4)] ?? '8';
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  instanceId(): string {
    return `i-0${this.hex(16)}`;
  }
}

/** A UUID derived from a text, for identifiers that must not depend on call order (group ARNs). */
export function stableUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A number in [0, 1) fixed by its inputs: fault decisions do not depend on unrelated calls. */
export function unitHash(...parts: readonly (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 4294967296;
}
