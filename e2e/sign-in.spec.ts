import { expect, type Page, test } from "@playwright/test";
import { type AppServer, freePort, startAppServer } from "../tests/support/app-server";
import { type LocalOidcProvider, startOidcProvider } from "../tests/support/oidc-provider";

/**
 * Signing in with the team's OpenID Connect provider: here a real one (oidc-provider) on loopback,
 * through its own login and consent pages. A guest who signs in keeps the runs they made.
 */
let provider: LocalOidcProvider;
let app: AppServer;

test.beforeAll(async () => {
  const port = await freePort();
  provider = await startOidcProvider(`http://127.0.0.1:${port}/api/auth/callback`);
  app = await startAppServer(
    {
      OFFLINE_TOKENS_PER_SECOND: "0",
      AUTH_OIDC_ISSUER: provider.issuer,
      AUTH_OIDC_CLIENT_ID: provider.clientId,
      AUTH_OIDC_CLIENT_SECRET: provider.clientSecret,
    },
    { port },
  );
});
test.afterAll(async () => {
  await app?.stop();
  await provider?.stop();
});

/** Through the provider's development login and consent pages, as `login`. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any password");
  await page.locator("button[type=submit]").click();
  await page.getByRole("button", { name: /continue/i }).click();
}

async function runOnce(page: Page, task: string): Promise<void> {
  await page.goto(`${app.url}/workflows/pitch-refiner`);
  await page.waitForLoadState("networkidle"); // Hydrated before typing into the task box.
  await page.getByLabel("Task").fill(task);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "done");
}

test("a guest who signs in keeps their runs, on any device they sign in from", async ({ page, browser }) => {
  await runOnce(page, "A guest's pitch: bike repair by post");
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/`));
  await signInAtProvider(page, "ada");
  // Back where sign-in started, as Ada.
  await expect(page).toHaveURL(`${app.url}/workflows/pitch-refiner`);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Ada Test");
  await page.goto(`${app.url}/runs`);
  await expect(page.getByTestId("history-row")).toContainText(["A guest's pitch: bike repair by post"]);

  // Another device: a new browser, a new guest with nothing, until Ada signs in there too.
  const elsewhere = await (await browser.newContext()).newPage();
  await elsewhere.goto(`${app.url}/runs`);
  await expect(elsewhere.getByTestId("history-row")).toHaveCount(0);
  await elsewhere.goto(`${app.url}/api/auth/signin?returnTo=%2Fruns`);
  await signInAtProvider(elsewhere, "ada");
  await expect(elsewhere).toHaveURL(`${app.url}/runs`);
  await expect(elsewhere.getByTestId("history-row")).toContainText(["A guest's pitch: bike repair by post"]);

  // Someone else who signs in sees none of it.
  const other = await (await browser.newContext()).newPage();
  await other.goto(`${app.url}/api/auth/signin?returnTo=%2Fruns`);
  await signInAtProvider(other, "grace");
  await expect(other.getByTestId("signed-in-as")).toHaveText("Grace Test");
  await expect(other.getByTestId("history-row")).toHaveCount(0);

  // Signing out makes this browser a new guest; Ada's runs stay hers.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await page.goto(`${app.url}/runs`);
  await expect(page.getByTestId("history-row")).toHaveCount(0);
});

test("a sign-in that fails at the provider says so, and signs no one in", async ({ page }) => {
  await page.goto(`${app.url}/api/auth/callback?error=access_denied&state=x`);
  await expect(page).toHaveURL(`${app.url}/signin?error=denied`);
  await expect(page.getByRole("alert").filter({ hasText: "cancelled" })).toHaveText(
    "The sign-in was cancelled at the provider.",
  );
  // A forged callback (no flow of ours started it) is refused as expired.
  await page.goto(`${app.url}/api/auth/callback?code=forged&state=forged`);
  await expect(page).toHaveURL(`${app.url}/signin?error=expired`);
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
});

test("with AUTH_REQUIRED, guests are sent to sign in, and the API refuses them", async ({ page }) => {
  const port = await freePort();
  const required = await startOidcProvider(`http://127.0.0.1:${port}/api/auth/callback`);
  const locked = await startAppServer(
    {
      AUTH_REQUIRED: "true",
      AUTH_OIDC_ISSUER: required.issuer,
      AUTH_OIDC_CLIENT_ID: required.clientId,
      AUTH_OIDC_CLIENT_SECRET: required.clientSecret,
    },
    { port },
  );
  try {
    const refused = await page.request.post(`${locked.url}/api/runs`, {
      headers: { "content-type": "application/json" },
      data: JSON.stringify({ workflow: "trip-planner", input: "Let me in" }),
    });
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toEqual({
      error: { code: "unauthorized", message: "Sign in to use this app." },
    });
    expect((await page.request.get(`${locked.url}/api/health`)).status()).toBe(200);

    await page.goto(`${locked.url}/runs`);
    await expect(page).toHaveURL(`${locked.url}/signin?returnTo=%2Fruns`);
    await page.getByRole("link", { name: "Continue to sign in" }).click();
    await signInAtProvider(page, "ada");
    await expect(page).toHaveURL(`${locked.url}/runs`);
    const allowed = await page.request.post(`${locked.url}/api/runs`, {
      headers: { "content-type": "application/json" },
      data: JSON.stringify({ workflow: "trip-planner", input: "Signed in now" }),
    });
    expect(allowed.status()).toBe(200);
  } finally {
    await locked.stop();
    await required.stop();
  }
});
