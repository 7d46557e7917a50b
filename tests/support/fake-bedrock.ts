import http2 from "node:http2";
import { EventStreamCodec } from "@smithy/eventstream-codec";

/**
 * A loopback server that speaks Bedrock Runtime's ConverseStream wire protocol: HTTP/2 without
 * TLS (the SDK's default handler connects with prior knowledge), and responses framed as
 * `application/vnd.amazon.eventstream` messages by the SDK's own codec.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);
const header = (value: string) => ({ type: "string" as const, value });

export type ConverseEvent = [eventType: string, payload: unknown];

export interface FakeBedrockPlan {
  /** An HTTP-level error instead of a stream. */
  status?: number;
  errorType?: string;
  message?: string;
  events?: ConverseEvent[];
  delayMs?: number;
  /** A pause before the first event only (a model thinking in silence). */
  firstDelayMs?: number;
  /** An exception frame after the events, e.g. ["throttlingException", "Slow down"]. */
  exception?: [type: string, message: string];
}

export interface FakeBedrockRequest {
  path: string;
  modelId: string;
  headers: http2.IncomingHttpHeaders;
  body: { messages?: unknown[]; system?: Array<{ text: string }>; inferenceConfig?: { maxTokens?: number } };
  closedEarly: boolean;
  /** When the client reset the stream before it ended (Date.now()). */
  closedAt?: number;
  receivedAt: number;
}

export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ":event-type": header(eventType),
      ":message-type": header("event"),
      ":content-type": header("application/json"),
    },
    body: encoder.encode(JSON.stringify(payload)),
  });
}

export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": header(exceptionType),
      ":message-type": header("exception"),
      ":content-type": header("application/json"),
    },
    body: encoder.encode(JSON.stringify({ message })),
  });
}

/** The events of a successful text answer, with usage in the closing metadata event. */
export function textAnswer(
  pieces: string[],
  usage = { inputTokens: 11, outputTokens: pieces.length },
): ConverseEvent[] {
  return [
    ["messageStart", { role: "assistant" }],
    ...pieces.map((text): ConverseEvent => ["contentBlockDelta", { contentBlockIndex: 0, delta: { text } }]),
    ["contentBlockStop", { contentBlockIndex: 0 }],
    ["messageStop", { stopReason: "end_turn" }],
    [
      "metadata",
      { usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens }, metrics: { latencyMs: 5 } },
    ],
  ];
}

export interface FakeBedrock {
  endpoint: string;
  requests: FakeBedrockRequest[];
  close: () => Promise<void>;
}

export async function startFakeBedrock(
  planFor: (request: FakeBedrockRequest) => FakeBedrockPlan | Promise<FakeBedrockPlan>,
): Promise<FakeBedrock> {
  const requests: FakeBedrockRequest[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream, headers) => {
    let raw = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      raw += chunk;
    });
    stream.on("end", async () => {
      const path = String(headers[":path"] ?? "");
      const request: FakeBedrockRequest = {
        path,
        modelId: decodeURIComponent(path.split("/")[2] ?? ""),
        headers,
        body: raw ? JSON.parse(raw) : {},
        closedEarly: false,
        receivedAt: Date.now(),
      };
      let finished = false;
      stream.once("close", () => {
        if (!finished) {
          request.closedEarly = true;
          request.closedAt = Date.now();
        }
      });
      requests.push(request);
      const plan = await planFor(request);
      if (stream.closed) return;
      const requestId = crypto.randomUUID();
      if (plan.status && plan.status !== 200) {
        stream.respond({
          ":status": plan.status,
          "content-type": "application/json",
          "x-amzn-requestid": requestId,
          "x-amzn-errortype": plan.errorType ?? "InternalServerException",
        });
        finished = true;
        stream.end(JSON.stringify({ message: plan.message ?? plan.errorType }));
        return;
      }
      stream.respond({
        ":status": 200,
        "content-type": "application/vnd.amazon.eventstream",
        "x-amzn-requestid": requestId,
      });
      for (const [index, [eventType, payload]] of (plan.events ?? []).entries()) {
        const pause = index === 0 && plan.firstDelayMs ? plan.firstDelayMs : plan.delayMs;
        if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
        if (stream.closed || stream.destroyed) {
          request.closedEarly = true;
          return;
        }
        stream.write(eventFrame(eventType, payload));
      }
      if (plan.exception) stream.write(exceptionFrame(...plan.exception));
      finished = true;
      stream.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
