import { END_NODE, START_NODE, type WorkflowGraph } from "@/lib/workflows/description";

export interface PlacedNode {
  id: string;
  layer: number;
  slot: number;
}

export interface PlacedEdge {
  source: string;
  target: string;
  conditional: boolean;
  /** Goes back to an earlier layer: a loop. */
  backward: boolean;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  layers: number;
  widest: number;
}

/**
 * Places a workflow graph in layers from start to end: each node one layer below the deepest
 * node that leads to it (loops ignored), so parallel branches share a layer and sit side by side.
 */
export function layoutGraph(graph: WorkflowGraph): GraphLayout {
  const outgoing = new Map<string, string[]>();
  for (const edge of graph.edges)
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge.target]);

  const order = depthFirstOrder(START_NODE, outgoing);
  const position = new Map(order.map((id, index) => [id, index]));
  const layer = new Map<string, number>([[START_NODE, 0]]);
  for (const id of order) {
    for (const target of outgoing.get(id) ?? []) {
      if ((position.get(target) ?? 0) <= (position.get(id) ?? 0)) continue; // a loop back
      layer.set(target, Math.max(layer.get(target) ?? 0, (layer.get(id) ?? 0) + 1));
    }
  }
  const nodeIds = graph.nodes.map((node) => node.id).filter((id) => layer.has(id));
  const lastLayer = Math.max(0, ...nodeIds.filter((id) => id !== END_NODE).map((id) => layer.get(id) ?? 0));
  if (layer.has(END_NODE)) layer.set(END_NODE, lastLayer + 1);

  const slots = new Map<number, number>();
  const nodes = nodeIds.map((id) => {
    const nodeLayer = layer.get(id) ?? 0;
    const slot = slots.get(nodeLayer) ?? 0;
    slots.set(nodeLayer, slot + 1);
    return { id, layer: nodeLayer, slot };
  });
  const edges = graph.edges.map((edge) => ({
    ...edge,
    backward: (layer.get(edge.target) ?? 0) <= (layer.get(edge.source) ?? 0),
  }));
  return { nodes, edges, layers: Math.max(0, ...slots.keys()) + 1, widest: Math.max(1, ...slots.values()) };
}

/** Nodes in reverse post-order from the start: every forward edge points later in the list. */
function depthFirstOrder(start: string, outgoing: Map<string, string[]>): string[] {
  const visited = new Set<string>();
  const postOrder: string[] = [];
  const visit = (id: string) => {
    visited.add(id);
    for (const target of outgoing.get(id) ?? []) if (!visited.has(target)) visit(target);
    postOrder.push(id);
  };
  visit(start);
  return postOrder.reverse();
}
