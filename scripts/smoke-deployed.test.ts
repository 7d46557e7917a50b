import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "@/tests/support/app-server";
import { checkDeployedStack, type SmokeCheck } from "./smoke-deployed";

/** Loopback stand-ins: an IAM-protected Function URL (always 403) and a proxy that buffers whole responses. */
let app: AppServer;
let functionUrl: Server;
let bufferingProxy: Server;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const failed = (checks: SmokeCheck[]) => checks.filter((c) => !c.ok).map((c) => c.name);

beforeAll(async () => {
  // Configured as deployed: it trusts X-Original-Host, which the proxy below sets as CloudFront does.
  app = await startAppServer({
    MODEL_PROVIDER: "offline",
    OFFLINE_TOKENS_PER_SECOND: "150",
    BEHIND_CLOUDFRONT: "true",
  });
  // Warm the server (the first run loads LangGraph) before anything below is timed.
  const warmUp = await fetch(`${app.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow: "trip-planner", input: "Warming up" }),
  });
  await warmUp.text();
  functionUrl = createServer((_req, res) => {
    res.writeHead(403, { "content-type": "application/json" }).end('{"Message":"Forbidden"}');
  });
  bufferingProxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !["host", "connection", "content-length"].includes(name),
      ),
    ) as Record<string, string>;
    // As the CloudFront Function does.
    headers["x-original-host"] = req.headers.host ?? "";
    headers["x-viewer-address"] = req.socket.remoteAddress ?? "";
    const upstream = await fetch(`${app.url}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.arrayBuffer()); // The whole body, then all at once.
    const passed = Object.fromEntries(
      [...upstream.headers].filter(
        ([name]) => !["content-length", "transfer-encoding", "set-cookie"].includes(name),
      ),
    );
    res.writeHead(upstream.status, { ...passed, "set-cookie": upstream.headers.getSetCookie() }).end(body);
  });
});

afterAll(async () => {
  await app?.stop();
  functionUrl?.close();
  bufferingProxy?.close();
});

describe("smoke:deployed", () => {
  it("passes a streaming app and a refusing Function URL; only the edge cache is missing without CloudFront", async () => {
    const checks = await checkDeployedStack(app.url, await listen(functionUrl));
    expect(failed(checks)).toEqual(["build assets are cached at the edge"]);
    expect(checks.find((c) => c.name.startsWith("the run streams"))?.detail).toMatch(/first step at \d+ ms/);
  });

  it("flags a proxy that buffers the stream, and a Function URL that answers anyone", async () => {
    const checks = await checkDeployedStack(await listen(bufferingProxy), app.url);
    expect(failed(checks)).toEqual([
      "the run streams: first step early, events spread over the run",
      "build assets are cached at the edge",
      "the Function URL refuses direct calls with 403",
    ]);
  });
});
