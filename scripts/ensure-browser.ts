/**
 * `npm test` runs this first: the browser tests need Chromium, and a fresh machine has none. It
 * uses CHROMIUM_PATH or an installed Chromium; otherwise it installs one (Debian's package as
 * root, Playwright's download elsewhere); where neither works it stops, before the build, with
 * one sentence saying what to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";
import {
  type BrowserFacts,
  findChromium,
  type InstallFacts,
  noBrowserMessage,
  planChromiumInstall,
} from "./browser/chromium.ts";

function browserFacts(): BrowserFacts {
  return {
    chromiumPathEnv: process.env.CHROMIUM_PATH || undefined,
    exists: existsSync,
    playwrightManagedPath: chromium.executablePath(),
  };
}

function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

function installFacts(): InstallFacts {
  return {
    isRoot: process.getuid?.() === 0,
    hasApt: existsSync("/etc/debian_version") && hasCommand("apt-get"),
  };
}

function runAll(commands: string[][]): boolean {
  for (const [command, ...args] of commands) {
    if (!command) continue;
    console.log(`ensure-browser: ${[command, ...args].join(" ")}`);
    const result = spawnSync(command, args, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (result.status !== 0) return false;
  }
  return true;
}

function main(): number {
  const found = findChromium(browserFacts());
  if (found.kind !== "none") {
    console.log(`ensure-browser: using ${found.path}`);
    return 0;
  }
  const facts = installFacts();
  if (found.problem) {
    console.error(`ensure-browser: ${noBrowserMessage(facts, found.problem)}`);
    return 1;
  }
  const plan = planChromiumInstall(facts);
  console.log(`ensure-browser: no Chromium found; installing one (${plan.kind})`);
  const installed = runAll(plan.commands);
  const after = findChromium(browserFacts());
  if (installed && after.kind !== "none") {
    console.log(`ensure-browser: using ${after.path}`);
    return 0;
  }
  const tried = plan.commands.map((command) => `\`${command.join(" ")}\``).join(" then ");
  console.error(`ensure-browser: ${noBrowserMessage(facts, tried)}`);
  return 1;
}

process.exitCode = main();
