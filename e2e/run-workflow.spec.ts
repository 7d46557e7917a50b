import { expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";
import { type FakeBedrock, startFakeBedrock, textAnswer } from "../tests/support/fake-bedrock";

let offline: AppServer;

test.beforeAll(async () => {
  offline = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "30" });
});
test.afterAll(async () => {
  await offline?.stop();
});

async function openWorkflow(page: Page, baseUrl: string, id: string) {
  await page.goto(`${baseUrl}/workflows/${id}`);
  await page.waitForLoadState("networkidle");
}

test("picking a workflow on the home page opens it", async ({ page }) => {
  await page.goto(offline.url);
  await expect(page.getByTestId("workflow-card")).toHaveCount(5);
  await expect(page.getByTestId("model-banner")).toContainText("offline demo model");
  await page.getByTestId("workflow-card").filter({ hasText: "Trip planner" }).click();
  await expect(page.getByRole("heading", { name: "Trip planner" })).toBeVisible();
  await expect(page.getByLabel("Task")).toHaveValue("Three days in Kyoto in late autumn");
});

test("a run streams its steps in order, running then done, while their text grows", async ({ page }) => {
  await openWorkflow(page, offline.url, "article-writer");
  await page.getByRole("button", { name: "Run" }).click();

  const outline = page.locator('[data-testid=step-card][data-node="outline"]');
  await expect(outline).toHaveAttribute("data-status", "running");
  const text = outline.getByTestId("step-text");
  await expect(text).not.toBeEmpty();
  const early = ((await text.textContent()) ?? "").length;
  await expect.poll(async () => ((await text.textContent()) ?? "").length).toBeGreaterThan(early);
  await expect(page.locator('svg [data-node="outline"]')).toHaveAttribute("data-status", "running");
  await expect(outline).toHaveAttribute("data-status", "done");

  await expect(page.getByTestId("run-result")).toBeVisible({ timeout: 45_000 });
  const nodes = await page
    .getByTestId("step-card")
    .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-node")));
  expect(nodes[0]).toBe("outline");
  expect(nodes[1]).toBe("check");
  expect(nodes.slice(-2)).toEqual(["draft", "polish"]);
  for (const status of await page
    .getByTestId("step-card")
    .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-status")))) {
    expect(status).toBe("done");
  }
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done");
  await expect(page.getByTestId("run-result")).toContainText("Key takeaways");
});

test("parallel branches run side by side", async ({ page }, testInfo) => {
  await openWorkflow(page, offline.url, "trip-planner");
  await page.getByRole("button", { name: "Run" }).click();
  const running = page.locator('[data-testid=step-card][data-status="running"]');
  await expect(running).toHaveCount(3);
  await expect(page.locator("[data-parallel='3']")).toBeVisible();
  for (const node of ["lodging", "activities", "food"]) {
    await expect(page.locator(`svg [data-node="${node}"]`)).toHaveAttribute("data-status", "running");
  }
  // The README's screenshots, three branches streaming at once on a desktop and on a phone: to
  // the test's output, or to docs/ when `npm run screenshot` asks for them on purpose.
  await expect
    .poll(
      async () =>
        ((await page.locator('[data-node="food"] [data-testid=step-text]').textContent()) ?? "").length,
    )
    .toBeGreaterThan(90);
  const shotDir = process.env.STEPSTREAM_SCREENSHOT_DIR;
  const shot = (name: string) => (shotDir ? `${shotDir}/${name}` : testInfo.outputPath(name));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: shot("screenshot.png"), fullPage: false });
  // The same run on a phone: one column, and nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: shot("screenshot-phone.png"), fullPage: false });
  await expect(page.getByTestId("run-result")).toBeVisible({ timeout: 30_000 });
});

test("Stop ends a run and says so", async ({ page }) => {
  // The article writer runs for seconds at 30 tokens/s with no pause for a person, so the run is
  // still going whenever the click lands (the report writer's plan ends in half a second and then
  // the run waits for an approval, which would make this a race).
  await openWorkflow(page, offline.url, "article-writer");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.locator('[data-testid=step-card][data-node="outline"]')).toHaveAttribute(
    "data-status",
    "running",
  );
  // The view follows the running step; a person scrolls back up to Stop, which ends following.
  await page.mouse.wheel(0, -5_000);
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "stopped");
  await expect(page.locator('[data-testid=step-card][data-status="stopped"]')).not.toHaveCount(0);
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
  await expect(page.getByTestId("run-result")).toHaveCount(0);
});

test.describe("with a Bedrock that refuses", () => {
  let bedrock: FakeBedrock;
  let server: AppServer;
  test.beforeAll(async () => {
    bedrock = await startFakeBedrock(() => ({
      status: 403,
      errorType: "AccessDeniedException",
      message: "not authorized",
    }));
    server = await startAppServer({
      BEDROCK_MODEL_ID: "anthropic.claude-3-5-haiku-20241022-v1:0",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test",
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    await bedrock?.close();
  });

  test("the error is shown in plain words", async ({ page }) => {
    await openWorkflow(page, server.url, "pitch-refiner");
    await page.getByRole("button", { name: "Run" }).click();
    const alert = page.getByTestId("run-error");
    await expect(alert).toBeVisible();
    await expect(alert).toContainText("The model could not finish");
    await expect(alert).toContainText("Bedrock denied access");
    await expect(page.locator('[data-testid=step-card][data-node="generate"]')).toHaveAttribute(
      "data-status",
      "failed",
    );
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "failed");
  });
});

test.describe("with a Bedrock that throttles mid-answer once", () => {
  let bedrock: FakeBedrock;
  let server: AppServer;
  test.beforeAll(async () => {
    let calls = 0;
    bedrock = await startFakeBedrock(() => {
      calls += 1;
      if (calls === 1) {
        return {
          events: textAnswer(["Half", " an", " answer"]).slice(0, 4),
          exception: ["throttlingException", "Rate exceeded"],
          delayMs: 50,
        };
      }
      return { events: textAnswer(Array.from({ length: 25 }, (_, index) => `fresh${index} `)), delayMs: 80 };
    });
    server = await startAppServer({
      BEDROCK_MODEL_ID: "anthropic.claude-haiku-4-5-20251001-v1:0",
      BEDROCK_ENDPOINT_URL: bedrock.endpoint,
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test",
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    await bedrock?.close();
  });

  test("the step says it is retrying, and its text starts again", async ({ page }) => {
    await openWorkflow(page, server.url, "pitch-refiner");
    await page.getByRole("button", { name: "Run" }).click();
    const generate = page.locator('[data-testid=step-card][data-node="generate"]');
    await expect(generate.getByTestId("step-retry")).toHaveText("Retrying, attempt 2 of 3");
    await expect(generate.getByTestId("step-retry-note")).toContainText("Bedrock throttled this call");
    await expect(generate.getByTestId("step-text")).toContainText("fresh0");
    await expect(generate).toHaveAttribute("data-status", "done", { timeout: 20_000 });
    await expect(generate.getByTestId("step-text")).not.toContainText("Half");
    await expect(generate.getByTestId("step-retry")).toHaveCount(0);
  });
});
