import { z } from "zod";
import { MAX_INPUT_CHARS } from "@/lib/runs/limits";
import { runListFiltersSchema } from "@/lib/runs/run-list-filters";

/** The body of `POST /api/runs`. */
export const startRunRequestSchema = z.strictObject({
  workflow: z.string().trim().min(1, "Choose a workflow.").max(64),
  input: z
    .string()
    .trim()
    .min(1, "Describe the task for the workflow.")
    .max(MAX_INPUT_CHARS, `Keep the task to at most ${MAX_INPUT_CHARS.toLocaleString("en-US")} characters.`),
});

export type StartRunRequest = z.infer<typeof startRunRequestSchema>;

/** The query of `GET /api/runs`: a page of the visitor's runs, narrowed as the history page is. */
export const listRunsQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  ...runListFiltersSchema.shape,
});
