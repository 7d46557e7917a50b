import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";

/**
 * 1000 bad requests, generated from a seeded random mix of bodies, headers, methods, sizes and
 * encodings, against every endpoint: not one 5xx, not one model call.
 */
let bedrock: FakeBedrock;
let server: AppServer;

beforeAll(async () => {
  bedrock = await startFakeBedrock(() => ({ events: textAnswer(["should", " not", " happen"]) }));
  server = await startAppServer({
    BEDROCK_MODEL_ID: "anthropic.claude-haiku-4-5-20251001-v1:0",
    BEDROCK_ENDPOINT_URL: bedrock.endpoint,
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test",
  });
});
afterAll(async () => {
  await server?.stop();
  await bedrock?.close();
});

let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const PATHS = [
  "/api/runs",
  "/api/runs/x/stop",
  "/api/runs/%2e%2e/stop",
  "/api/runs/no-such-run/stream",
  "/api/runs/no-such-run",
  "/api/workflows",
  "/api/health",
];
const METHODS = ["POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "application/json; charset=latin1",
];

function badBody(): Buffer {
  const kinds: (() => string | Buffer)[] = [
    () => "",
    () => "{",
    () => "null",
    () => "[]",
    () => '"a string"',
    () => "12",
    () =>
      JSON.stringify({
        workflow: pick(["", " ", "trip-planner\u0000", "../etc", "x".repeat(200)]),
        input: "x",
      }),
    () => JSON.stringify({ workflow: "trip-planner" }),
    () => JSON.stringify({ workflow: "trip-planner", input: "" }),
    () => JSON.stringify({ workflow: "trip-planner", input: "   " }),
    () => JSON.stringify({ workflow: "trip-planner", input: 42 }),
    () => JSON.stringify({ workflow: "trip-planner", input: "x".repeat(4001 + Math.floor(random() * 5000)) }),
    () => JSON.stringify({ workflow: "trip-planner", input: "ok", extra: true }),
    () => JSON.stringify({ workflow: ["trip-planner"], input: "ok" }),
    () => `{"workflow":"trip-planner","input":"${"\\ud800".repeat(3)}"`,
    () => Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]),
    () => "x".repeat(33 * 1024 + Math.floor(random() * 50_000)),
    () => JSON.stringify({ workflow: "trip-planner", input: "ok" }).replace("}", ",}"),
    () => "\u0000".repeat(64),
    () => JSON.stringify({ __proto__: { polluted: true }, workflow: "trip-planner" }),
  ];
  const body = pick(kinds)();
  return Buffer.isBuffer(body) ? body : Buffer.from(body);
}

interface Sent {
  status: number;
  bodyText: string;
}

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        // A stream that started would be a bug (it would have reached a model); cut it short.
        if (text.length > 20_000) res.destroy();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bodyText: text }));
      res.on("close", () => resolve({ status: res.statusCode ?? 0, bodyText: text }));
    });
    req.on("error", reject);
    // A request whose content-length promises more than it sends makes the server wait for the
    // rest (as any HTTP server does); give up on it after a while, as its client would.
    req.setTimeout(1500, () => {
      req.destroy();
      resolve({ status: 0, bodyText: "(the server is still waiting for the promised body)" });
    });
    req.end(body);
  });
}

describe("1000 fuzzed bad requests", () => {
  it("get a clear 4xx (JSON where there is a body), never a 5xx, and never reach a model", async () => {
    const statuses = new Map<number, number>();
    for (let index = 0; index < 1000; index++) {
      const method = pick(METHODS);
      const path = pick(PATHS);
      const body = method === "GET" || method === "HEAD" ? undefined : badBody();
      const headers: Record<string, string> = {};
      const type = pick(CONTENT_TYPES);
      if (type) headers["content-type"] = type;
      if (random() < 0.3) headers.origin = pick(["https://evil.example", "null", "not a url", server.url]);
      if (random() < 0.1) headers["content-encoding"] = pick(["gzip", "br", "identity"]);
      if (random() < 0.1) headers["last-event-id"] = pick(["-1", "abc", "99999999999", "1e3", " 5"]);
      if (random() < 0.1) headers.accept = pick(["application/x-ndjson", "*/*", "text/html"]);
      const liesAboutLength = Boolean(body) && random() < 0.05;
      if (body && liesAboutLength) headers["content-length"] = String(body.length + 10);
      const sent = await send(method, path, headers, body).catch((error: Error) => ({
        status: -1,
        bodyText: error.message,
      }));
      statuses.set(sent.status, (statuses.get(sent.status) ?? 0) + 1);
      if (sent.status === 0) {
        expect(liesAboutLength, `${method} ${path}: no answer`).toBe(true);
        continue;
      }
      expect(
        sent.status,
        `${method} ${path} ${JSON.stringify(headers)} → ${sent.status} ${sent.bodyText.slice(0, 200)}`,
      ).toBeLessThan(500);
      if (sent.status >= 400 && path.startsWith("/api/") && method !== "HEAD" && sent.bodyText) {
        let parsed: { error?: { code?: string; message?: string } } = {};
        try {
          parsed = JSON.parse(sent.bodyText);
        } catch {
          throw new Error(`${method} ${path} → ${sent.status} not JSON: ${sent.bodyText.slice(0, 80)}`);
        }
        expect(parsed.error?.code).toEqual(expect.any(String));
        expect(parsed.error?.message).toEqual(expect.any(String));
      }
    }
    expect(bedrock.requests).toHaveLength(0);
    // Most requests are refused (the mix holds a few legitimate ones, e.g. GET /api/health).
    const refused = [...statuses].filter(([status]) => status >= 400).reduce((sum, [, n]) => sum + n, 0);
    expect(refused).toBeGreaterThan(800);
    expect(server.output()).not.toMatch(/Unhandled|uncaught/i);
  }, 120_000);
});
