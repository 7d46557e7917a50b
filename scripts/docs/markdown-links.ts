import { posix } from "node:path";

/**
 * What the docs check needs from Markdown: the relative links a file makes and the heading anchors
 * GitHub gives it. Not a Markdown parser: it knows fenced code blocks, inline code, inline links,
 * images and reference definitions, which is all the README and docs/ use.
 */

/** A link as written, with the line it is on (1-based) for the failure message. */
export interface MarkdownLink {
  target: string;
  line: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$/;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const HTML_ANCHOR = /<a\s+(?:id|name)="([^"]+)"/g;
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** Each line outside fenced code blocks, with its 1-based number. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, index) => {
    const marker = FENCE.exec(text)?.[1];
    if (marker && (!fence || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence ? undefined : marker;
      return;
    }
    if (!fence) lines.push({ text, line: index + 1 });
  });
  return lines;
}

/** A line without its inline code spans, where a `[x](y)` is an example and not a link. */
function withoutCodeSpans(text: string): string {
  return text.replace(/(`+)[\s\S]*?\1/g, "");
}

/** Relative links (paths, `path#anchor` and `#anchor`), skipping URLs with a scheme. */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const prose = withoutCodeSpans(text);
    const targets = [...prose.matchAll(INLINE_LINK)].map((match) => match[1] ?? "");
    const definition = REFERENCE_DEFINITION.exec(prose)?.[1];
    if (definition) targets.push(definition);
    for (const raw of targets) {
      const target = raw.replace(/^<|>$/g, "");
      if (target && !EXTERNAL.test(target)) links.push({ target, line });
    }
  }
  return links;
}

/** A heading's text as GitHub renders it: code, emphasis and link syntax gone, their words kept. */
function renderedText(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`+/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/\*+/g, "")
    .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, "$1");
}

/**
 * GitHub's anchor for a heading (github-slugger): lower case, every character but letters, digits,
 * `_`, `-` and spaces dropped, spaces turned to hyphens.
 */
export function githubSlug(heading: string): string {
  return renderedText(heading)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a file has: its headings' slugs (a repeated slug gets `-1`, `-2`…) and `<a id>`s. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    for (const match of text.matchAll(HTML_ANCHOR)) anchors.add(match[1] ?? "");
    const heading = ATX_HEADING.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The repository's files as the check sees them, paths relative to its root. */
export interface RepoFiles {
  exists(path: string): boolean;
  /** A Markdown file's text (undefined when it is not there). */
  read(path: string): string | undefined;
}

/**
 * Every relative link in `file` that leads nowhere: to a missing file, or to an anchor the target
 * Markdown file does not have. Each problem names the file and line.
 */
export function brokenLinks(file: string, repo: RepoFiles): string[] {
  const markdown = repo.read(file) ?? "";
  const problems: string[] = [];
  for (const { target, line } of relativeLinks(markdown)) {
    const [rawPath = "", anchor] = target.split("#", 2);
    const path = rawPath ? posix.normalize(posix.join(posix.dirname(file), decodeURI(rawPath))) : file;
    const where = `${file}:${line} links to ${target}`;
    if (path.startsWith("../") || !repo.exists(path)) {
      problems.push(`${where}, which does not exist`);
    } else if (anchor && path.endsWith(".md") && !headingAnchors(repo.read(path) ?? "").has(anchor)) {
      problems.push(`${where}: ${path} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}
