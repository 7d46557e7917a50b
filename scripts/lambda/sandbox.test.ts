import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/tests/support/app-server";
import {
  findWritesOutsideTmp,
  prepareSandbox,
  type Sandbox,
  snapshotTree,
  startSandboxServer,
} from "./sandbox";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const privileged = process.getuid?.() === 0;

/** A stand-in for the standalone server: answers readiness, and on /try/<place> tries to write there. */
const fakeServer = `
const { createServer } = require("node:http");
const { mkdirSync, readlinkSync, writeFileSync } = require("node:fs");
// As instrumentation.ts does at start: create the target of the .next/cache symlink.
mkdirSync(readlinkSync(".next/cache"), { recursive: true });
const places = {
  tmp: () => process.env.TMPDIR + "/scratch",
  cache: () => ".next/cache-probe",
  "next-cache": () => ".next/cache/fetch-cache",
  "task-root": () => "written-by-app",
  home: () => process.env.HOME + "/.config",
  "host-tmp": () => "/tmp/stepstream-escaped-" + process.pid,
};
createServer((req, res) => {
  if (req.url === "/api/health") return res.end("ok");
  const place = places[req.url.replace("/try/", "")];
  try {
    writeFileSync(place(), "x");
    res.end("written");
  } catch (error) {
    res.statusCode = 500;
    res.end(error.code);
  }
}).listen(Number(process.env.PORT), process.env.HOSTNAME);
`;

describe("the Lambda sandbox", () => {
  let project: string;
  let sandbox: Sandbox;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "sandbox-project-"));
    writeFileSync(join(project, "Dockerfile"), readFileSync(join(projectRoot, "Dockerfile")));
    for (const dir of [".next/standalone/.next", ".next/static", "public"]) {
      mkdirSync(join(project, dir), { recursive: true });
    }
    writeFileSync(join(project, ".next/standalone/server.js"), fakeServer);
    // The image's entry point, as the build puts it beside server.js (here with no compile cache).
    copyFileSync(join(projectRoot, "scripts/image/start.mjs"), join(project, ".next/standalone/start.mjs"));
    writeFileSync(join(project, ".next/standalone/package.json"), '{ "type": "commonjs" }');
    sandbox = prepareSandbox(project);
  });

  afterAll(() => {
    sandbox?.dispose();
    rmSync(project, { recursive: true, force: true });
  });

  it("runs the image's command from a read-only task root with only its /tmp stand-in writable", async () => {
    const before = snapshotTree(sandbox.taskRoot);
    const startedAt = Date.now();
    const server = await startSandboxServer(sandbox, { port: await freePort() });
    const attempt = async (place: string) => {
      const response = await fetch(`${server.url}/try/${place}`);
      return `${response.status} ${await response.text()}`;
    };
    try {
      expect(server.readyMs).toBeGreaterThan(0);
      expect(await attempt("tmp")).toBe("200 written");
      expect(await attempt("next-cache")).toBe("200 written");
      expect(await attempt("task-root")).toBe("500 EACCES");
      expect(await attempt("cache")).toBe("500 EACCES");
      expect(await attempt("home")).toBe("500 EACCES");
      if (privileged) {
        // Root would bypass file modes; the sandbox drops to `nobody`, and a write that escapes
        // to the host's world-writable /tmp is caught and reported.
        expect(await attempt("host-tmp")).toBe("200 written");
        const writes = findWritesOutsideTmp(sandbox, before, startedAt);
        expect(writes).toEqual([`host: /tmp/stepstream-escaped-${server.pid}`]);
        rmSync(`/tmp/stepstream-escaped-${server.pid}`);
      }
      expect(server.memory().rss).toBeGreaterThan(1024 * 1024);
    } finally {
      await server.stop();
    }
    expect(existsSync(join(sandbox.tmpDir, "scratch"))).toBe(true);
    expect(existsSync(join(sandbox.tmpDir, "cache/fetch-cache"))).toBe(true);
    expect(findWritesOutsideTmp(sandbox, before, startedAt)).toEqual([]);
  });

  it("fails with the server's output when readiness never answers 200", async () => {
    await expect(
      startSandboxServer(sandbox, {
        port: await freePort(),
        env: { AWS_LWA_READINESS_CHECK_PATH: "/nope" },
        timeoutMs: 500,
      }),
    ).rejects.toThrow(/did not answer 200/);
  });
});
