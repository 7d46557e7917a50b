import { type Browser, expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";

/**
 * Two people in two browsers (two contexts, two cookie jars): each sees only their own runs, a
 * share link lets the other watch one read-only until it is revoked, and each sees what they have
 * left today.
 */
let app: AppServer;

test.beforeAll(async () => {
  app = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "40", VISITOR_RUNS_PER_DAY: "2" });
});
test.afterAll(async () => {
  await app?.stop();
});

async function person(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

async function run(page: Page, task: string): Promise<string> {
  await page.goto(`${app.url}/workflows/trip-planner`);
  await page.waitForLoadState("networkidle"); // Hydrated before typing into the task box.
  await page.getByLabel("Task").fill(task);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page).toHaveURL(/\?run=/);
  return new URL(page.url()).searchParams.get("run") ?? "";
}

test("each person sees only their own runs; a share link lets the other watch, until revoked", async ({
  browser,
}) => {
  const alice = await person(browser);
  const bob = await person(browser);
  const runId = await run(alice, "Alice: a long weekend in Vienna");

  // Bob cannot open Alice's run, and his history is empty.
  const notFound = await bob.goto(`${app.url}/runs/${runId}`);
  expect(notFound?.status()).toBe(404);
  await bob.goto(`${app.url}/runs`);
  await expect(bob.getByTestId("history-empty")).toBeVisible();

  // Alice shares it while it runs; Bob follows it live through the link, read-only.
  await alice.goto(`${app.url}/runs/${runId}`);
  await alice.getByRole("button", { name: "Share read-only link" }).click();
  const link = await alice.getByTestId("share-url").inputValue();
  expect(link).toMatch(/\/shared\/[\w-]{32}$/);
  await bob.goto(link);
  await expect(bob.getByTestId("shared-note")).toContainText("Alice: a long weekend in Vienna");
  await expect(bob.getByRole("button", { name: "Run" })).toHaveCount(0);
  await expect(bob.getByRole("button", { name: "Stop" })).toHaveCount(0);
  await expect(bob.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(bob.getByTestId("step-card")).toHaveCount(4);
  await expect(bob.getByTestId("run-result")).toBeVisible();

  // Revoked, the link is gone.
  await alice.getByRole("button", { name: "Stop sharing" }).click();
  await expect(alice.getByRole("button", { name: "Share read-only link" })).toBeVisible();
  const gone = await bob.goto(link);
  expect(gone?.status()).toBe(404);
});

test("the run view says what is left today, and a refusal in plain words with its reset time", async ({
  browser,
}) => {
  const carol = await person(browser);
  await carol.goto(`${app.url}/workflows/trip-planner`);
  await expect(carol.getByTestId("quota")).toContainText("2 of 2 runs");
  await run(carol, "Carol's first trip");
  await expect(carol.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(carol.getByTestId("quota")).toContainText("1 of 2 runs");
  await run(carol, "Carol's second trip");
  await expect(carol.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(carol.getByTestId("quota")).toContainText("0 of 2 runs");

  await carol.getByLabel("Task").fill("Carol's third trip");
  await carol.getByRole("button", { name: "Run" }).click();
  const error = carol.getByTestId("run-error");
  await expect(error).toContainText("You have used today's allowance");
  await expect(error).toContainText("You have started today's 2 runs");
  // The reset, in this browser's own time.
  const resetsAt = await carol.evaluate(() => {
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    return midnight.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  });
  await expect(carol.getByTestId("run-error-reset")).toHaveText(`That resets at ${resetsAt}, your time.`);
  await expect(error.getByRole("button", { name: "Retry" })).toHaveCount(0);
});
