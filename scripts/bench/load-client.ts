/**
 * The benchmark's client: many concurrent SSE streams over raw node:http, timing every token
 * against the wall-clock stamp it was emitted with, and checking every stream's sequence numbers.
 */
import { request } from "node:http";
import { wallClockMs } from "../../lib/bench/synthetic-stream.ts";

export interface StreamResult {
  /** ms from sending the request to its first event of interest (a data-step, or a reference's first event). */
  firstEventMs?: number;
  tokens: number;
  /** Per-token added delay, ms: received at minus emitted at. */
  delays: number[];
  /** When the first and the last token were emitted (wall clock, ms), for the rate the stream got. */
  firstTokenAt?: number;
  lastTokenAt?: number;
  /** Events whose sequence number did not follow the previous one (lost or repeated). */
  seqErrors: number;
  /** The last terminal event's type. */
  terminal?: string;
  /** Every terminal event's type, in order: a whole stream has exactly one. */
  terminals: string[];
  /** Events after the first terminal (there must be none). */
  afterTerminal: number;
  /** `data: [DONE]` markers seen (an SSE stream ends with exactly one, after its terminal). */
  doneMarkers: number;
  runId?: string;
  /** The response's Set-Cookie lines (a new visitor's session). */
  setCookies?: string[];
  error?: string;
}

const STAMP = /"delta":" @(\d+\.\d+)"/;
/** A terminal event: its own type is its first key (nested parts carry types of their own). */
const TERMINAL = /^\{"type":"(finish|abort|error)"/;

/**
 * Opens one stream and reads it to its end (or until `signal` aborts). `firstEvent` says which
 * event counts as the first (a regex on its JSON).
 */
export function readStream(
  url: string,
  options: {
    method?: "GET" | "POST";
    body?: string;
    /** Extra request headers (a visitor's session cookie). */
    headers?: Record<string, string>;
    firstEvent: RegExp;
    signal?: AbortSignal;
    onFirst?: () => void;
  },
): Promise<StreamResult> {
  return new Promise((resolve) => {
    const result: StreamResult = {
      tokens: 0,
      delays: [],
      seqErrors: 0,
      terminals: [],
      afterTerminal: 0,
      doneMarkers: 0,
    };
    const sentAt = performance.now();
    let lastSeq = 0;
    let buffer = "";
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        agent: false,
        headers: {
          ...options.headers,
          ...(options.body
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(options.body) }
            : {}),
        },
      },
      (res) => {
        result.runId = res.headers["x-run-id"] as string | undefined;
        result.setCookies = res.headers["set-cookie"] ?? [];
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const receivedAt = wallClockMs();
          buffer += chunk;
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf("\n\n");
            if (block === "data: [DONE]") {
              result.doneMarkers += 1;
              continue;
            }
            const dataAt = block.startsWith("data: ") ? 0 : block.indexOf("\ndata: ") + 1;
            if (dataAt === 0 && !block.startsWith("data: ")) continue; // A heartbeat comment.
            // Any event after the terminal counts, with a sequence number or without one.
            if (result.terminals.length > 0) result.afterTerminal += 1;
            if (block.startsWith("id: ")) {
              const seq = Number(block.slice(4, block.indexOf("\n")));
              if (seq !== lastSeq + 1) result.seqErrors += 1;
              lastSeq = seq;
            }
            const data = block.slice(dataAt + 6);
            if (result.firstEventMs === undefined && options.firstEvent.test(data)) {
              result.firstEventMs = performance.now() - sentAt;
              options.onFirst?.();
            }
            const stamp = STAMP.exec(data);
            if (stamp?.[1]) {
              const emittedAt = Number(stamp[1]);
              result.tokens += 1;
              result.delays.push(receivedAt - emittedAt);
              result.firstTokenAt ??= emittedAt;
              result.lastTokenAt = emittedAt;
            }
            const terminal = TERMINAL.exec(data);
            if (terminal?.[1]) {
              result.terminal = terminal[1];
              result.terminals.push(terminal[1]);
            }
          }
        });
        res.on("end", () => resolve(result));
        res.on("error", (error) => resolve({ ...result, error: error.message }));
      },
    );
    req.on("error", (error) => resolve({ ...result, error: error.message }));
    options.signal?.addEventListener("abort", () => req.destroy(), { once: true });
    req.end(options.body);
  });
}

/**
 * The token rate the streams got while they streamed: tokens over the time from each stream's
 * first token to its last (a run's pauses between nodes count; the time before it started or
 * after it ended does not, so a load that ramps up is not mistaken for a faster one).
 */
export function achievedTokenRate(results: readonly StreamResult[]): number {
  let intervals = 0;
  let spanMs = 0;
  for (const result of results) {
    if (result.firstTokenAt === undefined || result.lastTokenAt === undefined || result.tokens < 2) continue;
    intervals += result.tokens - 1;
    spanMs += result.lastTokenAt - result.firstTokenAt;
  }
  return spanMs > 0 ? (intervals * 1000) / spanMs : Number.NaN;
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
