import Link from "next/link";
import { GraphDiagram } from "@/components/graph/graph-diagram";
import { layoutGraph } from "@/components/graph/layout-graph";
import type { WorkflowDescription } from "@/lib/workflows/description";

/** A workflow on the home page: what it does, the pattern it shows, and its graph. */
export function WorkflowCard({ workflow }: { workflow: WorkflowDescription }) {
  return (
    <Link
      href={`/workflows/${workflow.id}`}
      className="group flex flex-col rounded-xl border border-border bg-card p-5 shadow-sm transition hover:border-primary hover:shadow-md"
      data-testid="workflow-card"
    >
      <p className="text-xs font-medium uppercase tracking-wide text-primary">{workflow.pattern}</p>
      <h2 className="mt-1 text-lg font-semibold">{workflow.title}</h2>
      <p className="mt-1 text-sm text-muted-foreground">{workflow.description}</p>
      <div className="mt-4 rounded-lg bg-muted/60 p-2">
        <GraphDiagram graph={layoutGraph(workflow.graph)} compact title={`${workflow.title} graph`} />
      </div>
      <p className="mt-3 text-sm">
        <span className="text-muted-foreground">Try: </span>
        <span className="italic">{workflow.exampleInput}</span>
      </p>
    </Link>
  );
}
