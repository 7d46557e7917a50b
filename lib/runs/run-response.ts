import { RUN_ID_HEADER } from "./contract";
import type { LoggedChunk, RunLog } from "./run-log";

export type StreamFormat = "sse" | "ndjson";

/** `Accept: application/x-ndjson` asks for one JSON object per line; everything else gets SSE. */
export function pickStreamFormat(accept: string | null): StreamFormat {
  return accept?.includes("application/x-ndjson") ? "ndjson" : "sse";
}

const encoder = new TextEncoder();

const framing: Record<
  StreamFormat,
  { encode: (entry: LoggedChunk) => string; heartbeat: string; end: string }
> = {
  // The AI SDK's reader ignores `id:` and comment lines; `id:` lets a reconnect send Last-Event-ID.
  sse: {
    encode: (entry) => `id: ${entry.seq}\ndata: ${entry.json}\n\n`,
    heartbeat: ": heartbeat\n\n",
    end: "data: [DONE]\n\n",
  },
  ndjson: {
    encode: (entry) => `{"seq":${entry.seq},${entry.json.slice(1)}\n`,
    heartbeat: '{"type":"heartbeat"}\n',
    end: "",
  },
};

export interface RunStreamOptions {
  runId: string;
  log: RunLog;
  format: StreamFormat;
  /** Start after this sequence number (0 = from the beginning). */
  afterSeq?: number;
  /** Send a heartbeat when nothing else was sent for this long, so no proxy cuts a quiet run. */
  heartbeatMs: number;
  /** Called when the reader goes away before the terminal part. */
  onCancel?: () => void;
}

/**
 * Streams a run's log as an HTTP response. The body is pull-based: it reads the log only when the
 * client has taken what was sent, so a slow reader holds a cursor, not a copy of the run.
 */
export function runStreamResponse(options: RunStreamOptions): Response {
  const { log, format, heartbeatMs, onCancel } = options;
  const frame = framing[format];
  let cursor = options.afterSeq ?? 0;
  let finished = false;

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const ready = log.entriesAfter(cursor);
          if (ready.length > 0) {
            // Everything already logged goes out as one chunk: one write however many parts.
            let text = "";
            for (const entry of ready) text += frame.encode(entry);
            cursor = ready.at(-1)?.seq ?? cursor;
            finished = log.isClosed && cursor === log.lastSeq;
            controller.enqueue(encoder.encode(finished ? text + frame.end : text));
            if (finished) controller.close();
            return;
          }
          if (log.isClosed) {
            finished = true;
            if (frame.end) controller.enqueue(encoder.encode(frame.end));
            controller.close();
            return;
          }
          const arrived = await log.next(cursor, AbortSignal.timeout(heartbeatMs));
          if (!arrived) {
            controller.enqueue(encoder.encode(frame.heartbeat));
            return;
          }
        }
      },
      cancel() {
        if (!finished) onCancel?.();
      },
    },
    { highWaterMark: 0 },
  );

  return new Response(body, {
    headers: {
      "Content-Type":
        format === "sse" ? "text/event-stream; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
      "x-vercel-ai-ui-message-stream": "v1",
      [RUN_ID_HEADER]: options.runId,
    },
  });
}
