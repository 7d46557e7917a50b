import { parseJsonEventStream, readUIMessageStream, type UIMessageChunk, uiMessageChunkSchema } from "ai";
import { describe, expect, it } from "vitest";
import { createModelFactory } from "@/lib/models/factory";
import { findWorkflow } from "@/lib/workflows/registry";
import { type RunUIMessage, taskIdOfPart } from "./contract";
import { executeRun } from "./executor";
import { RunLog } from "./run-log";
import { logSource, pickStreamFormat, runStreamResponse, type StreamFormat } from "./run-response";

/** A finished trip-planner run on the offline model, logged as the server logs it. */
async function loggedRun(): Promise<RunLog> {
  const workflow = findWorkflow("trip-planner");
  if (!workflow) throw new Error("trip-planner is not registered");
  const log = new RunLog();
  await executeRun({
    runId: "run-1",
    workflow,
    input: "A weekend in Ghent",
    models: await createModelFactory({
      MODEL_PROVIDER: "offline",
      OFFLINE_TOKENS_PER_SECOND: 0,
      MODEL_MAX_TOKENS: 1024,
      AWS_REGION: "us-east-1",
    }),
    signal: new AbortController().signal,
    write: (chunk) => log.append(chunk),
  });
  return log;
}

const respond = (
  log: RunLog,
  format: StreamFormat,
  extra: { afterSeq?: number; onCancel?: () => void } = {},
) => runStreamResponse({ runId: "run-1", source: logSource(log), format, heartbeatMs: 10_000, ...extra });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sseEvents = (body: string) => body.split("\n\n").filter((event) => event.length > 0);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses an SSE body with the AI SDK's own parser and schema, as `useChat` does. */
function parsedChunks(body: ReadableStream<Uint8Array>): ReadableStream<UIMessageChunk> {
  return parseJsonEventStream({ stream: body, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream({
      transform(result, controller) {
        if (!result.success) throw result.error;
        controller.enqueue(result.value);
      },
    }),
  );
}

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    items.push(value);
  }
}

describe("pickStreamFormat", () => {
  it("picks NDJSON only when asked for it", () => {
    expect(pickStreamFormat("application/x-ndjson")).toBe("ndjson");
    expect(pickStreamFormat("application/x-ndjson, text/event-stream;q=0.5")).toBe("ndjson");
    expect(pickStreamFormat("text/event-stream")).toBe("sse");
    expect(pickStreamFormat("*/*")).toBe("sse");
    expect(pickStreamFormat(null)).toBe("sse");
  });
});

describe("runStreamResponse", () => {
  it.each(["sse", "ndjson"] as const)("sends streaming headers (%s)", (format) => {
    const log = new RunLog();
    log.append({ type: "finish" });
    const response = respond(log, format);
    expect(response.headers.get("Content-Type")).toBe(
      format === "sse" ? "text/event-stream; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    );
    expect(response.headers.get("Cache-Control")).toBe("no-cache, no-transform");
    expect(response.headers.get("X-Accel-Buffering")).toBe("no");
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("x-run-id")).toBe("run-1");
    expect(response.headers.has("Content-Length")).toBe(false);
  });

  it("frames every part as an SSE event with its sequence number, then [DONE]", async () => {
    const log = await loggedRun();
    const body = await respond(log, "sse").text();
    const events = sseEvents(body);
    expect(events.at(-1)).toBe("data: [DONE]");

    const frames = events.slice(0, -1);
    expect(frames).toHaveLength(log.lastSeq);
    frames.forEach((frame, index) => {
      const [idLine, dataLine, ...rest] = frame.split("\n");
      expect(rest).toEqual([]);
      expect(idLine).toBe(`id: ${index + 1}`);
      expect(dataLine?.startsWith("data: ")).toBe(true);
      expect(JSON.parse(dataLine?.slice("data: ".length) ?? "")).toEqual(log.entriesAfter(index)[0]?.chunk);
    });
  });

  it("parses with the AI SDK and reduces to a message with reconciled steps and whole texts", async () => {
    const log = await loggedRun();
    const chunks = await collect(parsedChunks(respond(log, "sse").body ?? new ReadableStream()));
    expect(chunks.map((chunk) => chunk.type)).toEqual(log.entriesAfter(0).map((entry) => entry.chunk.type));

    let message: RunUIMessage | undefined;
    for await (const state of readUIMessageStream<RunUIMessage>({
      stream: parsedChunks(respond(log, "sse").body ?? new ReadableStream()),
      terminateOnError: true,
    })) {
      message = state;
    }
    if (!message) throw new Error("No message was read");
    expect(message.id).toBe("run-1");

    const logged = log.entriesAfter(0).map((entry) => entry.chunk);
    const textByTask = new Map<string, string>();
    for (const chunk of logged) {
      if (chunk.type === "text-delta")
        textByTask.set(chunk.id, (textByTask.get(chunk.id) ?? "") + chunk.delta);
    }

    const steps = message.parts.flatMap((part) => (part.type === "data-step" ? [part] : []));
    expect(steps).toHaveLength(4);
    expect(steps.map((part) => part.data.status)).toEqual(["done", "done", "done", "done"]);
    expect(new Set(steps.map((part) => part.id)).size).toBe(4);
    for (const part of steps) expect(part.id).toBe(part.data.taskId);

    const texts = message.parts.flatMap((part) => (part.type === "text" ? [part] : []));
    expect(texts).toHaveLength(textByTask.size);
    for (const part of texts) {
      const taskId = taskIdOfPart(part);
      expect(taskId).toBeDefined();
      expect(part.text).toBe(textByTask.get(taskId ?? ""));
      expect(part.state).toBe("done");
    }

    const runs = message.parts.flatMap((part) => (part.type === "data-run" ? [part] : []));
    expect(runs.map((part) => part.data.status)).toEqual(["done"]);
    const results = message.parts.flatMap((part) => (part.type === "data-result" ? [part] : []));
    expect(results[0]?.data.markdown).toContain("Itinerary");
  });

  it("writes one JSON object per line with its seq in NDJSON", async () => {
    const log = await loggedRun();
    const body = await respond(log, "ndjson").text();
    expect(body.endsWith("\n")).toBe(true);
    const lines = body.trimEnd().split("\n");
    expect(lines).toHaveLength(log.lastSeq);
    lines.forEach((line, index) => {
      const parsed: unknown = JSON.parse(line);
      if (!isRecord(parsed)) throw new Error(`Line ${index + 1} is not an object`);
      const { seq, ...chunk } = parsed;
      expect(seq).toBe(index + 1);
      expect(chunk).toEqual(log.entriesAfter(index)[0]?.chunk);
    });
    expect(lines.at(-1)).toBe(`{"seq":${log.lastSeq},"type":"finish","finishReason":"stop"}`);
  });

  it.each(["sse", "ndjson"] as const)("resumes after a sequence number (%s)", async (format) => {
    const log = await loggedRun();
    const body = await respond(log, format, { afterSeq: log.lastSeq - 2 }).text();
    const seqs =
      format === "sse"
        ? [...body.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]))
        : body
            .trimEnd()
            .split("\n")
            .map((line) => {
              const parsed: unknown = JSON.parse(line);
              return isRecord(parsed) ? parsed.seq : undefined;
            });
    expect(seqs).toEqual([log.lastSeq - 1, log.lastSeq]);
  });

  it("sends each part when it is logged, not when the run ends", async () => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    const reader = respond(log, "ndjson").body?.getReader();
    if (!reader) throw new Error("No body");
    const decoder = new TextDecoder();

    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('{"seq":1,"type":"start","messageId":"run-1"}\n');

    const second = reader.read();
    await sleep(20);
    log.append({ type: "text-delta", id: "t", delta: "Hi" });
    expect(decoder.decode((await second).value)).toBe(
      '{"seq":2,"type":"text-delta","id":"t","delta":"Hi"}\n',
    );

    log.append({ type: "finish" });
    expect(decoder.decode((await reader.read()).value)).toBe('{"seq":3,"type":"finish"}\n');
    expect((await reader.read()).done).toBe(true);
  });

  it.each([
    { format: "sse" as const, heartbeat: ": heartbeat\n\n" },
    { format: "ndjson" as const, heartbeat: '{"type":"heartbeat"}\n' },
  ])("sends heartbeats while the run is silent ($format)", async ({ format, heartbeat }) => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    const response = runStreamResponse({ runId: "run-1", source: logSource(log), format, heartbeatMs: 50 });
    const reading = response.text();
    await sleep(200);
    log.append({ type: "finish" });
    const body = await reading;

    const heartbeats = body.split(heartbeat).length - 1;
    expect(heartbeats).toBeGreaterThanOrEqual(2);
    expect(heartbeats).toBeLessThanOrEqual(5);
    // Heartbeats fall between the parts, never inside a frame.
    const withoutHeartbeats = body.split(heartbeat).join("");
    expect(withoutHeartbeats).toBe(
      format === "sse"
        ? 'id: 1\ndata: {"type":"start","messageId":"run-1"}\n\nid: 2\ndata: {"type":"finish"}\n\ndata: [DONE]\n\n'
        : '{"seq":1,"type":"start","messageId":"run-1"}\n{"seq":2,"type":"finish"}\n',
    );
    expect(body.indexOf(heartbeat)).toBeGreaterThan(body.indexOf('"start"'));
    expect(body.lastIndexOf(heartbeat)).toBeLessThan(body.indexOf('"finish"'));
  });

  it("lets the AI SDK parser skip heartbeats", async () => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    const response = runStreamResponse({
      runId: "run-1",
      source: logSource(log),
      format: "sse",
      heartbeatMs: 30,
    });
    const reading = collect(parsedChunks(response.body ?? new ReadableStream()));
    await sleep(100);
    log.append({ type: "finish" });
    expect((await reading).map((chunk) => chunk.type)).toEqual(["start", "finish"]);
  });

  it("stops only its own reading when the reader leaves: the run's log goes on", async () => {
    const log = new RunLog();
    log.append({ type: "start", messageId: "run-1" });
    const reader = respond(log, "sse").body?.getReader();
    if (!reader) throw new Error("No body");
    await reader.read();
    await reader.cancel();
    expect(log.append({ type: "text-start", id: "t" })).toBe(2);
    expect(log.append({ type: "finish" })).toBe(3);
    const again = await respond(log, "sse", { afterSeq: 1 }).text();
    expect(again).toBe(
      'id: 2\ndata: {"type":"text-start","id":"t"}\n\nid: 3\ndata: {"type":"finish"}\n\ndata: [DONE]\n\n',
    );
  });
});
