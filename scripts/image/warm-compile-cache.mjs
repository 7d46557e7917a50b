// Prepares a standalone build for the image: puts the entry point (scripts/image/start.mjs) beside
// server.js and fills Node's module compile cache in <dir>/.node-compile-cache-baked. It starts the
// server there, waits for /api/health, opens the first pages, runs one offline run (so the graph
// runtime is compiled too), opens that run's page and routes, and stops it; Node writes the cache
// as the process exits. The cache is portable (keys relative to its directory) and readable by
// every user: start.mjs links it for whichever user runs the image. Run by `npm run build` and by
// the Dockerfile's builder.
//   node scripts/image/warm-compile-cache.mjs .next/standalone
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const dir = resolve(process.argv[2] ?? ".next/standalone");
const cacheDir = join(dir, ".node-compile-cache-baked");
if (!existsSync(join(dir, "server.js"))) {
  console.error(`warm-compile-cache: no server.js in ${dir}: run \`next build\` first`);
  process.exit(1);
}
copyFileSync(fileURLToPath(new URL("start.mjs", import.meta.url)), join(dir, "start.mjs"));
rmSync(cacheDir, { recursive: true, force: true });

// The warm-up run's store, and the local auth secret kept beside it, stay out of the build.
const scratch = mkdtempSync(join(tmpdir(), "warm-compile-cache-"));
const port = 20_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ["server.js"], {
  cwd: dir,
  env: {
    ...process.env,
    NODE_ENV: "production",
    NODE_COMPILE_CACHE: cacheDir,
    NODE_COMPILE_CACHE_PORTABLE: "1",
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    MODEL_PROVIDER: "offline",
    OFFLINE_TOKENS_PER_SECOND: "0",
    RUN_STORE: "sqlite",
    RUNS_DB_PATH: join(scratch, "runs.db"),
    NEXT_MANUAL_SIG_HANDLE: "true",
  },
  stdio: ["ignore", "ignore", "inherit"],
});
const exited = new Promise((done) => server.once("exit", done));

async function ready(deadline) {
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const status = await fetch(`${base}/api/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error("the server was not ready within 60 s");
    await new Promise((done) => setTimeout(done, 50));
  }
}

try {
  await ready(Date.now() + 60_000);
  // The pages a visitor opens first, then a run: what a cold start's first requests load.
  for (const path of ["/", "/workflows/report-writer", "/runs"]) {
    const page = await fetch(`${base}${path}`);
    await page.text();
    if (!page.ok) throw new Error(`the warm-up's GET ${path} answered ${page.status}`);
  }
  const response = await fetch(`${base}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ workflow: "report-writer", input: "Warm the compile cache." }),
  });
  const body = await response.text();
  if (!response.ok || !body.includes('"type":"finish"')) {
    throw new Error(`the warm-up run did not finish (${response.status})`);
  }
  // Next loads a route only when it is first asked for (next.config.js): the rest of a run's
  // routes, as its visitor, whose session cookie the run's response set.
  const runId = response.headers.get("x-run-id");
  const cookie = response.headers
    .getSetCookie()
    .map((setCookie) => setCookie.split(";")[0])
    .join("; ");
  for (const path of [`/runs/${runId}`, `/api/runs/${runId}`, `/api/runs/${runId}/stream`, "/api/quota"]) {
    const page = await fetch(`${base}${path}`, { headers: { cookie } });
    await page.text();
    if (!page.ok) throw new Error(`the warm-up's GET ${path} answered ${page.status}`);
  }
} finally {
  server.kill("SIGTERM");
  await exited;
  rmSync(scratch, { recursive: true, force: true });
}

// Node writes its entries readable by their owner only; the image runs as another user.
let entries = 0;
for (const name of readdirSync(cacheDir, { recursive: true })) {
  const path = join(cacheDir, String(name));
  const isDir = statSync(path).isDirectory();
  chmodSync(path, isDir ? 0o755 : 0o644);
  if (!isDir) entries++;
}
chmodSync(cacheDir, 0o755);
if (entries === 0) {
  console.error(`warm-compile-cache: nothing was cached in ${cacheDir}`);
  process.exit(1);
}
console.log(`warm-compile-cache: ${entries} modules cached in ${cacheDir}`);
