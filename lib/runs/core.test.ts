import { describe, expect, it } from "vitest";
import { startRunRequestSchema } from "@/app/api/runs/schema";
import { AppError } from "@/lib/errors";
import { parseRequest } from "@/lib/http/validate";
import { offlineRevisionsWanted, offlineScore, offlineSectionCount } from "@/lib/models/offline-replies";
import { MAX_OUTLINE_REVISIONS } from "@/lib/workflows/article-writer";
import { MAX_ATTEMPTS, PASSING_SCORE } from "@/lib/workflows/pitch-refiner";
import { type RunChunk, taskIdOfPart } from "./contract";
import { describeRunFailure } from "./run-errors";
import { RunLog } from "./run-log";
import { runOfflineToEnd } from "./testing/offline-run";

async function runOffline(workflowId: string, input: string): Promise<RunChunk[]> {
  return (await runOfflineToEnd(workflowId, input)).map(({ chunk }) => chunk);
}

const startedNodes = (chunks: RunChunk[]) =>
  chunks.flatMap((chunk) =>
    chunk.type === "data-step" && chunk.data.status === "running" ? [chunk.data.node] : [],
  );

const findInput = (predicate: (input: string) => boolean) => {
  for (let index = 0; index < 500; index++) {
    const input = `Topic number ${index}`;
    if (predicate(input)) return input;
  }
  throw new Error("no input found");
};

describe("workflows on the offline model", () => {
  it.each([0, 1, 2, 3])("article writer loops for %i wanted revisions, at most twice", async (wanted) => {
    const input = findInput((candidate) => offlineRevisionsWanted(candidate) === wanted);
    const nodes = startedNodes(await runOffline("article-writer", input));
    const revisions = Math.min(wanted, MAX_OUTLINE_REVISIONS);
    expect(nodes).toEqual([
      "outline",
      "check",
      ...Array(revisions).fill(["revise", "check"]).flat(),
      "draft",
      "polish",
    ]);
  });

  it("trip planner runs three branches before the itinerary", async () => {
    const chunks = await runOffline("trip-planner", "A week in Rome");
    const nodes = startedNodes(chunks);
    expect(nodes.slice(0, 3).sort()).toEqual(["activities", "food", "lodging"]);
    expect(nodes[3]).toBe("itinerary");
  });

  it("report writer sends one worker per planned section", async () => {
    const input = "Is remote work here to stay?";
    const chunks = await runOffline("report-writer", input);
    const sections = chunks.filter(
      (chunk) =>
        chunk.type === "data-step" && chunk.data.node === "section" && chunk.data.status === "running",
    );
    expect(sections).toHaveLength(offlineSectionCount(input));
    const labels = sections.map((chunk) => (chunk.type === "data-step" ? chunk.data.label : undefined));
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("pitch refiner stops at the passing score or the attempt cap", async () => {
    const input = findInput((candidate) => offlineScore(candidate, MAX_ATTEMPTS) < PASSING_SCORE);
    const nodes = startedNodes(await runOffline("pitch-refiner", input));
    expect(nodes.filter((node) => node === "evaluate")).toHaveLength(MAX_ATTEMPTS);
    const early = findInput((candidate) => offlineScore(candidate, 2) >= PASSING_SCORE);
    expect(startedNodes(await runOffline("pitch-refiner", early))).toEqual([
      "generate",
      "evaluate",
      "improve",
      "evaluate",
    ]);
  });

  it("ends every run with one finish, and every token inside its running step", async () => {
    const chunks = await runOffline("report-writer", "How to onboard a new engineer");
    expect(
      chunks.filter((chunk) => ["finish", "abort", "error"].includes(chunk.type)).map((chunk) => chunk.type),
    ).toEqual(["finish"]);
    expect(chunks.at(-1)?.type).toBe("finish");
    const running = new Set<string>();
    const taskOfText = new Map<string, string>();
    for (const chunk of chunks) {
      if (chunk.type === "data-step") {
        if (chunk.data.status === "running") running.add(chunk.data.taskId);
        else {
          running.delete(chunk.data.taskId);
          // The plan's review asks a person, not a model.
          if (chunk.data.node !== "review") expect(chunk.data.usage?.outputTokens).toBeGreaterThan(0);
        }
      }
      if (chunk.type === "text-start") taskOfText.set(chunk.id, taskIdOfPart(chunk) ?? "");
      if (chunk.type === "text-delta") expect(running.has(taskOfText.get(chunk.id) ?? "")).toBe(true);
    }
  });
});

describe("the run log", () => {
  it("numbers parts without gaps and accepts nothing after the terminal one", async () => {
    const log = new RunLog();
    const waiting = log.next(0);
    expect(log.append({ type: "start", messageId: "r" })).toBe(1);
    expect((await waiting)?.seq).toBe(1);
    expect(log.append({ type: "finish" })).toBe(2);
    expect(log.append({ type: "text-delta", id: "t", delta: "late" })).toBeUndefined();
    expect(log.entriesAfter(0).map((entry) => entry.seq)).toEqual([1, 2]);
    expect(await log.next(2)).toBeUndefined();
  });
});

describe("error mapping and validation", () => {
  it("explains Bedrock errors in words a person can act on", () => {
    const named = (name: string) => Object.assign(new Error("raw"), { name });
    expect(describeRunFailure(named("ThrottlingException"))).toMatchObject({
      code: "rate_limited",
      retryable: true,
    });
    expect(describeRunFailure(named("AccessDeniedException"))).toMatchObject({
      code: "model_error",
      retryable: false,
    });
    expect(describeRunFailure(named("ValidationException")).message).toMatch(/BEDROCK_MODEL_ID/);
    expect(describeRunFailure(new Error("secret internals")).message).not.toMatch(/secret/);
  });

  it("says which part of the request is wrong, in words", () => {
    const attempt = (value: unknown) => {
      try {
        parseRequest(startRunRequestSchema, value);
        return undefined;
      } catch (error) {
        return error instanceof AppError ? `${error.code}: ${error.message}` : "other";
      }
    };
    expect(attempt({ workflow: "trip-planner", input: "ok" })).toBeUndefined();
    expect(attempt({ workflow: "trip-planner" })).toBe("bad_request: The task is missing.");
    expect(attempt({ workflow: "trip-planner", input: "x".repeat(4001) })).toMatch(/4,000/);
    expect(attempt({ workflow: "trip-planner", input: "x", extra: 1 })).toMatch(/"extra"/);
    expect(attempt("text")).toMatch(/JSON object/);
  });
});
