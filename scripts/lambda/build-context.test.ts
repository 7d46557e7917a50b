import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { contextFiles, forbiddenInContext, replayBuilder, writeContext } from "./build-context";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `build-context-${label}-`));
  roots.push(dir);
  return dir;
}

function gitRepo(files: Record<string, string>): string {
  const dir = tempDir("repo");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  execFileSync("git", ["init", "-q"], { cwd: dir });
  execFileSync("git", ["add", "-A"], { cwd: dir });
  return dir;
}

describe("the project's build context", () => {
  const files = contextFiles(projectRoot);

  it("holds the app's sources and lockfile and nothing the image does not need", () => {
    for (const file of [
      "app/page.tsx",
      "lib/env.ts",
      "package-lock.json",
      "next.config.js",
      "tsconfig.json",
      "scripts/image/start.mjs",
      "scripts/image/warm-compile-cache.mjs",
    ]) {
      expect(files).toContain(file);
    }
    expect(forbiddenInContext(files)).toEqual([]);
    expect(files.filter((file) => file.endsWith(".test.ts"))).toEqual([]);
    expect(files).not.toContain("Dockerfile");
    expect(files.some((file) => file.startsWith(".env") || file.startsWith(".git/"))).toBe(false);
  });

  it("notices a forbidden file that slips in", () => {
    expect(
      forbiddenInContext([
        "app/page.tsx",
        "scripts/bench.ts",
        "scripts/image/start.mjs",
        "scripts/image/nested/helper.mjs",
        "sst.config.ts",
        "infra2.ts",
        "docs/stream-contract.md",
        "docs/screenshot.png",
        "docs/drafts/notes.md",
      ]),
    ).toEqual([
      "scripts/bench.ts",
      "scripts/image/nested/helper.mjs",
      "sst.config.ts",
      "docs/screenshot.png",
      "docs/drafts/notes.md",
    ]);
  });
});

describe("contextFiles", () => {
  it("follows Docker's rules, not git's: a re-included directory, a nested exclusion, a root-only name", () => {
    const repo = gitRepo({
      ".dockerignore": "*\n!app\n!keep.txt\n**/*.test.ts\nnotes.md\n",
      "app/page.tsx": "",
      "app/deep/page.test.ts": "",
      "app/deep/notes.md": "",
      "keep.txt": "",
      "notes.md": "",
      "scripts/x.ts": "",
    });
    expect(contextFiles(repo).sort()).toEqual(["app/deep/notes.md", "app/page.tsx", "keep.txt"]);
    expect(contextFiles(repo, ["app/page.tsx"]).sort()).toEqual(["app/deep/notes.md", "keep.txt"]);
  });
});

describe("replayBuilder", () => {
  it("copies from the context into WORKDIR and runs each RUN there with the stage's ENV", async () => {
    const context = tempDir("context");
    writeContext(gitRepo({ "a.txt": "one", "src/b.txt": "two" }), ["a.txt", "src/b.txt"], context);
    const root = tempDir("root");
    const result = await replayBuilder(
      {
        workdir: "/app",
        env: { GREETING: "hello" },
        steps: [
          { kind: "copy", sources: ["a.txt"], destination: "/app", line: 3 },
          { kind: "run", command: 'echo "$GREETING" > greeting.txt', line: 4 },
          { kind: "copy", sources: ["."], destination: "/app", line: 5 },
        ],
      },
      context,
      root,
    );
    expect(result.ok).toBe(true);
    expect(readFileSync(join(root, "app/greeting.txt"), "utf8")).toBe("hello\n");
    expect(readFileSync(join(root, "app/src/b.txt"), "utf8")).toBe("two");
  });

  it("stops at a COPY whose source the context lacks, as docker build does", async () => {
    const root = tempDir("root");
    const result = await replayBuilder(
      {
        workdir: "/app",
        env: {},
        steps: [
          { kind: "copy", sources: ["package-lock.json"], destination: "/app", line: 7 },
          { kind: "run", command: "touch ran", line: 8 },
        ],
      },
      tempDir("empty"),
      root,
    );
    expect(result).toMatchObject({ ok: false, failedStep: "COPY package-lock.json" });
    expect(readFileSync(result.logPath, "utf8")).toContain(
      "line 7: COPY package-lock.json: not found in the build context",
    );
  });

  it("stops at a failing RUN and keeps its output", async () => {
    const root = tempDir("root");
    const result = await replayBuilder(
      { workdir: "/app", env: {}, steps: [{ kind: "run", command: "echo broken >&2; exit 3", line: 2 }] },
      tempDir("empty"),
      root,
    );
    expect(result).toMatchObject({ ok: false, failedStep: "RUN echo broken >&2; exit 3" });
    expect(readFileSync(result.logPath, "utf8")).toContain("broken");
  });
});
