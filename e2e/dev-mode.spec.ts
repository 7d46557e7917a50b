import { expect, type Page, test } from "@playwright/test";
import type { AppServer } from "../tests/support/app-server";
import { startDevServer } from "../tests/support/dev-server";

// `npm run dev` as a developer sees it: every main page opens with nothing in the browser console,
// no issue on Next's dev badge, and nothing alarming in the dev server's own output.
test.describe.configure({ timeout: 180_000 });

let dev: AppServer;
const problems: string[] = [];

test.beforeAll(async () => {
  dev = await startDevServer({ OFFLINE_TOKENS_PER_SECOND: "0" });
});
test.afterAll(async () => {
  await dev?.stop();
});

/** Records every console error or warning and every uncaught exception on the page. */
function watchConsole(page: Page): void {
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`${page.url()}: uncaught ${error.message}`));
}

/** What Next's dev badge says: it must be on the page, and it turns `data-error="true"` on any issue. */
async function badgeState(page: Page): Promise<string | null> {
  const badge = page.locator("[data-next-badge]");
  await expect(badge).toHaveCount(1);
  return badge.getAttribute("data-error");
}

async function openClean(page: Page, path: string): Promise<void> {
  await page.goto(`${dev.url}${path}`);
  await page.waitForLoadState("networkidle");
  // Issues reach the badge a moment after they happen.
  await page.waitForTimeout(500);
  expect(await badgeState(page), `Next's issue badge on ${path}`).toBe("false");
}

/**
 * Lines of the dev server's output that report a problem: errors, warnings, forwarded browser logs.
 * Next's note that this machine's disk was slow when it timed it says nothing about the app.
 */
function serverProblems(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => /⨯|⚠|Error|Warning|Only plain objects|\[browser\]/.test(line))
    .filter((line) => !line.includes("Slow filesystem detected"));
}

test("the main pages open under next dev with no console error and no Next issue", async ({ page }) => {
  watchConsole(page);
  await openClean(page, "/");
  for (const id of ["article-writer", "trip-planner", "report-writer", "pitch-refiner"]) {
    await openClean(page, `/workflows/${id}`);
  }

  await openClean(page, "/workflows/trip-planner");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await page.waitForTimeout(500);
  expect(await badgeState(page)).toBe("false");
  const runId = new URL(page.url()).searchParams.get("run");
  expect(runId).toBeTruthy();

  await openClean(page, "/runs");
  await expect(page.locator(`a[href="/runs/${runId}"]`)).toBeVisible();
  await openClean(page, `/runs/${runId}`);
  await expect(page.getByTestId("run-result")).toBeVisible();

  expect(problems).toEqual([]);
  expect(serverProblems(dev.output())).toEqual([]);
});

test("the checks above notice a console error and the issue badge it raises", async ({ page }) => {
  await page.goto(`${dev.url}/`);
  await page.waitForLoadState("networkidle");
  const seen: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") seen.push(message.text());
  });
  await page.evaluate(() => console.error("a deliberate error"));
  await expect.poll(() => badgeState(page)).toBe("true");
  expect(seen).toEqual(["a deliberate error"]);
  expect(serverProblems("[browser] a deliberate error")).toHaveLength(1);
});
