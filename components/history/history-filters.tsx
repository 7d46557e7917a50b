import Form from "next/form";
import { runStatusWords } from "@/components/run/status-badge";
import { runStatusSchema } from "@/lib/runs/contract";
import type { RunListFilters } from "@/lib/runs/store/types";

const selectClass = "rounded-md border border-border bg-background px-2 py-1 text-sm max-sm:w-full";

/**
 * Narrows the history by workflow and status: a GET form, so the filters live in the URL
 * (`/runs?workflow=…&status=…`) and work without JavaScript; with it, next/form navigates in place.
 * Each select is keyed by its filter, so following a link to other filters shows them.
 */
export function HistoryFilters({
  filters,
  workflows,
}: {
  filters: RunListFilters;
  workflows: { id: string; title: string }[];
}) {
  return (
    <Form
      action="/runs"
      className="flex flex-wrap items-end gap-3 text-sm"
      data-testid="history-filters"
      aria-label="Filter runs"
    >
      <label className="flex flex-col gap-1 max-sm:flex-1">
        <span className="text-xs text-muted-foreground">Workflow</span>
        <select
          key={filters.workflow ?? ""}
          name="workflow"
          defaultValue={filters.workflow ?? ""}
          className={selectClass}
        >
          <option value="">All workflows</option>
          {workflows.map((workflow) => (
            <option key={workflow.id} value={workflow.id}>
              {workflow.title}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 max-sm:flex-1">
        <span className="text-xs text-muted-foreground">Status</span>
        <select
          key={filters.status ?? ""}
          name="status"
          defaultValue={filters.status ?? ""}
          className={selectClass}
        >
          <option value="">Any status</option>
          {runStatusSchema.options.map((status) => (
            <option key={status} value={status}>
              {runStatusWords[status]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="rounded-md border border-border px-3 py-1 hover:bg-muted">
        Filter
      </button>
    </Form>
  );
}
