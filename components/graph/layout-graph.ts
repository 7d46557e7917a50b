import { Graph, type LayoutOptions, layout } from "@dagrejs/dagre";
import type { WorkflowGraph } from "@/lib/workflows/description";
import {
  CORNER_RADIUS,
  type DiagramEdge,
  type DiagramNode,
  END_NODE,
  type GraphLayout,
  type Point,
  START_NODE,
} from "./diagram";

const NODE_HEIGHT = 34;
const TERMINAL_RADIUS = 7;
/** Room around the drawing, for the focus ring and the arrowheads' tips. */
const MARGIN = 10;
/** Room beside a node for a loop from it to itself. */
const SELF_LOOP_WIDTH = 26;

interface NodeLabel {
  width: number;
  height: number;
  x?: number;
  y?: number;
  rank?: number;
}

interface EdgeLabel {
  width?: number;
  points?: Point[];
  x?: number;
}

const laidOut = new WeakMap<WorkflowGraph, GraphLayout>();

/**
 * Lays a workflow graph out top to bottom with dagre: nodes in ranks, edges routed around the
 * boxes (a loop back up goes beside the nodes between, never behind them), and nodes of one rank
 * left to right in the order the workflow declares them. Deterministic, and memoised per graph
 * object, so a described workflow is laid out once.
 */
export function layoutGraph(graph: WorkflowGraph): GraphLayout {
  let result = laidOut.get(graph);
  if (!result) {
    result = computeLayout(graph);
    laidOut.set(graph, result);
  }
  return result;
}

/**
 * dagre orders each rank to avoid crossings; its picture and its mirror image are equally good, so
 * take whichever keeps the declared order. When neither does, make dagre keep it.
 */
function computeLayout(graph: WorkflowGraph): GraphLayout {
  const ids = graph.nodes.map((node) => node.id);
  const natural = runDagre(graph, {});
  if (orderInversions(natural, ids) === 0) return natural;
  const mirrored = mirror(natural);
  if (orderInversions(mirrored, ids) === 0) return mirrored;
  return runDagre(graph, { constraints: declaredOrder(ids) });
}

function runDagre(graph: WorkflowGraph, options: LayoutOptions): GraphLayout {
  const dagreGraph = new Graph<Record<string, unknown>, NodeLabel, EdgeLabel>({ multigraph: true });
  dagreGraph.setGraph({ rankdir: "TB", nodesep: 28, edgesep: 14, ranksep: 38 });
  const ids = graph.nodes.map((node) => node.id);
  for (const id of ids) dagreGraph.setNode(id, nodeSize(id));
  graph.edges.forEach((edge, index) => {
    const self = edge.source === edge.target;
    dagreGraph.setEdge(edge.source, edge.target, self ? { width: SELF_LOOP_WIDTH } : {}, String(index));
  });
  layout(dagreGraph, options);

  const ranks = [...new Set(ids.map((id) => dagreGraph.node(id).rank ?? 0))].sort((a, b) => a - b);
  const nodes: DiagramNode[] = ids.map((id) => {
    const { x = 0, y = 0, width, height, rank = 0 } = dagreGraph.node(id);
    return { id, terminal: isTerminal(id), x, y, width, height, rank: ranks.indexOf(rank) };
  });
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const edges: DiagramEdge[] = graph.edges.map((edge, index) => {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) throw new Error(`Edge ${edge.source} -> ${edge.target} names an unknown node`);
    const label = dagreGraph.edge(edge.source, edge.target, String(index));
    const points =
      source === target
        ? selfLoop(source, label?.x ?? source.x + 1)
        : clipEnds(label?.points ?? [], source, target);
    return { ...edge, backward: target.rank <= source.rank, points };
  });
  return fitted(nodes, edges);
}

/**
 * Moves the drawing to a margin from the top left and measures it. dagre's own size leaves out
 * the bends of edges routed around the outside of the boxes, so this measures the points too.
 */
function fitted(nodes: DiagramNode[], edges: DiagramEdge[]): GraphLayout {
  const corners = nodes.flatMap((node) => [
    { x: node.x - node.width / 2, y: node.y - node.height / 2 },
    { x: node.x + node.width / 2, y: node.y + node.height / 2 },
  ]);
  const all = [...corners, ...edges.flatMap((edge) => edge.points)];
  if (all.length === 0) return { nodes, edges, width: 0, height: 0 };
  const left = Math.min(...all.map((point) => point.x)) - MARGIN;
  const top = Math.min(...all.map((point) => point.y)) - MARGIN;
  const move = (point: Point): Point => ({ x: round(point.x - left), y: round(point.y - top) });
  return {
    nodes: nodes.map((node) => ({ ...node, ...move(node) })),
    edges: edges.map((edge) => ({ ...edge, points: edge.points.map(move) })),
    width: Math.ceil(Math.max(...all.map((point) => point.x)) - left + MARGIN),
    height: Math.ceil(Math.max(...all.map((point) => point.y)) - top + MARGIN),
  };
}

/** How many pairs of steps in one rank stand in the opposite order to the one declared. */
function orderInversions(laidOut: GraphLayout, ids: readonly string[]): number {
  const steps = laidOut.nodes.filter((node) => !node.terminal);
  let inversions = 0;
  for (const a of steps) {
    for (const b of steps) {
      if (a.rank === b.rank && ids.indexOf(a.id) < ids.indexOf(b.id) && a.x > b.x) inversions++;
    }
  }
  return inversions;
}

/** The same drawing flipped left to right. */
function mirror(laidOut: GraphLayout): GraphLayout {
  const flip = (point: Point): Point => ({ x: round(laidOut.width - point.x), y: point.y });
  return {
    ...laidOut,
    nodes: laidOut.nodes.map((node) => ({ ...node, ...flip(node) })),
    edges: laidOut.edges.map((edge) => ({ ...edge, points: edge.points.map(flip) })),
  };
}

/** Keeps the declared order within a rank: every node stays left of the ones declared after it. */
function declaredOrder(ids: readonly string[]) {
  return ids.flatMap((left, index) => ids.slice(index + 1).map((right) => ({ left, right })));
}

function nodeSize(id: string): { width: number; height: number } {
  if (isTerminal(id)) return { width: 2 * TERMINAL_RADIUS, height: 2 * TERMINAL_RADIUS };
  // Room for the label at 13px and a " ×12" count of tasks; a long name widens its box.
  return { width: Math.max(88, Math.round((id.length + 4) * 7.4 + 20)), height: NODE_HEIGHT };
}

const isTerminal = (id: string) => id === START_NODE || id === END_NODE;

/**
 * dagre ends edges on a node's bounding box, on the line from its centre. Boxes have round corners
 * and the start and end nodes are dots, so move each end along that line onto the shape drawn.
 */
function clipEnds(points: Point[], source: DiagramNode, target: DiagramNode): Point[] {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2) return points;
  const onShape = (node: DiagramNode, end: Point) =>
    node.terminal ? onCircle(node, end) : onRoundedCorner(node, end);
  return [onShape(source, first), ...points.slice(1, -1), onShape(target, last)];
}

/** Where the line from a box's centre through `end`, a point on its outline, meets the rounded corner. */
function onRoundedCorner(node: DiagramNode, end: Point): Point {
  const straightX = node.width / 2 - CORNER_RADIUS;
  const straightY = node.height / 2 - CORNER_RADIUS;
  const dx = end.x - node.x;
  const dy = end.y - node.y;
  if (Math.abs(dx) <= straightX || Math.abs(dy) <= straightY) return end;
  // The corner's circle, centred at (fx, fy) from the node's centre: solve |t·d − f| = radius for t.
  const fx = Math.sign(dx) * straightX;
  const fy = Math.sign(dy) * straightY;
  const a = dx * dx + dy * dy;
  const b = -2 * (fx * dx + fy * dy);
  const c = fx * fx + fy * fy - CORNER_RADIUS * CORNER_RADIUS;
  const t = (-b + Math.sqrt(Math.max(0, b * b - 4 * a * c))) / (2 * a);
  return { x: node.x + t * dx, y: node.y + t * dy };
}

function onCircle(centre: Point, toward: Point): Point {
  const dx = toward.x - centre.x;
  const dy = toward.y - centre.y;
  const length = Math.hypot(dx, dy) || 1;
  return { x: centre.x + (dx / length) * TERMINAL_RADIUS, y: centre.y + (dy / length) * TERMINAL_RADIUS };
}

/**
 * A loop from a node to itself, out of one side and back in, in the room dagre kept beside the
 * node for it (dagre's own points for a self-loop cross the box).
 */
function selfLoop(node: DiagramNode, roomCentre: number): Point[] {
  const side = roomCentre < node.x ? -1 : 1;
  const edge = node.x + (side * node.width) / 2;
  const far = edge + side * SELF_LOOP_WIDTH;
  const middle = (edge + far) / 2;
  return [
    { x: edge, y: node.y - 6 },
    { x: middle, y: node.y - node.height / 2 },
    { x: far, y: node.y },
    { x: middle, y: node.y + node.height / 2 },
    { x: edge, y: node.y + 6 },
  ];
}

const round = (value: number) => Math.round(value * 10) / 10;
