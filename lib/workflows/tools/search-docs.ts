import "server-only";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tool } from "@langchain/core/tools";
import { z } from "zod";

/** One part of a Markdown file, from a heading to the next. */
export interface DocSection {
  /** The file's path as the repository names it, e.g. "docs/stream-contract.md". */
  file: string;
  heading: string;
  text: string;
}

export interface DocHit {
  file: string;
  heading: string;
  excerpt: string;
  score: number;
}

const MAX_EXCERPT_CHARS = 600;
const HITS = 3;
// BM25's usual constants: how fast a repeated term saturates, and how much length counts.
const K1 = 1.2;
const B = 0.75;
const stopWords = new Set(
  "a an and are as at be by can do does for from has have how i in is it its me my of on or our so that the their them then there these this to was we what when where which who why will with you your".split(
    " ",
  ),
);

/** Splits Markdown at its headings (outside code fences); the text before any heading is dropped. */
export function splitMarkdownSections(file: string, markdown: string): DocSection[] {
  const sections: DocSection[] = [];
  let current: DocSection | undefined;
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) {
      current = { file, heading: heading[1], text: "" };
      sections.push(current);
    } else if (current) {
      current.text += `${line}\n`;
    }
  }
  return sections.filter((section) => section.text.trim().length > 0);
}

/** Lower-case word stems ("streams" → "stream"), stop words dropped. */
export function searchTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((word) => !stopWords.has(word)).map(stem);
}

/** A crude stemmer, enough to match "streams", "streaming" and "streamed" with "stream". */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  for (const suffix of ["ing", "ed", "es", "s", "e"]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3 && !word.endsWith("ss")) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

/**
 * Ranks sections for a query by BM25 over their words, a heading's words counting twice, and
 * returns the best `limit` with a score above zero, each with an excerpt of at most 600
 * characters that starts at the sentence where a query word first appears.
 */
export function rankSections(sections: readonly DocSection[], query: string, limit = HITS): DocHit[] {
  const queryTerms = [...new Set(searchTerms(query))];
  if (queryTerms.length === 0) throw new Error(`The query "${query}" has no words to search for`);
  const documents = sections.map((section) => {
    const terms = [
      ...searchTerms(section.heading),
      ...searchTerms(section.heading),
      ...searchTerms(section.text),
    ];
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    return { section, length: terms.length, counts };
  });
  const averageLength = documents.reduce((sum, doc) => sum + doc.length, 0) / Math.max(documents.length, 1);
  const idf = new Map(
    queryTerms.map((term) => {
      const holding = documents.filter((doc) => doc.counts.has(term)).length;
      return [term, Math.log(1 + (documents.length - holding + 0.5) / (holding + 0.5))];
    }),
  );
  const scored = documents.map((doc) => {
    let score = 0;
    for (const term of queryTerms) {
      const frequency = doc.counts.get(term) ?? 0;
      if (frequency === 0) continue;
      const norm = K1 * (1 - B + (B * doc.length) / averageLength);
      score += (idf.get(term) ?? 0) * ((frequency * (K1 + 1)) / (frequency + norm));
    }
    return { doc, score };
  });
  return scored
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ doc, score }) => ({
      file: doc.section.file,
      heading: doc.section.heading,
      excerpt: excerptOf(doc.section.text, queryTerms),
      score: Math.round(score * 100) / 100,
    }));
}

/** Prose for a person to read: no code blocks, table rows as "cell — cell;", links as their text. */
function readableText(markdown: string): string {
  return markdown
    .replace(/^\s*(```|~~~)[\s\S]*?^\s*\1.*$/gm, "")
    .split("\n")
    .filter((line) => !/^\s*\|?[\s:|-]+\|[\s:|-]*$/.test(line))
    .map((line) =>
      line.trim().startsWith("|")
        ? `${line
            .trim()
            .replace(/^\||\|$/g, "")
            .split("|")
            .map((cell) => cell.trim())
            .join(" — ")};`
        : line,
    )
    .join("\n");
}

function excerptOf(markdown: string, queryTerms: readonly string[]): string {
  const text = readableText(markdown)
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\*\*|__/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const words = [...text.matchAll(/[\p{L}\p{N}]+/gu)];
  const first = words.find((word) => queryTerms.includes(stem(word[0].toLowerCase())));
  let start = 0;
  if (first) {
    const sentenceStart = Math.max(text.lastIndexOf(". ", first.index), text.lastIndexOf("? ", first.index));
    start = sentenceStart >= 0 ? sentenceStart + 2 : 0;
  }
  const rest = text.slice(start);
  if (rest.length <= MAX_EXCERPT_CHARS) return rest;
  const cut = rest.lastIndexOf(" ", MAX_EXCERPT_CHARS - 1);
  return `${rest.slice(0, cut > 0 ? cut : MAX_EXCERPT_CHARS - 1)}…`;
}

/** How the tool writes its hits for the model: a numbered line per section, then its excerpt. */
export function formatHits(query: string, hits: readonly DocHit[]): string {
  if (hits.length === 0) return `No documentation section matches "${query}".`;
  return hits.map((hit, index) => `[${index + 1}] ${hit.file} — ${hit.heading}\n${hit.excerpt}`).join("\n\n");
}

const indexes = new Map<string, Promise<DocSection[]>>();

async function loadSections(docsDir: string): Promise<DocSection[]> {
  const names = (await readdir(docsDir)).filter((name) => name.endsWith(".md")).sort();
  if (names.length === 0) throw new Error(`There are no Markdown files in ${docsDir}`);
  const files = await Promise.all(names.map((name) => readFile(join(docsDir, name), "utf8")));
  return names.flatMap((name, index) => splitMarkdownSections(`docs/${name}`, files[index] ?? ""));
}

/** Read once per directory, at first use; a failed read is forgotten so the next search retries. */
function sectionsIn(docsDir: string): Promise<DocSection[]> {
  let sections = indexes.get(docsDir);
  if (!sections) {
    sections = loadSections(docsDir).catch((error: unknown) => {
      indexes.delete(docsDir);
      throw new Error(`The documentation could not be read: ${(error as Error).message}`);
    });
    indexes.set(docsDir, sections);
  }
  return sections;
}

/**
 * Where the docs are by default: `docs/` in the working directory (the repository, or the
 * deployed server's folder, where the image copies docs/*.md), else the repository's `docs/`
 * found from this source file.
 */
export function defaultDocsDirectory(): string {
  const fromCwd = join(process.cwd(), "docs");
  if (existsSync(fromCwd)) return fromCwd;
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs");
}

/**
 * The `search_docs` tool over the Markdown files in `docsDir` (default: `defaultDocsDirectory()`,
 * resolved at first use). Returns the three best sections with file, heading and excerpt.
 */
export function createSearchDocsTool(docsDir?: string) {
  return tool(
    async ({ query }) => {
      const sections = await sectionsIn(docsDir ?? defaultDocsDirectory());
      return formatHits(query, rankSections(sections, query));
    },
    {
      name: "search_docs",
      description:
        "Searches stepstream's own documentation (configuration, deployment, streaming, reliability, security, performance, testing) and returns the three most relevant sections with their file, heading and an excerpt. Use it for any question about how stepstream works or is run.",
      schema: z.object({
        query: z.string().min(1).max(500).describe("What to look for, in a few keywords or a question"),
      }),
    },
  );
}
