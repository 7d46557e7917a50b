import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { readSseEvents, type SseEvent } from "../support/read-stream";
import { RUN_STORES, type SharedStore } from "../support/run-stores";
import { TestVisitor } from "../support/visitor";

/**
 * A run that asks a person (the report writer's plan review), on each store, across two server
 * processes sharing it: it pauses with its question and its response ends; it is answered through
 * the other process, which goes on with the same run id and sequence numbers; the whole run
 * replays across its pause with one terminal; a waiting run can be stopped, and expires.
 */
describe.each(RUN_STORES)("a run that asks a person, on %s", (_storeName, openStore) => {
  let store: SharedStore;
  let a: AppServer;
  let b: AppServer;
  let you: TestVisitor;
  const servers: AppServer[] = [];

  const start = async (extra: Record<string, string> = {}) => {
    const server = await startAppServer({ ...store.env, OFFLINE_TOKENS_PER_SECOND: "200", ...extra });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    store = await openStore();
    [a, b] = await Promise.all([start(), start()]);
    you = await TestVisitor.arrive(a.url);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await store?.close();
  });

  const parse = (event: SseEvent) =>
    JSON.parse(event.json) as Record<string, unknown> & { data?: Record<string, unknown> };
  const terminals = (events: SseEvent[]) =>
    events.filter((event) => ["finish", "abort", "error"].includes(event.type));

  /** Starts a report on A and reads it to its pause. */
  async function pausedReport(input: string): Promise<{ runId: string; events: SseEvent[] }> {
    const started = await you.startRun("report-writer", input);
    const runId = started.headers.get("x-run-id") ?? "";
    const { events } = await readSseEvents(started);
    return { runId, events };
  }

  const resume = (server: AppServer, runId: string, value: unknown, headers: Record<string, string> = {}) =>
    you.fetch(`${server.url}/api/runs/${runId}/resume`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ value }),
    });

  it("pauses with its question, ends its response, and waits: in the store and in the history", async () => {
    const { runId, events } = await pausedReport("Should our team adopt pair programming?");
    const question = events.find((event) => event.type === "data-interrupt");
    expect(question && parse(question).data).toMatchObject({
      node: "review",
      question: "Approve this plan before the section writers start?",
      actions: ["approve", "edit", "reject"],
      payload: { sections: expect.any(Array) },
    });
    // The response ends with a finish of its own, not numbered and never stored.
    expect(terminals(events)).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "finish", seq: undefined });
    expect(events.filter((event) => event.seq !== undefined).map((event) => event.seq)).toEqual(
      events.slice(0, -1).map((_, index) => index + 1),
    );
    const record = (await (await you.fetch(`${b.url}/api/runs/${runId}`)).json()) as {
      run: { status: string; questions?: unknown[] };
      steps: { node: string; status: string }[];
    };
    expect(record.run.status).toBe("waiting");
    expect(record.steps.find((step) => step.node === "review")?.status).toBe("waiting");
    const history = (await (await you.fetch(`${b.url}/api/runs`)).json()) as {
      entries: { run: { id: string; status: string } }[];
    };
    expect(history.entries.find((entry) => entry.run.id === runId)?.run.status).toBe("waiting");
    // Reading it again gives the same, ending at the pause.
    const again = await readSseEvents(await you.fetch(`${b.url}/api/runs/${runId}/stream`));
    expect(again.events.map((event) => event.json)).toEqual(events.map((event) => event.json));
  });

  it("goes on through the other process when answered: same run, sequence carrying on, one terminal across the pause", async () => {
    const { runId, events: before } = await pausedReport("How should we budget for cloud costs?");
    const pausedAt = before.filter((event) => event.seq !== undefined).length;
    const edited = { action: "edit", payload: { sections: ["Where the money goes", "What to cut first"] } };
    const resumed = await resume(b, runId, edited);
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get("x-run-id")).toBe(runId);
    const { events: after } = await readSseEvents(resumed);
    // The response replays the run from its start, then follows it: its numbers run on, unbroken.
    expect(after.map((event) => event.seq)).toEqual(after.map((_, index) => index + 1));
    expect(after.slice(0, pausedAt).map((event) => event.json)).toEqual(
      before.slice(0, pausedAt).map((event) => event.json),
    );
    expect(terminals(after).map((event) => event.type)).toEqual(["finish"]);
    const answered = after.slice(pausedAt).find((event) => event.type === "data-interrupt");
    expect(answered && parse(answered).data).toMatchObject({ answer: edited });
    const sections = after
      .filter((event) => event.type === "data-step")
      .map(parse)
      .filter((part) => part.data?.node === "section" && part.data?.status === "done")
      .map((part) => part.data?.label);
    // The workers run in parallel: any order, exactly the edited plan.
    expect(sections.sort()).toEqual(["What to cut first", "Where the money goes"]);

    // The whole run replays from either process, across its pause, exactly as it went.
    const replay = await readSseEvents(await you.fetch(`${a.url}/api/runs/${runId}/stream`));
    expect(replay.events.map((event) => event.json)).toEqual(after.map((event) => event.json));
    const record = (await (await you.fetch(`${a.url}/api/runs/${runId}`)).json()) as {
      run: { status: string };
    };
    expect(record.run.status).toBe("done");
    // It is not waiting any more: another answer is refused.
    expect((await resume(a, runId, { action: "approve" })).status).toBe(409);
    expect(store.refusals()).toEqual([]);
  });

  it("takes one answer when two arrive at once, one per process", async () => {
    const { runId } = await pausedReport("Is a four-day week worth trying?");
    const [first, second] = await Promise.all([
      resume(a, runId, { action: "approve" }, { accept: "application/json" }),
      resume(b, runId, { action: "reject", reason: "too soon" }, { accept: "application/json" }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const replay = await readSseEvents(await you.fetch(`${a.url}/api/runs/${runId}/stream`));
    expect(terminals(replay.events)).toHaveLength(1);
    expect(replay.events.filter((event) => event.type === "data-interrupt")).toHaveLength(2);
  });

  it("ends with the person's rejection as its result", async () => {
    const { runId } = await pausedReport("Should we rewrite the billing service in Rust?");
    const { events } = await readSseEvents(
      await resume(b, runId, { action: "reject", reason: "not this year" }),
    );
    const result = events.find((event) => event.type === "data-result");
    expect(result && parse(result).data).toEqual({ markdown: "*The plan was rejected: not this year.*" });
    expect(
      events
        .filter((event) => event.type === "data-step")
        .map(parse)
        .some((part) => part.data?.node === "section"),
    ).toBe(false);
  });

  it("can be stopped while it waits, by its owner only, and then cannot be answered", async () => {
    const { runId } = await pausedReport("Do we need a staging environment?");
    const stranger = await TestVisitor.arrive(a.url);
    expect(
      (
        await stranger.fetch(`/api/runs/${runId}/resume`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ value: { action: "approve" } }),
        })
      ).status,
    ).toBe(404);
    expect((await stranger.fetch(`/api/runs/${runId}/stop`, { method: "POST" })).status).toBe(404);
    const stopped = await you.fetch(`${b.url}/api/runs/${runId}/stop`, { method: "POST" });
    expect(await stopped.json()).toEqual({ runId, status: "stopped" });
    const replay = await readSseEvents(await you.fetch(`${a.url}/api/runs/${runId}/stream`));
    expect(terminals(replay.events).map((event) => event.type)).toEqual(["abort"]);
    expect(replay.events.at(-1)?.seq).toBe(replay.events.length);
    expect((await resume(a, runId, { action: "approve" })).status).toBe(409);
  });

  it("expires when nobody answers in time, with a terminal error saying so", async () => {
    const hurried = await start({ RUN_WAITING_TIMEOUT_MS: "1500" });
    const visitor = new TestVisitor(hurried.url);
    visitor.keep([`stepstream_session=${you.cookie?.split("=")[1]}`]);
    const started = await visitor.startRun("report-writer", "Should we drop IE support?");
    const runId = started.headers.get("x-run-id") ?? "";
    await readSseEvents(started);
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    const record = (await (await visitor.fetch(`/api/runs/${runId}`)).json()) as {
      run: { status: string; error?: { code: string } };
    };
    expect(record.run).toMatchObject({ status: "expired", error: { code: "expired" } });
    const answer = await visitor.fetch(`/api/runs/${runId}/resume`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: { action: "approve" } }),
    });
    expect(answer.status).toBe(410);
    const replay = await readSseEvents(await visitor.fetch(`/api/runs/${runId}/stream`));
    expect(terminals(replay.events).map((event) => parse(event).code)).toEqual(["expired"]);
  });

  it("refuses an answer that is no JSON value, clearly", async () => {
    const { runId } = await pausedReport("Should we track velocity?");
    const missing = await you.fetch(`${a.url}/api/runs/${runId}/resume`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ answer: "yes" }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    // Nothing was lost: the run still waits.
    const record = (await (await you.fetch(`${a.url}/api/runs/${runId}`)).json()) as {
      run: { status: string };
    };
    expect(record.run.status).toBe("waiting");
  });
});
