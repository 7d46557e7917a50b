"use client";

import { type RefObject, useCallback, useEffect, useRef } from "react";

/**
 * Keeps keyboard focus where the person can act: on Stop once a run they started is going, and on
 * Run again once it ends (finished, failed or stopped), when Stop disappears and focus would
 * otherwise fall to `<body>`. Focus that the person moved elsewhere (a link, the question panel)
 * is left alone.
 *
 * `openedOnOwnStart` is asked once, on mount: whether this page opened on a run the person has just
 * started on another page, so Stop should take focus here too.
 */
export function useRunFocus({
  busy,
  form,
  run,
  stop,
  openedOnOwnStart,
}: {
  busy: boolean;
  form: RefObject<HTMLFormElement | null>;
  run: RefObject<HTMLButtonElement | null>;
  stop: RefObject<HTMLButtonElement | null>;
  openedOnOwnStart?: () => boolean;
}) {
  const stopWanted = useRef(false);
  const wasBusy = useRef(busy);

  // Declared before the effect below, so it runs first on mount.
  const askedOnMount = useRef(openedOnOwnStart);
  useEffect(() => {
    if (askedOnMount.current?.()) stopWanted.current = true;
  }, []);

  useEffect(() => {
    if (busy && stopWanted.current && stop.current) {
      stopWanted.current = false;
      stop.current.focus({ preventScroll: true });
    }
    // Without scrolling: the person may be reading the result further down.
    if (wasBusy.current && !busy && focusIsLost(form.current)) run.current?.focus({ preventScroll: true });
    wasBusy.current = busy;
  }, [busy, form, run, stop]);

  /** Call when the person starts a run: Stop takes focus as soon as it shows. */
  const startedByPerson = useCallback(() => {
    stopWanted.current = true;
  }, []);
  return { startedByPerson };
}

/** Focus on nothing (it fell to the body with a removed button) or still in the task form. */
function focusIsLost(form: HTMLFormElement | null): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || (form?.contains(active) ?? false);
}
