import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const serverScript = fileURLToPath(new URL("../../.next/standalone/server.js", import.meta.url));

/** Every visitor limit off (0); a test sets the one it is about. */
export const LIMITS_OFF = {
  VISITOR_RUNS_PER_DAY: "0",
  VISITOR_TOKENS_PER_DAY: "0",
  VISITOR_CONCURRENT_RUNS: "0",
  CLIENT_RUNS_PER_DAY: "0",
  DAILY_TOKEN_LIMIT: "0",
};

export interface AppServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the built standalone server (`npm run build` first) on a free loopback port with the
 * given environment, and resolves once its health check answers.
 */
export async function startAppServer(
  env: Record<string, string> = {},
  options: {
    port?: number;
    /** Another standalone layout's server.js (the A/B benchmark's). */
    script?: string;
  } = {},
): Promise<AppServer> {
  const script = options.script ?? serverScript;
  if (!existsSync(script)) throw new Error(`No standalone build at ${script}: run \`npm run build\` first.`);
  const port = options.port ?? (await freePort());
  return startServerProcess([script], {
    port,
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NEXT_MANUAL_SIG_HANDLE: "true",
      // Each server gets its own run store unless a test shares one between servers.
      RUNS_DB_PATH: join(mkdtempSync(join(tmpdir(), "stepstream-runs-")), "runs.db"),
      // The visitor limits are off unless a test turns one on: most tests start many runs from
      // one address, and the limits have tests of their own (tests/server/limits.test.ts).
      ...LIMITS_OFF,
      ...env,
    },
  });
}

/**
 * Runs `node <args>` on a loopback port, keeps what it prints, and resolves once its health check
 * answers; `stop` sends SIGTERM and waits for the exit.
 */
export async function startServerProcess(
  args: string[],
  options: { port: number; env: Record<string, string>; cwd?: string; healthTimeoutMs?: number },
): Promise<AppServer> {
  let output = "";
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (data) => {
    output += data;
  });
  child.stderr?.on("data", (data) => {
    output += data;
  });
  const url = `http://127.0.0.1:${options.port}`;
  await waitForHealth(url, child, () => output, options.healthTimeoutMs);
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

export async function waitForHealth(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited early:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The server did not become healthy:\n${output()}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
