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
