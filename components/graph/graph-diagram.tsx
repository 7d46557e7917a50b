import type { KeyboardEvent } from "react";
import type { StepStatus } from "@/lib/runs/contract";
import { CORNER_RADIUS, type DiagramNode, edgePath, type GraphLayout } from "./diagram";

export interface NodeActivity {
  status: StepStatus;
  /** How many tasks of this node have run: a loop's passes, or parallel workers. */
  tasks: number;
}

const statusStyle: Record<StepStatus | "idle", { fill: string; stroke: string; text: string }> = {
  idle: { fill: "#f8fafc", stroke: "#cbd5e1", text: "#475569" },
  running: { fill: "#dbeafe", stroke: "#2563eb", text: "#1e3a8a" },
  waiting: { fill: "#ede9fe", stroke: "#7c3aed", text: "#4c1d95" },
  done: { fill: "#dcfce7", stroke: "#16a34a", text: "#14532d" },
  failed: { fill: "#fee2e2", stroke: "#dc2626", text: "#7f1d1d" },
  stopped: { fill: "#fef3c7", stroke: "#d97706", text: "#78350f" },
};

const EDGE_COLOUR = "#94a3b8";

/**
 * The workflow's graph, drawn from its layout (`layoutGraph`): boxes in ranks, edges as smooth
 * curves along the routes the layout found around the boxes, conditional edges dashed. With
 * `activity` it shows a live run: nodes light up as they run, finish or fail, and parallel
 * branches light up together. With `onSelectNode` each step is a button that reports its id.
 */
export function GraphDiagram({
  graph,
  activity,
  compact = false,
  title,
  onSelectNode,
}: {
  graph: GraphLayout;
  activity?: ReadonlyMap<string, NodeActivity>;
  compact?: boolean;
  title: string;
  onSelectNode?: (nodeId: string) => void;
}) {
  // Several diagrams can share a page (the home page's cards), and marker ids are page-wide.
  const arrowId = `arrow-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <svg
      viewBox={`0 0 ${graph.width} ${graph.height}`}
      className={compact ? "h-40 w-full" : "h-auto w-full max-h-[28rem]"}
      // An image's parts are hidden from assistive technology; buttons must not be.
      role={onSelectNode ? "group" : "img"}
      aria-label={title}
      data-testid="graph-diagram"
    >
      <defs>
        <marker
          id={arrowId}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" fill={EDGE_COLOUR} />
        </marker>
      </defs>
      {graph.edges.map((edge, index) => (
        <path
          // Two edges may join the same pair of nodes (a plain and a conditional one).
          // biome-ignore lint/suspicious/noArrayIndexKey: edges have no id, and their list never reorders
          key={index}
          d={edgePath(edge.points)}
          fill="none"
          stroke={EDGE_COLOUR}
          strokeWidth={1.5}
          strokeDasharray={edge.conditional ? "4 3" : undefined}
          markerEnd={`url(#${arrowId})`}
          data-source={edge.source}
          data-target={edge.target}
        />
      ))}
      {graph.nodes.map((node) =>
        node.terminal ? (
          <circle
            key={node.id}
            cx={node.x}
            cy={node.y}
            r={node.width / 2}
            fill="#64748b"
            data-node={node.id}
          />
        ) : (
          <StepNode key={node.id} node={node} activity={activity?.get(node.id)} onSelect={onSelectNode} />
        ),
      )}
    </svg>
  );
}

function StepNode({
  node,
  activity,
  onSelect,
}: {
  node: DiagramNode;
  activity?: NodeActivity;
  onSelect?: (nodeId: string) => void;
}) {
  const status = activity?.status ?? "idle";
  const style = statusStyle[status];
  const left = node.x - node.width / 2;
  const top = node.y - node.height / 2;
  const control = onSelect && {
    role: "button",
    tabIndex: 0,
    "aria-label": `Show the ${node.id} step`,
    className: "group cursor-pointer outline-none",
    onClick: () => onSelect(node.id),
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault(); // Space would scroll the page as well
      onSelect(node.id);
    },
  };
  return (
    <g data-node={node.id} data-status={status} {...control}>
      {control && (
        <rect
          x={left - 4}
          y={top - 4}
          width={node.width + 8}
          height={node.height + 8}
          rx={CORNER_RADIUS + 3}
          fill="none"
          stroke="#0f172a"
          strokeWidth={2}
          className="opacity-0 group-focus-visible:opacity-100"
          data-focus-ring=""
        />
      )}
      <rect
        x={left}
        y={top}
        width={node.width}
        height={node.height}
        rx={CORNER_RADIUS}
        fill={style.fill}
        stroke={style.stroke}
        strokeWidth={status === "running" ? 2.5 : 1.5}
        className={status === "running" ? "animate-pulse" : undefined}
      />
      <text
        x={node.x}
        y={node.y + 4}
        textAnchor="middle"
        fontSize={13}
        fontFamily="ui-sans-serif, system-ui"
        fill={style.text}
      >
        {node.id}
        {activity && activity.tasks > 1 ? ` ×${activity.tasks}` : ""}
      </text>
    </g>
  );
}
