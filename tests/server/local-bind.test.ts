import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

/**
 * `npm start` (and so `npm run demo`) as a developer runs it: it must listen on loopback only, or
 * anyone on the same Wi-Fi could start runs on the developer's AWS credentials. The addresses are
 * read from the kernel's own socket table, not inferred from what the server prints.
 */
const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await exited;
  }
  child = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The local addresses listening on `port`, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const addresses: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local?.endsWith(`:${hexPort}`)) continue;
      const hex = local.slice(0, local.indexOf(":"));
      addresses.push(hex.length === 8 ? ipv4(hex) : hex === "0".repeat(32) ? "::" : hex);
    }
  }
  return addresses;
}

/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit hex number. */
const ipv4 = (hex: string) =>
  [6, 4, 2, 0].map((offset) => Number.parseInt(hex.slice(offset, offset + 2), 16)).join(".");

async function npmStart(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  child = spawn("npm", ["start"], {
    cwd: projectRoot,
    detached: true,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      PORT: String(port),
      RUNS_DB_PATH: join(mkdtempSync(join(tmpdir(), "local-bind-")), "runs.db"),
      NODE_ENV: "production",
      ...env,
    },
  });
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (listeningAddresses(port).length > 0) return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("npm start did not listen within 30 s");
}

describe("npm start", () => {
  it("listens on 127.0.0.1 only, by default", async () => {
    const port = await npmStart({});
    expect(listeningAddresses(port)).toEqual(["127.0.0.1"]);
  }, 40_000);

  it("listens on every interface only when asked to (STEPSTREAM_HOST=0.0.0.0)", async () => {
    const port = await npmStart({ STEPSTREAM_HOST: "0.0.0.0" });
    expect(listeningAddresses(port)).toEqual(["0.0.0.0"]);
  }, 40_000);
});
