import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { requestIssueMessage } from "./validation-messages";

/**
 * Parses a value with a zod schema, or throws a 400 whose message is a sentence about the first
 * problem ("The task is missing."), not a JSON path (lib/http/validation-messages.ts).
 */
export function parseRequest<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  const result = schema.safeParse(value, { error: requestIssueMessage });
  if (result.success) return result.data;
  throw new AppError("bad_request", result.error.issues[0]?.message ?? "The request is not valid.");
}
