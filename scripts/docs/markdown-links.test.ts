import { describe, expect, it } from "vitest";
import { brokenLinks, githubSlug, headingAnchors, relativeLinks } from "./markdown-links";

describe("githubSlug", () => {
  it.each([
    ["Configuration and Amazon Bedrock", "configuration-and-amazon-bedrock"],
    ["The run stream", "the-run-stream"],
    ["`npm test` and CI", "npm-test-and-ci"],
    ["Stop, reload & resume (v2)", "stop-reload--resume-v2"],
    ["What **you** see: [the view](x.md)", "what-you-see-the-view"],
    ["RUN_STORE and _emphasis_", "run_store-and-emphasis"],
    ["Lambda@Edge → CloudFront", "lambdaedge--cloudfront"],
    ["Café 2.0", "café-20"],
  ])("%s -> %s", (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });
});

describe("headingAnchors", () => {
  it("numbers repeated headings, ignores headings in code blocks, and knows <a id>", () => {
    const markdown = [
      "# Title",
      "## Usage",
      "```sh",
      "# not a heading",
      "```",
      "## Usage",
      '<a id="custom-place"></a>',
      "### Closing ###",
    ].join("\n");
    expect([...headingAnchors(markdown)]).toEqual(["title", "usage", "usage-1", "custom-place", "closing"]);
  });
});

describe("relativeLinks", () => {
  it("finds inline links, images and reference definitions, with their lines", () => {
    const markdown = [
      "See [the docs](docs/a.md#part) and ![shot](docs/shot.png).",
      "Elsewhere: [site](https://example.com), [mail](mailto:a@b.c), [here](#local).",
      "[ref]: docs/b.md",
    ].join("\n");
    expect(relativeLinks(markdown)).toEqual([
      { target: "docs/a.md#part", line: 1 },
      { target: "docs/shot.png", line: 1 },
      { target: "#local", line: 2 },
      { target: "docs/b.md", line: 3 },
    ]);
  });

  it("skips links shown as code", () => {
    const markdown = ["Write `[x](missing.md)` like this:", "```md", "[y](also-missing.md)", "```"].join(
      "\n",
    );
    expect(relativeLinks(markdown)).toEqual([]);
  });
});

describe("brokenLinks", () => {
  const files: Record<string, string> = {
    "README.md": "# Readme\n[conf](docs/conf.md#settings) [gone](docs/gone.md) [bad](docs/conf.md#nope)",
    "docs/conf.md": "# Conf\n## Settings\n[back](../README.md#readme) [up](../../outside.md) [self](#conf)",
  };
  const repo = { exists: (path: string) => path in files, read: (path: string) => files[path] };

  it("reports missing files and missing anchors, with file and line", () => {
    expect(brokenLinks("README.md", repo)).toEqual([
      "README.md:2 links to docs/gone.md, which does not exist",
      "README.md:2 links to docs/conf.md#nope: docs/conf.md has no heading with the anchor #nope",
    ]);
  });

  it("resolves links from the linking file's folder and refuses ones leaving the repository", () => {
    expect(brokenLinks("docs/conf.md", repo)).toEqual([
      "docs/conf.md:3 links to ../../outside.md, which does not exist",
    ]);
  });
});
