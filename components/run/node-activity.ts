import type { NodeActivity } from "@/components/graph/graph-diagram";
import type { StepStatus } from "@/lib/runs/contract";
import type { RunStep } from "./read-run";

/** Which status wins when a node has several tasks: any running one lights the node as running. */
const RANK: Record<StepStatus, number> = { running: 4, waiting: 3, failed: 2, stopped: 1, done: 0 };

/** Each node's activity in the run: its most pressing task status, and how many tasks it ran. */
export function nodeActivity(steps: readonly Pick<RunStep, "node" | "status">[]): Map<string, NodeActivity> {
  const activity = new Map<string, NodeActivity>();
  for (const step of steps) {
    const seen = activity.get(step.node);
    const status = seen && RANK[seen.status] > RANK[step.status] ? seen.status : step.status;
    activity.set(step.node, { status, tasks: (seen?.tasks ?? 0) + 1 });
  }
  return activity;
}
