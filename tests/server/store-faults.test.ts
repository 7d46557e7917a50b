import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { type LocalDynamo, startDynalite } from "../support/dynalite";
import { readSseEvents } from "../support/read-stream";
import { TestVisitor } from "../support/visitor";

/**
 * The run store failing under a run, on the production store (DynamoDB through the strict layer):
 * down at the start, failing writes mid-run, and slow writes from a process that is alive.
 */
let dynamo: LocalDynamo;
const servers: AppServer[] = [];
const WRITES = new Set(["PutItem", "UpdateItem", "BatchWriteItem", "DeleteItem"]);
/** Every server signs sessions with the same key, as deployed instances share AuthSecret. */
const AUTH_SECRET = randomBytes(32).toString("base64url");
/** The visitor whose runs these are, on every server. */
let you: TestVisitor;

async function startServer(extra: Record<string, string> = {}): Promise<AppServer> {
  const server = await startAppServer({
    RUN_STORE: "dynamodb",
    RUNS_TABLE: "store-faults",
    DYNAMODB_ENDPOINT_URL: dynamo.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test",
    OFFLINE_TOKENS_PER_SECOND: "60",
    AUTH_SECRET,
    ...extra,
  });
  servers.push(server);
  you ??= await TestVisitor.arrive(server.url);
  return server;
}

function post(server: AppServer, input: string): Promise<Response> {
  return you.fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow: "trip-planner", input }),
  });
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createRunsTable("store-faults");
});
afterAll(async () => {
  dynamo?.injectFaults(undefined);
  await Promise.all(servers.map((server) => server.stop()));
  await dynamo?.stop();
});

describe("the run store", () => {
  it("down when a run starts: a clear, retryable 503 store_unavailable, and nothing runs", async () => {
    const server = await startServer();
    dynamo.injectFaults((operation) => (operation === "PutItem" ? { fail: true } : undefined));
    try {
      const response = await post(server, "Two days in Porto");
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        error: { code: "store_unavailable", message: expect.stringMatching(/not started; try again/) },
      });
    } finally {
      dynamo.injectFaults(undefined);
    }
    const after = await post(server, "Two days in Porto, again");
    expect(after.status).toBe(200);
    expect((await readSseEvents(after)).events.at(-1)?.type).toBe("finish");
  });

  it("failing writes mid-run: the run streams on, and once the store is back it holds every event", async () => {
    const [writer, reader] = await Promise.all([
      startServer({ OFFLINE_TOKENS_PER_SECOND: "30" }),
      startServer(),
    ]);
    const started = await post(writer, "Three days in Lisbon");
    const runId = started.headers.get("x-run-id") ?? "";
    const reading = readSseEvents(started);
    // The store fails every write for a second and a half in the middle of the run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const failedFrom = Date.now();
    dynamo.injectFaults((operation) => (WRITES.has(operation) ? { fail: true } : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    dynamo.injectFaults(undefined);
    expect(
      dynamo.requests.filter((request) => request.at >= failedFrom && request.fault).length,
    ).toBeGreaterThan(0);
    const live = await reading;
    expect(live.events.at(-1)?.type).toBe("finish");
    const replay = await readSseEvents(await you.fetch(`${reader.url}/api/runs/${runId}/stream`));
    expect(replay.events.map((event) => event.json)).toEqual(live.events.map((event) => event.json));
    const record = (await (await you.fetch(`${reader.url}/api/runs/${runId}`)).json()) as {
      run: { status: string };
    };
    expect(record.run.status).toBe("done");
  });

  it("slow writes from a live process: readers elsewhere never take the run for interrupted", async () => {
    const writer = await startServer();
    const watcher = await startServer({ RUN_LIVENESS_TIMEOUT_MS: "6000" });
    dynamo.injectFaults((operation) => (WRITES.has(operation) ? { delayMs: 700 } : undefined));
    try {
      const started = await post(writer, "Four days in Seville");
      const runId = started.headers.get("x-run-id") ?? "";
      const reading = readSseEvents(started);
      const seen = new Set<string>();
      let finished = false;
      void reading.then(() => {
        finished = true;
      });
      while (!finished) {
        const record = (await (await you.fetch(`${watcher.url}/api/runs/${runId}`)).json()) as {
          run: { status: string };
        };
        seen.add(record.run.status);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect((await reading).events.at(-1)?.type).toBe("finish");
      expect(seen.has("interrupted")).toBe(false);
      await expect
        .poll(
          async () =>
            (
              (await (await you.fetch(`${watcher.url}/api/runs/${runId}`)).json()) as {
                run: { status: string };
              }
            ).run.status,
        )
        .toBe("done");
    } finally {
      dynamo.injectFaults(undefined);
    }
  });

  it("was never asked for anything the real service would refuse", () => {
    expect(dynamo.refusals).toEqual([]);
  });
});
