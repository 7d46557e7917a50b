import { readUIMessageStream } from "ai";
import { describe, expect, it } from "vitest";
import { readRun } from "@/components/run/read-run";
import { type RunChunk, type RunUIMessage, runParts } from "./contract";
import { joinDeltas, readRunSnapshot } from "./run-snapshot";
import type { StoredEvent } from "./store/types";
import { runOfflineToEnd } from "./testing/offline-run";

/** A store holding these events, read as the real stores page through them. */
function storeOf(chunks: readonly RunChunk[]) {
  const events: StoredEvent[] = chunks.map((chunk, index) => ({
    seq: index + 1,
    json: JSON.stringify(chunk),
  }));
  return {
    readEvents: async (_runId: string, afterSeq: number, limit = 1000) =>
      events.filter((event) => event.seq > afterSeq).slice(0, limit),
  };
}

/** What the browser's reader makes of every part one by one: the reference. */
async function readOneByOne(chunks: readonly RunChunk[]): Promise<RunUIMessage | undefined> {
  const stream = new ReadableStream<RunChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let message: RunUIMessage | undefined;
  for await (const snapshot of readUIMessageStream<RunUIMessage>({ stream, onError: () => {} }))
    message = snapshot;
  return message;
}

describe("joinDeltas", () => {
  it("joins each text's deltas into one where its first was, leaving the rest in order", () => {
    const chunks: RunChunk[] = [
      runParts.textStart("a", "task-a"),
      runParts.textDelta("a", "Hel"),
      runParts.textStart("b", "task-b"),
      runParts.textDelta("b", "Par"),
      runParts.textDelta("a", "lo"),
      runParts.textDelta("b", "allel"),
      runParts.textEnd("a"),
      runParts.textEnd("b"),
    ];
    expect(joinDeltas(chunks)).toEqual([
      runParts.textStart("a", "task-a"),
      runParts.textDelta("a", "Hello"),
      runParts.textStart("b", "task-b"),
      runParts.textDelta("b", "Parallel"),
      runParts.textEnd("a"),
      runParts.textEnd("b"),
    ]);
    // The input is left as it was.
    expect(chunks[1]).toEqual(runParts.textDelta("a", "Hel"));
  });

  it("joins a tool call's input deltas", () => {
    const joined = joinDeltas([
      runParts.toolInputStart("c1", "weather", "t"),
      runParts.toolInputDelta("c1", '{"city":'),
      runParts.toolInputDelta("c1", '"Porto"}'),
    ]);
    expect(joined).toEqual([
      runParts.toolInputStart("c1", "weather", "t"),
      runParts.toolInputDelta("c1", '{"city":"Porto"}'),
    ]);
  });
});

describe("readRunSnapshot", () => {
  it("rebuilds a finished run exactly as the browser reads it part by part", async () => {
    const chunks = (await runOfflineToEnd("trip-planner", "Two days in Porto")).map(({ chunk }) => chunk);
    // Pages of 50 events, so the reading goes on across pages.
    const snapshot = await readRunSnapshot(storeOf(chunks), "run-trip-planner", { pageSize: 50 });
    const reference = await readOneByOne(chunks);
    expect(snapshot).toEqual(reference);
    const view = readRun(snapshot, "ready", undefined);
    expect(view.run?.status).toBe("done");
    expect(view.result?.markdown.length).toBeGreaterThan(100);
    expect(view.allSteps.map((step) => step.node)).toEqual(expect.arrayContaining(["lodging", "food"]));
    expect(chunks.length).toBeGreaterThan(100);
  });

  it("rebuilds a run still going from what is stored so far", async () => {
    const chunks = (await runOfflineToEnd("trip-planner", "Two days in Porto")).map(({ chunk }) => chunk);
    const half = chunks.slice(0, Math.floor(chunks.length / 2));
    const view = readRun(await readRunSnapshot(storeOf(half), "run-trip-planner"), "ready", undefined);
    expect(view.run?.status).toBe("running");
    expect(view.allSteps.some((step) => step.status === "running")).toBe(true);
    expect(view.result).toBeUndefined();
  });

  it("leaves a run too large, or not yet begun, to the browser", async () => {
    const chunks = (await runOfflineToEnd("trip-planner", "Two days in Porto")).map(({ chunk }) => chunk);
    expect(await readRunSnapshot(storeOf(chunks), "run-trip-planner", { maxChars: 1_000 })).toBeUndefined();
    expect(await readRunSnapshot(storeOf([]), "run-trip-planner")).toBeUndefined();
  });
});
