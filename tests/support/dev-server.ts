import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AppServer, freePort, waitForHealth } from "./app-server.ts";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

/**
 * Starts `next dev` on the project's own sources, on a free loopback port with a run store of its
 * own, as a developer runs `npm run dev`. Development builds into `.next/dev`, so it runs beside
 * the production build the other tests use.
 */
export async function startDevServer(env: Record<string, string> = {}): Promise<AppServer> {
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, [nextBin, "dev", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "development",
      NEXT_TELEMETRY_DISABLED: "1",
      RUNS_DB_PATH: join(mkdtempSync(join(tmpdir(), "stepstream-dev-runs-")), "runs.db"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (data) => {
    output += data;
  });
  child.stderr?.on("data", (data) => {
    output += data;
  });
  const url = `http://127.0.0.1:${port}`;
  // The first request compiles the route, which takes seconds on two cores.
  await waitForHealth(url, child, () => output, 90_000);
  return {
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
