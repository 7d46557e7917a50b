import type { RunStep } from "./read-run";

/**
 * Groups steps whose run times overlap, so tasks that ran in parallel (fan-out branches, `Send`
 * workers) sit side by side and sequential steps stack. Within a group, steps follow the graph's
 * node order (`nodeOrder`, the workflow's node ids in the order the diagram draws them), so the
 * cards read in the same order as the diagram; tasks of one node keep their start order.
 */
export function groupParallelSteps(
  steps: readonly RunStep[],
  nodeOrder: readonly string[] = [],
): RunStep[][] {
  const ordered = [...steps].sort((a, b) => a.startedAt - b.startedAt);
  const groups: RunStep[][] = [];
  let groupEnd = Number.NEGATIVE_INFINITY;
  for (const step of ordered) {
    const stepEnd = step.endedAt ?? Number.POSITIVE_INFINITY;
    const current = groups.at(-1);
    if (current && step.startedAt < groupEnd) {
      current.push(step);
      groupEnd = Math.max(groupEnd, stepEnd);
    } else {
      groups.push([step]);
      groupEnd = stepEnd;
    }
  }
  return groups.map((group) => orderByNodes(group, nodeOrder));
}

/** Steps in the graph's node order; nodes the order does not name come last, by start. */
export function orderByNodes(steps: readonly RunStep[], nodeOrder: readonly string[]): RunStep[] {
  const rank = (node: string) => {
    const index = nodeOrder.indexOf(node);
    return index === -1 ? nodeOrder.length : index;
  };
  return [...steps].sort((a, b) => rank(a.node) - rank(b.node) || a.startedAt - b.startedAt);
}
