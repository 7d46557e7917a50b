import "server-only";
import { z } from "zod";
import type { WorkflowDescription, WorkflowGraph } from "./description";
import { findWorkflow, listWorkflows } from "./registry";
import type { WorkflowSpec } from "./types";

const described = new Map<string, Promise<WorkflowDescription>>();

/** Describes one workflow for the UI and API; the graph is read from the compiled graph once. */
export function describeWorkflow(spec: WorkflowSpec): Promise<WorkflowDescription> {
  let description = described.get(spec.id);
  if (!description) {
    description = readGraph(spec).then((graph) => ({
      id: spec.id,
      title: spec.title,
      pattern: spec.pattern,
      description: spec.description,
      exampleInput: spec.exampleInput,
      inputSchema: z.toJSONSchema(spec.inputSchema) as Record<string, unknown>,
      graph,
    }));
    described.set(spec.id, description);
  }
  return description;
}

/** Every workflow's description, in registry order. */
export function describeAllWorkflows(): Promise<WorkflowDescription[]> {
  return Promise.all(listWorkflows().map(describeWorkflow));
}

/** One workflow's description, or undefined for an unknown id. */
export async function describeWorkflowById(id: string): Promise<WorkflowDescription | undefined> {
  const spec = findWorkflow(id);
  return spec ? describeWorkflow(spec) : undefined;
}

async function readGraph(spec: WorkflowSpec): Promise<WorkflowGraph> {
  const graph = await spec.build().getGraphAsync();
  return {
    nodes: Object.values(graph.nodes).map((node) => ({ id: node.id })),
    edges: graph.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      conditional: Boolean(edge.conditional),
    })),
  };
}
