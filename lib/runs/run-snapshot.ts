import "server-only";
import { readUIMessageStream } from "ai";
import type { RunChunk, RunUIMessage } from "./contract";
import type { RunStore } from "./store/types";

/**
 * The most of a run's stored events a page renders on the server (their JSON, in characters). A
 * larger run is left to the browser, which replays it from the stream as before.
 */
export const MAX_SNAPSHOT_CHARS = 4_000_000;

/**
 * A run as its stored events stand now, rebuilt into the message the browser's `useChat` would
 * hold after reading them: what a server-rendered run page shows before (or instead of) the
 * stream. The caller has checked that the requester may read this run. Undefined for a run with
 * no events yet, or too large to render here.
 */
export async function readRunSnapshot(
  store: Pick<RunStore, "readEvents">,
  runId: string,
  { maxChars = MAX_SNAPSHOT_CHARS, pageSize = 1_000 } = {},
): Promise<RunUIMessage | undefined> {
  const chunks: RunChunk[] = [];
  let chars = 0;
  for (let after = 0; ; ) {
    const events = await store.readEvents(runId, after, pageSize);
    for (const event of events) {
      chars += event.json.length;
      if (chars > maxChars) return undefined;
      chunks.push(JSON.parse(event.json) as RunChunk);
    }
    if (events.length < pageSize) break;
    after = events.at(-1)?.seq ?? after;
  }
  if (chunks.length === 0) return undefined;
  return rebuildMessage(joinDeltas(chunks));
}

/**
 * The same parts with each text's (and each tool input's) deltas joined into one, placed where
 * its first delta was: the AI SDK copies the message at every delta, so thousands of small
 * deltas of a long text would cost time quadratic in its length.
 */
export function joinDeltas(chunks: readonly RunChunk[]): RunChunk[] {
  const out: RunChunk[] = [];
  const joins: { chunk: RunChunk; pieces: string[] }[] = [];
  const open = new Map<string, { chunk: RunChunk; pieces: string[] }>();
  for (const chunk of chunks) {
    if (chunk.type === "text-start") open.delete(`text:${chunk.id}`);
    if (chunk.type === "tool-input-start") open.delete(`tool:${chunk.toolCallId}`);
    const key =
      chunk.type === "text-delta"
        ? `text:${chunk.id}`
        : chunk.type === "tool-input-delta"
          ? `tool:${chunk.toolCallId}`
          : undefined;
    if (!key) {
      out.push(chunk);
      continue;
    }
    const piece =
      chunk.type === "text-delta"
        ? chunk.delta
        : chunk.type === "tool-input-delta"
          ? chunk.inputTextDelta
          : "";
    const joined = open.get(key);
    if (joined) {
      joined.pieces.push(piece);
      continue;
    }
    const entry = { chunk: { ...chunk }, pieces: [piece] };
    open.set(key, entry);
    joins.push(entry);
    out.push(entry.chunk);
  }
  for (const { chunk, pieces } of joins) {
    if (chunk.type === "text-delta") chunk.delta = pieces.join("");
    else if (chunk.type === "tool-input-delta") chunk.inputTextDelta = pieces.join("");
  }
  return out;
}

async function rebuildMessage(chunks: readonly RunChunk[]): Promise<RunUIMessage | undefined> {
  const stream = new ReadableStream<RunChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let message: RunUIMessage | undefined;
  // An `error` terminal is part of the run's story (its data-run says why), not a failure to read.
  for await (const snapshot of readUIMessageStream<RunUIMessage>({ stream, onError: () => {} })) {
    message = snapshot;
  }
  return message;
}
