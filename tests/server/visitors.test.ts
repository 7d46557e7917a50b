import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";
import { type AppServer, startAppServer } from "../support/app-server";
import { readSseEvents } from "../support/read-stream";
import { RUN_STORES, type SharedStore } from "../support/run-stores";
import { TestVisitor } from "../support/visitor";

/**
 * Two visitors, two cookie jars, against the built server on each store: what one starts, the
 * other can neither see, follow, stop, share nor delete; a share link lets anyone watch, until
 * it is revoked.
 */
describe.each(RUN_STORES)("visitors on %s", (_storeName, openStore) => {
  let store: SharedStore;
  let app: AppServer;
  let alice: TestVisitor;
  let bob: TestVisitor;

  beforeAll(async () => {
    store = await openStore();
    app = await startAppServer({ ...store.env, OFFLINE_TOKENS_PER_SECOND: "60" });
    [alice, bob] = await Promise.all([TestVisitor.arrive(app.url), TestVisitor.arrive(app.url)]);
  });
  afterAll(async () => {
    await app?.stop();
    await store?.close();
  });

  /** A request's status and error code, its body read. */
  async function outcome(response: Response): Promise<[number, string | undefined]> {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
    return [response.status, body.error?.code];
  }

  it("gives each a session of its own: HttpOnly, SameSite=Lax, not Secure over http", async () => {
    expect(alice.cookie).not.toEqual(bob.cookie);
    const fresh = await fetch(`${app.url}/api/health`);
    const [line] = fresh.headers.getSetCookie();
    expect(line).toMatch(/^stepstream_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Expires=[^;]+; Max-Age=\d+;/);
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=lax/i);
    expect(line).not.toMatch(/; Secure/i);
    // A known visitor keeps theirs: nothing new is set.
    expect((await alice.fetch("/api/health")).headers.getSetCookie()).toEqual([]);
  });

  it("a run started without a session belongs to the new visitor its response names", async () => {
    const stranger = new TestVisitor(app.url);
    const started = await stranger.startRun("trip-planner", "Porto, no cookies");
    const runId = started.headers.get("x-run-id") ?? "";
    expect(stranger.cookie).toBeDefined();
    await readSseEvents(started);
    expect((await stranger.fetch(`/api/runs/${runId}`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/runs/${runId}`)).status).toBe(404);
  });

  it("B gets 404 on every route for A's run, exactly as for an unknown one, and changes nothing", async () => {
    const started = await alice.startRun("article-writer", "Alice's private essay");
    const runId = started.headers.get("x-run-id") ?? "";
    const reading = readSseEvents(started);
    const attempts: [string, RequestInit][] = [
      [`/api/runs/${runId}`, {}],
      [`/api/runs/${runId}/stream`, {}],
      [`/api/runs/${runId}/stream?after=3`, {}],
      [`/api/runs/${runId}/stop`, { method: "POST" }],
      [`/api/runs/${runId}/share`, { method: "POST" }],
      [`/api/runs/${runId}/share`, { method: "DELETE" }],
      [`/api/runs/${runId}`, { method: "DELETE" }],
    ];
    for (const [path, init] of attempts) {
      const theirs = await outcome(await bob.fetch(path, init));
      const unknown = await outcome(await bob.fetch(path.replace(runId, crypto.randomUUID()), init));
      expect(theirs, `${init.method ?? "GET"} ${path}`).toEqual([404, "not_found"]);
      expect(unknown).toEqual(theirs);
    }
    // Nor do the pages show it.
    expect((await bob.fetch(`/runs/${runId}`)).status).toBe(404);
    const workflowPage = await (await bob.fetch(`/workflows/article-writer?run=${runId}`)).text();
    expect(workflowPage).not.toContain("Alice's private essay");
    // Alice's run went on untouched, to its end.
    const { events } = await reading;
    expect(events.at(-1)?.type).toBe("finish");
    expect((await alice.fetch(`/api/runs/${runId}`)).status).toBe(200);
  });

  it("keeps history per visitor, in the API and on the page", async () => {
    const carol = await TestVisitor.arrive(app.url);
    const started = await alice.startRun("pitch-refiner", "Alice's listed pitch");
    const runId = started.headers.get("x-run-id") ?? "";
    await readSseEvents(started);
    const mine = (await (await alice.fetch("/api/runs")).json()) as { entries: { run: { id: string } }[] };
    expect(mine.entries.map((entry) => entry.run.id)).toContain(runId);
    expect(await (await carol.fetch("/api/runs")).json()).toEqual({ entries: [] });
    const page = (await (await carol.fetch("/runs")).text()).replaceAll("<!-- -->", "");
    expect(page).not.toContain("Alice's listed pitch");
    expect((await (await alice.fetch("/runs")).text()).replaceAll("<!-- -->", "")).toContain(
      "Alice's listed pitch",
    );
  });

  it("lets anyone with the share link watch a live run, read-only, until it is revoked", async () => {
    const started = await alice.startRun("trip-planner", "Shared: three days in Kyoto");
    const runId = started.headers.get("x-run-id") ?? "";
    const own = readSseEvents(started);
    const shared = await alice.fetch(`/api/runs/${runId}/share`, { method: "POST" });
    expect(shared.status).toBe(200);
    const { url } = (await shared.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${app.url}/shared/[\\w-]{32}$`));
    // Sharing again gives the same link.
    expect(await (await alice.fetch(`/api/runs/${runId}/share`, { method: "POST" })).json()).toEqual({ url });
    const token = url.split("/").at(-1) ?? "";

    // Bob follows it live through the link, and gets the same stream as Alice.
    const followed = await readSseEvents(await bob.fetch(`/api/shared/${token}/stream`));
    const original = await own;
    expect(followed.events.map((event) => event.json)).toEqual(original.events.map((event) => event.json));
    expect((await bob.fetch(`/shared/${token}`)).status).toBe(200);
    const record = (await (await bob.fetch(`/api/shared/${token}`)).json()) as {
      run: Record<string, unknown>;
    };
    expect(record.run).toMatchObject({ id: runId, status: "done", input: "Shared: three days in Kyoto" });
    expect(record.run).not.toHaveProperty("owner");
    expect(record.run).not.toHaveProperty("shareToken");
    // Read-only: the link gives Bob no say over the run itself.
    expect((await bob.fetch(`/api/runs/${runId}`, { method: "DELETE" })).status).toBe(404);

    const revoked = await alice.fetch(`/api/runs/${runId}/share`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(await outcome(await bob.fetch(`/api/shared/${token}`))).toEqual([404, "not_found"]);
    expect(await outcome(await bob.fetch(`/api/shared/${token}/stream`))).toEqual([404, "not_found"]);
    expect((await bob.fetch(`/shared/${token}`)).status).toBe(404);
    expect(store.refusals()).toEqual([]);
  });

  it("records who stopped a run, and not where from", async () => {
    const started = await alice.startRun("article-writer", "Stop me");
    const runId = started.headers.get("x-run-id") ?? "";
    await readSseEvents(started, { stopAfter: 5 });
    const stopped = await alice.fetch(`/api/runs/${runId}/stop`, {
      method: "POST",
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    expect(stopped.status).toBe(200);
    const record = (await (await alice.fetch(`/api/runs/${runId}`)).json()) as {
      run: { stoppedBy: Record<string, unknown> };
    };
    expect(record.run.stoppedBy).toEqual({ by: "user", at: expect.any(Number) });
    expect(JSON.stringify(record)).not.toContain("127.0.0.1");
    // The address goes to the log.
    expect(app.output()).toContain(`"event":"run_stop_requested","runId":"${runId}","from":"127.0.0.1"`);
  });

  it("refuses a forged or expired session: the request gets a new guest, not the old identity", async () => {
    const started = await alice.startRun("trip-planner", "Whose run?");
    const runId = started.headers.get("x-run-id") ?? "";
    await readSseEvents(started);
    const [header, payload, signature] = (alice.cookie ?? "").split("=")[1]?.split(".") ?? [];
    const forged = `stepstream_session=${header}.${payload}.${signature?.slice(0, -4)}AAAA`;
    const response = await fetch(`${app.url}/api/runs/${runId}`, { headers: { cookie: forged } });
    expect(response.status).toBe(404);
    expect(response.headers.getSetCookie()[0]).toMatch(/^stepstream_session=/);
  });
});

describe("every response", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer({});
  });
  afterAll(async () => {
    await app?.stop();
  });

  it.each(["/", "/api/health", "/api/runs/no-such-run", "/no-such-page", "/icon.svg"])(
    "%s carries the security headers",
    async (path) => {
      const response = await fetch(`${app.url}${path}`);
      await response.arrayBuffer();
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(response.headers.get(name), `${name} on ${path}`).toBe(value);
      }
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    },
  );

  it.each([
    ["a page", "/"],
    ["an API route", "/api/health"],
    ["a run request", "/api/runs"],
  ])("refuses %s for a foreign Host (DNS rebinding), and answers loopback names", async (_, path) => {
    const port = new URL(app.url).port;
    const ask = (host: string, extra: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        import("node:http").then(({ request }) => {
          const req = request({ host: "127.0.0.1", port, path, headers: { host, ...extra } }, (res) => {
            let body = "";
            res.on("data", (chunk) => {
              body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on("error", reject);
          req.end();
        }, reject);
      });
    const foreign = await ask(`attacker.example:${port}`);
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toEqual({
      error: {
        code: "forbidden_host",
        message: `This server does not answer for the host "attacker.example:${port}".`,
      },
    });
    // X-Original-Host is CloudFront's, and means nothing to a server that is not behind it.
    expect((await ask(`attacker.example:${port}`, { "x-original-host": `localhost:${port}` })).status).toBe(
      403,
    );
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await ask(host)).status, host).not.toBe(403);
    }
  });
});
