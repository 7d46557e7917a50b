import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureCacheDirTarget } from "./cache-dir";

describe("ensureCacheDirTarget", () => {
  const roots: string[] = [];
  const fresh = () => {
    const root = mkdtempSync(join(tmpdir(), "cache-dir-"));
    roots.push(root);
    mkdirSync(join(root, "app/.next"), { recursive: true });
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it("creates the missing target of a .next/cache symlink, so writes through it succeed", () => {
    const root = fresh();
    const target = join(root, "tmp/cache");
    symlinkSync(target, join(root, "app/.next/cache"));
    expect(() => mkdirSync(join(root, "app/.next/cache/fetch-cache"), { recursive: true })).toThrow(/ENOENT/);
    expect(ensureCacheDirTarget(join(root, "app"))).toBe(target);
    mkdirSync(join(root, "app/.next/cache/fetch-cache"), { recursive: true });
    expect(statSync(join(target, "fetch-cache")).isDirectory()).toBe(true);
  });

  it("leaves a real cache directory, or none at all, alone", () => {
    const root = fresh();
    expect(ensureCacheDirTarget(join(root, "app"))).toBeUndefined();
    expect(existsSync(join(root, "app/.next/cache"))).toBe(false);
    mkdirSync(join(root, "app/.next/cache"));
    expect(ensureCacheDirTarget(join(root, "app"))).toBeUndefined();
  });
});
