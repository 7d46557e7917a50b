import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";
import { readSseEvents, type SseEvent } from "../support/read-stream";
import { RUN_STORES, type SharedStore } from "../support/run-stores";
import { normalizeTranscript } from "../support/transcript";
import { TestVisitor } from "../support/visitor";

/**
 * Durable runs across processes: two (and more) real server processes share one store, as Lambda
 * instances share the DynamoDB table. Every test runs on both stores: a SQLite file, and DynamoDB
 * (dynalite behind the strict layer that refuses what the real service refuses). The model is the
 * real ChatBedrockConverse against a loopback ConverseStream server streaming 30 tokens 15 ms
 * apart per model call.
 */

describe.each(RUN_STORES)("durable runs on %s", (storeName, openStore) => {
  let bedrock: FakeBedrock;
  let store: SharedStore;
  const servers: AppServer[] = [];
  let a: AppServer;
  let b: AppServer;

  const TERMINALS = new Set(["finish", "abort", "error"]);
  const pieces = Array.from({ length: 30 }, (_, index) => `word${index} `);
  const LONG = "(a long answer)";
  const longPieces = Array.from({ length: 400 }, (_, index) => `word${index} `);

  async function startServer(extra: Record<string, string> = {}): Promise<AppServer> {
    const server = await startAppServer({
      BEDROCK_MODEL_ID: "anthropic.claude-3-5-haiku-20241022-v1:0",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDTESTTESTTEST",
      AWS_SECRET_ACCESS_KEY: "test-secret",
      HEARTBEAT_MS: "2000",
      ...store.env,
      ...extra,
    });
    servers.push(server);
    return server;
  }

  /** The session of the one visitor these tests are: valid on every server (they share a key). */
  let you = "";
  function send(server: AppServer, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("cookie", you);
    return fetch(`${server.url}${path}`, { ...init, headers });
  }

  function post(server: AppServer, workflow: string, input: string): Promise<Response> {
    return send(server, `/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ workflow, input }),
    });
  }

  function resume(
    server: AppServer,
    runId: string,
    afterSeq: number,
    how: "header" | "query",
  ): Promise<Response> {
    return how === "header"
      ? send(server, `/api/runs/${runId}/stream`, { headers: { "last-event-id": String(afterSeq) } })
      : send(server, `/api/runs/${runId}/stream?after=${afterSeq}`);
  }

  /** A transcript is whole: sequence numbers 1…n without a gap or a repeat, one terminal, last. */
  function expectWhole(events: SseEvent[]): void {
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => TERMINALS.has(event.type)).map((event) => event.seq)).toEqual([
      events.length,
    ]);
  }

  beforeAll(async () => {
    // A task marked LONG makes a model call of 6 s, which a stop must cut short: it cannot end first.
    bedrock = await startFakeBedrock((request) => ({
      events: textAnswer(JSON.stringify(request.body.messages).includes(LONG) ? longPieces : pieces),
      delayMs: 15,
    }));
    store = await openStore();
    [a, b] = await Promise.all([startServer(), startServer()]);
    you = (await TestVisitor.arrive(a.url)).cookie ?? "";
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await bedrock?.close();
    await store?.close();
  });

  describe("a run started on one server", () => {
    it("is stopped through another promptly, its model call aborted, and resumed there", async () => {
      const sentAt = performance.now();
      const started = await post(a, "article-writer", `Why naps help programmers ${LONG}`);
      const runId = started.headers.get("x-run-id") ?? "";
      const first = await readSseEvents(started, { stopAfter: 6, since: sentAt });
      expect(first.events.some((event) => event.type === "text-delta")).toBe(true);

      // Reattach on A (its own memory), then stop through B.
      const watching = resume(a, runId, first.events.at(-1)?.seq ?? 0, "header").then((response) =>
        readSseEvents(response, { since: sentAt }),
      );
      const stopAt = Date.now();
      const stopped = await send(b, `/api/runs/${runId}/stop`, { method: "POST" });
      expect(stopped.status).toBe(200);
      expect(await stopped.json()).toEqual({ runId, status: "stopped" });
      const rest = await watching;
      const terminal = rest.events.at(-1);
      expect(terminal?.type).toBe("abort");
      expect(rest.done).toBe(true);

      // The one model call cut short is the one in flight at the stop. It ends soon after the stop:
      // within a third of the time it still had to stream (a 6 s call; B's stop reaches A through
      // the store's 500 ms poll), a bound relative to the call itself so that it holds on a loaded
      // machine. No model call starts after it.
      const aborted = bedrock.requests.filter(
        (request) => request.closedEarly && request.receivedAt <= stopAt,
      );
      expect(aborted).toHaveLength(1);
      const call = aborted[0] ?? { receivedAt: 0, closedAt: Number.POSITIVE_INFINITY };
      const naturalEnd = call.receivedAt + longPieces.length * 15;
      expect((call.closedAt ?? Number.POSITIVE_INFINITY) - stopAt).toBeLessThan((naturalEnd - stopAt) / 3);
      expect(bedrock.requests.filter((request) => request.receivedAt > (call.closedAt ?? 0))).toEqual([]);

      const record = (await (await send(b, `/api/runs/${runId}`)).json()) as {
        run: { status: string; stoppedBy?: { by: string; at: number } };
      };
      expect(record.run.status).toBe("stopped");
      expect(record.run.stoppedBy).toMatchObject({ by: "user", at: expect.any(Number) });
      expect(record.run.stoppedBy?.at).toBeGreaterThanOrEqual(stopAt - 5);

      // B is not running it: it replays the whole run from the store, identical to A's stream.
      const replay = await readSseEvents(await resume(b, runId, 0, "query"));
      expectWhole(replay.events);
      expect(replay.events.map((e) => e.json)).toEqual([...first.events, ...rest.events].map((e) => e.json));
      expect((await send(b, `/api/runs/${runId}/stop`, { method: "POST" })).status).toBe(409);
    });

    it("survives 24 disconnects anywhere in the run: every resumed transcript is whole and equals an independent run's", async () => {
      // The same deterministic workflow and input, run once without interruption, is the reference.
      const input = "Two days in Porto, on foot";
      const reference = await readSseEvents(await post(a, "trip-planner", input));
      expectWhole(reference.events);
      const total = reference.events.length;
      let seed = 20261123;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      // Anywhere from the first event to the terminal itself (then only [DONE] is left to resume).
      const cuts = Array.from({ length: 24 }, (_, index) => ({
        index,
        cutAfter: index === 0 ? total : index === 1 ? total - 1 : 1 + Math.floor(random() * total),
        startOn: index % 2 ? b : a,
        resumeOn: index % 3 ? a : b,
        how: index % 2 ? ("header" as const) : ("query" as const),
      }));
      expect(Math.max(...cuts.map((cut) => cut.cutAfter))).toBe(total);
      for (let batch = 0; batch < cuts.length; batch += 6) {
        await Promise.all(
          cuts.slice(batch, batch + 6).map(async (cut) => {
            const started = await post(cut.startOn, "trip-planner", input);
            const runId = started.headers.get("x-run-id") ?? "";
            const before = await readSseEvents(started, { stopAfter: cut.cutAfter });
            expect(before.events).toHaveLength(cut.cutAfter);
            const after = await readSseEvents(
              await resume(cut.resumeOn, runId, before.events.at(-1)?.seq ?? 0, cut.how),
            );
            const joined = [...before.events, ...after.events];
            expectWhole(joined);
            expect(joined.at(-1)?.type).toBe("finish");
            expect(after.done).toBe(true);
            expect(normalizeTranscript(joined)).toEqual(normalizeTranscript(reference.events));
          }),
        );
      }
    }, 180_000);

    it("keeps going when its client goes away, and can be read again from the start", async () => {
      const started = await post(a, "trip-planner", "Three days in Kyoto");
      const runId = started.headers.get("x-run-id") ?? "";
      await readSseEvents(started, { stopAfter: 2 });
      const replay = await readSseEvents(await resume(a, runId, 0, "query"));
      expectWhole(replay.events);
      expect(replay.events.at(-1)?.type).toBe("finish");
    });

    it("answers a bad resume point and an unknown run clearly", async () => {
      const bad = await send(a, `/api/runs/some-run/stream`, { headers: { "last-event-id": "-3" } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("bad_request");
      const unknown = await send(a, `/api/runs/no-such-run/stream`);
      expect(unknown.status).toBe(404);
      expect((await send(a, `/api/runs/no-such-run/stop`, { method: "POST" })).status).toBe(404);
    });
  });

  describe("a run whose server goes away", () => {
    it("shows as interrupted after kill -9, once its liveness lapses, with a terminal event", async () => {
      const doomed = await startServer();
      const started = await post(doomed, "article-writer", "Killing servers safely");
      const runId = started.headers.get("x-run-id") ?? "";
      const before = await readSseEvents(started, { stopAfter: 8 });
      await new Promise((resolve) => setTimeout(resolve, 1300)); // At least one progress write.
      doomed.process.kill("SIGKILL");
      await new Promise((resolve) => doomed.process.once("exit", resolve));

      const survivor = await startServer({ RUN_LIVENESS_TIMEOUT_MS: "1500" });
      const early = (await (await send(survivor, `/api/runs/${runId}`)).json()) as {
        run: { status: string };
      };
      expect(["running", "interrupted"]).toContain(early.run.status);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      const later = (await (await send(survivor, `/api/runs/${runId}`)).json()) as {
        run: { status: string; error?: { code: string } };
      };
      expect(later.run).toMatchObject({ status: "interrupted", error: { code: "interrupted" } });
      const replay = await readSseEvents(await resume(survivor, runId, 0, "query"));
      expectWhole(replay.events);
      expect(JSON.parse(replay.events.at(-1)?.json ?? "{}")).toMatchObject({
        type: "error",
        code: "interrupted",
      });
      // What the store kept is what the killed server sent, in the same order (it may have sent up
      // to a second more than it stored).
      const storedPart = replay.events.slice(0, -2).map((event) => event.json);
      const common = Math.min(storedPart.length, before.events.length);
      expect(common).toBeGreaterThan(0);
      expect(storedPart.slice(0, common)).toEqual(before.events.slice(0, common).map((event) => event.json));
    });

    it("drains on SIGTERM: the stream ends with an interrupted terminal and the store agrees", async () => {
      const stopping = await startServer();
      const started = await post(stopping, "article-writer", "Graceful shutdowns");
      const runId = started.headers.get("x-run-id") ?? "";
      const reading = readSseEvents(started);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const exited = new Promise<number | null>((resolve) =>
        stopping.process.once("exit", (code) => resolve(code)),
      );
      stopping.process.kill("SIGTERM");
      const { events } = await reading;
      expectWhole(events);
      expect(JSON.parse(events.at(-1)?.json ?? "{}")).toMatchObject({
        type: "error",
        code: "interrupted",
        retryable: true,
      });
      expect(await exited).toBe(143);
      const reader = store.open();
      const lookup = await reader.getRun(runId);
      await reader.close();
      expect(lookup.kind === "found" && lookup.run).toMatchObject({
        status: "interrupted",
        lastSeq: events.length,
      });
    });
  });

  describe("a finished run", () => {
    it("is listed in the history, replays from another server, and is deleted with everything it stored", async () => {
      const started = await post(a, "trip-planner", `History on ${storeName}`);
      const runId = started.headers.get("x-run-id") ?? "";
      const original = await readSseEvents(started);
      expect(original.events.at(-1)?.type).toBe("finish");
      const history = await (await send(b, `/runs`)).text();
      expect(history).toContain(`/runs/${runId}`);
      const replay = await readSseEvents(await resume(b, runId, 0, "query"));
      expect(replay.events.map((event) => event.json)).toEqual(original.events.map((event) => event.json));

      const deleted = await send(b, `/api/runs/${runId}`, { method: "DELETE" });
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toEqual({ runId, deleted: true });
      expect((await send(a, `/api/runs/${runId}`)).status).toBe(404);
      const reader = store.open();
      expect(await reader.readEvents(runId, 0)).toEqual([]);
      await reader.close();
      expect((await send(a, `/api/runs/${runId}`, { method: "DELETE" })).status).toBe(404);
    });
  });

  describe("the store", () => {
    it("was never asked for anything the real service would refuse", () => {
      expect(store.refusals()).toEqual([]);
    });
  });
});
