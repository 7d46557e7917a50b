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

async function run(input: string): Promise<string> {
  const response = await you.fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow: "pitch-refiner", input }),
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
});
