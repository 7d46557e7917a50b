import { z } from "zod";
import { runStatusSchema } from "./contract";
import type { RunListFilters } from "./store/types";

/** How the registry spells a workflow id: lower-case words joined by hyphens. */
const WORKFLOW_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A form sends an empty field for "any": it narrows nothing. */
const blankAsAbsent = (value: unknown) => (value === "" ? undefined : value);

/**
 * The history's filters as a query string carries them (`?workflow=&status=`), shared by
 * GET /api/runs and the history page so both read them alike.
 */
export const runListFiltersSchema = z.object({
  workflow: z.preprocess(
    blankAsAbsent,
    z
      .string()
      .max(64, "The workflow filter is a workflow id of at most 64 characters.")
      .regex(WORKFLOW_ID, "The workflow filter names a workflow by its id, like trip-planner.")
      .optional(),
  ),
  status: z.preprocess(
    blankAsAbsent,
    z
      .enum(runStatusSchema.options, {
        error: `The status filter is one of ${runStatusSchema.options.join(", ")}.`,
      })
      .optional(),
  ),
});

/**
 * The filters a page URL asks for, leaving out any value that is not a filter (a hand-edited URL
 * shows the unfiltered history rather than an error page).
 */
export function readRunListFilters(params: Record<string, string | string[] | undefined>): RunListFilters {
  const { shape } = runListFiltersSchema;
  const text = (name: string) => (typeof params[name] === "string" ? params[name] : undefined);
  const workflow = shape.workflow.safeParse(text("workflow"));
  const status = shape.status.safeParse(text("status"));
  return {
    workflow: workflow.success ? workflow.data : undefined,
    status: status.success ? status.data : undefined,
  };
}

/** The query string for a history page with these filters (and cursor), `?` included when any. */
export function runListQuery(filters: RunListFilters, cursor?: string): string {
  const query = new URLSearchParams();
  if (filters.workflow) query.set("workflow", filters.workflow);
  if (filters.status) query.set("status", filters.status);
  if (cursor) query.set("cursor", cursor);
  const text = query.toString();
  return text ? `?${text}` : "";
}
