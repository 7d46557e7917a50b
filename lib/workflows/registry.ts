import "server-only";
import { articleWriter } from "./article-writer";
import { pitchRefiner } from "./pitch-refiner";
import { reportWriter } from "./report-writer";
import { toolAgent } from "./tool-agent";
import { tripPlanner } from "./trip-planner";
import type { WorkflowSpec } from "./types";

/**
 * Every workflow the app offers, in the order the UI lists them. A workflow is one file under
 * lib/workflows/ that exports its `defineWorkflow(...)`; adding one is its import and one line here
 * (docs/workflows.md).
 */
const workflows: readonly WorkflowSpec[] = [
  articleWriter,
  tripPlanner,
  reportWriter,
  pitchRefiner,
  toolAgent,
];

/** Every workflow, in the order the UI shows them. */
export function listWorkflows(): readonly WorkflowSpec[] {
  return workflows;
}

/** The workflow with this id, or undefined. */
export function findWorkflow(id: string): WorkflowSpec | undefined {
  return workflows.find((spec) => spec.id === id);
}
