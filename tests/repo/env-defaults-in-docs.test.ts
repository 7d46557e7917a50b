import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVariables } from "@/lib/env";

/**
 * Other pages repeat a setting's default where it matters (docs/security.md's limits table). The
 * generated table in docs/configuration.md cannot drift; this holds those repetitions to
 * lib/env.ts as well: in any Markdown table with a `default` column, a row naming one setting
 * must give the default lib/env.ts has (thousands separators allowed).
 */
const root = join(import.meta.dirname, "..", "..");
const defaults = new Map(
  envVariables()
    .filter(
      (variable) =>
        !variable.defaultText && ["number", "string", "boolean"].includes(typeof variable.defaultValue),
    )
    .map((variable) => [variable.name, String(variable.defaultValue)]),
);

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cell.trim());

/** Each (setting, stated default, line) in a table of `markdown` that has a `default` column. */
function statedDefaults(markdown: string): { name: string; stated: string; line: number }[] {
  const found: { name: string; stated: string; line: number }[] = [];
  let column = -1;
  markdown.split("\n").forEach((text, index) => {
    if (!text.trim().startsWith("|")) {
      column = -1;
      return;
    }
    const row = cells(text);
    if (column < 0) {
      column = row.indexOf("default");
      return;
    }
    const name = /^`([A-Z0-9_]+)`$/.exec(row[0] ?? "")?.[1];
    if (name && defaults.has(name)) found.push({ name, stated: row[column] ?? "", line: index + 1 });
  });
  return found;
}

const pages = readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md"));

describe("defaults stated in the docs", () => {
  it("are found where they are stated", () => {
    const security = statedDefaults(readFileSync(join(root, "docs", "security.md"), "utf8"));
    expect(security.map((entry) => entry.name)).toContain("DAILY_TOKEN_LIMIT");
  });

  it.each(pages)("docs/%s states lib/env.ts's defaults", (page) => {
    const wrong = statedDefaults(readFileSync(join(root, "docs", page), "utf8"))
      .filter(({ name, stated }) => stated.replace(/[`,]/g, "") !== defaults.get(name))
      .map(
        ({ name, stated, line }) =>
          `docs/${page}:${line}: ${name} default ${stated}, lib/env.ts says ${defaults.get(name)}`,
      );
    expect(wrong).toEqual([]);
  });
});
