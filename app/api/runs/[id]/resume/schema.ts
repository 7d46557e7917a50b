import { z } from "zod";

/**
 * The body of `POST /api/runs/{id}/resume`: the person's answer to the run's question, passed to
 * the node as `interrupt()`'s return value. The UI sends `{ action: "approve" }`,
 * `{ action: "edit", payload }` or `{ action: "reject", reason }`; any JSON value is accepted.
 */
export const resumeRunRequestSchema = z.strictObject({
  value: z.unknown().refine((value) => value !== undefined, "Give an answer to the question."),
});
