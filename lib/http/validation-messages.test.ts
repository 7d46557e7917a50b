import { describe, expect, it } from "vitest";
import { z } from "zod";
import { resumeRunRequestSchema } from "@/app/api/runs/[id]/resume/schema";
import { listRunsQuerySchema, startRunRequestSchema } from "@/app/api/runs/schema";
import { requestIssueMessage } from "./validation-messages";

/** The first message zod gives with our error map, as parseRequest reports it. */
const firstMessage = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value, { error: requestIssueMessage });
  if (result.success) throw new Error("expected a refusal");
  return result.error.issues[0]?.message;
};

describe("requestIssueMessage", () => {
  it("names a missing field by what it is, not by its JSON key", () => {
    expect(firstMessage(startRunRequestSchema, { workflow: "trip-planner" })).toBe("The task is missing.");
    expect(firstMessage(startRunRequestSchema, { input: "Porto" })).toBe("The workflow is missing.");
  });

  it("says what a value of the wrong type should be", () => {
    expect(firstMessage(startRunRequestSchema, { workflow: "trip-planner", input: ["Porto"] })).toBe(
      "The task must be text.",
    );
    expect(firstMessage(z.strictObject({ limit: z.number().int() }), { limit: "ten" })).toBe(
      "The page size must be a number.",
    );
  });

  it("asks for a JSON object when the body is something else", () => {
    expect(firstMessage(startRunRequestSchema, "Porto")).toBe("The request body must be a JSON object.");
    expect(firstMessage(startRunRequestSchema, null)).toBe("The request body must be a JSON object.");
  });

  it("gives the bounds of a number or a text in words", () => {
    expect(firstMessage(listRunsQuerySchema, { limit: "99" })).toBe("The page size can be at most 50.");
    expect(firstMessage(listRunsQuerySchema, { limit: "0" })).toBe("The page size must be at least 1.");
    expect(firstMessage(startRunRequestSchema, { workflow: "w".repeat(65), input: "Porto" })).toBe(
      "The workflow can be at most 64 characters long.",
    );
    expect(firstMessage(z.object({ cursor: z.string().min(3) }), { cursor: "ab" })).toBe(
      "The page cursor must be at least 3 characters long.",
    );
    expect(firstMessage(z.object({ cursor: z.string().min(1) }), { cursor: "" })).toBe(
      "The page cursor cannot be empty.",
    );
  });

  it("lists the fields a request does not take", () => {
    expect(firstMessage(startRunRequestSchema, { workflow: "x", input: "y", model: "gpt" })).toBe(
      'The request has a field it does not take: "model".',
    );
  });

  it("says which values are allowed", () => {
    expect(firstMessage(z.object({ value: z.enum(["approve", "reject"]) }), { value: "maybe" })).toBe(
      'The answer must be one of "approve", "reject".',
    );
  });

  it("calls a field it has no words for by its name, and the innermost one when nested", () => {
    expect(firstMessage(z.object({ extra: z.object({ depth: z.boolean() }) }), { extra: { depth: 1 } })).toBe(
      'The field "depth" must be true or false.',
    );
    expect(firstMessage(z.object({ list: z.array(z.string()) }), { list: [1] })).toBe(
      'The field "list" must be text.',
    );
  });

  it("leaves a message the schema gives itself alone", () => {
    expect(firstMessage(startRunRequestSchema, { workflow: "trip-planner", input: "  " })).toBe(
      "Describe the task for the workflow.",
    );
    expect(firstMessage(resumeRunRequestSchema, {})).toBe("Give an answer to the question.");
  });
});
