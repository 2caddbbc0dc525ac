export function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** A message that may quote text with line breaks (JSON.parse quotes the input), on one line with the breaks as \\n. */
export function oneLine(text: string): string {
  return text.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

/** What a file-system error code means, for one line naming the file. */
export const fileProblems: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};
