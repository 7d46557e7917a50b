import { request } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStream } from "../../scripts/bench/load-client";
import { type AppServer, startAppServer } from "../support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";

/** Streams under stress: load, clients leaving at awkward moments, slow readers, silent proxies. */
let app: AppServer;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stats = async (server: AppServer) =>
  (await (await fetch(`${server.url}/api/bench/stats`)).json()) as {
    heapUsedBytes: number;
    openRunStreams: number;
    activeHandles: number;
  };

beforeAll(async () => {
  app = await startAppServer({ BENCH_ROUTES: "1", OFFLINE_TOKENS_PER_SECOND: "100", RUN_TOKEN_BUDGET: "0" });
});
afterAll(async () => {
  await app?.stop();
});

describe("load", () => {
  it("100 concurrent runs: every stream whole, in order, with one terminal event", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        readStream(`${app.url}/api/runs`, {
          method: "POST",
          body: JSON.stringify({ workflow: "trip-planner", input: `Load run ${index}` }),
          firstEvent: /"type":"data-step"/,
        }),
      ),
    );
    for (const result of results) {
      expect(result.error).toBeUndefined();
      expect(result.seqErrors).toBe(0);
      expect(result.terminal).toBe("finish");
    }
  }, 60_000);
});

describe("a client that leaves", () => {
  /** Opens a run and hangs up at the chosen moment; returns the run id and what arrived after. */
  function leaveAt(moment: "before-headers" | "after-first-event" | "mid-tokens" | "between-nodes") {
    return new Promise<{ runId?: string; afterHangUp: number }>((resolve) => {
      let hungUp = false;
      let afterHangUp = 0;
      let deltas = 0;
      let runId: string | undefined;
      const body = JSON.stringify({ workflow: "article-writer", input: `Leaving ${moment}` });
      const req = request(
        `${app.url}/api/runs`,
        {
          method: "POST",
          agent: false,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          runId = res.headers["x-run-id"] as string | undefined;
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            if (hungUp) {
              afterHangUp += 1;
              return;
            }
            deltas += chunk.split('"type":"text-delta"').length - 1;
            const hangUp =
              moment === "after-first-event" ||
              (moment === "mid-tokens" && deltas >= 10) ||
              (moment === "between-nodes" && chunk.includes('"status":"done"'));
            if (hangUp) {
              hungUp = true;
              req.destroy();
              setTimeout(() => resolve({ runId, afterHangUp }), 300);
            }
          });
        },
      );
      req.on("error", () => undefined);
      req.end(body);
      if (moment === "before-headers") {
        setImmediate(() => {
          hungUp = true;
          req.destroy();
          setTimeout(() => resolve({ runId, afterHangUp }), 300);
        });
      }
    });
  }

  it("at four moments: nothing arrives after, the runs go on to their end, and nothing leaks", async () => {
    const baseline = await stats(app);
    const moments = ["before-headers", "after-first-event", "mid-tokens", "between-nodes"] as const;
    const left = await Promise.all(moments.map((moment) => leaveAt(moment)));
    for (const { afterHangUp } of left) expect(afterHangUp).toBe(0);
    // Runs are durable: each one that started goes on to its end.
    for (const { runId } of left.filter((entry) => entry.runId)) {
      await expect
        .poll(
          async () =>
            ((await (await fetch(`${app.url}/api/runs/${runId}`)).json()) as { run: { status: string } }).run
              .status,
          {
            timeout: 30_000,
            interval: 250,
          },
        )
        .toBe("done");
    }
    await sleep(500);
    const after = await stats(app);
    expect(after.openRunStreams).toBe(0);
    expect(after.activeHandles).toBeLessThanOrEqual(baseline.activeHandles + 2);
    expect(app.output()).not.toMatch(/Unhandled|uncaught|ERR_INVALID_STATE/i);
  }, 60_000);
});

describe("a slow reader", () => {
  it("reading 1 KB/s, then not for 60 s, holds the server's memory steady and still gets every event", async () => {
    const before = await stats(app);
    const body = JSON.stringify({ workflow: "article-writer", input: "A slow reader" });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${app.url}/api/runs`,
        {
          method: "POST",
          agent: false,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        async (res) => {
          res.pause();
          const started = Date.now();
          // 1 KB a second for 3 seconds, then nothing for 60 seconds while the run goes on and ends.
          while (Date.now() - started < 3000) {
            const chunk = res.read(1024) as Buffer | null;
            if (chunk) received.push(chunk.toString("utf8"));
            await sleep(1000);
          }
          await sleep(60_000);
          const during = await stats(app);
          expect(during.heapUsedBytes - before.heapUsedBytes).toBeLessThan(64 * 2 ** 20);
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => received.push(chunk));
          res.on("end", resolve);
          res.resume();
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    const text = received.join("");
    const seqs = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(text).toMatch(/"type":"finish"[\s\S]*data: \[DONE\]\n\n$/);
  }, 120_000);
});

/**
 * A proxy that drops a connection after CUT_MS without a byte from upstream, as CloudFront does
 * after 30 s. Scaled down 10× (3 s of silence; a model thinking 4.5 s; heartbeats every 1 s) so the
 * suite stays quick; the rule is the same.
 */
const CUT_MS = 3000;

function silenceCuttingProxy(target: string): Promise<{ url: string; server: Server; cuts: () => number }> {
  let cuts = 0;
  const { hostname, port } = new URL(target);
  const server = createServer((client: Socket) => {
    const upstream = connect(Number(port), hostname);
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        cuts += 1;
        client.destroy();
        upstream.destroy();
      }, CUT_MS);
    };
    arm();
    upstream.on("data", (data) => {
      arm();
      client.write(data);
    });
    client.on("data", (data) => upstream.write(data));
    const end = () => {
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
    };
    upstream.on("end", end);
    upstream.on("error", end);
    client.on("error", end);
    client.on("close", end);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
        server,
        cuts: () => cuts,
      });
    }),
  );
}

describe("a proxy that cuts silent connections", () => {
  let bedrock: FakeBedrock;
  beforeAll(async () => {
    bedrock = await startFakeBedrock((request) => {
      const system = request.body.system?.[0]?.text ?? "";
      const text = system.includes("demanding editor")
        ? ["SCORE: 9/10\n", "FEEDBACK:\n- Clear."]
        : ["A pitch."];
      return { events: textAnswer(text), firstDelayMs: 4500 };
    });
  });
  afterAll(async () => {
    await bedrock?.close();
  });

  const bedrockEnv = (heartbeatMs: string) => ({
    BEDROCK_MODEL_ID: "anthropic.claude-haiku-4-5-20251001-v1:0",
    BEDROCK_ENDPOINT_URL: bedrock.endpoint,
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test",
    MODEL_IDLE_TIMEOUT_MS: "10000",
    HEARTBEAT_MS: heartbeatMs,
  });

  it.each([
    ["with heartbeats, a node silent for 4.5 s survives", "1000", "finish"],
    ["without heartbeats, the same run is cut (the proxy works)", "600000", undefined],
  ])(
    "%s",
    async (_name, heartbeatMs, terminal) => {
      const server = await startAppServer(bedrockEnv(heartbeatMs));
      const proxy = await silenceCuttingProxy(server.url);
      try {
        const result = await readStream(`${proxy.url}/api/runs`, {
          method: "POST",
          body: JSON.stringify({
            workflow: "pitch-refiner",
            input: "A thermos that says when coffee is ready",
          }),
          firstEvent: /"type":"data-step"/,
        });
        expect(result.terminal).toBe(terminal);
        expect(proxy.cuts()).toBe(terminal ? 0 : 1);
        expect(result.seqErrors).toBe(0);
      } finally {
        proxy.server.close();
        await server.stop();
      }
    },
    60_000,
  );
});
