import { describe, expect, it } from "vitest";
import { listRunsQuerySchema } from "@/app/api/runs/schema";
import { AppError } from "@/lib/errors";
import { parseRequest } from "@/lib/http/validate";
import { readRunListFilters, runListQuery } from "./run-list-filters";

const refusal = (query: Record<string, string>) => {
  try {
    parseRequest(listRunsQuerySchema, query);
  } catch (error) {
    return error instanceof AppError ? { code: error.code, message: error.message } : error;
  }
  return undefined;
};

describe("the history's filters", () => {
  it("reads a workflow and a status from GET /api/runs's query, with the page's cursor and limit", () => {
    expect(
      parseRequest(listRunsQuerySchema, {
        workflow: "trip-planner",
        status: "done",
        cursor: "abc",
        limit: "5",
      }),
    ).toEqual({ workflow: "trip-planner", status: "done", cursor: "abc", limit: 5 });
    // A form's "any" sends an empty field: it narrows nothing.
    expect(parseRequest(listRunsQuerySchema, { workflow: "", status: "" })).toEqual({ limit: 20 });
  });

  it("refuses an unknown status and a malformed workflow as bad requests that say what is wrong", () => {
    expect(refusal({ status: "finished" })).toEqual({
      code: "bad_request",
      message: "The status filter is one of running, waiting, done, failed, stopped, interrupted, expired.",
    });
    expect(refusal({ workflow: "Trip Planner" })).toEqual({
      code: "bad_request",
      message: "The workflow filter names a workflow by its id, like trip-planner.",
    });
    expect(refusal({ workflow: "-trip" })).toMatchObject({ code: "bad_request" });
    expect(refusal({ workflow: "a".repeat(65) })).toMatchObject({ code: "bad_request" });
    expect(refusal({ owner: "someone-else" })).toMatchObject({ code: "bad_request" });
  });

  it("reads a page URL's filters, leaving out what is not one", () => {
    expect(readRunListFilters({ workflow: "pitch-refiner", status: "waiting", cursor: "x" })).toEqual({
      workflow: "pitch-refiner",
      status: "waiting",
    });
    expect(readRunListFilters({ workflow: "<script>", status: "nope" })).toEqual({
      workflow: undefined,
      status: undefined,
    });
    expect(readRunListFilters({ workflow: ["a", "b"], status: "" })).toEqual({
      workflow: undefined,
      status: undefined,
    });
  });

  it("writes the query string of a filtered page, and none for the plain one", () => {
    expect(runListQuery({})).toBe("");
    expect(runListQuery({ status: "running" })).toBe("?status=running");
    expect(runListQuery({ workflow: "trip-planner", status: "done" }, "a+b/c")).toBe(
      "?workflow=trip-planner&status=done&cursor=a%2Bb%2Fc",
    );
  });
});
