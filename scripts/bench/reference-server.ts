/**
 * The benchmark's floor: a bare node:http server streaming the same bytes as the minimal Next.js
 * route (lib/bench/synthetic-stream.ts). `node scripts/bench/reference-server.ts <port>`.
 */
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { processStats } from "../../lib/bench/process-stats.ts";
import { syntheticParams, syntheticRunStream } from "../../lib/bench/synthetic-stream.ts";

const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/api/bench/stats") {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify(processStats(url.searchParams.has("reset"))));
    return;
  }
  if (url.pathname !== "/api/bench/stream") {
    res.writeHead(404).end();
    return;
  }
  const { tokens, rate } = syntheticParams(url);
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
  });
  Readable.fromWeb(syntheticRunStream(tokens, rate) as import("node:stream/web").ReadableStream).pipe(res);
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
