import type { StepStatus } from "@/lib/runs/contract";
import { END_NODE, START_NODE, type WorkflowGraph } from "@/lib/workflows/description";
import { layoutGraph, type PlacedNode } from "./layout-graph";

export interface NodeActivity {
  status: StepStatus;
  /** How many tasks of this node have run: a loop's passes, or parallel workers. */
  tasks: number;
}

const NODE_WIDTH = 116;
const NODE_HEIGHT = 34;
const LAYER_GAP = 58;
const SLOT_GAP = 20;
const TERMINAL_RADIUS = 7;

const statusStyle: Record<StepStatus | "idle", { fill: string; stroke: string; text: string }> = {
  idle: { fill: "#f8fafc", stroke: "#cbd5e1", text: "#475569" },
  running: { fill: "#dbeafe", stroke: "#2563eb", text: "#1e3a8a" },
  waiting: { fill: "#ede9fe", stroke: "#7c3aed", text: "#4c1d95" },
  done: { fill: "#dcfce7", stroke: "#16a34a", text: "#14532d" },
  failed: { fill: "#fee2e2", stroke: "#dc2626", text: "#7f1d1d" },
  stopped: { fill: "#fef3c7", stroke: "#d97706", text: "#78350f" },
};

/**
 * The workflow's graph, drawn from its derived nodes and edges. With `activity` it shows a live
 * run: nodes light up as they run, finish or fail, and parallel branches light up together.
 */
export function GraphDiagram({
  graph,
  activity,
  compact = false,
  title,
}: {
  graph: WorkflowGraph;
  activity?: ReadonlyMap<string, NodeActivity>;
  compact?: boolean;
  title: string;
  /** Told which node was clicked (the run view scrolls to its step); wired by the graph's own change. */
  onSelectNode?: (nodeId: string) => void;
}) {
  const layout = layoutGraph(graph);
  const width = layout.widest * NODE_WIDTH + (layout.widest - 1) * SLOT_GAP + 40;
  const height = (layout.layers - 1) * LAYER_GAP + NODE_HEIGHT + 20;
  const perLayer = new Map<number, number>();
  for (const node of layout.nodes) perLayer.set(node.layer, (perLayer.get(node.layer) ?? 0) + 1);

  const centre = (node: PlacedNode) => {
    const count = perLayer.get(node.layer) ?? 1;
    const rowWidth = count * NODE_WIDTH + (count - 1) * SLOT_GAP;
    return {
      x: (width - rowWidth) / 2 + node.slot * (NODE_WIDTH + SLOT_GAP) + NODE_WIDTH / 2,
      y: 10 + node.layer * LAYER_GAP + NODE_HEIGHT / 2,
    };
  };
  const at = new Map(layout.nodes.map((node) => [node.id, centre(node)]));
  const isTerminal = (id: string) => id === START_NODE || id === END_NODE;

  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className={compact ? "h-40 w-full" : "h-auto w-full max-h-[28rem]"}
      role="img"
      aria-label={title}
      data-testid="graph-diagram"
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#94a3b8" />
        </marker>
      </defs>
      {layout.edges.map((edge) => {
        const from = at.get(edge.source);
        const to = at.get(edge.target);
        if (!from || !to) return null;
        const startY = from.y + (isTerminal(edge.source) ? TERMINAL_RADIUS : NODE_HEIGHT / 2);
        const endY = to.y - (isTerminal(edge.target) ? TERMINAL_RADIUS : NODE_HEIGHT / 2);
        const path = edge.backward
          ? `M${from.x + NODE_WIDTH / 2},${from.y} C${from.x + NODE_WIDTH},${from.y} ${to.x + NODE_WIDTH},${to.y} ${to.x + NODE_WIDTH / 2},${to.y}`
          : `M${from.x},${startY} C${from.x},${(startY + endY) / 2} ${to.x},${(startY + endY) / 2} ${to.x},${endY}`;
        return (
          <path
            key={`${edge.source}->${edge.target}`}
            d={path}
            fill="none"
            stroke="#94a3b8"
            strokeWidth={1.5}
            strokeDasharray={edge.conditional ? "4 3" : undefined}
            markerEnd="url(#arrow)"
          />
        );
      })}
      {layout.nodes.map((node) => {
        const point = at.get(node.id);
        if (!point) return null;
        if (isTerminal(node.id)) {
          return <circle key={node.id} cx={point.x} cy={point.y} r={TERMINAL_RADIUS} fill="#64748b" />;
        }
        const nodeActivity = activity?.get(node.id);
        const style = statusStyle[nodeActivity?.status ?? "idle"];
        return (
          <g key={node.id} data-node={node.id} data-status={nodeActivity?.status ?? "idle"}>
            <rect
              x={point.x - NODE_WIDTH / 2}
              y={point.y - NODE_HEIGHT / 2}
              width={NODE_WIDTH}
              height={NODE_HEIGHT}
              rx={8}
              fill={style.fill}
              stroke={style.stroke}
              strokeWidth={nodeActivity?.status === "running" ? 2.5 : 1.5}
              className={nodeActivity?.status === "running" ? "animate-pulse" : undefined}
            />
            <text
              x={point.x}
              y={point.y + 4}
              textAnchor="middle"
              fontSize={13}
              fontFamily="ui-sans-serif, system-ui"
              fill={style.text}
            >
              {node.id}
              {nodeActivity && nodeActivity.tasks > 1 ? ` ×${nodeActivity.tasks}` : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
