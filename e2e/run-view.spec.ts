import { expect, type Page, test } from "@playwright/test";
import { type AppServer, startAppServer } from "../tests/support/app-server";
import { openAllSteps, storedSteps, words } from "./step-text";

let server: AppServer;

test.beforeAll(async () => {
  // The offline model's slow pace: a run lasts long enough to watch it follow, grow and announce.
  server = await startAppServer({ OFFLINE_TOKENS_PER_SECOND: "30" });
});
test.afterAll(async () => {
  await server?.stop();
});

async function startRun(page: Page, workflow: string) {
  await page.goto(`${server.url}/workflows/${workflow}`);
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Run" }).click();
}

/** The running step that started last: the one the view follows. */
function newestRunning(page: Page) {
  return page.locator('[data-testid=step-card][data-status="running"]').last();
}

/** Runs a workflow through the API as this page's visitor, to its end; returns its id and result. */
async function finishedRun(page: Page, workflow: string, input: string) {
  const response = await page.request.post(`${server.url}/api/runs`, {
    headers: { "content-type": "application/json", accept: "application/x-ndjson" },
    data: JSON.stringify({ workflow, input }),
  });
  const runId = response.headers()["x-run-id"] ?? "";
  const lines = (await response.text()).split("\n").filter(Boolean);
  const result = lines
    .map((line) => JSON.parse(line) as { type: string; data?: { markdown?: string } })
    .find((part) => part.type === "data-result")?.data?.markdown;
  expect(result).toBeTruthy();
  return { runId, result: result ?? "" };
}

test("the view follows the active step, stops following after a manual scroll, and resumes", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 520 });
  await startRun(page, "article-writer");
  // Once the page is taller than the window, the running step is kept in sight.
  await expect
    .poll(() => page.evaluate(() => document.body.scrollHeight - window.innerHeight), { timeout: 30_000 })
    .toBeGreaterThan(150);
  await expect(newestRunning(page)).toBeInViewport();
  await expect(page.getByTestId("follow-run")).toHaveCount(0);

  // Over the page's margin, not a card whose text could take the wheel.
  await page.mouse.move(4, 300);
  await page.mouse.wheel(0, -10_000);
  await expect(page.getByTestId("follow-run")).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeLessThan(50);
  // More steps run, and the view stays where the reader put it.
  const cards = await page.getByTestId("step-card").count();
  await expect.poll(() => page.getByTestId("step-card").count(), { timeout: 30_000 }).toBeGreaterThan(cards);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => window.scrollY)).toBeLessThan(50);

  await page.getByTestId("follow-run").click();
  await expect(page.getByTestId("follow-run")).toHaveCount(0);
  await expect(newestRunning(page).or(page.getByTestId("run-result"))).toBeInViewport();
  await expect(page.getByTestId("run-result")).toBeInViewport({ timeout: 60_000 });
});

test("finished steps fold to their header and open on a click; headings are sized to the card", async ({
  page,
}) => {
  await startRun(page, "trip-planner");
  // Running, a step is open; finished, it folds.
  await expect(
    page.locator('[data-testid=step-card][data-status="running"]').first().getByTestId("step-details"),
  ).toHaveJSProperty("open", true);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  const lodging = page.locator('[data-testid=step-card][data-node="lodging"]');
  await expect(lodging.getByTestId("step-details")).toHaveJSProperty("open", false);
  await expect(lodging.getByTestId("step-text")).toBeHidden();
  await expect(lodging.getByTestId("step-summary")).toContainText(/lodging.*Done.*tokens/);

  await lodging.getByTestId("step-summary").click();
  await expect(lodging.getByTestId("step-text")).toBeVisible();
  await lodging.getByTestId("step-input").locator("summary").click();
  await expect(lodging.getByTestId("step-input").locator("pre")).toContainText('"');

  await lodging.getByTestId("step-summary").click();
  await expect(lodging.getByTestId("step-text")).toBeHidden();

  // A model's headings are sized to the card (at most the card's base size), not the page's.
  await openAllSteps(page);
  const headingSizes = await page
    .locator("[data-markdown=card] [data-streamdown^=heading-]")
    .evaluateAll((headings) =>
      headings.map((heading) => Number.parseFloat(getComputedStyle(heading).fontSize)),
    );
  expect(headingSizes.length).toBeGreaterThan(0);
  for (const size of headingSizes) expect(size).toBeLessThanOrEqual(16);

  // Jump to result brings the result into view and focus.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId("jump-to-result").click();
  await expect(page.getByTestId("run-result")).toBeInViewport();
  await expect(page.getByTestId("run-result")).toBeFocused();
});

test("the timeline grows while a run streams, and a bar opens its step", async ({ page }) => {
  await startRun(page, "trip-planner");
  const bars = page.getByTestId("waterfall-bar");
  await expect(bars.first()).toBeVisible();
  const running = page.locator('[data-testid=waterfall-bar][data-status="running"]').first();
  await expect(running).toBeVisible();
  const barCount = await bars.count();
  const width = Number(await running.getAttribute("data-width"));
  // Running bars reach to now: they widen, and more bars come as steps start.
  await expect
    .poll(async () =>
      Number(
        await page
          .locator('[data-testid=waterfall-bar][data-status="running"]')
          .first()
          .getAttribute("data-width"),
      ),
    )
    .toBeGreaterThan(width);
  await expect.poll(() => bars.count(), { timeout: 30_000 }).toBeGreaterThan(barCount);
  // Parallel branches each have a row.
  for (const node of ["lodging", "activities", "food"]) {
    await expect(page.locator(`[data-testid=waterfall-row][data-node="${node}"]`)).toHaveCount(1);
  }
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  await expect(page.getByTestId("waterfall-row")).toHaveCount(await page.getByTestId("step-card").count());
  // The run's totals add up its steps: not the zeros it started with.
  await expect(page.getByTestId("run-tokens")).not.toHaveText(/^(≈ )?0 in · 0 out/);

  await page.evaluate(() => window.scrollTo(0, 0));
  const food = page.locator('[data-testid=step-card][data-node="food"]');
  await expect(food.getByTestId("step-details")).toHaveJSProperty("open", false);
  await page.locator('[data-testid=waterfall-row][data-node="food"] [data-testid=waterfall-bar]').click();
  await expect(food.getByTestId("step-details")).toHaveJSProperty("open", true);
  await expect(food.getByTestId("step-text")).toBeInViewport();
});

test("cards of parallel steps read in the diagram's node order", async ({ page }) => {
  await startRun(page, "trip-planner");
  await expect(page.locator("[data-parallel='3']")).toBeVisible();
  // The diagram's reading order as drawn: top to bottom, then left to right (not markup order).
  const graphOrder = await page.locator("svg [data-node]").evaluateAll((nodes) =>
    nodes
      .map((node) => ({ id: node.getAttribute("data-node"), box: node.getBoundingClientRect() }))
      .sort((a, b) => Math.round(a.box.top - b.box.top) || a.box.left - b.box.left)
      .map((node) => node.id),
  );
  const cardOrder = await page
    .locator("[data-parallel='3'] [data-testid=step-card]")
    .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-node")));
  expect(cardOrder).toEqual(graphOrder.filter((node) => cardOrder.includes(node)));
});

test("a step clicked in the diagram, or chosen there by keyboard, opens and comes into view", async ({
  page,
}) => {
  const { runId } = await finishedRun(page, "trip-planner", "A day in Lisbon");
  await page.goto(`${server.url}/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done");
  const diagram = page.getByTestId("graph-diagram");
  const itinerary = page.locator('[data-testid=step-card][data-node="itinerary"]');
  const food = page.locator('[data-testid=step-card][data-node="food"]');
  // Finished steps are folded; the last one starts out of sight below the timeline and the others.
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(itinerary.getByTestId("step-details")).toHaveJSProperty("open", false);
  await expect(itinerary.getByTestId("step-summary")).not.toBeInViewport();

  await diagram.getByRole("button", { name: "Show the itinerary step" }).click();
  await expect(itinerary.getByTestId("step-details")).toHaveJSProperty("open", true);
  await expect(itinerary.getByTestId("step-summary")).toBeInViewport();

  await page.evaluate(() => window.scrollTo(0, 0));
  await diagram.getByRole("button", { name: "Show the food step" }).focus();
  await page.keyboard.press("Enter");
  await expect(food.getByTestId("step-details")).toHaveJSProperty("open", true);
  await expect(food.getByTestId("step-summary")).toBeInViewport();
});

test("every step's start and end reaches the screen reader announcer", async ({ page }) => {
  await page.goto(`${server.url}/workflows/trip-planner`);
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => {
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    const announcer = document.querySelector("[data-testid=run-announcer]");
    if (!announcer) throw new Error("no announcer");
    new MutationObserver(() => said.push(announcer.textContent ?? "")).observe(announcer, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { said: string[] }).said.join(" ")), {
      timeout: 5_000,
    })
    .toContain("Run done.");
  const said = await page.evaluate(() => (window as unknown as { said: string[] }).said.filter(Boolean));
  const nodes = await page
    .getByTestId("step-card")
    .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-node") ?? ""));
  const sentences = said.join(" ").split(/(?<=\.)\s+/);
  for (const node of nodes) {
    expect(sentences.some((sentence) => sentence.includes(node) && sentence.endsWith("started."))).toBe(true);
    expect(sentences.some((sentence) => sentence.includes(node) && sentence.endsWith("done."))).toBe(true);
  }
  // The three parallel starts were said together, in one sentence.
  expect(
    sentences.some((sentence) => ["lodging", "activities", "food"].every((node) => sentence.includes(node))),
  ).toBe(true);
});

test("a finished run's steps and result are in the server's HTML, readable without JavaScript", async ({
  page,
  browser,
}) => {
  const { runId, result } = await finishedRun(page, "trip-planner", "Two days in Porto, slowly");
  const steps = await storedSteps(page, server.url, runId);

  // The page as the server sends it, read with the owner's cookie and no browser at all.
  const html = await (await page.request.get(`${server.url}/runs/${runId}`)).text();
  expect(html.match(/data-testid="step-card"/g)?.length).toBe(steps.length);
  expect(html).toContain('id="run-result"');
  expect(html).toContain('data-testid="step-waterfall"');
  expect(html).not.toContain("Press Run to watch");
  // The result as rendered markup (the page's script payload holds it too: look at the section only).
  const section = html.slice(html.indexOf('id="run-result"'));
  const shown = section.slice(0, section.indexOf("</section>")).replace(/<[^>]+>/g, " ");
  for (const word of words(result).slice(0, 12)) expect(shown).toContain(word);

  // Its share link's page, fetched by someone without the owner's cookie, is rendered the same way.
  const shared = await page.request.post(`${server.url}/api/runs/${runId}/share`);
  const { url } = (await shared.json()) as { url: string };
  const stranger = await browser.newContext();
  const sharedHtml = await (await stranger.request.get(url)).text();
  await stranger.close();
  expect(sharedHtml.match(/data-testid="step-card"/g)?.length).toBe(steps.length);
  expect(sharedHtml).toContain('id="run-result"');

  const noScript = await browser.newContext({ javaScriptEnabled: false });
  await noScript.addCookies(await page.context().cookies());
  const bare = await noScript.newPage();
  await bare.goto(`${server.url}/runs/${runId}`);
  await expect(bare.getByTestId("run-result")).toBeVisible();
  await expect(bare.getByTestId("step-card")).toHaveCount(steps.length);
  await expect(bare.getByTestId("waterfall-bar")).toHaveCount(steps.length);
  // Steps are native disclosures: they open without a script.
  const food = bare.locator('[data-testid=step-card][data-node="food"]');
  await expect(food.getByTestId("step-text")).toBeHidden();
  await food.getByTestId("step-summary").click();
  await expect(food.getByTestId("step-text")).toBeVisible();
  await noScript.close();

  // With JavaScript the same page shows the run at once, without replaying it over the network.
  const streams: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/stream")) streams.push(request.url());
  });
  await page.goto(`${server.url}/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done");
  await openAllSteps(page);
  await expect(page.getByTestId("step-text")).toHaveCount(steps.length);
  await page.waitForLoadState("networkidle");
  expect(streams).toEqual([]);
});

test("a live run's page shows what is stored so far, then follows the stream to the end", async ({
  page,
}) => {
  await startRun(page, "trip-planner");
  await expect(page).toHaveURL(/\?run=/);
  const runId = new URL(page.url()).searchParams.get("run") ?? "";
  await expect(page.locator('[data-testid=step-card][data-status="running"]').first()).toBeVisible();
  // Give the store a moment to hold some text (it saves about once a second).
  await page.waitForTimeout(1_500);
  const html = await (await page.request.get(`${server.url}/runs/${runId}`)).text();
  expect(html).toContain('data-testid="step-card"');
  expect(html).not.toContain("Press Run to watch");

  await page.goto(`${server.url}/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  await expect(page.getByTestId("run-result")).toBeVisible();
  await expect(page.getByTestId("run-resuming")).toHaveCount(0);
});
