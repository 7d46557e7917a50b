/** A minimal client for the run stream, timing each part's arrival; used by the smoke test and benchmarks. */
import { parseJsonEventStream, type UIMessageChunk, uiMessageChunkSchema } from "ai";

export interface TimedPart {
  /** Milliseconds since the request was sent. */
  at: number;
  part: UIMessageChunk;
}

export interface RunTranscript {
  status: number;
  contentType: string;
  parts: TimedPart[];
  /** Milliseconds from sending the request to the end of the body. */
  totalMs: number;
  /** The session cookie the response set (`name=value`), for a request as the same visitor. */
  session?: string;
}

const TERMINALS = new Set(["finish", "abort", "error"]);

export async function streamRun(
  baseUrl: string,
  body: unknown,
  options: { path?: string; session?: string } = {},
): Promise<RunTranscript> {
  const sentAt = performance.now();
  const response = await fetch(`${baseUrl}${options.path ?? "/api/runs"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: baseUrl,
      ...(options.session ? { cookie: options.session } : {}),
    },
    body: JSON.stringify(body),
  });
  const parts: TimedPart[] = [];
  if (response.body && response.ok) {
    const reader = parseJsonEventStream({ stream: response.body, schema: uiMessageChunkSchema }).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value.success) throw value.error;
      parts.push({ at: performance.now() - sentAt, part: value.value });
    }
  } else {
    await response.body?.cancel();
  }
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    parts,
    totalMs: performance.now() - sentAt,
    session:
      response.headers
        .getSetCookie()
        .find((line) => line.startsWith("stepstream_session="))
        ?.split(";")[0] ?? options.session,
  };
}

export function terminalParts(transcript: RunTranscript): TimedPart[] {
  return transcript.parts.filter(({ part }) => TERMINALS.has(part.type));
}
