import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";
import { RUN_STORES, type SharedStore } from "../support/run-stores";

/**
 * 1000 bad requests from a seeded generator: most are run requests that are valid but for one
 * field, the rest a random mix of bodies, headers, methods, sizes and encodings against every
 * endpoint, on each store. Not one 5xx, not one transport failure (but where the body was deliberately too big),
 * every /api error in JSON, not one model call, and the server healthy at the end.
 */
let bedrock: FakeBedrock;
let server: AppServer;
let store: SharedStore;

async function startFuzzTarget(openStore: () => Promise<SharedStore>): Promise<void> {
  seed = 7;
  bedrock = await startFakeBedrock(() => ({ events: textAnswer(["should", " not", " happen"]) }));
  store = await openStore();
  server = await startAppServer({
    ...store.env,
    BEDROCK_MODEL_ID: "anthropic.claude-haiku-4-5-20251001-v1:0",
    BEDROCK_ENDPOINT_URL: bedrock.endpoint,
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test",
  });
  // Warm every route once, so no request below waits on a route's first load.
  for (const path of PATHS) await fetch(`${server.url}${path}`).then((response) => response.arrayBuffer());
  await fetch(`${server.url}/api/runs`, { method: "POST", body: "{" }).then((response) =>
    response.arrayBuffer(),
  );
}

async function stopFuzzTarget(): Promise<void> {
  await server?.stop();
  await bedrock?.close();
  await store?.close();
}

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
  "/api/runs/no-such-run/share",
  "/api/runs/no-such-run/resume",
  "/api/shared/no-such-token",
  "/api/shared/no-such-token-at-all-0123456789/stream",
  "/api/quota",
  "/api/auth/session",
  "/api/auth/signin",
  "/api/auth/callback?code=x&state=y",
  "/api/auth/signout",
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

const VALID_RUN = { workflow: "trip-planner", input: "Two days in Porto, à pied" };

/** A run request that would start a run but for exactly one thing. */
function almostValidRun(): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const mutations: (() => unknown)[] = [
    () => ({ ...VALID_RUN, workflow: "no-such-workflow" }),
    () => ({ ...VALID_RUN, workflow: 42 }),
    () => ({ ...VALID_RUN, workflow: "" }),
    () => ({ input: VALID_RUN.input }),
    () => ({ ...VALID_RUN, input: "" }),
    () => ({ ...VALID_RUN, input: " \n\t " }),
    () => ({ ...VALID_RUN, input: "é".repeat(4001 + Math.floor(random() * 3000)) }),
    () => ({ workflow: VALID_RUN.workflow }),
    () => ({ ...VALID_RUN, input: pick([42, null, ["x"], { text: "x" }, true]) }),
    () => ({ ...VALID_RUN, extra: pick([true, "x", 1]) }),
    () => {
      headers["content-type"] = pick(["text/plain", "application/xml", "application/x-www-form-urlencoded"]);
      return VALID_RUN;
    },
    () => {
      headers.origin = pick(["https://evil.example", "null", "not a url"]);
      return VALID_RUN;
    },
    () => `${JSON.stringify(VALID_RUN)}${pick(["x", ",", "{}", "]"])}`,
  ];
  const value = pick(mutations)();
  return { headers, body: Buffer.from(typeof value === "string" ? value : JSON.stringify(value)) };
}

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

/** Bodies past the app's 32 KB limit may be cut off mid-send once the answer is out. */
const OVERSIZED = 32 * 1024;

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  liesAboutLength: boolean,
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    // Every body is framed: Node's client sends a DELETE or OPTIONS body with no Content-Length
    // or chunking at all, which no HTTP server can read as part of the request (Node answers such
    // bytes with its own bare 400) and no proxy in front of the app would forward.
    const framed =
      body && !headers["content-length"] ? { ...headers, "content-length": String(body.length) } : headers;
    const req = request(`${server.url}${path}`, { method, headers: framed, agent: false }, (res) => {
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
    // rest (as any HTTP server does); give up on it after a while, as its client would. Any other
    // request gets all the time a loaded machine needs, and no answer then is a failure.
    req.setTimeout(liesAboutLength ? 1500 : 20_000, () => {
      req.destroy();
      resolve({ status: 0, bodyText: "(no answer)" });
    });
    req.end(body);
  });
}

describe.each(RUN_STORES)("on %s", (_storeName, openStore) => {
  beforeAll(() => startFuzzTarget(openStore));
  afterAll(stopFuzzTarget);

  describe("1000 fuzzed bad requests", () => {
    it("get a clear JSON 4xx, never a 5xx or a dropped connection, never reach a model, and leave the server healthy", async () => {
      const statuses = new Map<number, number>();
      let almostValid = 0;
      for (let index = 0; index < 1000; index++) {
        const nearMiss = random() < 0.6;
        const method = nearMiss ? "POST" : pick(METHODS);
        const path = nearMiss ? "/api/runs" : pick(PATHS);
        let body = method === "GET" || method === "HEAD" ? undefined : badBody();
        let headers: Record<string, string> = {};
        if (nearMiss) {
          ({ headers, body } = almostValidRun());
          almostValid += 1;
        } else {
          const type = pick(CONTENT_TYPES);
          if (type) headers["content-type"] = type;
          if (random() < 0.3)
            headers.origin = pick(["https://evil.example", "null", "not a url", server.url]);
          if (random() < 0.1) headers["content-encoding"] = pick(["gzip", "br", "identity"]);
          if (random() < 0.1) headers["last-event-id"] = pick(["-1", "abc", "99999999999", "1e3", " 5"]);
          if (random() < 0.1) headers.accept = pick(["application/x-ndjson", "*/*", "text/html"]);
        }
        const liesAboutLength = !nearMiss && Boolean(body) && random() < 0.05;
        if (body && liesAboutLength) headers["content-length"] = String(body.length + 10);
        const what = `${method} ${path} ${JSON.stringify(headers)} ${body?.length} ${body?.subarray(0, 24).toString("hex") ?? ""}`;
        const sent = await send(method, path, headers, body, liesAboutLength).catch((error: Error) => ({
          status: -1,
          bodyText: error.message,
        }));
        statuses.set(sent.status, (statuses.get(sent.status) ?? 0) + 1);
        if (sent.status === -1) {
          expect((body?.length ?? 0) > OVERSIZED, `${what}: transport error ${sent.bodyText}`).toBe(true);
          continue;
        }
        if (sent.status === 0) {
          expect(liesAboutLength, `${what}: no answer`).toBe(true);
          continue;
        }
        if (nearMiss) expect(sent.status, `${what} → ${sent.bodyText}`).toBeGreaterThanOrEqual(400);
        expect(
          sent.status,
          `${method} ${path} ${JSON.stringify(headers)} → ${sent.status} ${sent.bodyText.slice(0, 200)}`,
        ).toBeLessThan(500);
        if (sent.status >= 400 && path.startsWith("/api/") && method !== "HEAD") {
          let parsed: { error?: { code?: string; message?: string } } = {};
          try {
            parsed = JSON.parse(sent.bodyText);
          } catch {
            throw new Error(`${what} → ${sent.status} not JSON: ${sent.bodyText.slice(0, 80)}`);
          }
          expect(parsed.error?.code).toEqual(expect.any(String));
          expect(parsed.error?.message).toEqual(expect.any(String));
        }
      }
      expect(bedrock.requests).toHaveLength(0);
      // Most requests are refused (the mix holds a few legitimate ones, e.g. GET /api/health).
      const refused = [...statuses].filter(([status]) => status >= 400).reduce((sum, [, n]) => sum + n, 0);
      expect(refused).toBeGreaterThan(800);
      expect(almostValid).toBeGreaterThan(550);
      expect(server.output()).not.toMatch(/Unhandled|uncaught/i);
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      expect(store.refusals()).toEqual([]);
    }, 120_000);
  });

  describe("a method a route does not serve", () => {
    it.each([
      ["PUT", "/api/runs", "GET, POST, HEAD, OPTIONS"],
      ["DELETE", "/api/runs", "GET, POST, HEAD, OPTIONS"],
      ["GET", "/api/runs/some-run/share", "POST, DELETE, OPTIONS"],
      ["GET", "/api/runs/some-run/resume", "POST, OPTIONS"],
      ["POST", "/api/shared/some-token", "GET, HEAD, OPTIONS"],
      ["PUT", "/api/shared/some-token/stream", "GET, HEAD, OPTIONS"],
      ["POST", "/api/quota", "GET, HEAD, OPTIONS"],
      ["GET", "/api/auth/signout", "POST, OPTIONS"],
      ["POST", "/api/auth/signin", "GET, HEAD, OPTIONS"],
      ["PATCH", "/api/runs/some-run", "GET, DELETE, HEAD, OPTIONS"],
      ["POST", "/api/runs/some-run/stream", "GET, HEAD, OPTIONS"],
      ["DELETE", "/api/runs/some-run/stop", "POST, OPTIONS"],
      ["POST", "/api/workflows", "GET, HEAD, OPTIONS"],
      ["DELETE", "/api/health", "GET, HEAD, OPTIONS"],
    ])("%s %s: 405 method_not_allowed in JSON, with Allow: %s", async (method, path, allow) => {
      const response = await fetch(`${server.url}${path}`, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(await response.json()).toEqual({
        error: { code: "method_not_allowed", message: `This endpoint answers ${allow} only.` },
      });
    });
  });
});
