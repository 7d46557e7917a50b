import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { brokenLinks, relativeLinks } from "@/scripts/docs/markdown-links";

const root = join(import.meta.dirname, "..", "..");
const repo = {
  exists: (path: string) => existsSync(join(root, path)),
  read: (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : undefined),
};
const markdownFiles = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

describe("the README", () => {
  const readme = repo.read("README.md") ?? "";

  it("stays newcomer-sized: at most 150 lines, depth in docs/", () => {
    expect(readme.trimEnd().split("\n").length).toBeLessThanOrEqual(150);
  });

  it("links each page that holds the depth", () => {
    const targets = relativeLinks(readme).map((link) => link.target.split("#")[0]);
    for (const page of [
      "docs/configuration.md",
      "docs/deploy.md",
      "docs/stream-contract.md",
      "docs/testing.md",
      "docs/performance.md",
      "docs/reliability.md",
    ]) {
      expect(targets, `README.md should link ${page}`).toContain(page);
    }
  });
});

describe("links in the README and docs/", () => {
  it.each(markdownFiles)("every relative link in %s leads to a file and heading that exist", (file) => {
    expect(brokenLinks(file, repo)).toEqual([]);
  });
});
