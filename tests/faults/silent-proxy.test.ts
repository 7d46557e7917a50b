import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, it } from "vitest";
import { readStream } from "../../scripts/bench/load-client";
import { type AppServer, startAppServer } from "../support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";
import { RUN_STORES, type SharedStore } from "../support/run-stores";
import { TestVisitor } from "../support/visitor";

/**
 * CloudFront's rule at full scale: it drops an origin connection after 30 s without a byte. A node
 * whose model thinks in silence for 45 s must survive it on the app's own heartbeats (every 10 s,
 * the default); with heartbeats off, the same run is cut, which proves the proxy really cuts.
 */
const CUT_MS = 30_000;
const SILENCE_MS = 45_000;

interface SilenceCuttingProxy {
  url: string;
  server: Server;
  /** When each connection was cut, in ms after it opened. */
  cuts: number[];
}

function silenceCuttingProxy(target: string): Promise<SilenceCuttingProxy> {
  const cuts: number[] = [];
  const { hostname, port } = new URL(target);
  const server = createServer((client: Socket) => {
    const openedAt = Date.now();
    const upstream = connect(Number(port), hostname);
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        cuts.push(Date.now() - openedAt);
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
        cuts,
      });
    }),
  );
}

let bedrock: FakeBedrock;
beforeAll(async () => {
  // The copywriter's first draft comes after 45 s of silence; the editor answers at once and is
  // satisfied, so the run is one silent node and one quick one.
  bedrock = await startFakeBedrock((request) => {
    const system = request.body.system?.[0]?.text ?? "";
    if (system.includes("demanding editor"))
      return { events: textAnswer(["SCORE: 9/10\n", "FEEDBACK:\n- Clear."]) };
    return { events: textAnswer(["A pitch", " worth the wait."]), firstDelayMs: SILENCE_MS };
  });
});
afterAll(async () => {
  await bedrock?.close();
});

const appEnv = (heartbeat: Record<string, string>) => ({
  BEDROCK_MODEL_ID: "anthropic.claude-haiku-4-5-20251001-v1:0",
  BEDROCK_ENDPOINT_URL: bedrock.endpoint,
  AWS_ACCESS_KEY_ID: "AKIDTEST",
  AWS_SECRET_ACCESS_KEY: "test",
  // Patient enough for a 45 s first token (three idle timeouts).
  MODEL_IDLE_TIMEOUT_MS: "20000",
  ...heartbeat,
});

async function runThroughProxy(app: AppServer) {
  const proxy = await silenceCuttingProxy(app.url);
  try {
    const result = await readStream(`${proxy.url}/api/runs`, {
      method: "POST",
      body: JSON.stringify({ workflow: "pitch-refiner", input: "A thermos that says when coffee is ready" }),
      firstEvent: /"type":"text-delta"/,
    });
    return { result, cuts: proxy.cuts };
  } finally {
    proxy.server.close();
  }
}

/** Starts the app on a store of its own for one test, and closes both after it. */
async function withApp(
  openStore: () => Promise<SharedStore>,
  heartbeat: Record<string, string>,
  test: (app: AppServer, store: SharedStore) => Promise<void>,
): Promise<void> {
  const store = await openStore();
  const app = await startAppServer({ ...store.env, ...appEnv(heartbeat) });
  try {
    await test(app, store);
  } finally {
    await app.stop();
    await store.close();
  }
}

describe.concurrent("a proxy that cuts 30 s of silence, as CloudFront does", () => {
  // Concurrent tests assert through their own context's `expect`.
  it.for(RUN_STORES)(
    "on %s, with the default heartbeat (10 s), a node silent for 45 s survives to the end",
    { timeout: 90_000 },
    ([, openStore], { expect }) =>
      withApp(openStore, {}, async (app, store) => {
        const { result, cuts } = await runThroughProxy(app);
        expect(cuts).toEqual([]);
        expect(result.error).toBeUndefined();
        expect(result.terminal).toBe("finish");
        expect(result.seqErrors).toBe(0);
        // The silence was real: the node's first token came only after it.
        expect(result.firstEventMs).toBeGreaterThanOrEqual(SILENCE_MS);
        // Nor was the run taken for dead while its node was silent (liveness kept up in the store).
        const owner = new TestVisitor(app.url);
        owner.keep(result.setCookies ?? []);
        await expect
          .poll(
            async () =>
              (
                (await (await owner.fetch(`/api/runs/${result.runId}`)).json()) as {
                  run: { status: string };
                }
              ).run.status,
          )
          .toBe("done");
        expect(store.refusals()).toEqual([]);
      }),
  );

  it.for(RUN_STORES)(
    "on %s, with heartbeats off, the same run is cut at 30 s of silence (the proxy works)",
    { timeout: 90_000 },
    ([, openStore], { expect }) =>
      withApp(openStore, { HEARTBEAT_MS: "600000" }, async (app) => {
        const { result, cuts } = await runThroughProxy(app);
        expect(cuts).toHaveLength(1);
        expect(cuts[0]).toBeGreaterThanOrEqual(CUT_MS);
        expect(cuts[0]).toBeLessThan(SILENCE_MS);
        expect(result.terminal).toBeUndefined();
        expect(result.firstEventMs).toBeUndefined();
      }),
  );
});
