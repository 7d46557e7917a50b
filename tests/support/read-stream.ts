import { parseJsonEventStream, type UIMessageChunk, uiMessageChunkSchema } from "ai";

export interface TimedChunk {
  /** Milliseconds since the request was sent. */
  at: number;
  chunk: UIMessageChunk & { code?: string };
}

/** Posts a run and reads its SSE body with the AI SDK's own parser, timing each part's arrival. */
export async function postRun(
  baseUrl: string,
  body: unknown,
  init: { headers?: Record<string, string>; onChunk?: (chunk: TimedChunk, runId: string) => void } = {},
): Promise<{ response: Response; runId: string; chunks: TimedChunk[] }> {
  const sentAt = performance.now();
  const response = await fetch(`${baseUrl}/api/runs`, {
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
  seq: number;
  json: string;
  type: string;
  /** Milliseconds since `since` (the request) when it arrived. */
  at: number;
}

/**
 * Reads a run's SSE body raw: every event with its `id:` sequence number and its exact JSON.
 * With `stopAfter`, it hangs up after that many events, as a dropped connection would.
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
  try {
    for (;;) {
      const { done: ended, value } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (block === "data: [DONE]") {
          done = true;
          continue;
        }
        const id = /^id: (\d+)\ndata: (.*)$/s.exec(block);
        if (!id?.[1] || !id[2]) continue; // a heartbeat comment
        events.push({
          seq: Number(id[1]),
          json: id[2],
          type: (JSON.parse(id[2]) as { type: string }).type,
          at: performance.now() - since,
        });
        if (options.stopAfter !== undefined && events.length >= options.stopAfter) {
          await reader.cancel();
          return { events, done };
        }
      }
    }
  } catch {
    // The connection dropped (the server was killed): what arrived is what there is.
  }
  return { events, done };
}
