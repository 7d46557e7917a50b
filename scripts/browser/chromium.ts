/**
 * Which Chromium the browser tests use, and how to get one when the machine has none. Shared by
 * `playwright.config.ts` (which browser to launch) and `scripts/ensure-browser.ts` (which runs
 * first in `npm test`, so a fresh machine gets its browser before the build, not after it).
 * The decisions are pure functions of what the machine has, so they are tested as such.
 */

/** Where Debian and Ubuntu's packages put Chromium. */
export const SYSTEM_CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** Flags every launch uses: this project's machines are root containers with no network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface BrowserFacts {
  /** `CHROMIUM_PATH` from the environment, if set. */
  chromiumPathEnv: string | undefined;
  exists: (path: string) => boolean;
  /** The browser Playwright itself manages (`npx playwright install chromium`), installed or not. */
  playwrightManagedPath: string | undefined;
}

export type FoundBrowser =
  | { kind: "system"; path: string; source: "CHROMIUM_PATH" | "installed" }
  | { kind: "playwright"; path: string }
  | { kind: "none"; problem?: string };

/**
 * The browser to launch: `CHROMIUM_PATH` when set (and an error when it names nothing), else a
 * system Chromium, else Playwright's own when it is installed.
 */
export function findChromium(facts: BrowserFacts): FoundBrowser {
  if (facts.chromiumPathEnv) {
    if (facts.exists(facts.chromiumPathEnv)) {
      return { kind: "system", path: facts.chromiumPathEnv, source: "CHROMIUM_PATH" };
    }
    return {
      kind: "none",
      problem: `CHROMIUM_PATH is set to ${facts.chromiumPathEnv}, which does not exist`,
    };
  }
  const system = SYSTEM_CHROMIUM_PATHS.find((path) => facts.exists(path));
  if (system) return { kind: "system", path: system, source: "installed" };
  if (facts.playwrightManagedPath && facts.exists(facts.playwrightManagedPath)) {
    return { kind: "playwright", path: facts.playwrightManagedPath };
  }
  return { kind: "none" };
}

export interface InstallFacts {
  isRoot: boolean;
  /** Debian or a derivative with apt-get on the PATH. */
  hasApt: boolean;
}

export type InstallPlan =
  | { kind: "apt"; commands: string[][] }
  | { kind: "playwright"; commands: string[][] };

/** Debian's package where apt can run unattended (root), Playwright's download anywhere else. */
export function planChromiumInstall(facts: InstallFacts): InstallPlan {
  if (facts.isRoot && facts.hasApt) {
    return {
      kind: "apt",
      commands: [
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
      ],
    };
  }
  return { kind: "playwright", commands: [["npx", "playwright", "install", "chromium"]] };
}

/** The one sentence printed when no browser could be found or installed, saying what to run. */
export function noBrowserMessage(facts: InstallFacts, tried: string | undefined): string {
  const how = facts.hasApt
    ? "`sudo apt-get install chromium` (or `npx playwright install chromium`)"
    : "`npx playwright install chromium`";
  const after = tried ? ` (${tried} did not work)` : "";
  return `No Chromium for the browser tests${after}: run ${how}, or set CHROMIUM_PATH to a Chromium binary, then run \`npm test\` again.`;
}
