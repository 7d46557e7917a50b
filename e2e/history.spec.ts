import { type Browser, expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";

let server: AppServer;

test.beforeAll(async () => {
  // Slow enough that a run is still going while the history is open, quick enough to end in a test.
  server = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "40" });
});
test.afterAll(async () => {
  await server?.stop();
});

/** Starts a run as this page's visitor and returns its id as soon as it started (it streams on). */
async function startRun(page: Page, workflow: string, input: string): Promise<string> {
  if (!page.url().startsWith(server.url)) await page.goto(`${server.url}/api/health`);
  return page.evaluate(
    async ({ workflow, input }) => {
      const response = await fetch("/api/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ workflow, input }),
      });
      // The body streams on in the background; nobody needs to read it for the run to go on.
      return response.headers.get("x-run-id") ?? "";
    },
    { workflow, input },
  );
}

/** Runs a workflow to its end as this page's visitor. */
async function finishRun(page: Page, workflow: string, input: string): Promise<string> {
  const response = await page.request.post(`${server.url}/api/runs`, {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ workflow, input }),
  });
  await response.text();
  return response.headers()["x-run-id"] ?? "";
}

const rowOf = (page: Page, runId: string) =>
  page.locator(`[data-testid=history-row][data-run-id="${runId}"]`);

test("a run's status changes in the history while the page is open, without a reload", async ({
  page,
  context,
}) => {
  const elsewhere = await context.newPage();
  const runId = await startRun(elsewhere, "trip-planner", "Three days in Porto, live");
  await page.goto(`${server.url}/runs`);
  await page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
  });
  const row = rowOf(page, runId);
  await expect(row).toHaveAttribute("data-status", "running");
  await expect(row).toContainText("Running");
  await expect(row.getByRole("button", { name: "Stop and delete" })).toBeVisible();
  await expect(row.getByRole("button", { name: "Delete run" })).toHaveCount(0);

  await expect(row).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  await expect(row).toContainText("Done");
  await expect(row.getByTestId("history-duration")).toHaveText(/\d/);
  await expect(row.getByRole("button", { name: "Delete run" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
    true,
  );
  // Relative in the reader's zone, the exact moment on hover.
  const time = row.locator("time");
  await expect(time).toHaveText(/just now|min ago/);
  await expect(time).toHaveAttribute("title", /\d{4}/);
  await elsewhere.close();
});

test("Stop and delete stops a running run, waits for it to end and deletes it", async ({ page, context }) => {
  const elsewhere = await context.newPage();
  const runId = await startRun(elsewhere, "article-writer", "An article on bicycle commuting, to be deleted");
  await page.goto(`${server.url}/runs`);
  const row = rowOf(page, runId);
  await expect(row).toHaveAttribute("data-status", "running");
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Stop and delete" }).click();
  await expect(row).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId("delete-problem")).toHaveCount(0);
  expect((await page.request.get(`${server.url}/api/runs/${runId}`)).status()).toBe(404);
  await elsewhere.close();
});

test("filters narrow the history and the URL, with JavaScript and without", async ({ page, browser }) => {
  const trip = await finishRun(page, "trip-planner", "A weekend in Braga, to filter");
  const pitch = await finishRun(page, "pitch-refiner", "A bike courier for bakeries, to filter");
  await page.goto(`${server.url}/runs`);
  await expect(rowOf(page, trip)).toBeVisible();
  await expect(rowOf(page, pitch)).toBeVisible();

  await page.getByLabel("Workflow").selectOption("trip-planner");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/runs\?workflow=trip-planner&status=$/);
  await expect(rowOf(page, trip)).toBeVisible();
  await expect(rowOf(page, pitch)).toHaveCount(0);

  await page.getByLabel("Status").selectOption("failed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/workflow=trip-planner&status=failed/);
  await expect(page.getByTestId("history-empty")).toContainText("No runs match these filters");
  await page.getByRole("link", { name: "Show all runs" }).click();
  await expect(rowOf(page, pitch)).toBeVisible();
  await expect(page.getByLabel("Workflow")).toHaveValue("");

  await expectFiltersWithoutScript(browser, page, pitch, trip);
});

/** The same visitor in a browser with JavaScript off: the form is a plain GET form. */
async function expectFiltersWithoutScript(browser: Browser, page: Page, pitch: string, trip: string) {
  const plain = await browser.newContext({ javaScriptEnabled: false });
  await plain.addCookies(await page.context().cookies());
  const noScript = await plain.newPage();
  await noScript.goto(`${server.url}/runs`);
  await noScript.getByLabel("Workflow").selectOption("pitch-refiner");
  await noScript.getByRole("button", { name: "Filter" }).click();
  await expect(noScript).toHaveURL(/workflow=pitch-refiner/);
  await expect(rowOf(noScript, pitch)).toBeVisible();
  await expect(rowOf(noScript, trip)).toHaveCount(0);
  await plain.close();
}

test("on a phone the history is cards that fit the screen, with duration, tokens and cost", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const runId = await finishRun(page, "pitch-refiner", "A phone-sized pitch: ".repeat(12));
  await page.goto(`${server.url}/runs`);
  const card = rowOf(page, runId);
  await expect(card).toHaveAttribute("data-status", "done");
  const overflow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.innerWidth);
  for (const [testId, label, value] of [
    ["history-duration", "Duration", /\d+(\.\d)? (ms|s)|min/],
    ["history-tokens", "Tokens", /\d+ in · \d+ out/],
    ["history-cost", "Cost", /\$|—/],
  ] as const) {
    const figure = card.getByTestId(testId);
    await expect(figure).toBeInViewport();
    await expect(figure).toContainText(label);
    await expect(figure).toHaveText(value);
    const box = await figure.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
  }
  await expect(card.getByRole("button", { name: "Delete run" })).toBeInViewport();
  // The table's column header is for wide screens only.
  await expect(page.locator("[data-testid=history] thead")).toBeHidden();
});

test("the history asks the server again only while a listed run is live, and not while the tab is hidden", async ({
  page,
}) => {
  // The report writer pauses for a person's approval: a run that stays live until answered.
  const runId = await finishRun(page, "report-writer", "Should we move the team to four-day weeks?");
  let refreshes = 0;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/runs" && request.headers().rsc === "1") refreshes += 1;
  });
  await page.goto(`${server.url}/runs`);
  const row = rowOf(page, runId);
  await expect(row).toHaveAttribute("data-status", "waiting");
  // Nothing runs it while it waits: it deletes as it is.
  await expect(row.getByRole("button", { name: "Delete run" })).toBeVisible();
  await expect.poll(() => refreshes, { timeout: 6_000 }).toBeGreaterThanOrEqual(2);

  const setHidden = (hidden: boolean) =>
    page.evaluate((value) => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
  await setHidden(true);
  refreshes = 0;
  await page.waitForTimeout(4_500);
  expect(refreshes).toBe(0);
  await setHidden(false);
  await expect.poll(() => refreshes, { timeout: 1_000 }).toBeGreaterThanOrEqual(1);

  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Delete run" }).click();
  await expect(row).toHaveCount(0);
  // Nothing listed is live any more: the page stops asking.
  await page.waitForTimeout(1_000);
  refreshes = 0;
  await page.waitForTimeout(4_500);
  expect(refreshes).toBe(0);
});
