import "server-only";
import { lstatSync, mkdirSync, readlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * In the Lambda image `.next/cache` is a symlink to /tmp/cache, because the task root is read-only.
 * Every new execution environment starts with an empty /tmp, and Node's recursive mkdir fails with
 * ENOENT through a dangling symlink, so Next's first cache write would fail: create the target
 * first. Returns the directory it created, if any. A real directory, or none, is left alone.
 */
export function ensureCacheDirTarget(appDir: string = process.cwd()): string | undefined {
  const link = join(appDir, ".next", "cache");
  try {
    if (!lstatSync(link).isSymbolicLink()) return undefined;
  } catch {
    return undefined;
  }
  const target = resolve(dirname(link), readlinkSync(link));
  mkdirSync(target, { recursive: true });
  return target;
}
