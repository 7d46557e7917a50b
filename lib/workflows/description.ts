import { z } from "zod";
import type { GraphLayout } from "@/components/graph/diagram";
import { layoutGraph } from "@/components/graph/layout-graph";

/** A workflow's graph as data: derived from the compiled LangGraph graph, never written by hand. */
export const workflowGraphSchema = z.object({
  nodes: z.array(z.object({ id: z.string() })),
  edges: z.array(z.object({ source: z.string(), target: z.string(), conditional: z.boolean() })),
});
export type WorkflowGraph = z.infer<typeof workflowGraphSchema>;

/** What `GET /api/workflows` returns for each workflow, and what the UI draws. */
export const workflowDescriptionSchema = z.object({
  id: z.string(),
  title: z.string(),
  pattern: z.string(),
  description: z.string(),
  exampleInput: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
  graph: workflowGraphSchema,
});
export type WorkflowDescription = z.infer<typeof workflowDescriptionSchema>;

/**
 * What the run view (a Client Component) needs of a workflow. Only plain data may cross from a
 * Server Component to a Client Component, and zod's JSON Schema objects are not plain; the view
 * needs none of the rest anyway. Its graph comes laid out, so the layout library stays on the
 * server and out of the browser's bundle.
 */
export type RunViewWorkflow = Pick<WorkflowDescription, "id" | "title" | "exampleInput"> & {
  graph: GraphLayout;
};

export function toRunViewWorkflow({ id, title, exampleInput, graph }: WorkflowDescription): RunViewWorkflow {
  return { id, title, exampleInput, graph: layoutGraph(graph) };
}
