"use client";

import { useCallback, useRef } from "react";
import type { RunStep } from "./read-run";
import { latestStepOfNode, newestRunningStep, RESULT_ELEMENT_ID, stepElementId } from "./step-anchor";
import { useFollowRun } from "./use-follow-run";

/** Opens a step's card (and any card it sits in), brings it into view and puts focus on it. */
function revealStep(taskId: string): boolean {
  const card = document.getElementById(stepElementId({ taskId }));
  if (!card) return false;
  for (
    let around = card.closest("details");
    around;
    around = around.parentElement?.closest("details") ?? null
  ) {
    around.open = true;
  }
  const own = card.querySelector("details");
  if (own) own.open = true;
  card.scrollIntoView({ block: "start", behavior: "smooth" });
  card.querySelector("summary")?.focus({ preventScroll: true });
  return true;
}

/**
 * Where the run view keeps the reader: following the newest running step while the run streams
 * (then its result, for a run watched live), and any step on request (a waterfall bar, a node in
 * the diagram), which ends following until the person asks for it again.
 */
export function useRunNavigation({
  allSteps,
  hasResult,
  live,
}: {
  allSteps: readonly RunStep[];
  hasResult: boolean;
  live: boolean;
}) {
  const watchedLive = useRef(false);
  if (live) watchedLive.current = true;
  const newest = newestRunningStep(allSteps);
  const target = newest
    ? stepElementId(newest)
    : hasResult && watchedLive.current
      ? RESULT_ELEMENT_ID
      : undefined;
  const { following, follow, unfollow } = useFollowRun(target, live, allSteps);

  const showStep = useCallback(
    (taskId: string) => {
      if (revealStep(taskId)) unfollow();
    },
    [unfollow],
  );
  const showNode = useCallback(
    (node: string) => {
      const step = latestStepOfNode(allSteps, node);
      if (step) showStep(step.taskId);
    },
    [allSteps, showStep],
  );
  /** "Jump to result": the result into view and focus (a screen reader reads it next). */
  const showResult = useCallback(() => {
    const section = document.getElementById(RESULT_ELEMENT_ID);
    if (!section) return;
    unfollow();
    section.scrollIntoView({ block: "start", behavior: "smooth" });
    section.focus({ preventScroll: true });
  }, [unfollow]);
  return { following, follow, showStep, showNode, showResult };
}
