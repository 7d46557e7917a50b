import { expect, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";
import { expectStepTextsAsStored, storedSteps, words } from "./step-text";

let server: AppServer;

test.beforeAll(async () => {
  server = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "40" });
});
test.afterAll(async () => {
  await server?.stop();
});

test("a reload mid-run reattaches: the view continues to the end with nothing lost or doubled", async ({
  page,
}) => {
  await page.goto(`${server.url}/workflows/trip-planner`);
  await page.waitForLoadState("networkidle"); // Hydrated before typing into the task box.
  await page.getByLabel("Task").fill("Two days in Lisbon, on foot");
  await page.getByRole("button", { name: "Run" }).click();
  // The run's id goes into the address as soon as the run starts.
  await expect(page).toHaveURL(/\?run=[0-9a-f-]{36}$/);
  const runId = new URL(page.url()).searchParams.get("run") ?? "";
  await expect(page.getByTestId("step-card").first()).toBeVisible();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running");

  await page.reload();
  await expect(page).toHaveURL(new RegExp(`\\?run=${runId}$`));
  await expect(page.getByLabel("Task")).toHaveValue("Two days in Lisbon, on foot");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  // Four node tasks (three parallel branches, then the itinerary), each once.
  await expect(page.getByTestId("step-card")).toHaveCount(4);
  await expect(page.getByTestId("run-result")).toBeVisible();

  // What the page shows is exactly what the server stored, token for token: the same characters,
  // and, rendered from Markdown, the same words in the same order.
  const steps = await storedSteps(page, server.url, runId);
  expect(steps).toHaveLength(4);
  for (const step of steps) {
    const text = page.locator(`[data-testid=step-card][data-node="${step.node}"] [data-testid=step-text]`);
    await expect(text).toHaveAttribute("data-chars", String(step.output.length));
    expect(words(step.output).length).toBeGreaterThan(20);
  }
  await expectStepTextsAsStored(page, steps);
});

test("the history lists runs newest first and opens one, replayed from the store", async ({ page }) => {
  // Started through the browser's own cookie jar: the run is this visitor's.
  const started = await page.request.post(`${server.url}/api/runs`, {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ workflow: "pitch-refiner", input: "A bakery that delivers by bike" }),
  });
  const runId = started.headers()["x-run-id"] ?? "";
  await started.text(); // Read to its end: the run is finished.

  await page.goto(`${server.url}/runs`);
  const first = page.getByTestId("history-row").first();
  await expect(first).toHaveAttribute("data-status", "done");
  await expect(first).toContainText("A bakery that delivers by bike");
  await first.getByRole("link").click();
  await expect(page).toHaveURL(`${server.url}/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done");
  await expect(page.getByTestId("run-result")).toBeVisible();
  expect(await page.getByTestId("step-card").count()).toBeGreaterThanOrEqual(2);

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Delete run" }).click();
  await expect(page).toHaveURL(`${server.url}/runs`);
  await expect(page.getByText("A bakery that delivers by bike")).toHaveCount(0);
  expect((await page.request.get(`${server.url}/api/runs/${runId}`)).status()).toBe(404);
});
