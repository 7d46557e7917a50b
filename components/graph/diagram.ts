import type { WorkflowGraph } from "@/lib/workflows/description";

/** LangGraph's names for where a run starts and ends, drawn as dots. */
export const START_NODE = "__start__";
export const END_NODE = "__end__";
/** How round a step's box is at the corners: edges end on the curve. */
export const CORNER_RADIUS = 8;

export interface Point {
  x: number;
  y: number;
}

/** A node placed on the diagram: its box's centre and size, and its rank (row) from the top. */
export interface DiagramNode {
  id: string;
  /** `__start__` and `__end__`, drawn as small dots rather than boxes. */
  terminal: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
  rank: number;
}

/** An edge routed between nodes: a polyline from the source's border to the target's border. */
export interface DiagramEdge {
  source: string;
  target: string;
  conditional: boolean;
  /** Goes back up to the same or an earlier rank: a loop. */
  backward: boolean;
  points: Point[];
}

/**
 * A workflow graph laid out for drawing: still a `WorkflowGraph` (ids, edges, conditions), plus the
 * positions. Plain data, so a Server Component can lay it out once and hand it to the browser.
 */
export interface GraphLayout extends WorkflowGraph {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  width: number;
  height: number;
}

/**
 * The diagram's reading order of its steps: by rank from the top, then left to right, without the
 * start and end dots. Lists of steps (the run's cards) follow it so they read like the picture.
 */
export function nodeOrder(layout: Pick<GraphLayout, "nodes">): string[] {
  return layout.nodes
    .filter((node) => !node.terminal)
    .sort((a, b) => a.rank - b.rank || a.x - b.x)
    .map((node) => node.id);
}

/**
 * An SVG path through a routed edge's points, smoothed as a uniform B-spline (what d3's
 * `curveBasis` draws). The curve stays inside the hull of the polyline the layout routed around
 * the boxes, starts and ends exactly on its first and last points, and leaves and arrives along the
 * first and last legs, so the arrowhead points the way the edge goes.
 */
export function edgePath(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  if (rest.length < 2) return [`M${xy(first)}`, ...rest.map((point) => `L${xy(point)}`)].join(" ");
  const commands = [`M${xy(first)}`, `L${xy(mix(first, 5, points[1] ?? first, 1, 6))}`];
  for (let index = 2; index < points.length; index++) {
    commands.push(
      basisSegment(points[index - 2] ?? first, points[index - 1] ?? first, points[index] ?? first),
    );
  }
  const last = points[points.length - 1] ?? first;
  const beforeLast = points[points.length - 2] ?? first;
  commands.push(basisSegment(beforeLast, last, last), `L${xy(last)}`);
  return commands.join(" ");
}

/** One cubic piece of a uniform B-spline with control points a, b, c. */
function basisSegment(a: Point, b: Point, c: Point): string {
  const control1 = mix(a, 2, b, 1, 3);
  const control2 = mix(a, 1, b, 2, 3);
  const end = { x: (a.x + 4 * b.x + c.x) / 6, y: (a.y + 4 * b.y + c.y) / 6 };
  return `C${xy(control1)} ${xy(control2)} ${xy(end)}`;
}

function mix(a: Point, weightA: number, b: Point, weightB: number, total: number): Point {
  return { x: (weightA * a.x + weightB * b.x) / total, y: (weightA * a.y + weightB * b.y) / total };
}

const round = (value: number) => Math.round(value * 10) / 10;
const xy = (point: Point) => `${round(point.x)},${round(point.y)}`;
