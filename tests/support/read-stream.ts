import { parseJsonEventStream, type UIMessageChunk, uiMessageChunkSchema } from "ai";
import type { TestVisitor } from "./visitor";

export interface TimedChunk {
  /** Milliseconds since the request was sent. */
  at: number;
  chunk: UIMessageChunk & { code?: string };
}

/** Posts a run and reads its SSE body with the AI SDK's own parser, timing each part's arrival. */
export async function postRun(
  visitor: TestVisitor,
  body: unknown,
  init: { headers?: Record<string, string>; onChunk?: (chunk: TimedChunk, runId: string) => void } = {},
): Promise<{ response: Response; runId: string; chunks: TimedChunk[] }> {
  const sentAt = performance.now();
  const response = await visitor.fetch("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify(body),
  });
  const runId = response.headers.get("x-run-id") ?? "";
  const chunks: TimedChunk[] = [];
  if (!response.body) throw new Error("The response has no body");
  const parsed = parseJsonEventStream({ stream: response.body, schema: uiMessageChunkSchema });
  const reader = parsed.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value.success) throw value.error;
    const timed = { at: performance.now() - sentAt, chunk: value.value as TimedChunk["chunk"] };
    chunks.push(timed);
    init.onChunk?.(timed, runId);
  }
  return { response, runId, chunks };
}

export const terminalTypes = new Set(["finish", "abort", "error"]);

export interface SseEvent {
  /** Absent only on the `finish` that ends the response of a run waiting for a person. */
  seq: number | undefined;
  json: string;
  type: string;
  /** Milliseconds since `since` (the request) when it arrived. */
  at: number;
}

/** One SSE block of a run stream: an event, the closing `[DONE]`, or a comment (a heartbeat). */
export function parseSseBlock(
  block: string,
): { seq: number | undefined; json: string; type: string } | "done" | "comment" {
  if (block === "data: [DONE]") return "done";
  if (block.split("\n").every((line) => line.startsWith(":"))) return "comment";
  // The one event without a sequence number: the finish of a paused run's response, never stored.
  const paused = /^data: (\{"type":"finish".*"waiting":true.*\})$/s.exec(block);
  if (paused?.[1]) return { seq: undefined, json: paused[1], type: "finish" };
  const event = /^id: (\d+)\ndata: (\{.*\})$/s.exec(block);
  if (!event?.[1] || !event[2])
    throw new Error(`Malformed SSE block: ${JSON.stringify(block.slice(0, 200))}`);
  const parsed = JSON.parse(event[2]) as { type?: unknown };
  if (typeof parsed.type !== "string") throw new Error(`SSE event without a type: ${event[2].slice(0, 200)}`);
  return { seq: Number(event[1]), json: event[2], type: parsed.type };
}

/**
 * Reads a run's SSE body raw: every event with its `id:` sequence number and its exact JSON.
 * With `stopAfter`, it hangs up after that many events, as a dropped connection would. A
 * malformed block fails the read; only a dropped connection (a killed server) ends it quietly.
 */
export async function readSseEvents(
  response: Response,
  options: { stopAfter?: number; since?: number } = {},
): Promise<{ events: SseEvent[]; done: boolean }> {
  const since = options.since ?? performance.now();
  const events: SseEvent[] = [];
  let done = false;
  const reader = response.body?.getReader();
  if (!reader) return { events, done };
  const decoder = new TextDecoder();
  let buffer = "";
  let dropped = false;
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await reader.read();
    } catch {
      dropped = true; // The connection dropped (the server was killed): what arrived is what there is.
      break;
    }
    if (read.done) break;
    buffer += decoder.decode(read.value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      const parsed = parseSseBlock(block);
      if (parsed === "done") done = true;
      if (typeof parsed === "string") continue;
      events.push({ ...parsed, at: performance.now() - since });
      if (options.stopAfter !== undefined && events.length >= options.stopAfter) {
        await reader.cancel();
        return { events, done };
      }
    }
  }
  if (!dropped && buffer.trim())
    throw new Error(`The stream ended inside a block: ${JSON.stringify(buffer.slice(0, 200))}`);
  return { events, done };
}
