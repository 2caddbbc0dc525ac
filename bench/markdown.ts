export type Cell = string | number;

/** Pipes and line breaks would end a table cell early; `<br>` is how a cell holds several lines. */
function escapeCell(cell: Cell): string {
  return String(cell).replaceAll('|', '\\|').replaceAll('\n', '<br>');
}

/** A GitHub-flavoured markdown table; columns named in `rightAligned` hold numbers. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], rightAligned: readonly string[] = []): string {
  const line = (cells: readonly Cell[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${headers.map((header) => (rightAligned.includes(header) ? '---:' : '---')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export const code = (text: string): string => `\`${text}\``;

export const kilobytes = (bytes: number): string => (bytes / 1024).toFixed(1);

export const milliseconds = (value: number): string => value.toFixed(1);
