/**
 * The Docker build context as Docker makes it, and the builder stage replayed on it without a
 * Docker engine. The context is the project's tracked files filtered by `.dockerignore` with
 * Docker's own matching rules (`@balena/dockerignore`, a port of moby's matcher, not ours), so a
 * file the build needs but the context leaves out fails here as it would fail `docker build`.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
import ignore from "@balena/dockerignore";
import type { BuilderPlan } from "./dockerfile.ts";

/**
 * What must stay out of the image's build context. The docs' Markdown is the one exception under
 * docs/: the tool agent's search_docs reads it at run time (its images and the rest stay out).
 */
export const NEVER_IN_CONTEXT = ["scripts/", "infra/", "edge/", "tests/", "e2e/", "docs/", "sst.config.ts"];
// The tool agent searches the docs; the image's entry point and its compile-cache step are built in.
const ALLOWED_IN_CONTEXT = [/^docs\/[^/]+\.md$/, /^scripts\/image\/[^/]+\.mjs$/];

/** The tracked files `docker build` would receive, given `.dockerignore` plus any extra patterns. */
export function contextFiles(projectRoot: string, extraPatterns: string[] = []): string[] {
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: projectRoot, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  const dockerignore = join(projectRoot, ".dockerignore");
  const rules = ignore().add(existsSync(dockerignore) ? readFileSync(dockerignore, "utf8") : "");
  rules.add(extraPatterns);
  // A tracked file deleted in the working tree is not in the context either.
  return tracked.filter((file) => !rules.ignores(file) && existsSync(join(projectRoot, file)));
}

/** Files of the context that must never be there. */
export function forbiddenInContext(files: string[]): string[] {
  return files.filter(
    (file) =>
      !ALLOWED_IN_CONTEXT.some((allowed) => allowed.test(file)) &&
      NEVER_IN_CONTEXT.some((entry) => (entry.endsWith("/") ? file.startsWith(entry) : file === entry)),
  );
}

/** Copies the context's files into `dir`, as the build context Docker would send. */
export function writeContext(projectRoot: string, files: string[], dir: string): number {
  let bytes = 0;
  for (const file of files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(projectRoot, file), target);
    bytes += statSync(target).size;
  }
  return bytes;
}

function copyStep(contextDir: string, sources: string[], destination: string, line: number): void {
  mkdirSync(destination, { recursive: true });
  for (const source of sources) {
    if (/[*?[]/.test(source))
      throw new Error(`Dockerfile line ${line}: wildcards are not replayed (${source})`);
    const from = join(contextDir, source);
    // Docker: "failed to compute cache key: ... not found" for a source the context lacks.
    if (!existsSync(from))
      throw new Error(`Dockerfile line ${line}: COPY ${source}: not found in the build context`);
    if (statSync(from).isDirectory()) cpSync(from, destination, { recursive: true, verbatimSymlinks: true });
    else cpSync(from, join(destination, source.split("/").pop() ?? source));
  }
}

function runStep(command: string, cwd: string, env: NodeJS.ProcessEnv, logPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath, { flags: "a" });
    log.write(`\n$ ${command}\n`);
    const child = spawn("sh", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once("error", reject);
    child.once("close", (code) => log.end(() => resolve(code ?? 1)));
  });
}

/**
 * Our environment less what names this project (npm's package and lifecycle variables, our
 * node_modules/.bin on PATH): the builder sees only its own files, with Node 24 first on PATH as
 * in the node image, and npm's registry settings kept.
 */
function builderEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/.test(name),
    ),
  );
  const path = [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":");
  // No NODE_ENV, as in the node image: `npm ci` must install the devDependencies the build needs.
  return { ...env, PATH: path } as unknown as NodeJS.ProcessEnv;
}

export interface BuilderResult {
  ok: boolean;
  /** The builder's WORKDIR, where its output now sits. */
  workdir: string;
  failedStep?: string;
  logPath: string;
  durations: { step: string; ms: number }[];
}

/**
 * Replays the builder stage: each COPY takes its sources from `contextDir` into the stage's
 * WORKDIR (under `root`), each RUN runs there through `sh -c` with the stage's ENV over ours.
 * Stops at the first failing step, as `docker build` does.
 */
export async function replayBuilder(
  plan: BuilderPlan,
  contextDir: string,
  root: string,
): Promise<BuilderResult> {
  const workdir = join(root, plan.workdir);
  const logPath = join(root, "build.log");
  mkdirSync(workdir, { recursive: true });
  const env = { ...builderEnvironment(), ...plan.env };
  const durations: BuilderResult["durations"] = [];
  for (const step of plan.steps) {
    const name = step.kind === "copy" ? `COPY ${step.sources.join(" ")}` : `RUN ${step.command}`;
    const started = performance.now();
    try {
      if (step.kind === "copy") copyStep(contextDir, step.sources, workdir, step.line);
      else if ((await runStep(step.command, workdir, env, logPath)) !== 0) throw new Error(`${name} failed`);
    } catch (error) {
      appendFileSync(logPath, `\n${(error as Error).message}\n`);
      return { ok: false, workdir, failedStep: name, logPath, durations };
    }
    durations.push({ step: name, ms: performance.now() - started });
  }
  return { ok: true, workdir, logPath, durations };
}
