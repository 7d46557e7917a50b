/**
 * Finds where source code reads environment variables by name, for the test that holds every read
 * to lib/env.ts or the documented exceptions (lib/env-external.ts). Handing `process.env` on whole
 * (to a child process, or to lib/env.ts's parser) is not a read by name and is not reported.
 */

/** One read: the variable's name, or `undefined` when the name is computed and cannot be checked. */
export interface EnvRead {
  name: string | undefined;
  line: number;
}

const BY_DOT = /process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g;
const BY_INDEX = /process\.env\[\s*(?:(["'`])([A-Za-z_][A-Za-z0-9_]*)\1|([^\]]*))\s*\]/g;
const DESTRUCTURED = /\{([^{}]*)\}\s*=\s*process\.env\b/g;

/** Every read of an environment variable by name in `source`, in order of appearance. */
export function envReads(source: string): EnvRead[] {
  const reads: { name: string | undefined; index: number }[] = [];
  for (const match of source.matchAll(BY_DOT)) reads.push({ name: match[1], index: match.index });
  for (const match of source.matchAll(BY_INDEX)) reads.push({ name: match[2], index: match.index });
  for (const match of source.matchAll(DESTRUCTURED)) {
    for (const binding of (match[1] ?? "").split(",")) {
      const name = binding.split(":")[0]?.split("=")[0]?.replace("...", "").trim();
      // A rest binding (`...rest`) takes every variable: as unknowable as a computed name.
      if (name) reads.push({ name: binding.includes("...") ? undefined : name, index: match.index });
    }
  }
  return reads
    .sort((a, b) => a.index - b.index)
    .map(({ name, index }) => ({ name, line: source.slice(0, index).split("\n").length }));
}
