import { expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";

let server: AppServer;

test.beforeAll(async () => {
  server = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "40" });
});
test.afterAll(async () => {
  await server?.stop();
});

const RUN_ID = /[0-9a-f-]{36}/;

async function openWorkflow(page: Page, id: string) {
  await page.goto(`${server.url}/workflows/${id}`);
  await page.waitForLoadState("networkidle");
}

/** A finished run of this visitor's, started through the browser's own cookie jar. */
async function finishedRun(page: Page, input: string): Promise<string> {
  const started = await page.request.post(`${server.url}/api/runs`, {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ workflow: "pitch-refiner", input }),
  });
  await started.text(); // Read to its end: the run is finished.
  return started.headers()["x-run-id"] ?? "";
}

test("the keyboard alone: Ctrl+Enter runs, Stop takes focus, and Run has it back when the run ends", async ({
  page,
}) => {
  await openWorkflow(page, "pitch-refiner");
  const task = page.getByLabel("Task");
  await task.fill("A bakery that delivers by bike");
  await task.press("Control+Enter");
  const stop = page.getByRole("button", { name: "Stop", exact: true });
  await expect(stop).toBeFocused();
  await expect(page).toHaveURL(/\?run=[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(stop).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Run" })).toBeFocused();
});

test("Cmd+Enter runs too, and after Stop from the keyboard focus returns to Run", async ({ page }) => {
  await openWorkflow(page, "report-writer");
  await page.getByLabel("Task").press("Meta+Enter");
  const stop = page.getByRole("button", { name: "Stop", exact: true });
  await expect(stop).toBeFocused();
  await expect(page.locator('[data-testid=step-card][data-node="plan"]')).toHaveAttribute(
    "data-status",
    "running",
  );
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "stopped");
  await expect(page.getByRole("button", { name: "Run" })).toBeFocused();
  // Enter alone in the task box writes a new line; it does not run.
  await page.getByLabel("Task").press("Enter");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "stopped");
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
});

test("the counter follows the task, and a paste past the limit is cut with a notice", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  await openWorkflow(page, "trip-planner");
  const task = page.getByLabel("Task");
  const count = page.getByTestId("task-count");
  await expect(count).toHaveText(`${"Three days in Kyoto in late autumn".length} / 4,000`);
  await task.fill("");
  await expect(count).toHaveText("0 / 4,000");
  await expect(page.getByTestId("task-cut")).toBeEmpty();

  await page.evaluate((text) => navigator.clipboard.writeText(text), "p".repeat(5000));
  await task.focus();
  await page.keyboard.press("ControlOrMeta+V");
  await expect(count).toHaveText("4,000 / 4,000");
  await expect(page.getByTestId("task-cut")).toHaveText(
    "Your paste was cut: 1,000 characters did not fit, as a task can be at most 4,000 characters.",
  );
  expect((await task.inputValue()).length).toBe(4000);

  // What was kept runs: the server takes exactly the limit.
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page).toHaveURL(/\?run=/);
  await expect(page.getByTestId("run-error")).toHaveCount(0);
  await expect(page.getByTestId("step-card").first()).toBeVisible();
});

test("Run says why it cannot run, and a press then explains instead of running", async ({ page }) => {
  let starts = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/runs") starts += 1;
  });
  await openWorkflow(page, "pitch-refiner");
  const task = page.getByLabel("Task");
  const run = page.getByRole("button", { name: "Run" });
  const reason = page.getByTestId("run-disabled-reason");
  await expect(reason).toHaveCount(0);
  await task.fill("   ");
  await expect(reason).toHaveText("Write a task to run");
  await expect(run).toHaveAttribute("aria-disabled", "true");
  await expect(run).toHaveAccessibleDescription("Write a task to run");

  // Playwright does not click what it sees as disabled; a person can, so the click is forced.
  await run.click({ force: true });
  // The press was handled (it explained), and it started nothing.
  await expect(reason).toHaveAttribute("data-nudged", "true");
  await expect(task).toBeFocused();
  expect(starts).toBe(0);
  await expect(page.getByTestId("run-status")).toHaveCount(0);

  await task.fill("A bakery that delivers by bike");
  await expect(reason).toHaveCount(0);
  await run.click();
  await expect(reason).toHaveText("A run is in progress");
  await expect(page).toHaveURL(/\?run=/);
  const first = new URL(page.url()).searchParams.get("run");
  await run.press("Enter");
  await expect(reason).toHaveAttribute("data-nudged", "true");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  expect(new URL(page.url()).searchParams.get("run")).toBe(first);
  expect(starts).toBe(1);
  await expect(reason).toHaveCount(0);
});

/**
 * Opens a workflow's page with the app's JavaScript held back: the server's HTML is there and
 * takes typing, React has not hydrated it. The returned function lets the scripts load.
 */
async function openBeforeHydration(page: Page, id: string): Promise<() => Promise<void>> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/_next/static/chunks/**/*.js", async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`${server.url}/workflows/${id}`, { waitUntil: "domcontentloaded" });
  return async () => {
    release();
    await page.waitForLoadState("networkidle");
  };
}

test("text typed before the page hydrates stays, and is what runs", async ({ page }) => {
  const hydrate = await openBeforeHydration(page, "trip-planner");
  const task = page.getByLabel("Task");
  await expect(task).toHaveValue("Three days in Kyoto in late autumn");
  const typed = "Two days in Lisbon, on foot";
  await task.fill(typed);
  await hydrate();
  // The counter is React's: it counts the typed text only once the page has hydrated and kept it.
  await expect(page.getByTestId("task-count")).toHaveText(`${typed.length} / 4,000`);
  await expect(task).toHaveValue(typed);
  // Typing goes on from there, and the run gets the whole of it.
  await task.press("End");
  await task.pressSequentially(", with trams");
  const started = page.waitForRequest(
    (request) => request.method() === "POST" && new URL(request.url()).pathname === "/api/runs",
  );
  await page.getByRole("button", { name: "Run" }).click();
  expect((await started).postDataJSON()).toMatchObject({ input: `${typed}, with trams` });
  await expect(page).toHaveURL(/\?run=[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
});

test("Run pressed before the page hydrates runs the typed task once, without leaving the page", async ({
  page,
}) => {
  const starts: unknown[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/runs") {
      starts.push(request.postDataJSON());
    }
  });
  const hydrate = await openBeforeHydration(page, "pitch-refiner");
  const typed = "A bakery that delivers by bike";
  await page.getByLabel("Task").fill(typed);
  // A plain form submit here would reload the page with ?task=… in its address.
  await page.getByRole("button", { name: "Run" }).click();
  await hydrate();
  await expect(page).toHaveURL(/\/workflows\/pitch-refiner\?run=[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  expect(starts).toEqual([expect.objectContaining({ workflow: "pitch-refiner", input: typed })]);
  await expect(page.getByLabel("Task")).toHaveValue(typed);
});

test("Run on a run's page opens the new run at its own address; the old run's page still shows the old run", async ({
  page,
}) => {
  const oldRun = await finishedRun(page, "An old bakery idea");
  await page.goto(`${server.url}/runs/${oldRun}`);
  // As every other spec does before typing: the page has hydrated. Typed into the server's HTML
  // before that, the task box's own state (the old task) came back mid-fill, and the run started
  // with "A new bakery ideaAn old bakery idea".
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("An old bakery idea");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done");

  await page.getByLabel("Task").fill("A new bakery idea");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page).not.toHaveURL(new RegExp(oldRun));
  await expect(page).toHaveURL(new RegExp(`/runs/${RUN_ID.source}$`));
  const newRun = new URL(page.url()).pathname.split("/").at(-1);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("A new bakery idea");
  // Focus crossed over to the new page's Stop, and comes back to Run when the run ends.
  await expect(page.getByRole("button", { name: "Stop", exact: true })).toBeFocused();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeFocused();

  await page.goBack();
  await expect(page).toHaveURL(`${server.url}/runs/${oldRun}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("An old bakery idea");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("An old bakery idea");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done");
  await page.goto(`${server.url}/runs/${newRun}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("A new bakery idea");
});

test("unknown workflows, runs and share links answer 404 with the not-found page", async ({ page }) => {
  for (const path of [
    "/workflows/nope",
    "/runs/00000000-0000-4000-8000-000000000000",
    "/runs/not-a-run",
    "/shared/bogus-token",
    "/shared/0123456789abcdef0123456789abcdef",
  ]) {
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  const known = await page.goto(`${server.url}/workflows/pitch-refiner`);
  expect(known?.status()).toBe(200);
});

test("the browser gets an icon: the SVG through <link rel=icon>, and /favicon.ico by name", async ({
  page,
}) => {
  await page.goto(server.url);
  const hrefs = await page
    .locator('head link[rel="icon"]')
    .evaluateAll((links) => links.map((link) => link.getAttribute("href") ?? ""));
  expect(hrefs.some((href) => href.startsWith("/icon.svg"))).toBe(true);
  for (const href of hrefs) {
    const icon = await page.request.get(`${server.url}${href}`);
    expect(icon.status(), href).toBe(200);
    expect(icon.headers()["content-type"], href).toMatch(/^image\//);
  }
  const ico = await page.request.get(`${server.url}/favicon.ico`);
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
  expect([...(await ico.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
});

test("a refusal reads as a sentence, not a field path", async ({ page }) => {
  await page.goto(server.url);
  const refused = await page.request.post(`${server.url}/api/runs`, {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ workflow: "pitch-refiner", input: "x".repeat(4001) }),
  });
  expect(refused.status()).toBe(400);
  const { error } = (await refused.json()) as { error: { code: string; message: string } };
  expect(error).toEqual({ code: "bad_request", message: "Keep the task to at most 4,000 characters." });
  const missing = await page.request.post(`${server.url}/api/runs`, {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ workflow: "pitch-refiner" }),
  });
  expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
    "The task is missing.",
  );
});
