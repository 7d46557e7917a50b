import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createSearchDocsTool,
  defaultDocsDirectory,
  rankSections,
  searchTerms,
  splitMarkdownSections,
} from "./search-docs";

const longParagraph = Array.from(
  { length: 40 },
  (_, index) => `Filler sentence number ${index} says nothing in particular.`,
).join(" ");

const streamingDoc = [
  "# Streaming",
  "",
  "Intro text about the app.",
  "",
  "## Tokens",
  "",
  "Every token streams to the browser as soon as the model writes it. Tokens are never batched.",
  "",
  "```sh",
  "# not a heading: a comment in a code block",
  "curl -N http://localhost:3000/api/runs",
  "```",
  "",
  "## Heartbeats",
  "",
  "A heartbeat goes out when the stream is silent, so proxies keep the connection.",
  "",
].join("\n");

const deployDoc = [
  "# Deploy",
  "",
  "## Secrets",
  "",
  "Set the session secret per stage with `sst secret set`. See [the SST docs](https://sst.dev) for more.",
  "",
  "## A long section",
  "",
  `${longParagraph} The deployment copies the docs into the image. ${longParagraph}`,
  "",
  "## Empty",
  "",
].join("\n");

let docsDir: string;

beforeAll(async () => {
  docsDir = await mkdtemp(join(tmpdir(), "stepstream-docs-"));
  await writeFile(join(docsDir, "stream-contract.md"), streamingDoc);
  await writeFile(join(docsDir, "deploy.md"), deployDoc);
  await writeFile(join(docsDir, "notes.txt"), "Tokens tokens tokens: not Markdown, never searched.");
});

afterAll(async () => {
  await rm(docsDir, { recursive: true, force: true });
});

describe("splitMarkdownSections", () => {
  it("splits at headings outside code fences and drops empty sections", () => {
    const sections = splitMarkdownSections("docs/stream-contract.md", streamingDoc);
    expect(sections.map((section) => section.heading)).toEqual(["Streaming", "Tokens", "Heartbeats"]);
    expect(sections[1]?.text).toContain("# not a heading");
    expect(splitMarkdownSections("docs/deploy.md", deployDoc).map((s) => s.heading)).toEqual([
      "Secrets",
      "A long section",
    ]);
  });
});

describe("searchTerms", () => {
  it("folds word forms together and drops stop words", () => {
    expect(searchTerms("How does the app stream Tokens?")).toEqual(["app", "stream", "token"]);
    expect(searchTerms("streams streaming streamed")).toEqual(["stream", "stream", "stream"]);
    expect(searchTerms("throttles throttling")).toEqual(["throttl", "throttl"]);
  });
});

describe("rankSections", () => {
  const sections = [
    ...splitMarkdownSections("docs/stream-contract.md", streamingDoc),
    ...splitMarkdownSections("docs/deploy.md", deployDoc),
  ];

  it("puts the section about the query first, with file, heading and excerpt", () => {
    const [best, ...rest] = rankSections(sections, "how are tokens streamed to the browser?");
    expect(best).toMatchObject({ file: "docs/stream-contract.md", heading: "Tokens" });
    expect(best?.excerpt).toMatch(/^Every token streams to the browser/);
    expect(best?.score).toBeGreaterThan(0);
    expect(rest.every((hit) => hit.score <= (best?.score ?? 0))).toBe(true);
    expect(rankSections(sections, "session secret")[0]).toMatchObject({ heading: "Secrets" });
  });

  it("returns at most three hits, only those that match", () => {
    expect(rankSections(sections, "stream heartbeat secret deployment token").length).toBe(3);
    expect(rankSections(sections, "heartbeat")).toHaveLength(1);
    expect(rankSections(sections, "kubernetes")).toEqual([]);
  });

  it("keeps excerpts within 600 characters, starting at the sentence that matches", () => {
    const [hit] = rankSections(sections, "deployment copies docs image");
    expect(hit?.heading).toBe("A long section");
    expect(hit?.excerpt.length).toBeLessThanOrEqual(600);
    expect(hit?.excerpt).toMatch(/^The deployment copies the docs into the image\./);
    expect(hit?.excerpt.endsWith("…")).toBe(true);
  });

  it("writes links as their text", () => {
    expect(rankSections(sections, "secret")[0]?.excerpt).toContain("See the SST docs for more.");
  });

  it("refuses a query with no words to search for", () => {
    expect(() => rankSections(sections, "how is the?")).toThrow(
      'The query "how is the?" has no words to search for',
    );
  });
});

describe("search_docs tool", () => {
  it("reads the Markdown files of its directory and lists the best sections", async () => {
    const searchDocs = createSearchDocsTool(docsDir);
    expect(searchDocs.name).toBe("search_docs");
    const result = await searchDocs.invoke({ query: "tokens streamed to the browser" });
    expect(result.split("\n")[0]).toBe("[1] docs/stream-contract.md — Tokens");
    expect(result).toContain("Every token streams to the browser");
    expect(result).not.toContain("never searched");
    await expect(searchDocs.invoke({ query: "kubernetes" })).resolves.toBe(
      'No documentation section matches "kubernetes".',
    );
  });

  it("says when the directory cannot be read, and reads it once it can", async () => {
    const later = join(docsDir, "later");
    const searchDocs = createSearchDocsTool(later);
    await expect(searchDocs.invoke({ query: "tokens" })).rejects.toThrow(
      /The documentation could not be read: ENOENT/,
    );
    await mkdir(later);
    await expect(searchDocs.invoke({ query: "tokens" })).rejects.toThrow(/There are no Markdown files in/);
    await writeFile(join(later, "tokens.md"), "## Tokens\n\nTokens stream.\n");
    await expect(searchDocs.invoke({ query: "tokens" })).resolves.toContain("[1] docs/tokens.md — Tokens");
  });

  it("searches the project's own docs by default, from the working directory or this source file", async () => {
    const repoDocs = join(process.cwd(), "docs");
    expect(defaultDocsDirectory()).toBe(repoDocs);
    const result = await createSearchDocsTool().invoke({ query: "deploy secrets stage" });
    expect(result).toMatch(/^\[1\] docs\/\S+\.md — /);
    expect(result.match(/^\[\d\] /gm)).toHaveLength(3);

    const cwd = vi.spyOn(process, "cwd").mockReturnValue(docsDir);
    try {
      expect(defaultDocsDirectory()).toBe(repoDocs);
    } finally {
      cwd.mockRestore();
    }
  });
});
