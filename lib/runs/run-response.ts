import { RUN_ID_HEADER } from "./contract";
import type { RunLog } from "./run-log";
import { countStreamBytes, trackOpenStream } from "./run-registry";

export type StreamFormat = "sse" | "ndjson";

/** `Accept: application/x-ndjson` asks for one JSON object per line; everything else gets SSE. */
export function pickStreamFormat(accept: string | null): StreamFormat {
  return accept?.includes("application/x-ndjson") ? "ndjson" : "sse";
}

const encoder = new TextEncoder();

/** The terminal of a response whose run waits for a person: the run itself goes on after a resume. */
export const PAUSED_FINISH = JSON.stringify({
  type: "finish",
  finishReason: "stop",
  messageMetadata: { waiting: true },
});

const framing: Record<
  StreamFormat,
  {
    encode: (entry: { seq: number; json: string }) => string;
    heartbeat: string;
    /** A paused run's stream ends with this `finish` of its own: no sequence number, never stored. */
    paused: string;
    end: string;
  }
> = {
  // The AI SDK's reader ignores `id:` and comment lines; `id:` lets a reconnect send Last-Event-ID.
  sse: {
    encode: (entry) => `id: ${entry.seq}\ndata: ${entry.json}\n\n`,
    heartbeat: ": heartbeat\n\n",
    paused: `data: ${PAUSED_FINISH}\n\n`,
    end: "data: [DONE]\n\n",
  },
  ndjson: {
    encode: (entry) => `{"seq":${entry.seq},${entry.json.slice(1)}\n`,
    heartbeat: '{"type":"heartbeat"}\n',
    paused: `${PAUSED_FINISH}\n`,
    end: "",
  },
};

/** What a source has after a sequence number. */
export interface SourceRead {
  entries: readonly { seq: number; json: string }[];
  /** The run's stream has nothing more to give (for now). */
  ended: boolean;
  /** It ended because the run waits for a person's answer: the response ends with a `finish` of its own. */
  paused?: boolean;
}

/** Where a run stream's entries come from: this process's log, or the durable store. */
export interface RunEventSource {
  /** Entries after `afterSeq` that exist now, in order, and whether the run's stream has ended. */
  read(afterSeq: number): Promise<SourceRead>;
  /** Resolves when entries after `afterSeq` may have arrived, or after `timeoutMs` at most. */
  wait(afterSeq: number, timeoutMs: number): Promise<void>;
}

/**
 * A source over a run in this process: its in-memory log, woken the moment a part is appended. A
 * log that continues a resumed run starts after the events stored before the pause; those come
 * from `earlier` (the store).
 */
export function logSource(log: RunLog, earlier?: RunEventSource): RunEventSource {
  return {
    read: async (afterSeq) => {
      if (afterSeq < log.baseSeq && earlier) {
        const before = (await earlier.read(afterSeq)).entries.filter((entry) => entry.seq <= log.baseSeq);
        if (before.length > 0) return { entries: before, ended: false };
      }
      const entries = log.entriesAfter(afterSeq);
      const last = entries.at(-1)?.seq ?? afterSeq;
      return { entries, ended: log.isEnded && last === log.lastSeq, paused: log.isPaused };
    },
    wait: async (afterSeq, timeoutMs) => {
      await log.next(Math.max(afterSeq, log.baseSeq), Math.max(1, timeoutMs));
    },
  };
}

export interface RunStreamOptions {
  runId: string;
  source: RunEventSource;
  format: StreamFormat;
  /** Start after this sequence number (0 = from the beginning). */
  afterSeq?: number;
  /** Send a heartbeat when nothing else was sent for this long, so no proxy cuts a quiet run. */
  heartbeatMs: number;
  now?: () => number;
}

/**
 * Streams a run's events as an HTTP response. The body is pull-based: it reads the source only
 * when the client has taken what was sent, so a slow reader holds a cursor, not a copy of the run.
 * A reader going away stops only its own reading, never the run.
 */
export function runStreamResponse(options: RunStreamOptions): Response {
  const { source, format, heartbeatMs } = options;
  const now = options.now ?? Date.now;
  const frame = framing[format];
  let cursor = options.afterSeq ?? 0;
  let lastSentAt = now();
  const closed = trackOpenStream();

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const { entries, ended, paused } = await source.read(cursor);
          if (entries.length > 0 || ended) {
            // Everything already there goes out as one chunk: one write however many parts.
            let text = "";
            for (const entry of entries) text += frame.encode(entry);
            cursor = entries.at(-1)?.seq ?? cursor;
            if (ended && paused) text += frame.paused;
            if (ended) text += frame.end;
            if (text) {
              const bytes = encoder.encode(text);
              controller.enqueue(bytes);
              countStreamBytes(bytes.length);
            }
            lastSentAt = now();
            if (ended) {
              controller.close();
              closed();
            }
            return;
          }
          const silentFor = now() - lastSentAt;
          if (silentFor >= heartbeatMs) {
            const heartbeat = encoder.encode(frame.heartbeat);
            controller.enqueue(heartbeat);
            countStreamBytes(heartbeat.length);
            lastSentAt = now();
            return;
          }
          await source.wait(cursor, heartbeatMs - silentFor);
        }
      },
      cancel() {
        closed();
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
