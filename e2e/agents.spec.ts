import { expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";

/**
 * A person answering a run's question (the report writer's plan review: approve, edit, reject),
 * and a tool-using agent's calls as they happen, in the browser.
 */
let server: AppServer;

test.beforeAll(async () => {
  server = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "150" });
});
test.afterAll(async () => {
  await server?.stop();
});

async function askForReport(page: Page, task: string): Promise<void> {
  await page.goto(`${server.url}/workflows/report-writer`);
  await page.waitForLoadState("networkidle"); // Hydrated before typing into the task box.
  await page.getByLabel("Task").fill(task);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByTestId("question")).toBeVisible();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "waiting");
  await expect(page.locator('[data-testid=step-card][data-node="review"]')).toHaveAttribute(
    "data-status",
    "waiting",
  );
}

test("a person approves the plan: the workers start, and the report ends as usual", async ({ page }) => {
  await askForReport(page, "Should we adopt trunk-based development?");
  await expect(page.getByTestId("question")).toContainText(
    "Approve this plan before the section writers start?",
  );
  await expect(page.getByTestId("question-payload")).toContainText('"sections"');
  // Waiting survives a reload: the question is there again.
  await page.reload();
  await expect(page.getByTestId("question")).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("question")).toHaveCount(0);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(page.locator('[data-testid=step-card][data-node="review"]')).toHaveAttribute(
    "data-status",
    "done",
  );
  expect(await page.locator('[data-testid=step-card][data-node="section"]').count()).toBeGreaterThanOrEqual(
    2,
  );
  await expect(page.getByTestId("run-result")).toBeVisible();
});

test("a person edits the plan: exactly the edited sections are written", async ({ page }) => {
  await askForReport(page, "How should a small team run on-call?");
  await page.getByRole("button", { name: "Edit" }).click();
  await page
    .getByLabel("Edit, then send (JSON)")
    .fill(JSON.stringify({ sections: ["Who carries the pager", "What wakes someone up"] }));
  await page.getByRole("button", { name: "Send the edit" }).click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  const sections = page.locator('[data-testid=step-card][data-node="section"]');
  await expect(sections).toHaveCount(2);
  await expect(sections.filter({ hasText: "Who carries the pager" })).toHaveCount(1);
  await expect(sections.filter({ hasText: "What wakes someone up" })).toHaveCount(1);
});

test("a person rejects the plan, with a reason: no worker starts, and the result says why", async ({
  page,
}) => {
  await askForReport(page, "Should we build our own CI?");
  await page.getByRole("button", { name: "Reject…" }).click();
  await page.getByLabel("Why? (optional)").fill("we buy, not build");
  await page.getByRole("button", { name: "Reject", exact: true }).click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(page.getByTestId("run-result")).toContainText("The plan was rejected: we buy, not build.");
  await expect(page.locator('[data-testid=step-card][data-node="section"]')).toHaveCount(0);
});

test("a malformed edit is refused in the panel, and the run keeps waiting", async ({ page }) => {
  await askForReport(page, "Is a monorepo right for us?");
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Edit, then send (JSON)").fill("{ sections: [");
  await page.getByRole("button", { name: "Send the edit" }).click();
  await expect(page.getByTestId("question").getByRole("alert")).toHaveText(
    "That is not valid JSON; check the brackets and quotes.",
  );
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "waiting");
});

test("the tool agent's calls show as they happen: input, running, result, and a failure it recovers from", async ({
  page,
}) => {
  await page.goto(`${server.url}/workflows/tool-agent`);
  // Hydrated before typing: typed into the server's HTML, the text could meet the box's own state.
  await page.waitForLoadState("networkidle");
  await page
    .getByLabel("Task")
    .fill("What is 10 / 0 + 5, and how many days are there between 2026-03-01 and 2026-12-25?");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  const calls = page.getByTestId("tool-call");
  await expect(calls).toHaveCount(3);
  const failed = calls.filter({ has: page.getByTestId("tool-error") });
  await expect(failed).toHaveAttribute("data-state", "output-error");
  await expect(failed.getByTestId("tool-input")).toContainText("10 / 0 + 5");
  await expect(failed.getByTestId("tool-error")).toHaveText("Division by zero");
  const dates = calls.filter({ hasText: "date_math" });
  await expect(dates).toHaveAttribute("data-state", "output-available");
  await expect(dates.getByTestId("tool-output")).toHaveText(
    "From 2026-03-01 to 2026-12-25: 299 days (42 weeks and 5 days)",
  );
  await expect(calls.filter({ hasText: "10 + 5 = 15" })).toHaveAttribute("data-state", "output-available");
  await expect(page.getByTestId("run-result")).toContainText("299 days");
});
