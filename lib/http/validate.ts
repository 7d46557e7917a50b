import type { z } from "zod";
import { AppError } from "@/lib/errors";

/** Parses a value with a zod schema, or throws a 400 that names the first offending field. */
export function parseRequest<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new AppError("bad_request", "The request is not valid.");
  const field = issue.path.join(".");
  if (issue.code === "unrecognized_keys") {
    throw new AppError("bad_request", `Unknown field ${issue.keys.map((key) => `"${key}"`).join(", ")}.`);
  }
  if (issue.code === "invalid_type" && !field) {
    throw new AppError("bad_request", "The request body must be a JSON object.");
  }
  throw new AppError("bad_request", field ? `"${field}": ${issue.message}` : issue.message);
}
