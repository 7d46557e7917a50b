/**
 * The cold-start reference: the smallest Next.js standalone app (two route handlers, in
 * scripts/bench/minimal-next), built by this project's own `next` into .bench/minimal-next and laid
 * out for the runner exactly as the app is (the Dockerfile's runner stage: its environment, its
 * command, read-only), so the two cold starts differ only in what the app itself loads.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import type { RunnerPlan } from "../lambda/dockerfile.ts";

const SOURCE = "scripts/bench/minimal-next";
const BUILD = ".bench/minimal-next";

/** Where the standalone output put server.js (nested under the path from the tracing root). */
function findServer(standalone: string): string {
  for (const entry of readdirSync(standalone, { recursive: true, withFileTypes: true })) {
    if (entry.name === "server.js" && !entry.parentPath.includes("node_modules")) {
      return relative(standalone, join(entry.parentPath, entry.name));
    }
  }
  throw new Error(`No server.js in ${standalone}`);
}

/** Builds the reference app and returns its builder directory and the runner plan for it. */
export function buildMinimalNext(
  projectRoot: string,
  appPlan: RunnerPlan,
): { root: string; plan: RunnerPlan } {
  const root = join(projectRoot, BUILD);
  rmSync(root, { recursive: true, force: true });
  cpSync(join(projectRoot, SOURCE), root, { recursive: true });
  const build = spawnSync(join(projectRoot, "node_modules/.bin/next"), ["build", BUILD], {
    cwd: projectRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (build.status !== 0)
    throw new Error(`The minimal Next.js app did not build:\n${build.stdout}${build.stderr}`);
  const standalone = join(root, ".next/standalone");
  if (!existsSync(standalone)) throw new Error(`next build made no ${standalone}`);
  const server = findServer(standalone);
  const builder = appPlan.builderWorkdir;
  const serverDir = join(appPlan.workdir, server, "..");
  return {
    root,
    plan: {
      ...appPlan,
      buildCopies: [
        { source: `${builder}/.next/standalone`, destination: appPlan.workdir },
        { source: `${builder}/.next/static`, destination: join(serverDir, ".next/static") },
      ],
      symlinks: [],
      command: ["node", server],
    },
  };
}
