import { errors } from '../errors';

/**
 * A date, or a date-time with an optional zone (`Z` or an offset); seconds and a fraction optional,
 * the fraction of any length (Python's isoformat() writes microseconds). As RFC 3339 (5.6) allows,
 * `t` and `z` may be lower case and a space may stand for the `T`. A space for the offset's `+`:
 * what an unencoded `+` in a query string arrives as (its place tells it from the `T`'s).
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+ -]\d{2}:\d{2})?)?$/;

/**
 * An instant from a query parameter (`name=value`), as stored (UTC, ISO 8601 to the millisecond);
 * undefined when the parameter is absent, 400 `invalid_parameter` when it is not an instant. Read here
 * rather than by Date.parse alone, which takes 2026-02-30 for March 2 and a date-time without a zone
 * in the server's own time zone: here one without a zone is UTC, whatever the server's.
 */
export function instantParameter(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = instantMs(value);
  if (ms === undefined) {
    throw errors.invalidParameter(
      `${name}=${JSON.stringify(value)} is not an ISO-8601 date or date-time: write it like 2026-12-01 (midnight UTC) ` +
        'or 2026-12-01T13:00:00Z (Z or an offset like +02:00 may end it; without one it is UTC)',
    );
  }
  // Instants are compared as text: one past year 9999 would be written +010000-... and sort before
  // every stored one (9999-12-31T24:00Z, 9999-12-31T23:00-02:00). Held to the last millisecond of
  // 9999, which no stored instant is after, so the window means the same.
  return new Date(Math.min(ms, LAST_MS)).toISOString();
}

/** 9999-12-31T23:59:59.999Z, the last instant with a four-digit year. */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Milliseconds since the epoch, or undefined for text that is not an instant or names none (2026-02-30, 25:00). */
function instantMs(value: string): number | undefined {
  const match = INSTANT.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  // 24:00 is ISO 8601's end of a day: the next midnight. Nothing later in that hour exists.
  const endOfDay = h === 24 && mi === 0 && s === 0 && !/[1-9]/.test(fraction);
  if ((h > 23 && !endOfDay) || mi > 59 || s > 59) return undefined;
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  // Cut, not rounded, to the millisecond: .9999 stays in its second.
  const ms = Number(fraction.slice(1, 4).padEnd(3, '0'));
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi - offset, s, ms);
  return date.getTime();
}

/** `Z` is 0; `+hh:mm`/`-hh:mm` (a space for the `+`) east of UTC is positive; undefined out of range. */
function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
