import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, LIMITS_OFF, startAppServer } from "../support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../support/fake-bedrock";
import { readSseEvents } from "../support/read-stream";
import { RUN_STORES, type SharedStore } from "../support/run-stores";
import { TestVisitor } from "../support/visitor";

/**
 * The spending limits, over HTTP, against two server processes sharing one store (as Lambda
 * instances share the table), on each store. Every model call goes to a loopback Bedrock that
 * counts them: a refused run must reach none.
 */
describe.each(RUN_STORES)("limits on %s", (_storeName, openStore) => {
  let bedrock: FakeBedrock;
  /** Each test's store of its own: counts of one day must not carry from one test to the next. */
  let store: SharedStore;
  const stores: SharedStore[] = [];
  const servers: AppServer[] = [];
  /** Each model call takes this long, so runs overlap when a test needs them to. */
  let callMs = 0;
  /** Tokens each model call reports (input, output). */
  let usage = { inputTokens: 11, outputTokens: 4 };

  beforeAll(async () => {
    bedrock = await startFakeBedrock(() => ({
      events: textAnswer(["a", " short", " answer", "."], usage),
      delayMs: callMs / 4,
    }));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await bedrock?.close();
    for (const opened of stores) await opened.close();
  });

  /** Two servers on the shared store with these limits on (everything else off). */
  async function pair(limits: Partial<typeof LIMITS_OFF>): Promise<[AppServer, AppServer]> {
    store = await openStore();
    stores.push(store);
    const env = {
      ...store.env,
      ...LIMITS_OFF,
      ...limits,
      BEDROCK_MODEL_ID: "anthropic.claude-3-5-haiku-20241022-v1:0",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDTESTTESTTEST",
      AWS_SECRET_ACCESS_KEY: "test-secret",
      AUTH_SECRET: store.env.AUTH_SECRET ?? "a-test-secret-of-at-least-32-characters!",
    };
    const started = await Promise.all([startAppServer(env), startAppServer(env)]);
    servers.push(...started);
    return started;
  }

  /** Twenty POSTs at once, alternating between the two servers, each as `visitorFor(index)`. */
  async function burst(
    servers: [AppServer, AppServer],
    visitorFor: (index: number) => TestVisitor,
    tag: string,
    headersFor: (index: number) => Record<string, string> = () => ({}),
  ) {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        visitorFor(index).fetch(`${servers[index % 2]?.url}/api/runs`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headersFor(index) },
          body: JSON.stringify({ workflow: "pitch-refiner", input: `${tag} ${index}` }),
        }),
      ),
    );
    const admitted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status !== 200);
    const bodies = await Promise.all(refused.map((response) => response.json()));
    await Promise.all(admitted.map((response) => readSseEvents(response)));
    /** Which runs reached the model: their task text is in the model's requests. */
    const reached = new Set(
      bedrock.requests.flatMap((request) =>
        Array.from({ length: 20 }, (_, index) => `${tag} ${index}`).filter(
          (input) =>
            JSON.stringify(request.body).includes(`${input}"`) ||
            JSON.stringify(request.body).includes(`${input}\\`),
        ),
      ),
    );
    return { admitted, refused, bodies, reached };
  }

  it("a burst of 20 runs from one visitor against VISITOR_RUNS_PER_DAY=3 admits exactly 3", async () => {
    const [a, b] = await pair({ VISITOR_RUNS_PER_DAY: "3" });
    const visitor = await TestVisitor.arrive(a.url);
    const { admitted, refused, bodies, reached } = await burst([a, b], () => visitor, "Daily burst");
    expect(admitted).toHaveLength(3);
    expect(refused.map((response) => response.status)).toEqual(Array(17).fill(429));
    for (const [index, body] of bodies.entries()) {
      expect(body).toMatchObject({
        error: { code: "quota_exceeded", limit: "visitor_runs", resetsAt: expect.any(Number) },
      });
      expect(body.error.message).toMatch(/today's 3 runs; you can run again after 00:00 UTC/);
      const retryAfter = Number(refused[index]?.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
      expect(Math.abs(Date.now() + retryAfter * 1000 - body.error.resetsAt)).toBeLessThan(5_000);
    }
    // Only the three admitted runs reached the model.
    expect(reached.size).toBe(3);
    const quota = (await (await visitor.fetch(`${a.url}/api/quota`)).json()) as { runs: { left: number } };
    expect(quota.runs).toEqual({ used: 3, limit: 3, left: 0 });
    // Another visitor is not affected.
    const other = await TestVisitor.arrive(b.url);
    const theirs = await other.startRun("pitch-refiner", "Someone else");
    expect(theirs.status).toBe(200);
    await readSseEvents(theirs);
    expect(store.refusals()).toEqual([]);
  });

  it("a burst against VISITOR_CONCURRENT_RUNS=3 admits exactly 3 while they run, and frees their slots when they end", async () => {
    callMs = 600;
    try {
      const [a, b] = await pair({ VISITOR_CONCURRENT_RUNS: "3" });
      const visitor = await TestVisitor.arrive(a.url);
      const { admitted, bodies } = await burst([a, b], () => visitor, "Concurrent burst");
      expect(admitted).toHaveLength(3);
      expect(bodies).toHaveLength(17);
      for (const body of bodies) {
        expect(body).toMatchObject({ error: { code: "too_many_running", limit: "concurrent" } });
      }
      // All three have ended (burst read them to their end): there is room again.
      const next = await visitor.startRun("pitch-refiner", "After the burst");
      expect(next.status).toBe(200);
      await readSseEvents(next);
    } finally {
      callMs = 0;
    }
  });

  it("a burst from one address against CLIENT_RUNS_PER_DAY=3 admits 3, new identities and forged X-Forwarded-For notwithstanding", async () => {
    const [a, b] = await pair({ CLIENT_RUNS_PER_DAY: "3" });
    const { admitted, bodies } = await burst(
      [a, b],
      () => new TestVisitor(a.url),
      "Address burst",
      (index) => ({ "x-forwarded-for": `198.51.100.${index}` }),
    );
    expect(admitted).toHaveLength(3);
    for (const body of bodies)
      expect(body).toMatchObject({ error: { code: "quota_exceeded", limit: "client_runs" } });
  });

  it("ends a run that spends the visitor's tokens, then refuses their next run; others go on", async () => {
    usage = { inputTokens: 30, outputTokens: 10 };
    try {
      const [a] = await pair({ VISITOR_TOKENS_PER_DAY: "100" });
      const visitor = await TestVisitor.arrive(a.url);
      const requestsBefore = bedrock.requests.length;
      const { events } = await readSseEvents(await visitor.startRun("pitch-refiner", "Token hungry"));
      const terminal = JSON.parse(events.at(-1)?.json ?? "{}");
      expect(terminal).toMatchObject({ type: "error", code: "quota_exceeded", retryable: false });
      expect(terminal.errorText).toMatch(/last of your 100 tokens for today/);
      // 40 tokens a call: the call that crosses 100 is the last one.
      expect(bedrock.requests.length - requestsBefore).toBe(3);
      const next = await visitor.startRun("pitch-refiner", "One more?");
      expect(next.status).toBe(429);
      expect(await next.json()).toMatchObject({ error: { code: "quota_exceeded", limit: "visitor_tokens" } });
      const other = await TestVisitor.arrive(a.url);
      expect((await other.startRun("pitch-refiner", "Fresh visitor")).status).toBe(200);
    } finally {
      usage = { inputTokens: 11, outputTokens: 4 };
    }
  });

  it("pauses new runs for everyone with 503 once the day's total is spent", async () => {
    usage = { inputTokens: 30, outputTokens: 10 };
    try {
      const [a, b] = await pair({ DAILY_TOKEN_LIMIT: "150" });
      const first = await TestVisitor.arrive(a.url);
      const { events } = await readSseEvents(await first.startRun("pitch-refiner", "Spends the day"));
      expect(JSON.parse(events.at(-1)?.json ?? "{}")).toMatchObject({
        type: "error",
        code: "service_paused",
      });
      const requestsBefore = bedrock.requests.length;
      const second = await TestVisitor.arrive(b.url);
      const refused = await second.startRun("pitch-refiner", "Too late today");
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({
        error: {
          code: "service_paused",
          limit: "daily_tokens",
          message: expect.stringMatching(/paused until 00:00 UTC/),
        },
      });
      expect(bedrock.requests.length).toBe(requestsBefore);
      const quota = (await (await second.fetch(`${b.url}/api/quota`)).json()) as { paused: boolean };
      expect(quota.paused).toBe(true);
    } finally {
      usage = { inputTokens: 11, outputTokens: 4 };
    }
  });
});
