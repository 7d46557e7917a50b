import { z } from "zod";
import { MAX_INPUT_CHARS } from "@/lib/runs/limits";

/** The body of `POST /api/runs`. */
export const startRunRequestSchema = z.strictObject({
  workflow: z.string().trim().min(1, "Choose a workflow.").max(64),
  input: z
    .string()
    .trim()
    .min(1, "Describe the task for the workflow.")
    .max(MAX_INPUT_CHARS, `Keep the task under ${MAX_INPUT_CHARS} characters.`),
});

export type StartRunRequest = z.infer<typeof startRunRequestSchema>;
