/**
 * `npm run bench:layers`: where a run's CPU goes, layer by layer, in one process (no HTTP). Each
 * case is one node's model call or one whole pitch-refiner run with the zero-delay offline model:
 * the model's own cost, LangChain's streaming around it, the LangGraph graph, the executor with
 * its token relay, and the app's run pipeline (UI message stream, run log, SQLite recording, the
 * SSE body); then how long a run takes to its first node event, idle. Run through vitest only for its module resolution (the `@/` alias, `server-only`);
 * it is not part of the test suite. Writes .bench/layers.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { createUIMessageStream } from "ai";
import { expect, it } from "vitest";
import { serverEnv } from "@/lib/env";
import { createModelFactory } from "@/lib/models/factory";
import { OfflineChatModel } from "@/lib/models/offline-model";
import { type ActiveRun, StopReason, startRun } from "@/lib/runs/active-runs";
import type { RunChunk, RunUIMessage } from "@/lib/runs/contract";
import { executeRun } from "@/lib/runs/executor";
import { logSource, runStreamResponse } from "@/lib/runs/run-response";
import { SqliteRunStore } from "@/lib/runs/store/sqlite-store";
import { findWorkflow } from "@/lib/workflows/registry";

// Stamped tokens, as in `npm run bench`, so a run here is the bench's run: seven node tasks (the
// offline editor asks for two revisions of a pitch made of time stamps) and 140 tokens.
Object.assign(process.env, {
  MODEL_PROVIDER: "offline",
  OFFLINE_TOKENS_PER_SECOND: "0",
  OFFLINE_STAMP_TOKENS: "1",
  RUN_TOKEN_BUDGET: "0",
});
const env = serverEnv();
const workflow = findWorkflow("pitch-refiner");
const fileStore = new SqliteRunStore(join(mkdtempSync(join(tmpdir(), "stepstream-layers-")), "runs.db"));
const memoryStore = new SqliteRunStore(":memory:");
const input = "Benchmark run: a weekend in Porto";
const ROUNDS = 7;
const ROUND_MS = 700;

interface LayerCase {
  name: string;
  /** One call; returns the tokens it streamed. */
  once: () => Promise<number>;
}

/**
 * CPU per call of each case. The cases take turns, ROUNDS times ROUND_MS each after a warm-up,
 * and each reports its median round: a shared, noisy host drifts over a minute, and interleaving
 * spreads the drift over every case instead of charging it to whichever ran then.
 */
async function measureAll(cases: LayerCase[]) {
  for (const { once } of cases) for (let index = 0; index < 20; index++) await once();
  const rounds = new Map<string, { cpuMs: number; tokens: number }[]>(cases.map(({ name }) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, once } of cases) {
      const cpuBefore = process.cpuUsage();
      const startedAt = performance.now();
      let calls = 0;
      let tokens = 0;
      while (performance.now() - startedAt < ROUND_MS) {
        tokens += await once();
        calls += 1;
      }
      const cpu = process.cpuUsage(cpuBefore);
      rounds.get(name)?.push({ cpuMs: (cpu.user + cpu.system) / 1000 / calls, tokens: tokens / calls });
    }
  }
  return cases.map(({ name }) => {
    const sorted = [...(rounds.get(name) ?? [])].sort((a, b) => a.cpuMs - b.cpuMs);
    const median = sorted[Math.floor(sorted.length / 2)] ?? { cpuMs: Number.NaN, tokens: Number.NaN };
    const row = {
      name,
      tokensPerCall: median.tokens,
      cpuMsPerCall: median.cpuMs,
      cpuUsPerToken: (median.cpuMs * 1000) / median.tokens,
      spreadMs: [sorted[0]?.cpuMs ?? Number.NaN, sorted.at(-1)?.cpuMs ?? Number.NaN],
    };
    console.log(
      `${name.padEnd(74)} ${row.cpuMsPerCall.toFixed(2).padStart(7)} ms/call ${row.cpuUsPerToken.toFixed(1).padStart(7)} µs/token (${row.tokensPerCall.toFixed(0)} tokens; rounds ${row.spreadMs.map((ms) => ms.toFixed(2)).join("–")} ms)`,
    );
    return row;
  });
}

/** A pitch-refiner run started as the app starts one, recorded in `store`. */
function benchRun(store: SqliteRunStore): Promise<ActiveRun> {
  if (!workflow) throw new Error("no pitch-refiner workflow");
  return startRun(workflow, input, {
    env,
    store,
    runId: crypto.randomUUID(),
    owner: "g_bench-layers-visitor",
  });
}

/** The run's SSE response body, read to its end. */
async function sseBody(run: ActiveRun): Promise<string> {
  const { body } = runStreamResponse({
    runId: run.runId,
    source: logSource(run.log),
    format: "sse",
    heartbeatMs: 10_000,
  });
  return body ? await new Response(body).text() : "";
}

/** The app's whole run pipeline short of HTTP: run log, recording, SSE framing. */
async function wholeRun(store: SqliteRunStore): Promise<number> {
  const run = await benchRun(store);
  const text = await sseBody(run);
  await run.done;
  return text.split('"type":"text-delta"').length - 1;
}

/**
 * One whole run, finished: its parts as its log holds them, and its response's SSE frames as the
 * app frames them (one per part, then `[DONE]`). What the removed layers below carry.
 */
async function recordedRun(): Promise<{ parts: RunChunk[]; frames: string[] }> {
  const run = await benchRun(memoryStore);
  await run.done;
  return {
    parts: run.log.entriesAfter(0).map((entry) => entry.chunk),
    frames: (await sseBody(run)).split(/(?<=\n\n)/),
  };
}

const isToken = (chunk: RunChunk) => chunk.type === "text-delta";

/**
 * The pass-through hop the run pipeline used to have: parts written into `createUIMessageStream`
 * and read out again before the log. Its cost here is what writing straight into the log saved.
 */
async function uiMessageStreamHop(parts: readonly RunChunk[]): Promise<number> {
  const stream = createUIMessageStream<RunUIMessage>({
    execute: ({ writer }) => {
      for (const part of parts) writer.write(part);
    },
  });
  let tokens = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return tokens;
    if (isToken(value as RunChunk)) tokens += 1;
  }
}

/** One more `JSON.stringify` of every part: what serialising once per part, not per reader, saves. */
function serialiseAgain(parts: readonly RunChunk[]): number {
  let tokens = 0;
  for (const part of parts) if (JSON.stringify(part).includes('"text-delta"')) tokens += 1;
  return tokens;
}

/**
 * A loopback server that sends a run's SSE frames either one socket write per part or all of them
 * in one write, and a client reading it to the end; the difference is what coalescing saves when
 * parts come faster than the socket is written (a burst, or zero delay as here).
 */
async function framesServer(frames: readonly string[], tokens: number) {
  const joined = frames.join("");
  const server = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    if (request.url === "/one-write") {
      response.end(joined);
      return;
    }
    for (const frame of frames) response.write(frame);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const read = async (path: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    if (text.length !== joined.length) throw new Error(`${path}: ${text.length} of ${joined.length} bytes`);
    return tokens;
  };
  return { read, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Median and p90 wall-clock ms of `once` over 100 samples after a warm-up, idle process. */
async function latency(name: string, once: () => Promise<number>) {
  for (let index = 0; index < 10; index++) await once();
  const samples: number[] = [];
  for (let index = 0; index < 100; index++) samples.push(await once());
  samples.sort((a, b) => a - b);
  const row = { name, p50Ms: samples[50] ?? Number.NaN, p90Ms: samples[90] ?? Number.NaN };
  console.log(`${name.padEnd(74)} p50 ${row.p50Ms.toFixed(2)} ms, p90 ${row.p90Ms.toFixed(2)} ms`);
  return row;
}

/** From startRun's call to the first `data-step` in the run's log; the run is then stopped. */
async function firstNodeEvent(): Promise<number> {
  const startedAt = performance.now();
  const run = await benchRun(fileStore);
  for (let seq = 0; ; seq++) {
    const entry = await run.log.next(seq);
    if (!entry || entry.chunk.type === "data-step") break;
  }
  const elapsed = performance.now() - startedAt;
  run.stop(StopReason.byUser());
  await run.done;
  return elapsed;
}

/** From graph.stream() to LangGraph's first `tasks` event, for the bare graph. */
async function firstTaskEvent(): Promise<number> {
  if (!workflow) throw new Error("no pitch-refiner workflow");
  const models = await createModelFactory(env);
  const startedAt = performance.now();
  const stream = await workflow
    .build()
    .stream({ task: input }, { streamMode: "tasks", configurable: { models } });
  const iterator = stream[Symbol.asyncIterator]();
  await iterator.next();
  const elapsed = performance.now() - startedAt;
  await iterator.return?.();
  return elapsed;
}

async function count(stream: AsyncIterable<unknown>, isToken: (item: unknown) => boolean = () => true) {
  let tokens = 0;
  for await (const item of stream) if (isToken(item)) tokens += 1;
  return tokens;
}

it("layers", async () => {
  if (!workflow) throw new Error("no pitch-refiner workflow");
  const prompt = [new HumanMessage(`Task: ${input}`)];
  const model = () => new OfflineChatModel({ role: "generate", tokensPerSecond: 0, maxTokens: 4096 });
  const recorded = await recordedRun();
  const { parts } = recorded;
  const frames = await framesServer(recorded.frames, parts.filter(isToken).length);
  const rows = await measureAll([
    {
      name: "model call: the offline model alone (_streamResponseChunks)",
      once: () => count(model()._streamResponseChunks(prompt, {} as never)),
    },
    {
      name: "model call: through LangChain (model.stream)",
      once: async () => count(await model().stream(prompt)),
    },
    {
      name: "run: LangGraph, tasks + messages modes (tokens by LangGraph's callback)",
      once: async () => {
        const models = await createModelFactory(env);
        const stream = await workflow
          .build()
          .stream({ task: input }, { streamMode: ["tasks", "messages", "values"], configurable: { models } });
        return count(stream, (item) => (item as [string])[0] === "messages");
      },
    },
    {
      name: "run: executeRun, tasks mode + the nodes' own relay (what the app runs)",
      once: async () => {
        const models = await createModelFactory(env);
        let tokens = 0;
        await executeRun({
          runId: "layers",
          workflow,
          input,
          models,
          signal: new AbortController().signal,
          write: (chunk) => {
            if (chunk.type === "text-delta") tokens += 1;
          },
        });
        return tokens;
      },
    },
    {
      name: "run: startRun to the end of its SSE body, SQLite in memory",
      once: () => wholeRun(memoryStore),
    },
    {
      name: "run: startRun to the end of its SSE body, SQLite file (what the app runs)",
      once: () => wholeRun(fileStore),
    },
    {
      name: "removed: a run's parts through a createUIMessageStream hop",
      once: () => uiMessageStreamHop(parts),
    },
    {
      name: "removed: a second JSON.stringify of a run's parts",
      once: async () => serialiseAgain(parts),
    },
    {
      name: "HTTP on loopback: a run's SSE frames, one socket write per part",
      once: () => frames.read("/per-part"),
    },
    {
      name: "HTTP on loopback: a run's SSE frames, coalesced into one write",
      once: () => frames.read("/one-write"),
    },
  ]);
  await frames.close();
  // Every layer did the whole of its work: the same tokens reached the end of each.
  for (const row of rows) expect(row.tokensPerCall).toBeGreaterThan(20);
  const firstEvent = [
    await latency("first node event: LangGraph alone, stream() to its first tasks event", firstTaskEvent),
    await latency("first node event: startRun to the first data-step in the run log", firstNodeEvent),
  ];
  mkdirSync(".bench", { recursive: true });
  writeFileSync(
    ".bench/layers.json",
    `${JSON.stringify({ takenAt: new Date().toISOString(), node: process.version, rows, firstEvent }, null, 2)}\n`,
  );
}, 120_000);
