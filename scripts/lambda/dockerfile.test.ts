import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseDockerfile, readBuilderPlan, readRunnerPlan } from "./dockerfile";
import { assembleRunnerLayout } from "./runner-layout";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(join(projectRoot, "Dockerfile"), "utf8");
const plan = readRunnerPlan(dockerfile);

describe("the Dockerfile's runner stage", () => {
  it("copies the standalone server, the static assets and public/, nothing else from the build", () => {
    expect(plan.builderWorkdir).toBe("/app");
    expect(plan.workdir).toBe("/app");
    expect(plan.buildCopies).toEqual([
      { source: "/app/.next/standalone", destination: "/app" },
      { source: "/app/.next/static", destination: "/app/.next/static" },
      { source: "/app/public", destination: "/app/public" },
    ]);
  });

  it("adds Lambda Web Adapter as an extension, pinned to an exact version", () => {
    expect(plan.imageCopies).toHaveLength(1);
    const [adapter] = plan.imageCopies;
    expect(adapter?.image).toMatch(/^public\.ecr\.aws\/awsguru\/aws-lambda-adapter:\d+\.\d+\.\d+(-rc\d+)?$/);
    expect(adapter?.source).toBe("/lambda-adapter");
    expect(adapter?.destination).toBe("/opt/extensions/lambda-adapter");
  });

  it("sets the environment LWA and the standalone server need", () => {
    expect(plan.env).toMatchObject({
      AWS_LWA_INVOKE_MODE: "response_stream",
      AWS_LWA_READINESS_CHECK_PATH: "/api/health",
      PORT: "8080",
      HOSTNAME: "0.0.0.0",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_MANUAL_SIG_HANDLE: "true",
    });
    expect(plan.env.RUNS_DB_PATH).toMatch(/^\/tmp\//);
    expect(plan.exposedPort).toBe(8080);
  });

  it("runs nothing, so building it for arm64 on an x86 machine needs no emulation", () => {
    const runner = parseDockerfile(dockerfile).stages.at(-1);
    expect(runner?.instructions.filter((i) => i.keyword === "RUN")).toEqual([]);
  });

  it("keeps Next's cache and the compile cache's link on /tmp (linked in the builder) and runs node start.mjs as a non-root user", () => {
    expect(plan.symlinks).toEqual([
      { target: "/tmp/cache", path: "/app/.next/cache" },
      { target: "/tmp/node-compile-cache", path: "/app/.node-compile-cache" },
    ]);
    expect(plan.user).toBeDefined();
    expect(["root", "0"]).not.toContain(plan.user);
    expect(plan.command).toEqual(["node", "start.mjs"]);
  });

  it("builds with npm ci and next build on the Node version package.json pins", () => {
    const { args, stages } = parseDockerfile(dockerfile);
    const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(args.NODE_VERSION).toBe(pkg.devDependencies.node);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own ARG reference
    const nodeImage = "public.ecr.aws/docker/library/node:${NODE_VERSION}-slim";
    expect(stages.map((stage) => stage.image)).toEqual([nodeImage, nodeImage]);
    const runs = stages[0]?.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(runs?.some((run) => run.startsWith("npm ci"))).toBe(true);
    expect(runs?.some((run) => run.includes("next build"))).toBe(true);
  });
});

describe("readBuilderPlan", () => {
  it("reads the real builder: dependencies first, then the sources, the build, and the cache link", () => {
    const builder = readBuilderPlan(dockerfile);
    expect(builder.workdir).toBe("/app");
    expect(builder.env).toEqual({ NEXT_TELEMETRY_DISABLED: "1" });
    expect(
      builder.steps.map((step) => (step.kind === "copy" ? `COPY ${step.sources.join(" ")}` : step.command)),
    ).toEqual([
      "COPY package.json package-lock.json",
      "npm ci --no-audit --no-fund",
      "COPY .",
      "npx next build",
      "node scripts/image/warm-compile-cache.mjs .next/standalone",
      "ln -s /tmp/cache .next/standalone/.next/cache",
      "ln -s /tmp/node-compile-cache .next/standalone/.node-compile-cache",
    ]);
  });

  it.each([
    ["a COPY from another stage", "COPY --from=x /a /b"],
    ["ADD", "ADD https://example.com/x /x"],
    ["a RUN with a cache mount", "RUN --mount=type=cache,target=/root/.npm npm ci"],
  ])("refuses %s", (_name, instruction) => {
    expect(() =>
      readBuilderPlan(`FROM node AS builder\nWORKDIR /app\n${instruction}\nFROM node\nCMD ["x"]`),
    ).toThrow(/line 3/);
  });
});

describe("readRunnerPlan", () => {
  const base = "FROM node AS builder\nWORKDIR /src\nFROM node\nWORKDIR /srv\n";

  it("joins continuation lines and reads several ENV pairs, quoted or not", () => {
    const read = readRunnerPlan(`${base}ENV A=1 \\\n  B="two words" \\\n  C=\nCMD ["node", "x.js"]\n`);
    expect(read.env).toEqual({ A: "1", B: "two words", C: "" });
  });

  it("resolves relative paths against each stage's WORKDIR", () => {
    const read = readRunnerPlan(`${base}COPY --from=builder --chown=1:1 out ./dist\nCMD ["node", "x.js"]`);
    expect(read.buildCopies).toEqual([{ source: "/src/out", destination: "/srv/dist" }]);
  });

  it.each([
    ["any RUN, even ln -s", 'RUN ln -s /tmp/cache .next/cache\nCMD ["node", "x.js"]', /may not RUN/],
    ["a COPY from the build context", 'COPY . .\nCMD ["node", "x.js"]', /only COPY --from/],
    ["the legacy ENV form", 'ENV A 1\nCMD ["node", "x.js"]', /KEY=value/],
    ["a shell-form CMD", "CMD node x.js", /JSON|exec form/],
    ["an ENTRYPOINT", 'ENTRYPOINT ["sh"]\nCMD ["node", "x.js"]', /cannot replay ENTRYPOINT/],
    ["no CMD", "USER node", /no CMD/],
  ])("refuses %s, so the smoke test cannot silently drift from the image", (_name, tail, error) => {
    expect(() => readRunnerPlan(`${base}${tail}`)).toThrow(error);
  });
});

describe("assembleRunnerLayout", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  function write(root: string, path: string, content = path): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }

  it("replays the real Dockerfile over a build: exactly the image's files, Next's cache linked to /tmp", () => {
    const project = mkdtempSync(join(tmpdir(), "layout-project-"));
    const target = mkdtempSync(join(tmpdir(), "layout-target-"));
    roots.push(project, target);
    for (const path of [
      ".next/standalone/server.js",
      ".next/standalone/node_modules/next/index.js",
      ".next/standalone/.next/BUILD_ID",
      ".next/static/chunks/app.js",
      "public/icon.svg",
      // Present in the project but never in the image:
      ".next/cache/webpack/big.pack",
      "node_modules/typescript/lib/tsc.js",
      "app/page.tsx",
      ".env",
    ]) {
      write(project, path);
    }
    const taskRoot = join(target, "task");
    const tmpDir = join(target, "tmp");
    const layout = assembleRunnerLayout({ projectRoot: project, taskRoot, tmpDir, plan });
    const files = readdirSync(taskRoot, { recursive: true, withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => join(entry.parentPath, entry.name).slice(taskRoot.length + 1))
      .sort();
    expect(files).toEqual([
      ".next/BUILD_ID",
      ".next/cache",
      ".next/static/chunks/app.js",
      ".node-compile-cache",
      "node_modules/next/index.js",
      "public/icon.svg",
      "server.js",
    ]);
    expect(readlinkSync(join(taskRoot, ".next/cache"))).toBe(join(tmpDir, "cache"));
    expect(readlinkSync(join(taskRoot, ".node-compile-cache"))).toBe(join(tmpDir, "node-compile-cache"));
    expect(layout.notReplayed.map((copy) => copy.destination)).toEqual(["/opt/extensions/lambda-adapter"]);
  });

  it("says what to do when the build is missing", () => {
    const project = mkdtempSync(join(tmpdir(), "layout-empty-"));
    roots.push(project);
    expect(() =>
      assembleRunnerLayout({
        projectRoot: project,
        taskRoot: join(project, "t"),
        tmpDir: join(project, "tmp"),
        plan,
      }),
    ).toThrow(/\.next\/standalone is missing: run `npm run build` first/);
  });
});
