import { describeAllWorkflows } from "@/lib/workflows/describe";
import type { WorkflowGraph } from "@/lib/workflows/description";
import { END_NODE, START_NODE } from "./diagram";

/** A graph from edges written `a -> b` (or `a ?> b` for a conditional one), nodes in first mention. */
export function graphOf(...edges: string[]): WorkflowGraph {
  const parsed = edges.map((edge) => {
    const [source = "", arrow, target = ""] = edge.split(" ");
    return { source, target, conditional: arrow === "?>" };
  });
  const ids = new Set([START_NODE, ...parsed.flatMap((edge) => [edge.source, edge.target]), END_NODE]);
  ids.delete(END_NODE);
  return { nodes: [...ids, END_NODE].map((id) => ({ id })), edges: parsed };
}

const workers = ["w1", "w2", "w3", "w4", "w5"];
const chain = Array.from({ length: 12 }, (_, index) => `step${index + 1}`);

/** Shapes the built-in workflows do not have yet, for the ones added later. */
export const synthetic: Record<string, WorkflowGraph> = {
  "a loop back over two steps": graphOf(
    "__start__ -> draft",
    "draft -> critique",
    "critique -> score",
    "score ?> draft",
    "score ?> __end__",
  ),
  "a fan-out of five": graphOf(
    "__start__ -> split",
    ...workers.map((worker) => `split -> ${worker}`),
    ...workers.map((worker) => `${worker} -> join`),
    "join -> __end__",
  ),
  "a long chain": graphOf(
    `__start__ -> ${chain[0]}`,
    ...chain.slice(1).map((id, index) => `${chain[index]} -> ${id}`),
    `${chain.at(-1)} -> __end__`,
  ),
  // The loop runs out toward a neighbour in its rank.
  "a self-loop": graphOf(
    "__start__ -> retry",
    "__start__ -> notify",
    "retry ?> retry",
    "retry ?> report",
    "notify -> report",
    "report -> __end__",
  ),
  // Declared so that no order is free of crossings: a left of b, but b's step left of a's.
  "steps declared against the flow": graphOf(
    "__start__ -> left",
    "__start__ -> right",
    "right -> under_right",
    "left -> under_left",
    "under_left -> __end__",
    "under_right -> __end__",
  ),
  "a loop over a fan-out, and a skip to the end": graphOf(
    "__start__ -> plan",
    "plan -> research",
    "plan -> outline",
    "plan -> budget",
    "research -> merge",
    "outline -> merge",
    "budget -> merge",
    "merge ?> plan",
    "merge ?> __end__",
    "plan ?> __end__",
  ),
};

/** The built-in workflows' graphs, read from their compiled LangGraph graphs as the app reads them. */
export async function registryGraphs(): Promise<Map<string, WorkflowGraph>> {
  const workflows = await describeAllWorkflows();
  return new Map(workflows.map((workflow) => [workflow.id, workflow.graph]));
}
