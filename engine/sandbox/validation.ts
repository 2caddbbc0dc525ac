import { awsError } from './errors.ts';

/** AWS's wording for a required member that is missing (Coral validation, used by most services). */
export function missingMemberMessage(memberPath: string): string {
  return `1 validation error detected: Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`;
}

/** Returns the value, or throws the service's validation error naming the member as AWS does. */
export function required<T>(value: T | undefined | null, errorCode: string, memberPath: string): T {
  if (value === undefined || value === null || value === '') throw awsError(errorCode, missingMemberMessage(memberPath));
  return value;
}

/** EventBridge's and Route 53's time format in events and messages: second precision, UTC. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
