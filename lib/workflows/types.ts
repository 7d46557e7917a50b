import type { z } from "zod";

/** The shape every compiled workflow graph offers the executor and the registry. */
export interface RunnableWorkflowGraph {
  /** The default retry policy for every node (LangGraph's Pregel reads it when a node has none). */
  retryPolicy?: unknown;
  /** Where the graph keeps its state between a pause (`interrupt()`) and its resume. */
  checkpointer?: unknown;
  stream(input: unknown, options: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
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
  /**
   * Set when every node calls the model through the project's `askModel` helper, which streams
   * its tokens to the run directly: the run then attaches no callback handler to the graph, which
   * saves the callbacks' cost on every token. Leave it unset for graphs that call models the
   * usual way (their tokens and tool calls stream through the handler).
   */
  relaysAllModelCalls?: boolean;
  /**
   * Set when a node may call LangGraph's `interrupt()` to ask a person: the run then keeps the
   * graph's state in the run store between the pause and the resume.
   */
  asksPeople?: boolean;
}
