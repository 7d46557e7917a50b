"use client";

import { useEffect, useRef, useState } from "react";
import type { RunStatus } from "@/lib/runs/contract";
import { type AnnouncedState, AnnouncementQueue, runEvents } from "./announcements";
import type { RunStep } from "./read-run";

/**
 * Tells screen readers of every step's start and end, and the run's end, politely and at most once
 * every 1.5 s: changes in between are said together ("lodging, activities and food started.").
 * What was already there when the page opened (a finished run) is not read out again.
 */
export function RunAnnouncer({ steps, status }: { steps: readonly RunStep[]; status?: RunStatus }) {
  // Counted, so the same sentence twice in a row (a loop's second pass) is still read out.
  const [message, setMessage] = useState({ text: "", count: 0 });
  const queue = useRef(new AnnouncementQueue());
  const seen = useRef<AnnouncedState | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!seen.current) {
      seen.current = runEvents({ steps: new Map() }, steps, status).state;
      return;
    }
    const { events, state } = runEvents(seen.current, steps, status);
    seen.current = state;
    if (events.length === 0) return;
    queue.current.push(events);
    const flush = () => {
      timer.current = undefined;
      const sentence = queue.current.take(Date.now());
      if (sentence) setMessage((last) => ({ text: sentence, count: last.count + 1 }));
      const wait = queue.current.wait(Date.now());
      if (wait !== undefined) timer.current = setTimeout(flush, wait);
    };
    if (!timer.current) flush();
  }, [steps, status]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    <p aria-live="polite" className="sr-only" data-testid="run-announcer">
      <span key={message.count}>{message.text}</span>
    </p>
  );
}
