import type { StepPart } from "@/lib/runs/contract";

/** The element id of a step's card: stable for the task, safe in a URL fragment and a selector. */
export function stepElementId(step: Pick<StepPart, "taskId">): string {
  return `step-${step.taskId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** The element id of the run's result. */
export const RESULT_ELEMENT_ID = "run-result";

/** The node's most recent task (a loop's last pass): where a click on the node in the diagram goes. */
export function latestStepOfNode<Step extends Pick<StepPart, "node" | "startedAt">>(
  steps: readonly Step[],
  node: string,
): Step | undefined {
  let latest: Step | undefined;
  for (const step of steps) {
    if (step.node === node && (!latest || step.startedAt >= latest.startedAt)) latest = step;
  }
  return latest;
}

/** The step that started last of those still running: the one the view follows. */
export function newestRunningStep<Step extends Pick<StepPart, "status" | "startedAt">>(
  steps: readonly Step[],
): Step | undefined {
  let newest: Step | undefined;
  for (const step of steps) {
    if (step.status === "running" && (!newest || step.startedAt >= newest.startedAt)) newest = step;
  }
  return newest;
}
