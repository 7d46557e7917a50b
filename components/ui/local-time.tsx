"use client";

import { useSyncExternalStore } from "react";
import { formatExactTime, formatLocalTime, formatRelativeTime, formatUtc } from "./time-format";

/** Relative wording goes by the minute; half of that keeps it at most half a minute behind. */
const TICK_MS = 30_000;

/**
 * One clock for every LocalTime on the page: a single interval while any is shown. The server
 * has no reader's clock or zone (undefined), so hydration renders what the server did, and React
 * then re-renders with the browser's clock: no hydration mismatch.
 */
let now = 0;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  if (timer === undefined) {
    // The clock may have stood still since the last one went; React reads it again after this.
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The same value between ticks, as useSyncExternalStore requires of a snapshot. */
function clientNow(): number {
  if (now === 0) now = Date.now();
  return now;
}

const serverNow = (): number | undefined => undefined;

/**
 * A moment in the reader's own zone: "2 min ago", then the local date and time
 * (`relative={false}` for the date and time straight away), with the exact time and zone on
 * hover. The server renders it in UTC inside the same `<time dateTime>`.
 */
export function LocalTime({
  at,
  relative = true,
  className,
}: {
  at: number;
  relative?: boolean;
  className?: string;
}) {
  const current = useSyncExternalStore(subscribe, clientNow, serverNow);
  const iso = new Date(at).toISOString();
  if (current === undefined) {
    return (
      <time dateTime={iso} className={className}>
        {formatUtc(at)}
      </time>
    );
  }
  return (
    <time dateTime={iso} title={formatExactTime(at)} className={className}>
      {relative ? formatRelativeTime(at, current) : formatLocalTime(at, current)}
    </time>
  );
}
