import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStream } from "../../scripts/bench/load-client";
import { type AppServer, startAppServer } from "../support/app-server";
import { openPausedRun, readToEnd } from "../support/raw-run";
import { RUN_STORES, type SharedStore } from "../support/run-stores";
import { TestVisitor } from "../support/visitor";

/**
 * Streams under stress: load, clients leaving at awkward moments, slow readers. Every test runs on
 * both stores: SQLite, and DynamoDB through the strict layer, where nothing may be asked that the
 * real service would refuse.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stats = async (server: AppServer) =>
  (await (await fetch(`${server.url}/api/bench/stats`)).json()) as {
    heapUsedBytes: number;
    openRunStreams: number;
    runStreamBytesWritten: number;
    activeHandles: number;
  };

describe.each(RUN_STORES)("stream faults on %s", (_storeName, openStore) => {
  let app: AppServer;
  let store: SharedStore;

  /** The one visitor of the tests that follow their runs after starting them. */
  let visitor: TestVisitor;

  beforeAll(async () => {
    store = await openStore();
    app = await startAppServer({
      BENCH_ROUTES: "1",
      OFFLINE_TOKENS_PER_SECOND: "100",
      RUN_TOKEN_BUDGET: "0",
      ...store.env,
    });
    visitor = await TestVisitor.arrive(app.url);
  });
  afterAll(async () => {
    await app?.stop();
    await store?.close();
  });

  describe("load", () => {
    it("100 concurrent runs with non-ASCII tasks: every stream whole, in order, with one terminal event", async () => {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          readStream(`${app.url}/api/runs`, {
            method: "POST",
            body: JSON.stringify({
              workflow: "trip-planner",
              input: `Voyage ${index}: Zürich → 東京, ☕ ${"é".repeat(300)}`,
            }),
            firstEvent: /"type":"data-step"/,
          }),
        ),
      );
      for (const result of results) {
        expect(result.error).toBeUndefined();
        expect(result.seqErrors).toBe(0);
        expect(result.terminals).toEqual(["finish"]);
        expect(result.afterTerminal).toBe(0);
        expect(result.doneMarkers).toBe(1);
      }
      // Each run's stored transcript is whole too.
      // Its owner (the session the run's response set) replays it from the store.
      const owner = new TestVisitor(app.url);
      owner.keep(results[0]?.setCookies ?? []);
      const replay = await readStream(`${app.url}/api/runs/${results[0]?.runId}/stream`, {
        headers: { cookie: owner.cookie ?? "" },
        firstEvent: /./,
      });
      expect(replay.terminals).toEqual(["finish"]);
      expect(replay.seqErrors).toBe(0);
      expect(store.refusals()).toEqual([]);
    }, 90_000);
  });

  describe("a client that leaves", () => {
    /** Opens a run and hangs up at the chosen moment; returns the run id. */
    function leaveAt(moment: "before-headers" | "after-first-event" | "mid-tokens" | "between-nodes") {
      return new Promise<{ runId?: string }>((resolve) => {
        let hungUp = false;
        let deltas = 0;
        let runId: string | undefined;
        const body = JSON.stringify({ workflow: "article-writer", input: `Leaving ${moment}` });
        const req = request(
          `${app.url}/api/runs`,
          {
            method: "POST",
            agent: false,
            headers: {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(body),
              cookie: visitor.cookie ?? "",
            },
          },
          (res) => {
            runId = res.headers["x-run-id"] as string | undefined;
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              if (hungUp) return;
              deltas += chunk.split('"type":"text-delta"').length - 1;
              const hangUp =
                moment === "after-first-event" ||
                (moment === "mid-tokens" && deltas >= 10) ||
                (moment === "between-nodes" && chunk.includes('"status":"done"'));
              if (hangUp) {
                hungUp = true;
                req.destroy();
                resolve({ runId });
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
            resolve({ runId });
          });
        }
      });
    }

    it("at four moments: the server writes nothing more to them, the runs go on to their end, nothing leaks", async () => {
      const baseline = await stats(app);
      const moments = ["before-headers", "after-first-event", "mid-tokens", "between-nodes"] as const;
      const left = await Promise.all(moments.map((moment) => leaveAt(moment)));
      // The server notices every hang-up and closes those streams; from then on, measured on the
      // server's side, not one more byte goes to them while the runs go on producing parts.
      await expect.poll(async () => (await stats(app)).openRunStreams, { timeout: 10_000 }).toBe(0);
      const atHangUp = (await stats(app)).runStreamBytesWritten;
      // Runs are durable: each one that started goes on to its end.
      for (const { runId } of left.filter((entry) => entry.runId)) {
        await expect
          .poll(
            async () =>
              ((await (await visitor.fetch(`/api/runs/${runId}`)).json()) as { run: { status: string } }).run
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
      expect(after.runStreamBytesWritten).toBe(atHangUp);
      expect(after.activeHandles).toBeLessThanOrEqual(baseline.activeHandles + 2);
      expect(app.output()).not.toMatch(/Unhandled|uncaught|ERR_INVALID_STATE/i);
    }, 60_000);
  });

  describe("a slow reader", () => {
    it("reading 1 KB/s, then not for 60 s, holds the server's memory steady and still gets every event", async () => {
      const before = await stats(app);
      const received: string[] = [];
      const res = await openPausedRun(
        app.url,
        { workflow: "article-writer", input: "A slow reader" },
        visitor.cookie,
      );
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
      await readToEnd(res, (chunk) => received.push(chunk.toString("utf8")));
      const text = received.join("");
      const seqs = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
      expect(seqs).toEqual(seqs.map((_, index) => index + 1));
      expect(text).toMatch(/"type":"finish"[\s\S]*data: \[DONE\]\n\n$/);
    }, 120_000);
  });

  it("asked the store nothing it would refuse", () => {
    expect(store.refusals()).toEqual([]);
  });
});
