import { describe, expect, it } from "vitest";
import { findChromium, noBrowserMessage, planChromiumInstall } from "./chromium";

const machine = (paths: string[], env?: string, managed = "/root/.cache/ms-playwright/chromium/chrome") => ({
  chromiumPathEnv: env,
  exists: (path: string) => paths.includes(path),
  playwrightManagedPath: managed,
});

describe("findChromium", () => {
  it("prefers CHROMIUM_PATH over everything else", () => {
    expect(findChromium(machine(["/opt/chrome", "/usr/bin/chromium"], "/opt/chrome"))).toEqual({
      kind: "system",
      path: "/opt/chrome",
      source: "CHROMIUM_PATH",
    });
  });

  it("reports a CHROMIUM_PATH that names nothing instead of falling back silently", () => {
    const found = findChromium(machine(["/usr/bin/chromium"], "/opt/missing"));
    expect(found.kind).toBe("none");
    expect(found.kind === "none" && found.problem).toContain("/opt/missing");
  });

  it("uses Debian's Chromium, then Playwright's own, then nothing", () => {
    expect(findChromium(machine(["/usr/bin/chromium"]))).toMatchObject({ path: "/usr/bin/chromium" });
    expect(findChromium(machine(["/usr/bin/chromium-browser"]))).toMatchObject({ kind: "system" });
    expect(findChromium(machine(["/root/.cache/ms-playwright/chromium/chrome"]))).toEqual({
      kind: "playwright",
      path: "/root/.cache/ms-playwright/chromium/chrome",
    });
    expect(findChromium(machine([]))).toEqual({ kind: "none" });
  });
});

describe("planChromiumInstall", () => {
  it("installs Debian's package unattended as root on Debian", () => {
    const plan = planChromiumInstall({ isRoot: true, hasApt: true });
    expect(plan.kind).toBe("apt");
    expect(plan.commands.at(-1)).toEqual(expect.arrayContaining(["apt-get", "install", "-y", "chromium"]));
  });

  it("uses Playwright's download without root or without apt", () => {
    for (const facts of [
      { isRoot: false, hasApt: true },
      { isRoot: true, hasApt: false },
      { isRoot: false, hasApt: false },
    ]) {
      expect(planChromiumInstall(facts)).toEqual({
        kind: "playwright",
        commands: [["npx", "playwright", "install", "chromium"]],
      });
    }
  });
});

describe("noBrowserMessage", () => {
  it("is one sentence naming the commands to run", () => {
    const message = noBrowserMessage({ isRoot: false, hasApt: true }, "`npx playwright install chromium`");
    expect(message.split(". ").length).toBe(1);
    expect(message).toContain("sudo apt-get install chromium");
    expect(message).toContain("CHROMIUM_PATH");
    expect(message).toContain("did not work");
    expect(noBrowserMessage({ isRoot: false, hasApt: false }, undefined)).not.toContain("apt-get");
  });
});
