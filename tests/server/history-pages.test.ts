import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";
import { TestVisitor } from "../support/visitor";

let server: AppServer;
/** The visitor whose history these pages show. */
let you: TestVisitor;
const dbPath = join(mkdtempSync(join(tmpdir(), "history-pages-")), "runs.db");

async function run(input: string, workflow = "pitch-refiner"): Promise<string> {
  const response = await you.fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow, input }),
  });
  await response.text();
  return response.headers.get("x-run-id") ?? "";
}

beforeAll(async () => {
  server = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "0", RUNS_DB_PATH: dbPath });
  you = await TestVisitor.arrive(server.url);
});
afterAll(async () => {
  await server?.stop();
});

describe("the history pages", () => {
  it("show a damaged record as damaged, and every other run as usual", async () => {
    const healthy = await run("A healthy run");
    const damaged = await run("A run whose record gets damaged");
    const db = new DatabaseSync(dbPath);
    db.prepare("UPDATE runs SET data = ? WHERE id = ?").run('{"status": 42}', damaged);
    db.close();

    const list = await you.fetch(`${server.url}/runs`);
    expect(list.status).toBe(200);
    const html = (await list.text()).replaceAll("<!-- -->", "");
    expect(html).toContain(`Run ${damaged}: its stored record is damaged`);
    expect(html).toContain("A healthy run");

    const page = await you.fetch(`${server.url}/runs/${damaged}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("This run cannot be shown");
    expect((await you.fetch(`${server.url}/runs/${healthy}`)).status).toBe(200);
    // Damaged, so the API cannot return it whole: a 409 that says so (it can still be deleted).
    const record = await you.fetch(`${server.url}/api/runs/${damaged}`);
    expect(record.status).toBe(409);
    expect(((await record.json()) as { error: { message: string } }).error.message).toMatch(/damaged/);
    const replay = await you.fetch(`${server.url}/api/runs/${damaged}/stream`);
    expect(await replay.text()).toContain('"type":"finish"'); // Its events are intact.
  });

  it("pages through the history, newest first, and says so for an unknown run", async () => {
    for (let index = 0; index < 22; index++) await run(`Paging run ${index}`);
    const text = async (path: string) =>
      (await (await you.fetch(`${server.url}${path}`)).text()).replaceAll("<!-- -->", "");
    const first = await text("/runs");
    expect(first).toContain("Paging run 21");
    expect(first).not.toContain("Paging run 0<");
    const older = /href="(\/runs\?cursor=[^"]+)"/.exec(first)?.[1]?.replaceAll("&amp;", "&");
    expect(older).toBeDefined();
    const second = await text(older ?? "");
    expect(second).toContain("Paging run 0");
    expect(second).not.toContain("Paging run 21");
    const unknown = await you.fetch(`${server.url}/runs/no-such-run`);
    expect(unknown.status).toBe(404);
    expect((await unknown.text()).replaceAll("<!-- -->", "")).toContain("There is no such workflow or page.");
    expect((await you.fetch(`${server.url}/api/runs/no-such-run`)).status).toBe(404);
  });

  it("narrow by workflow and status, in the API and on the page, and refuse a filter that is not one", async () => {
    const trip = await run("A filtered trip", "trip-planner");
    const pitch = await run("A filtered pitch");
    const ids = async (query: string) => {
      const response = await you.fetch(`${server.url}/api/runs${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { entries: { kind: string; run?: { id: string } }[] };
      return page.entries.map((entry) => entry.run?.id);
    };
    const trips = await ids("?workflow=trip-planner&limit=50");
    expect(trips).toContain(trip);
    expect(trips).not.toContain(pitch);
    const done = await ids("?status=done&workflow=pitch-refiner&limit=50");
    expect(done).toContain(pitch);
    expect(done).not.toContain(trip);
    expect(await ids("?status=failed")).toEqual([]);
    // Another visitor's filtered list holds none of these.
    const stranger = await TestVisitor.arrive(server.url);
    const theirs = await stranger.fetch(`${server.url}/api/runs?workflow=trip-planner`);
    expect(((await theirs.json()) as { entries: unknown[] }).entries).toEqual([]);

    for (const [query, field] of [
      ["?status=finished", "status"],
      ["?workflow=Trip%20Planner", "workflow"],
      ["?workflow=%3Cscript%3E", "workflow"],
    ] as const) {
      const refused = await you.fetch(`${server.url}/api/runs${query}`);
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("bad_request");
      // Worded for people: it names the filter, not a field path.
      expect(body.error.message).toContain(`The ${field} filter`);
      expect(body.error.message).not.toContain(`"${field}"`);
    }

    const html = (await (await you.fetch(`${server.url}/runs?workflow=trip-planner`)).text()).replaceAll(
      "<!-- -->",
      "",
    );
    expect(html).toContain("A filtered trip");
    // Times come in UTC from the server (it knows no reader's zone); the browser makes them local.
    expect(html).toMatch(/<time dateTime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
    expect(html).not.toContain("A filtered pitch");
    // The form shows what the list is narrowed to, and works as a plain GET form.
    expect(html).toMatch(/<form[^>]*action="\/runs"/);
    expect(html).toMatch(/<option value="trip-planner" selected="">/);
    const none = (await (await you.fetch(`${server.url}/runs?status=expired`)).text()).replaceAll(
      "<!-- -->",
      "",
    );
    expect(none).toContain("No runs match these filters");
  });
});
