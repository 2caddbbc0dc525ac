/**
 * The Security Hub note of an enriched finding: one compact line per principal with Detective's
 * verdict, the scope window, the main indicators and the report link, in at most 512 characters
 * (Security Hub's Note.Text limit). When space runs out the indicators are cut first, then the
 * scope windows, then whole lines; a link is always kept whole or left out with its line.
 */

export const NOTE_LIMIT = 512;
const PREFIX = 'Detective: ';
const SEPARATOR = ' | ';
/** Shorter than this, a cut indicator text says nothing useful and is left out. */
const SHORTEST_INDICATOR_TEXT = 12;
export const NOTE_LABEL_LIMIT = 64;

export interface NoteLine {
  /** `role/Admin: HIGH (SUCCESSFUL)`. */
  readonly head: string;
  /** `, scope 2024-05-01T10:00Z/2024-05-02T10:00Z`, or empty. */
  readonly scope: string;
  /** `TTP 3 (…); flagged IP 1 (…).`, or empty. */
  readonly indicators: string;
  /** The report URL, or empty when there is no investigation. */
  readonly link: string;
}

export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return limit < 1 ? '' : `${text.slice(0, limit - 1)}…`;
}

export function noteLabel(label: string): string {
  return truncate(label, NOTE_LABEL_LIMIT);
}

/** `2024-05-01T10:00Z`: minutes are enough for a scope window and save note space. */
export function shortTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16)}Z`;
}

export function composeNote(lines: readonly NoteLine[]): string {
  return fitWithIndicators(lines, true) ?? fitWithIndicators(lines, false) ?? fitBareLines(lines);
}

/** The note of a finding that was not investigated. */
export function skippedNote(reason: string): string {
  return truncate(`opsflow did not investigate this finding with Detective: ${reason}`, NOTE_LIMIT);
}

function render(line: NoteLine, withScope: boolean, indicators: string): string {
  const parts = [`${line.head}${withScope ? line.scope : ''}.`];
  if (indicators) parts.push(indicators);
  if (line.link) parts.push(line.link);
  return parts.join(' ');
}

function joinLines(rendered: readonly string[]): string {
  return `${PREFIX}${rendered.join(SEPARATOR)}`;
}

function fitWithIndicators(lines: readonly NoteLine[], withScope: boolean): string | undefined {
  const bare = joinLines(lines.map((line) => render(line, withScope, '')));
  if (bare.length > NOTE_LIMIT) return undefined;
  // Each indicator text costs its length plus the space before it.
  const grants = shareOut(NOTE_LIMIT - bare.length, lines.map((line) => (line.indicators ? line.indicators.length + 1 : 0)));
  return joinLines(
    lines.map((line, index) => {
      const room = (grants[index] ?? 0) - 1;
      const indicators = room >= line.indicators.length ? line.indicators : room >= SHORTEST_INDICATOR_TEXT ? truncate(line.indicators, room) : '';
      return render(line, withScope, indicators);
    }),
  );
}

/** Splits a budget fairly: small wants are met in full, the rest share what is left equally. */
function shareOut(budget: number, wants: readonly number[]): number[] {
  const grants = wants.map(() => 0);
  const open = wants.flatMap((want, index) => (want > 0 ? [index] : [])).sort((a, b) => (wants[a] ?? 0) - (wants[b] ?? 0));
  let remaining = budget;
  while (open.length > 0) {
    const share = Math.floor(remaining / open.length);
    const smallest = open[0] as number;
    const want = wants[smallest] ?? 0;
    if (want > share) {
      for (const index of open) grants[index] = share;
      break;
    }
    grants[smallest] = want;
    remaining -= want;
    open.shift();
  }
  return grants;
}

/** Verdicts and links only, as many lines as fit, pointing at the field that lists every investigation. */
function fitBareLines(lines: readonly NoteLine[]): string {
  const rendered = lines.map((line) => render(line, false, ''));
  for (let kept = rendered.length; kept > 0; kept -= 1) {
    const omitted = rendered.length - kept;
    const more = omitted > 0 ? [`+${omitted} more: see UserDefinedFields.detective_investigation_ids`] : [];
    const note = joinLines([...rendered.slice(0, kept), ...more]);
    if (note.length <= NOTE_LIMIT) return note;
  }
  return joinLines([`${lines.length} investigations: see UserDefinedFields.detective_investigation_ids`]);
}
