import { z } from "zod";
import { MAX_INPUT_CHARS } from "@/lib/runs/limits";
import type { RunnableWorkflowGraph, WorkflowSpec } from "./types";

/** The task a workflow takes: trimmed text within the app's limit, described for `GET /api/workflows`. */
export const taskInput = (what: string) => z.string().trim().min(1).max(MAX_INPUT_CHARS).describe(what);

/**
 * A workflow for the app: its graph builder (any compiled LangGraph graph) and what the UI says
 * of it, typed by the graph's state; the app reads every spec through the general shape.
 */
export function defineWorkflow<State>(
  spec: Omit<WorkflowSpec<State>, "build"> & { build: () => unknown },
): WorkflowSpec {
  return { ...spec, build: () => spec.build() as RunnableWorkflowGraph } as unknown as WorkflowSpec;
}
