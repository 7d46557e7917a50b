import { describe, expect, it } from "vitest";
import { type RemovalPhase, removeRun } from "./run-removal";

type Reply = { status: number; body?: unknown } | "offline";

/** A server that answers each request with the next reply scripted for its method and path. */
function fakeServer(script: Record<string, Reply[]>) {
  const calls: string[] = [];
  const phases: RemovalPhase[] = [];
  const sleeps: number[] = [];
  const deps = {
    fetch: async (url: string, init?: RequestInit) => {
      const call = `${init?.method ?? "GET"} ${url}`;
      calls.push(call);
      const reply = script[call]?.shift();
      if (!reply) throw new Error(`unscripted ${call}`);
      if (reply === "offline") throw new TypeError("Failed to fetch");
      return Response.json(reply.body ?? {}, { status: reply.status });
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    onPhase: (phase: RemovalPhase) => phases.push(phase),
    timeoutMs: 2_000,
    pollMs: 500,
  };
  return { deps, calls, phases, sleeps };
}

const conflict = (message: string) => ({ status: 409, body: { error: { code: "conflict", message } } });

describe("removing a run from the browser", () => {
  it("deletes a finished run with one request", async () => {
    const server = fakeServer({ "DELETE /api/runs/r%201": [{ status: 200 }] });
    expect(await removeRun("r 1", { stopFirst: false }, server.deps)).toEqual({ ok: true });
    expect(server.calls).toEqual(["DELETE /api/runs/r%201"]);
    expect(server.phases).toEqual(["deleting"]);
  });

  it("stops a running run, and deletes it once the stop answers that it ended", async () => {
    const server = fakeServer({
      "POST /api/runs/r/stop": [{ status: 200, body: { status: "stopped" } }],
      "DELETE /api/runs/r": [{ status: 200 }],
    });
    expect(await removeRun("r", { stopFirst: true }, server.deps)).toEqual({ ok: true });
    expect(server.calls).toEqual(["POST /api/runs/r/stop", "DELETE /api/runs/r"]);
    expect(server.phases).toEqual(["stopping", "deleting"]);
  });

  it("waits for a run still ending (202) until the store shows it ended", async () => {
    const server = fakeServer({
      "POST /api/runs/r/stop": [{ status: 202, body: { status: "stopping" } }],
      "GET /api/runs/r": [
        { status: 200, body: { run: { status: "running" } } },
        { status: 200, body: { run: { status: "stopped" } } },
      ],
      "DELETE /api/runs/r": [{ status: 200 }],
    });
    expect(await removeRun("r", { stopFirst: true }, server.deps)).toEqual({ ok: true });
    expect(server.calls).toEqual([
      "POST /api/runs/r/stop",
      "GET /api/runs/r",
      "GET /api/runs/r",
      "DELETE /api/runs/r",
    ]);
    expect(server.sleeps).toEqual([500]);
  });

  it("gives up, deleting nothing, when the run does not end in time", async () => {
    const running = { status: 200, body: { run: { status: "running" } } };
    const server = fakeServer({
      "POST /api/runs/r/stop": [{ status: 202 }],
      "GET /api/runs/r": Array.from({ length: 10 }, () => running),
    });
    const outcome = await removeRun("r", { stopFirst: true }, server.deps);
    expect(outcome).toEqual({ ok: false, message: expect.stringMatching(/still stopping/) });
    expect(server.calls).not.toContain("DELETE /api/runs/r");
    expect(server.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(2_000);
  });

  it("deletes a run that ended by itself before the stop arrived (409)", async () => {
    const server = fakeServer({
      "POST /api/runs/r/stop": [conflict("This run has already finished.")],
      "DELETE /api/runs/r": [{ status: 200 }],
    });
    expect(await removeRun("r", { stopFirst: true }, server.deps)).toEqual({ ok: true });
  });

  it("says what the server said when the delete is refused, and when the server cannot be reached", async () => {
    const refused = fakeServer({
      "DELETE /api/runs/r": [conflict("This run is still going; stop it first.")],
    });
    expect(await removeRun("r", { stopFirst: false }, refused.deps)).toEqual({
      ok: false,
      message: "This run is still going; stop it first.",
    });
    const offline = fakeServer({ "POST /api/runs/r/stop": ["offline"] });
    expect(await removeRun("r", { stopFirst: true }, offline.deps)).toEqual({
      ok: false,
      message: expect.stringMatching(/could not be reached/),
    });
  });
});
