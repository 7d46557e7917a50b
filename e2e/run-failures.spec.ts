import { mkdtempSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";
import { type FakeBedrock, startFakeBedrock } from "../tests/support/fake-bedrock";
import { readSseEvents } from "../tests/support/read-stream";
import { expectStepTextsAsStored, storedSteps } from "./step-text";

// What a person sees when a run's connection drops or the run fails: the view picks the run up
// again, and each failure is said in plain words, with Retry where retrying can help.
const servers: AppServer[] = [];
test.afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

async function serve(env: Record<string, string>): Promise<AppServer> {
  const server = await startAppServer(env);
  servers.push(server);
  return server;
}

async function run(page: Page, baseUrl: string, workflow: string): Promise<void> {
  await page.goto(`${baseUrl}/workflows/${workflow}`);
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Run" }).click();
}

/**
 * A loopback proxy in front of the app that passes everything through, but cuts the connection
 * of the first run stream (a reset, mid-body) once it has passed `cutAfterBytes` of it.
 */
async function startCuttingProxy(
  target: string,
  cutAfterBytes: number,
): Promise<{ url: string; close: () => void }> {
  let cut = false;
  const proxy = createServer((req, res) => {
    const upstream = httpRequest(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const cutThis = !cut && req.method === "POST" && req.url === "/api/runs";
        if (cutThis) cut = true;
        let passed = 0;
        answer.on("data", (chunk: Buffer) => {
          if (cutThis && passed + chunk.length > cutAfterBytes) {
            res.write(chunk.subarray(0, Math.max(0, cutAfterBytes - passed)));
            res.socket?.resetAndDestroy();
            answer.destroy();
            return;
          }
          passed += chunk.length;
          res.write(chunk);
        });
        answer.on("end", () => res.end());
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, close: () => proxy.close() };
}

test("a dropped connection mid-run is picked up again, with nothing lost or doubled", async ({ page }) => {
  const server = await serve({ OFFLINE_TOKENS_PER_SECOND: "40" });
  const proxy = await startCuttingProxy(server.url, 3000);
  try {
    const resumed = page.waitForRequest((request) => /\/api\/runs\/[^/]+\/stream/.test(request.url()));
    await run(page, proxy.url, "trip-planner");
    await resumed;
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await expect(page.getByTestId("step-card")).toHaveCount(4);
    const runId = new URL(page.url()).searchParams.get("run");
    await expectStepTextsAsStored(page, await storedSteps(page, server.url, runId));
  } finally {
    proxy.close();
  }
});

test("a stream that ends early without its terminal event is picked up again", async ({ page }) => {
  const server = await serve({ OFFLINE_TOKENS_PER_SECOND: "40" });
  // A proxy that ends the first run stream cleanly after a dozen events, with no terminal event:
  // the view must not take that for the run's end.
  await page.route(
    "**/api/runs",
    async (route) => {
      const request = route.request();
      if (request.method() !== "POST") return route.fallback();
      const upstream = await fetch(request.url(), {
        method: "POST",
        headers: { "content-type": "application/json", cookie: (await request.allHeaders()).cookie ?? "" },
        body: request.postData() ?? "",
      });
      const { events } = await readSseEvents(upstream, { stopAfter: 12 });
      await route.fulfill({
        status: 200,
        headers: Object.fromEntries(
          ["content-type", "x-run-id", "x-vercel-ai-ui-message-stream"].map((name) => [
            name,
            upstream.headers.get(name) ?? "",
          ]),
        ),
        body: events.map((event) => `id: ${event.seq}\ndata: ${event.json}\n\n`).join(""),
      });
    },
    { times: 1 },
  );
  const resumed = page.waitForRequest((request) => /\/api\/runs\/[^/]+\/stream/.test(request.url()));
  await run(page, server.url, "trip-planner");
  await resumed;
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(page.getByTestId("step-card")).toHaveCount(4);
  await expect(page.getByTestId("run-result")).toBeVisible();
});

test("a run past its deadline says it took too long, without offering a retry", async ({ page }) => {
  const server = await serve({ OFFLINE_TOKENS_PER_SECOND: "20", RUN_DEADLINE_MS: "1500" });
  await run(page, server.url, "article-writer");
  const alert = page.getByTestId("run-error");
  await expect(alert).toContainText("The run took too long", { timeout: 15_000 });
  await expect(alert.getByRole("button", { name: "Retry" })).toHaveCount(0);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "failed");
});

test.describe("with a Bedrock that keeps throttling", () => {
  let bedrock: FakeBedrock;
  test.beforeAll(async () => {
    bedrock = await startFakeBedrock(() => ({
      status: 429,
      errorType: "ThrottlingException",
      message: "slow down",
    }));
  });
  test.afterAll(async () => {
    await bedrock?.close();
  });

  test("a retryable error says the model is busy and offers Retry", async ({ page }) => {
    const server = await serve({
      BEDROCK_MODEL_ID: "anthropic.claude-3-5-haiku-20241022-v1:0",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test",
    });
    await run(page, server.url, "pitch-refiner");
    const alert = page.getByTestId("run-error");
    await expect(alert).toContainText("The model is busy", { timeout: 15_000 });
    await expect(alert.getByRole("button", { name: "Retry" })).toBeVisible();
  });
});

test("a run whose server shuts down says it was interrupted, and the history shows it so", async ({
  page,
}) => {
  const runsDb = join(mkdtempSync(join(tmpdir(), "e2e-interrupted-")), "runs.db");
  const doomed = await serve({ OFFLINE_TOKENS_PER_SECOND: "20", RUNS_DB_PATH: runsDb });
  await run(page, doomed.url, "article-writer");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running");
  await expect(page.getByTestId("step-card").first()).toBeVisible();
  doomed.process.kill("SIGTERM");
  const alert = page.getByTestId("run-error");
  await expect(alert).toContainText("The run was interrupted", { timeout: 15_000 });
  await expect(alert.getByRole("button", { name: "Retry" })).toBeVisible();

  const next = await serve({ RUNS_DB_PATH: runsDb });
  await page.goto(`${next.url}/runs`);
  const row = page.getByTestId("history-row").first();
  await expect(row).toHaveAttribute("data-status", "interrupted");
  await expect(row).toContainText("Interrupted");
});
