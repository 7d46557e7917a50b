/**
 * `npm run smoke:image`: the image builds from its own context, proved without a Docker engine.
 * It assembles the build context the way Docker does (tracked files, `.dockerignore` matched with
 * Docker's rules), replays the Dockerfile's builder stage there (its COPY and RUN lines: `npm ci`,
 * `next build`, the cache link), checks that every file the runner stage copies from the builder
 * exists, and serves the runner layout made from that output. Then it proves the check can fail:
 * with one more source file ignored, the same build must fail.
 */
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  contextFiles,
  forbiddenInContext,
  NEVER_IN_CONTEXT,
  replayBuilder,
  writeContext,
} from "./lambda/build-context.ts";
import { readBuilderPlan, readRunnerPlan } from "./lambda/dockerfile.ts";
import { prepareSandbox, startSandboxServer } from "./lambda/sandbox.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
/** A file `next build` cannot do without (every route imports it), for the negative control. */
const NEEDED_FILE = "lib/env.ts";
const failures: string[] = [];
const roots: string[] = [];

function check(ok: boolean, what: string, detail = ""): void {
  console.log(`${ok ? "  ok  " : "  FAIL"} ${what}${detail ? `: ${detail}` : ""}`);
  if (!ok) failures.push(what);
}

const dockerfile = readFileSync(join(projectRoot, "Dockerfile"), "utf8");
const builderPlan = readBuilderPlan(dockerfile);
const runnerPlan = readRunnerPlan(dockerfile);

/** Writes the context for these files to a fresh directory and replays the builder on it. */
async function build(files: string[], label: string) {
  const root = mkdtempSync(join(tmpdir(), `stepstream-image-${label}-`));
  roots.push(root);
  const contextDir = join(root, "context");
  const bytes = writeContext(projectRoot, files, contextDir);
  const result = await replayBuilder(builderPlan, contextDir, join(root, "builder"));
  return { ...result, bytes };
}

function checkRunnerInputs(workdir: string): void {
  for (const copy of runnerPlan.buildCopies) {
    const path = join(workdir, copy.source.slice(builderPlan.workdir.length));
    let exists = false;
    try {
      exists = lstatSync(path) !== undefined;
    } catch {}
    check(exists, `the builder made ${copy.source}, which the runner copies`);
  }
  for (const link of runnerPlan.symlinks) {
    const copy = runnerPlan.buildCopies.find((c) => link.path.startsWith(c.destination));
    const inBuilder = copy
      ? join(workdir, copy.source.slice(builderPlan.workdir.length), link.path.slice(copy.destination.length))
      : "";
    let target = "";
    try {
      target = readlinkSync(inBuilder);
    } catch {}
    check(target === link.target, `${link.path} is a link to ${link.target} in the builder's output`, target);
  }
}

async function serveRunnerLayout(workdir: string): Promise<void> {
  const sandbox = prepareSandbox(workdir, runnerPlan);
  try {
    const server = await startSandboxServer(sandbox, { env: { MODEL_PROVIDER: "offline" } });
    try {
      check(
        true,
        "the runner layout made from that output answers readiness",
        `${server.readyMs.toFixed(0)} ms`,
      );
      const home = await fetch(`${server.url}/`);
      const html = await home.text();
      check(
        home.status === 200 && html.includes("Pick a workflow agent"),
        "and renders the home page",
        `${home.status}`,
      );
      check(
        Boolean(home.headers.get("content-security-policy")),
        "with the security headers (next.config.js)",
      );
      // A run, as a visitor: the session comes from proxy.ts, so an image built without it fails here.
      const run = await fetch(`${server.url}/api/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ workflow: "trip-planner", input: "An image smoke test" }),
      });
      await run.text();
      const session = run.headers.getSetCookie().find((line) => line.startsWith("stepstream_session="));
      const record = await fetch(`${server.url}/api/runs/${run.headers.get("x-run-id")}`, {
        headers: { cookie: session?.split(";")[0] ?? "" },
      });
      await record.text();
      check(
        run.status === 200 && record.status === 200,
        "and runs a workflow for a visitor, whose session reads it back",
        `${run.status}, ${record.status}`,
      );
    } finally {
      await server.stop();
    }
  } finally {
    sandbox.dispose();
  }
}

async function main(): Promise<void> {
  const files = contextFiles(projectRoot);
  const forbidden = forbiddenInContext(files);
  check(
    forbidden.length === 0,
    `nothing of ${NEVER_IN_CONTEXT.join(", ")} is in the context`,
    forbidden.join(", "),
  );
  check(files.includes(NEEDED_FILE), `${NEEDED_FILE} is in the context`);

  const real = await build(files, "context");
  console.log(`  context: ${files.length} files, ${(real.bytes / 1024).toFixed(0)} KB`);
  for (const { step, ms } of real.durations)
    console.log(`        ${(ms / 1000).toFixed(1).padStart(5)} s  ${step}`);
  check(real.ok, "the builder stage succeeds on exactly the .dockerignore'd context", real.failedStep ?? "");
  if (!real.ok) console.error(readFileSync(real.logPath, "utf8").slice(-4000));
  else {
    checkRunnerInputs(real.workdir);
    await serveRunnerLayout(real.workdir);
  }

  // The negative control: the same build, with one file the build needs left out of the context.
  const broken = await build(contextFiles(projectRoot, [NEEDED_FILE]), "missing-file");
  const missing = readFileSync(broken.logPath, "utf8")
    .split("\n")
    .filter((line) => line.includes(NEEDED_FILE.replace(/\.ts$/, "")));
  check(
    !broken.ok && broken.failedStep === "RUN npx next build" && missing.length > 0,
    `with ${NEEDED_FILE} ignored as well, next build fails and names it`,
    broken.failedStep ? `${broken.failedStep}: ${missing[0]?.trim()}` : "it succeeded",
  );

  for (const root of roots) rmSync(root, { recursive: true, force: true });
  if (failures.length > 0) {
    console.error(`\nsmoke:image failed: ${failures.join("; ")}`);
    process.exit(1);
  }
  console.log("\nsmoke:image passed");
}

await main();
