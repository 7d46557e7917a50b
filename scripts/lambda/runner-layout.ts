/**
 * Assembles the image's runner file layout from a local build by replaying the Dockerfile's runner
 * stage: the same COPY lines, and the symlinks the builder makes inside what they copy. Nothing
 * here lists files of its own.
 */
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { type ImageCopy, type RunnerPlan, readRunnerPlan } from "./dockerfile.ts";

export interface AssembledLayout {
  plan: RunnerPlan;
  /** The directory standing in for the image's WORKDIR (the Lambda task root). */
  taskRoot: string;
  /** Copies from other images (Lambda Web Adapter) that cannot be replayed without Docker. */
  notReplayed: ImageCopy[];
}

export function readProjectRunnerPlan(projectRoot: string): RunnerPlan {
  return readRunnerPlan(readFileSync(join(projectRoot, "Dockerfile"), "utf8"));
}

/** `/app/.next/static` inside `/app` → `.next/static`; anything outside is refused. */
function inside(path: string, root: string, what: string): string {
  const base = root.endsWith("/") ? root : `${root}/`;
  if (path === root) return ".";
  if (!path.startsWith(base)) throw new Error(`${what} ${path} is outside ${root}`);
  return path.slice(base.length);
}

/**
 * Replays the runner stage into `taskRoot`, reading the build output from `projectRoot` (the
 * builder's WORKDIR). Symlinks into `/tmp` point at `tmpDir`, the stand-in for Lambda's /tmp.
 */
export function assembleRunnerLayout(options: {
  projectRoot: string;
  taskRoot: string;
  tmpDir: string;
  plan?: RunnerPlan;
}): AssembledLayout {
  const plan = options.plan ?? readProjectRunnerPlan(options.projectRoot);
  mkdirSync(options.taskRoot, { recursive: true });
  for (const copy of plan.buildCopies) {
    const source = join(options.projectRoot, inside(copy.source, plan.builderWorkdir, "COPY source"));
    const destination = join(options.taskRoot, inside(copy.destination, plan.workdir, "COPY destination"));
    if (!existsSync(source)) {
      throw new Error(`${relative(options.projectRoot, source)} is missing: run \`npm run build\` first`);
    }
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(source, destination, { recursive: true, verbatimSymlinks: true, force: true });
  }
  for (const link of plan.symlinks) {
    const target = join(options.tmpDir, inside(link.target, "/tmp", "symlink target"));
    const path = join(options.taskRoot, inside(link.path, plan.workdir, "symlink"));
    mkdirSync(dirname(path), { recursive: true });
    // A build made the Dockerfile's way already holds the link, aimed at the real /tmp.
    rmSync(path, { force: true });
    symlinkSync(target, path);
  }
  return { plan, taskRoot: options.taskRoot, notReplayed: plan.imageCopies };
}

/** Every path under `root`, never following a symlink (readdir's own recursion does follow them). */
function* walk(root: string): Generator<string> {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    yield path;
    if (entry.isDirectory()) yield* walk(path);
  }
}

/** Bytes of every regular file under `root`, like `du --apparent-size`. */
export function layoutSize(root: string): number {
  let total = 0;
  for (const path of walk(root)) {
    const stat = lstatSync(path);
    if (stat.isFile()) total += stat.size;
  }
  return total;
}

/** Path → size and mtime of every entry, to prove afterwards that nothing in the tree changed. */
export function snapshotTree(root: string): Map<string, string> {
  const snapshot = new Map<string, string>();
  for (const path of walk(root)) {
    const stat = lstatSync(path);
    snapshot.set(relative(root, path), `${stat.mode}:${stat.size}:${stat.mtimeMs}`);
  }
  return snapshot;
}

/** The entries added, removed or changed between two snapshots. */
export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, value] of after) {
    if (!before.has(path)) changes.push(`added ${path}`);
    else if (before.get(path) !== value) changes.push(`changed ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`removed ${path}`);
  return changes;
}
