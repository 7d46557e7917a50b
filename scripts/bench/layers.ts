/**
 * `npm run bench:layers`: where a run's CPU goes, layer by layer, in one process (no HTTP). Each
 * case is one node's model call or one whole pitch-refiner run with the zero-delay offline model:
 * the model's own cost, LangChain's streaming around it, the LangGraph graph, the executor with
 * its token relay, and the app's run pipeline (UI message stream, run log, SQLite recording, the
 * SSE body). Run through vitest only for its module resolution (the `@/` alias, `server-only`);
 * it is not part of the test suite. Writes .bench/layers.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HumanMessage } from "@langchain/core/messages";
import { expect, it } from "vitest";
import { serverEnv } from "@/lib/env";
import { createModelFactory } from "@/lib/models/factory";
import { OfflineChatModel } from "@/lib/models/offline-model";
import { startRun } from "@/lib/runs/active-runs";
import { executeRun } from "@/lib/runs/executor";
import { logSource, runStreamResponse } from "@/lib/runs/run-response";
import { SqliteRunStore } from "@/lib/runs/store/sqlite-store";
import { findWorkflow } from "@/lib/workflows/registry";

Object.assign(process.env, {
  MODEL_PROVIDER: "offline",
  OFFLINE_TOKENS_PER_SECOND: "0",
  RUN_TOKEN_BUDGET: "0",
});
const env = serverEnv();
const workflow = findWorkflow("pitch-refiner");
const fileStore = new SqliteRunStore(join(mkdtempSync(join(tmpdir(), "stepstream-layers-")), "runs.db"));
const memoryStore = new SqliteRunStore(":memory:");
const input = "Benchmark run: a weekend in Porto";
const WINDOW_MS = 3_000;

/** Runs `once` (which returns the tokens it streamed) for a window after a warm-up; CPU per call. */
async function measure(name: string, once: () => Promise<number>) {
  for (let index = 0; index < 20; index++) await once();
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  let calls = 0;
  let tokens = 0;
  while (performance.now() - startedAt < WINDOW_MS) {
    tokens += await once();
    calls += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / calls;
  const row = {
    name,
    calls,
    tokensPerCall: tokens / calls,
    cpuMsPerCall,
    cpuUsPerToken: (cpuMsPerCall * 1000 * calls) / tokens,
  };
  console.log(
    `${name.padEnd(74)} ${cpuMsPerCall.toFixed(2).padStart(7)} ms/call ${row.cpuUsPerToken.toFixed(1).padStart(7)} µs/token (${row.tokensPerCall.toFixed(0)} tokens)`,
  );
  return row;
}

/** The app's whole run pipeline short of HTTP: UI message stream, run log, recording, SSE framing. */
async function wholeRun(store: SqliteRunStore): Promise<number> {
  if (!workflow) throw new Error("no pitch-refiner workflow");
  const run = await startRun(workflow, input, { env, store });
  const body = runStreamResponse({
    runId: run.runId,
    source: logSource(run.log),
    format: "sse",
    heartbeatMs: 10_000,
  }).body;
  const text = body ? await new Response(body).text() : "";
  await run.done;
  return text.split('"type":"text-delta"').length - 1;
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
  const rows = [
    await measure("model call: the offline model alone (_streamResponseChunks)", () =>
      count(model()._streamResponseChunks(prompt, {} as never)),
    ),
    await measure("model call: through LangChain (model.stream)", async () =>
      count(await model().stream(prompt)),
    ),
    await measure("run: LangGraph, tasks + messages modes (tokens by LangGraph's callback)", async () => {
      const models = await createModelFactory(env);
      const stream = await workflow
        .build()
        .stream({ task: input }, { streamMode: ["tasks", "messages", "values"], configurable: { models } });
      return count(stream, (item) => (item as [string])[0] === "messages");
    }),
    await measure("run: executeRun, tasks mode + the nodes' own relay (what the app runs)", async () => {
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
    }),
    await measure("run: startRun to the end of its SSE body, SQLite in memory", () => wholeRun(memoryStore)),
    await measure("run: startRun to the end of its SSE body, SQLite file (what the app runs)", () =>
      wholeRun(fileStore),
    ),
  ];
  // Every layer did the whole of its work: the same tokens reached the end of each.
  for (const row of rows) expect(row.tokensPerCall).toBeGreaterThan(20);
  mkdirSync(".bench", { recursive: true });
  writeFileSync(
    ".bench/layers.json",
    `${JSON.stringify({ takenAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
  );
}, 120_000);
