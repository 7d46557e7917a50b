import type { z } from "zod";

/** What each request field is, in a person's words: messages name the thing, not the JSON key. */
const fieldNames: Record<string, string> = {
  workflow: "the workflow",
  input: "the task",
  value: "the answer",
  cursor: "the page cursor",
  limit: "the page size",
};

const typeNames: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

/**
 * zod's error map for request validation: a sentence a person can act on ("The task is missing.")
 * where zod would say `Invalid input: expected string, received undefined` at `["input"]`. A
 * message the schema gives itself (`.min(1, "Describe the task…")`) still wins over these.
 */
export const requestIssueMessage: z.core.$ZodErrorMap = (issue) => {
  const field = nameOf(issue.path ?? []);
  const Field = capitalize(field);
  switch (issue.code) {
    case "invalid_type":
      if ((issue.path ?? []).length === 0 && issue.expected === "object") {
        return "The request body must be a JSON object.";
      }
      if (issue.input === undefined) return `${Field} is missing.`;
      return `${Field} must be ${typeNames[issue.expected] ?? `of type ${issue.expected}`}.`;
    case "too_small":
      return tooSmall(Field, issue.origin, Number(issue.minimum));
    case "too_big":
      return `${Field} can be at most ${amount(issue.origin, Number(issue.maximum))}.`;
    case "unrecognized_keys": {
      const keys = issue.keys.map((key) => `"${key}"`).join(", ");
      return `The request has ${issue.keys.length === 1 ? "a field" : "fields"} it does not take: ${keys}.`;
    }
    case "invalid_value":
      return `${Field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}.`;
    default:
      return `${Field} is not valid.`;
  }
};

function tooSmall(Field: string, origin: string, minimum: number): string {
  if (origin === "string" && minimum <= 1) return `${Field} cannot be empty.`;
  if (origin === "array" && minimum <= 1) return `${Field} needs at least one item.`;
  return `${Field} must be at least ${amount(origin, minimum)}.`;
}

function amount(origin: string, count: number): string {
  const number = count.toLocaleString("en-US");
  if (origin === "string") return `${number} ${count === 1 ? "character" : "characters"} long`;
  if (origin === "array" || origin === "set") return `${number} ${count === 1 ? "item" : "items"}`;
  return number;
}

/** The innermost named field, in words; a field without a name of its own says which one it is. */
function nameOf(path: readonly PropertyKey[]): string {
  const key = path.findLast((segment) => typeof segment === "string");
  if (key === undefined) return "the request";
  return fieldNames[key] ?? `the field "${key}"`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
