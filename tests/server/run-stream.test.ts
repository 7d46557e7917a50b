import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { postRun, type TimedChunk, terminalTypes } from "../support/read-stream";
import { TestVisitor } from "../support/visitor";

const TOKENS_PER_SECOND = 50;
let server: AppServer;
/** The visitor every request of these tests comes from. */
let you: TestVisitor;

beforeAll(async () => {
  server = await startAppServer({
    OFFLINE_TOKENS_PER_SECOND: String(TOKENS_PER_SECOND),
    HEARTBEAT_MS: "10000",
  });
  you = await TestVisitor.arrive(server.url);
  // Latency is judged on a warm server; the cold start has its own benchmark.
  await postRun(you, { workflow: "pitch-refiner", input: "warm-up" });
});
afterAll(async () => {
  await server?.stop();
});

const stepsOf = (chunks: TimedChunk[]) =>
  chunks.flatMap(({ at, chunk }) =>
    chunk.type === "data-step"
      ? [{ at, ...(chunk.data as { taskId: string; node: string; status: string }) }]
      : [],
  );

describe("the run stream over real HTTP", () => {
  it("sends the first node event at once and spreads the rest over the run", async () => {
    const { response, chunks } = await postRun(you, {
      workflow: "trip-planner",
      input: "Two days in Porto",
    });
    expect(response.status).toBe(200);
    const firstStep = chunks.find(({ chunk }) => chunk.type === "data-step");
    const deltas = chunks.filter(({ chunk }) => chunk.type === "text-delta");
    const last = chunks.at(-1);
    expect(last?.chunk.type).toBe("finish");
    // "At once" relative to the run, so it holds on a loaded machine: the first node event comes
    // in the first tenth of the run, before any of its text (the benchmark times it in ms). A
    // server holding events back would send it with the rest, near the end. (A twentieth failed
    // once, at 5.03 %, with two builds and a profiler sharing the two cores.)
    expect((firstStep?.at ?? Number.POSITIVE_INFINITY) / (last?.at ?? 1)).toBeLessThan(0.1);
    expect(firstStep?.at).toBeLessThanOrEqual(deltas[0]?.at ?? 0);
    const runTime = (last?.at ?? 0) - (firstStep?.at ?? 0);
    // At 50 tokens/s a run lasts seconds; if events were buffered they would all land at the end.
    expect(runTime).toBeGreaterThan(1000);
    const inFirstHalf = deltas.filter(({ at }) => at < (firstStep?.at ?? 0) + runTime / 2).length;
    expect(inFirstHalf / deltas.length).toBeGreaterThan(0.3);
    const inLastTenth = deltas.filter(({ at }) => at > (last?.at ?? 0) - runTime / 10).length;
    expect(inLastTenth / deltas.length).toBeLessThan(0.4);
  });

  it("interleaves the tokens of parallel branches", async () => {
    const { chunks } = await postRun(you, { workflow: "trip-planner", input: "A weekend in Ghent" });
    const steps = stepsOf(chunks);
    const branchIds = ["lodging", "activities", "food"].map(
      (node) => steps.find((step) => step.node === node && step.status === "running")?.taskId,
    );
    const order = chunks.flatMap(({ chunk }) => (chunk.type === "text-delta" ? [chunk.id] : []));
    const [lodging] = branchIds;
    const firstLodging = order.indexOf(lodging ?? "");
    const lastLodging = order.lastIndexOf(lodging ?? "");
    const between = new Set(order.slice(firstLodging, lastLodging));
    for (const id of branchIds) expect(between.has(id ?? "")).toBe(true);
    // All three start before any of them finishes.
    const firstDone = Math.min(...steps.filter((step) => step.status === "done").map((step) => step.at));
    const starts = steps.filter((step) => step.status === "running" && branchIds.includes(step.taskId));
    expect(starts).toHaveLength(3);
    for (const start of starts) expect(start.at).toBeLessThan(firstDone);
  });

  it("numbers every SSE event and ends with exactly one terminal event", async () => {
    const response = await you.fetch(`${server.url}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ workflow: "pitch-refiner", input: "A kettle that texts you" }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("content-length")).toBeNull();
    expect(response.headers.get("x-run-id")).toMatch(/^[0-9a-f-]{36}$/);
    const text = await response.text();
    const events = text.split("\n\n").filter((block) => block.startsWith("id: "));
    const ids = events.map((block) => Number(/^id: (\d+)/.exec(block)?.[1]));
    expect(ids).toEqual(ids.map((_, index) => index + 1));
    const types = events.map(
      (block) => (JSON.parse(block.split("\ndata: ")[1] ?? "{}") as { type: string }).type,
    );
    expect(types.filter((type) => terminalTypes.has(type))).toEqual(["finish"]);
    expect(types.at(-1)).toBe("finish");
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("speaks NDJSON with seq numbers to curl users", async () => {
    const response = await you.fetch(`${server.url}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify({ workflow: "pitch-refiner", input: "A kettle that texts you" }),
    });
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { seq?: number; type: string });
    const numbered = lines.filter((line) => line.seq !== undefined);
    expect(numbered.map((line) => line.seq)).toEqual(numbered.map((_, index) => index + 1));
    expect(numbered.at(-1)?.type).toBe("finish");
  });

  it("stops a run within a second and streams no tokens after the stop", async () => {
    let stopAnswered: Promise<Response> | undefined;
    let stopSentAt = 0;
    const { chunks } = await postRun(
      you,
      { workflow: "article-writer", input: "Why naps help programmers" },
      {
        onChunk: ({ chunk, at }, runId) => {
          if (!stopAnswered && chunk.type === "text-delta") {
            stopSentAt = at;
            stopAnswered = you.fetch(`${server.url}/api/runs/${runId}/stop`, { method: "POST" });
          }
        },
      },
    );
    const stopResponse = await stopAnswered;
    expect(stopResponse?.status).toBe(200);
    const terminal = chunks.at(-1);
    expect(terminal?.chunk.type).toBe("abort");
    expect((terminal?.at ?? 0) - stopSentAt).toBeLessThan(1000);
    expect(chunks.filter(({ chunk }) => terminalTypes.has(chunk.type))).toHaveLength(1);
    const run = chunks.filter(({ chunk }) => chunk.type === "data-run").at(-1)?.chunk as {
      data: { status: string };
    };
    expect(run.data.status).toBe("stopped");
    // Tokens already in flight may land just after the stop request; none once the run says stopped.
    const stoppedIndex = chunks.findIndex(
      ({ chunk }) => chunk.type === "data-run" && (chunk.data as { status: string }).status === "stopped",
    );
    expect(chunks.slice(stoppedIndex).some(({ chunk }) => chunk.type === "text-delta")).toBe(false);
    // The article has five nodes at 50 tokens/s; a stopped run must not have finished them.
    expect(stepsOf(chunks).some((step) => step.node === "polish")).toBe(false);

    const again = await you.fetch(
      `${server.url}/api/runs/${chunks[0] && (chunks[0].chunk as { messageId?: string }).messageId}/stop`,
      {
        method: "POST",
      },
    );
    expect(again.status).toBe(409);
  });

  it("answers the health check and describes the workflows", async () => {
    const health = await you.fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", model: { provider: "offline" } });

    const listing = (await (await you.fetch(`${server.url}/api/workflows`)).json()) as {
      workflows: Array<{
        id: string;
        graph: { nodes: Array<{ id: string }>; edges: Array<{ source: string; target: string }> };
      }>;
    };
    expect(listing.workflows.map((workflow) => workflow.id)).toEqual([
      "article-writer",
      "trip-planner",
      "report-writer",
      "pitch-refiner",
      "tool-agent",
    ]);
    const trip = listing.workflows.find((workflow) => workflow.id === "trip-planner");
    expect(trip?.graph.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: "__start__", target: "lodging" }),
        expect.objectContaining({ source: "food", target: "itinerary" }),
      ]),
    );
  });
});
