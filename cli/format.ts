/** A Lambda task's cause is Lambda's JSON error report; people need its message. */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

/** `1 transition`, `12 transitions`: state transitions, the unit Step Functions bills. */
export function transitionCount(count: number): string {
  return `${count} transition${count === 1 ? '' : 's'}`;
}
