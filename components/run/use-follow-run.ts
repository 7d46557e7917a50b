"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Keys that move the view: pressing one means the person is reading, or going, somewhere of their
 * own. Tab counts: moving focus scrolls the page to it, and following would snatch it back.
 */
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " ", "Tab"]);

/** The key goes to a field or a control (typing, or Space pressing a button), not to the page. */
function keyStaysInControl(event: KeyboardEvent): boolean {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (event.key === "Tab") return false;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return true;
  return event.key === " " && ["BUTTON", "SUMMARY", "A"].includes(target.tagName);
}

/**
 * Keeps the run's newest active element (the step running last, then the result) in sight while
 * the run streams, until the person scrolls on their own: the wheel, a touch drag, a scroll key,
 * or a press on the scrollbar stops following, and `follow()` takes it up again. Scrolling done
 * here fires none of those events, so it never stops itself.
 */
export function useFollowRun(targetId: string | undefined, live: boolean, version: unknown) {
  const [following, setFollowingState] = useState(true);
  // Read by the scrolling effect: a render already under way when the person scrolled must not
  // scroll after them (an instant scroll would also cut their own scroll short).
  const followingNow = useRef(true);
  const setFollowing = useCallback((value: boolean) => {
    followingNow.current = value;
    setFollowingState(value);
  }, []);

  useEffect(() => {
    if (!live) return;
    // A run that starts (or is taken up again) is followed afresh.
    setFollowing(true);
    const stop = () => setFollowing(false);
    const onKey = (event: KeyboardEvent) => {
      if (SCROLL_KEYS.has(event.key) && !keyStaysInControl(event)) stop();
    };
    const onPointer = (event: MouseEvent) => {
      // A press right of the page's content box lands on the window's scrollbar.
      if (event.clientX >= document.documentElement.clientWidth) stop();
    };
    window.addEventListener("wheel", stop, { passive: true });
    window.addEventListener("touchmove", stop, { passive: true });
    window.addEventListener("keydown", onKey);
    window.addEventListener("mousedown", onPointer);
    return () => {
      window.removeEventListener("wheel", stop);
      window.removeEventListener("touchmove", stop);
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("mousedown", onPointer);
    };
  }, [live, setFollowing]);

  // `version` changes as the run grows (new steps, more text): the target is brought back in sight.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the trigger, not an input
  useEffect(() => {
    if (!following || !followingNow.current || !targetId) return;
    const target = document.getElementById(targetId);
    if (!target) return;
    // Only when it has left the window, and at once, not animated: the text grows many times a
    // second, and a page forever gliding would leave nothing (not even Stop) still to click.
    const { top, bottom } = target.getBoundingClientRect();
    if (top >= 0 && bottom <= window.innerHeight) return;
    target.scrollIntoView({
      block: bottom - top > window.innerHeight ? "start" : "nearest",
      behavior: "instant",
    });
  }, [following, targetId, version]);

  const follow = useCallback(() => setFollowing(true), [setFollowing]);
  const unfollow = useCallback(() => setFollowing(false), [setFollowing]);
  return { following, follow, unfollow };
}
