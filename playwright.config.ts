import { existsSync } from "node:fs";
import { chromium, defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./scripts/browser/chromium.ts";

// CHROMIUM_PATH, else Debian's Chromium, else the browser Playwright manages. `npm test` runs
// scripts/ensure-browser.ts first, which installs one when the machine has none.
const found = findChromium({
  chromiumPathEnv: process.env.CHROMIUM_PATH || undefined,
  exists: existsSync,
  playwrightManagedPath: chromium.executablePath(),
});
const executablePath = found.kind === "system" ? found.path : undefined;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 900 },
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
  },
});
