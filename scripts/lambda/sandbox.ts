/**
 * A stand-in for a Lambda execution environment without Docker: the runner layout, assembled from
 * the Dockerfile, read-only; one fresh writable directory standing in for /tmp; the Dockerfile's
 * environment and command. Run as root (CI), the server also runs as `nobody`, so the kernel
 * itself refuses any write outside that directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunnerPlan } from "./dockerfile.ts";
import { type AssembledLayout, assembleRunnerLayout, diffSnapshots, snapshotTree } from "./runner-layout.ts";

const NOBODY = 65534;
/** Where an unprivileged process could write on a Linux host, besides its own /tmp stand-in. */
const WORLD_WRITABLE = ["/tmp", "/var/tmp", "/dev/shm"];

export interface Sandbox extends AssembledLayout {
  root: string;
  tmpDir: string;
  homeDir: string;
  nodeBinary: string;
  /** The uid the server runs as; differs from ours only when we are root. */
  uid: number;
  gid: number;
  dispose: () => void;
}

export interface SandboxServer {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from the readiness path, polled every 10 ms as LWA does. */
  readyMs: number;
  output: () => string;
  /** Resident and peak resident memory of the server process, in bytes, from /proc. */
  memory: () => { rss: number; peak: number };
  stop: () => Promise<void>;
}

/** Recursively drops every write bit: the tree is now as read-only as Lambda's task root. */
function makeReadOnly(path: string): void {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) makeReadOnly(child);
    else if (entry.isFile()) chmodSync(child, statSync(child).mode & 0o555);
  }
  chmodSync(path, 0o555);
}

function makeWritable(path: string): void {
  chmodSync(path, 0o755);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) makeWritable(join(path, entry.name));
  }
}

/**
 * Assembles the layout under a fresh temporary root and locks it. `projectRoot` holds the build
 * (the builder's WORKDIR); `plan` defaults to the runner stage of its Dockerfile.
 */
export function prepareSandbox(projectRoot: string, plan?: RunnerPlan): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "stepstream-lambda-"));
  chmodSync(root, 0o755);
  const tmpDir = join(root, "tmp");
  const homeDir = join(root, "home");
  mkdirSync(tmpDir);
  mkdirSync(homeDir);
  const layout = assembleRunnerLayout({ projectRoot, taskRoot: join(root, "task"), tmpDir, plan });
  const privileged = process.getuid?.() === 0;
  const uid = privileged ? NOBODY : (process.getuid?.() ?? 0);
  const gid = privileged ? NOBODY : (process.getgid?.() ?? 0);
  // The image brings its own node; ours may sit in a directory `nobody` cannot enter.
  const nodeBinary = join(root, "node");
  copyFileSync(process.execPath, nodeBinary);
  chmodSync(nodeBinary, 0o555);
  if (privileged) chownSync(tmpDir, uid, gid);
  makeReadOnly(layout.taskRoot);
  chmodSync(homeDir, 0o555);
  return {
    ...layout,
    root,
    tmpDir,
    homeDir,
    nodeBinary,
    uid,
    gid,
    dispose: () => {
      makeWritable(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Empties the /tmp stand-in, as a new execution environment gets an empty /tmp. */
export function resetTmp(sandbox: Sandbox): void {
  for (const name of readdirSync(sandbox.tmpDir)) {
    rmSync(join(sandbox.tmpDir, name), { recursive: true, force: true });
  }
}

export function httpStatus(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

function readMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/**
 * Starts the image's command from the layout with the Dockerfile's environment (listening on
 * loopback only: the image's HOSTNAME=0.0.0.0 is for the container's network) and resolves once
 * the readiness path answers 200.
 */
export async function startSandboxServer(
  sandbox: Sandbox,
  options: { port?: number; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SandboxServer> {
  const { plan } = sandbox;
  const [command, ...args] = plan.command;
  if (command !== "node") throw new Error(`The image's CMD runs ${command}, not node`);
  const port = options.port ?? Number(plan.env.PORT ?? 8080);
  // Paths the image points into /tmp point into the /tmp stand-in.
  const imageEnv = Object.fromEntries(
    Object.entries(plan.env).map(([name, value]) => [
      name,
      value === "/tmp" || value.startsWith("/tmp/") ? sandbox.tmpDir + value.slice(4) : value,
    ]),
  );
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "production",
    ...imageEnv,
    HOSTNAME: "127.0.0.1",
    PORT: String(port),
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: sandbox.homeDir,
    TMPDIR: sandbox.tmpDir,
    ...options.env,
  };
  const readinessPath = env.AWS_LWA_READINESS_CHECK_PATH ?? "/";
  let output = "";
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(sandbox.nodeBinary, args, {
    cwd: sandbox.taskRoot,
    env,
    uid: sandbox.uid,
    gid: sandbox.gid,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (data) => {
    output += data;
  });
  child.stderr?.on("data", (data) => {
    output += data;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = spawnedAt + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}:\n${output}`);
    const status = await httpStatus(`${url}${readinessPath}`).catch(() => 0);
    if (status === 200) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${readinessPath} did not answer 200 in time (last status ${status}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    readyMs: performance.now() - spawnedAt,
    output: () => output,
    memory: () => readMemory(pid),
    stop,
  };
}

/**
 * Everything the server could have written outside its /tmp stand-in: changes to the task root,
 * and, when it ran as its own user, entries that user owns in the host's world-writable places.
 */
export function findWritesOutsideTmp(
  sandbox: Sandbox,
  before: Map<string, string>,
  /** Wall-clock time (Date.now()) the server was started. */
  sinceMs: number,
): string[] {
  const writes = diffSnapshots(before, snapshotTree(sandbox.taskRoot)).map(
    (change) => `task root: ${change}`,
  );
  writes.push(...diffSnapshots(new Map(), snapshotTree(sandbox.homeDir)).map((change) => `HOME: ${change}`));
  if (sandbox.uid !== process.getuid?.()) {
    for (const dir of WORLD_WRITABLE) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(dir, name);
        try {
          const stat = statSync(path);
          if (stat.uid === sandbox.uid && stat.ctimeMs >= sinceMs) writes.push(`host: ${path}`);
        } catch {
          // Gone already.
        }
      }
    }
  }
  return writes;
}

export { snapshotTree };
