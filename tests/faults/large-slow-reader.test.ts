import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";
import { openPausedRun, readToEnd } from "../support/raw-run";
import { RUN_STORES, type SharedStore } from "../support/run-stores";
import { TestVisitor } from "../support/visitor";

/**
 * A slow reader of a run far larger than the socket buffers between it and the server (a model
 * answering 80,000 tokens per node: about 32 MB of stream). If the server buffered the response
 * rather than pulling at the reader's pace, it would hand the whole run to the socket while the
 * reader sleeps; measured on the server's side, it hands over no more than the buffers take.
 */
const pieces = Array.from({ length: 80_000 }, (_, index) => `t${index % 10} `);

describe.each(RUN_STORES)("on %s", (_storeName, openStore) => {
  let bedrock: FakeBedrock;
  let app: AppServer;
  let store: SharedStore;

  beforeAll(async () => {
    bedrock = await startFakeBedrock(() => ({ events: textAnswer(pieces) }));
    store = await openStore();
    app = await startAppServer({
      ...store.env,
      BEDROCK_MODEL_ID: "anthropic.claude-3-5-haiku-20241022-v1:0",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test",
      RUN_TOKEN_BUDGET: "0",
      BENCH_ROUTES: "1",
    });
  });
  afterAll(async () => {
    await app?.stop();
    await bedrock?.close();
    await store?.close();
  });

  const bytesWritten = async () =>
    ((await (await fetch(`${app.url}/api/bench/stats`)).json()) as { runStreamBytesWritten: number })
      .runStreamBytesWritten;

  describe("a slow reader of a large run", () => {
    it("gets only what the sockets hold while it sleeps, then every byte of a 32 MB run", async () => {
      const before = await bytesWritten();
      let received = 0;
      let text = "";
      const visitor = await TestVisitor.arrive(app.url);
      const res = await openPausedRun(
        app.url,
        { workflow: "trip-planner", input: "A very long answer" },
        visitor.cookie,
      );
      const runId = String(res.headers["x-run-id"]);
      // Asleep until the run has ended on the server: it produced everything meanwhile.
      await expect
        .poll(
          async () =>
            ((await (await visitor.fetch(`/api/runs/${runId}`)).json()) as { run: { status: string } }).run
              .status,
          { timeout: 60_000, interval: 500 },
        )
        .toBe("done");
      const whileAsleep = (await bytesWritten()) - before;
      await readToEnd(res, (chunk) => {
        received += chunk.length;
        text = text.slice(-4096) + chunk.toString("utf8");
      });
      expect(runId).toBeTruthy();
      expect(received).toBeGreaterThan(30 * 2 ** 20);
      expect(text).toMatch(/"type":"finish"[\s\S]*data: \[DONE\]\n\n$/);
      // What the loopback sockets can hold (about 4 MB here, 10 MB at most with Linux's defaults),
      // far short of the run.
      expect(whileAsleep).toBeLessThan(received / 3);
      expect(store.refusals()).toEqual([]);
    }, 120_000);
  });
});
