/**
 * How a moment reads to a person: a few minutes ago as "2 min ago", anything older as a local
 * date and time, and exactly (with its time zone) on hover. Pure, so the clock, the locale and the
 * zone can be fixed in tests; the browser passes none and gets its own.
 */
export interface TimeFormatOptions {
  locale?: string;
  timeZone?: string;
}

/** Relative wording is kept for an hour; after that a clock time says more. */
const RELATIVE_FOR_MS = 60 * 60_000;

/** The text a server can render without knowing the reader's zone: UTC, to the minute. */
export function formatUtc(at: number): string {
  return `${new Date(at).toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/** "just now", "2 min ago", then the local time ("14:05" today, "6 Dec, 14:05" before). */
export function formatRelativeTime(at: number, now: number, options: TimeFormatOptions = {}): string {
  const ago = now - at;
  // A moment a little ahead of this clock (another machine's) is still "just now".
  if (ago < 60_000) return "just now";
  if (ago < RELATIVE_FOR_MS) return `${Math.floor(ago / 60_000)} min ago`;
  return formatLocalTime(at, now, options);
}

/** The local date and time, leaving out the day when it is today and the year when it is this one. */
export function formatLocalTime(
  at: number,
  now: number,
  { locale, timeZone }: TimeFormatOptions = {},
): string {
  const day = (when: number) =>
    new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" }).format(when);
  const year = (when: number) => new Intl.DateTimeFormat("en", { timeZone, year: "numeric" }).format(when);
  const sameDay = day(at) === day(now);
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    ...(sameDay ? {} : { day: "numeric", month: "short" }),
    ...(sameDay || year(at) === year(now) ? {} : { year: "numeric" }),
  }).format(at);
}

/** The exact moment with its zone, for a tooltip: "Sunday 6 December 2026 at 14:05:09 GMT+1". */
export function formatExactTime(at: number, { locale, timeZone }: TimeFormatOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "full", timeStyle: "long" }).format(at);
}
