import * as z from 'zod/mini';

/**
 * Timestamps the finding tasks compute with. ASFF times "use the date-time format specified in RFC
 * 3339 section 5.6, Internet Date/Time Format. The value cannot contain spaces, and date and time
 * should be separated by T" (Security Hub API reference, AwsSecurityFinding), GuardDuty's are of the
 * same form, and Detective's are "UTC ISO8601 formatted" strings (Detective API reference). Anything
 * else (another text form, a year outside 0000-9999 such as -271821 or +275760, a 30 February) is
 * refused with the field's name instead of reaching date arithmetic, where JavaScript's Date would
 * throw RangeError or quietly move to another day.
 */

export const HOUR_MS = 3_600_000;

const RFC3339_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Years 0000 to 9999 in UTC too, so the instant also has an RFC 3339 form once its offset is applied. */
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether the text is an RFC 3339 date-time whose every part is in range (leap seconds are not: JavaScript cannot hold them). */
export function isRfc3339DateTime(text: string): boolean {
  const match = RFC3339_DATE_TIME.exec(text);
  if (!match) return false;
  const instant = Date.parse(text);
  if (!(instant >= EARLIEST_MS && instant <= LATEST_MS)) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  return (
    month >= 1 && month <= 12 &&
    day >= 1 && day <= daysInMonth(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 &&
    offsetHours <= 23 && offsetMinutes <= 59
  );
}

export const RFC3339_MESSAGE = 'must be an RFC 3339 date-time such as 2020-03-22T13:22:13.933Z';

/** A string holding an RFC 3339 date-time, refused otherwise with the field's path and one line. */
export const rfc3339Timestamp = z.string().check(z.refine(isRfc3339DateTime, RFC3339_MESSAGE));

/** The same instant as `YYYY-MM-DDTHH:MM:SS.sssZ`. Only for validated timestamps. */
export function toIsoUtc(timestamp: string): string {
  return new Date(Date.parse(timestamp)).toISOString();
}

export function floorToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export function ceilToHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}
