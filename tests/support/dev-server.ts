import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AppServer, freePort, startServerProcess } from "./app-server.ts";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

/**
 * Starts `next dev` on the project's own sources, on a free loopback port with a run store of its
 * own, as a developer runs `npm run dev`. Development builds into `.next/dev`, so it runs beside
 * the production build the other tests use.
 */
export async function startDevServer(env: Record<string, string> = {}): Promise<AppServer> {
  // From a clean development build, as on a fresh clone: Turbopack's persistent cache, left by an
  // earlier `next dev` on older sources, has been seen to put the first page into a reload loop.
  rmSync(join(projectRoot, ".next", "dev"), { recursive: true, force: true });
  const port = await freePort();
  return startServerProcess([nextBin, "dev", "--port", String(port), "--hostname", "127.0.0.1"], {
    port,
    cwd: projectRoot,
    env: {
      HOME: process.env.HOME ?? "",
      NODE_ENV: "development",
      RUNS_DB_PATH: join(mkdtempSync(join(tmpdir(), "stepstream-dev-runs-")), "runs.db"),
      ...env,
    },
    // The first request compiles the route, which takes seconds on two cores.
    healthTimeoutMs: 90_000,
  });
}
