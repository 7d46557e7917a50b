import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../support/app-server";

let server: AppServer;
const dbPath = join(mkdtempSync(join(tmpdir(), "history-pages-")), "runs.db");

async function run(input: string): Promise<string> {
  const response = await fetch(`${server.url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ workflow: "pitch-refiner", input }),
  });
  await response.text();
  return response.headers.get("x-run-id") ?? "";
}

beforeAll(async () => {
  server = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "0", RUNS_DB_PATH: dbPath });
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

    const list = await fetch(`${server.url}/runs`);
    expect(list.status).toBe(200);
    const html = (await list.text()).replaceAll("<!-- -->", "");
    expect(html).toContain(`Run ${damaged}: its stored record is damaged`);
    expect(html).toContain("A healthy run");

    const page = await fetch(`${server.url}/runs/${damaged}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("This run cannot be shown");
    expect((await fetch(`${server.url}/runs/${healthy}`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/runs/${damaged}`)).status).toBe(500);
    const replay = await fetch(`${server.url}/api/runs/${damaged}/stream`);
    expect(await replay.text()).toContain('"type":"finish"'); // Its events are intact.
  });

  it("pages through the history, newest first, and says so for an unknown run", async () => {
    for (let index = 0; index < 22; index++) await run(`Paging run ${index}`);
    const text = async (path: string) =>
      (await (await fetch(`${server.url}${path}`)).text()).replaceAll("<!-- -->", "");
    const first = await text("/runs");
    expect(first).toContain("Paging run 21");
    expect(first).not.toContain("Paging run 0<");
    const older = /href="(\/runs\?cursor=[^"]+)"/.exec(first)?.[1]?.replaceAll("&amp;", "&");
    expect(older).toBeDefined();
    const second = await text(older ?? "");
    expect(second).toContain("Paging run 0");
    expect(second).not.toContain("Paging run 21");
    // The page streams (its loading state is already out), so the not-found page comes with 200.
    expect(await text("/runs/no-such-run")).toContain("There is no such workflow or page.");
    expect((await fetch(`${server.url}/api/runs/no-such-run`)).status).toBe(404);
  });
});
