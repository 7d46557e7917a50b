import type { z } from "zod";

/** The shape every compiled workflow graph offers the executor and the registry. */
export interface RunnableWorkflowGraph {
  /** The default retry policy for every node (LangGraph's Pregel reads it when a node has none). */
  retryPolicy?: unknown;
  stream(input: { task: string }, options: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getGraphAsync(): Promise<{
    nodes: Record<string, { id: string }>;
    edges: Array<{ source: string; target: string; conditional?: boolean }>;
  }>;
}

/** One showcase workflow: what the UI and API say about it, and how to build and read its graph. */
export interface WorkflowSpec<State = Record<string, unknown>> {
  id: string;
  title: string;
  /** The LangGraph pattern it demonstrates, e.g. "Parallel fan-out / fan-in". */
  pattern: string;
  description: string;
  exampleInput: string;
  /** Validates the task text; its JSON Schema is published by `GET /api/workflows`. */
  inputSchema: z.ZodString;
  build(): RunnableWorkflowGraph;
  /** The run's final output, as markdown, from the graph's final state. */
  result(state: State): string;
  /** Tells apart tasks of one node (a worker's section, a loop's attempt) from the task's input. */
  stepLabel?(node: string, input: State): string | undefined;
  /** A one-line account of what a finished task decided, from the update it returned. */
  stepSummary?(node: string, update: Partial<State>): string | undefined;
}
