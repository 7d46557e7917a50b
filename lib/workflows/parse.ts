/**
 * Reads the structured answers the gate, evaluator and planner nodes ask their model for. Models
 * wander from a format, so each reader is lenient and falls back to the safe choice.
 */

/** "VERDICT: PASS" passes; anything else, including no verdict at all, fails the gate. */
export function parseVerdict(text: string): "pass" | "fail" {
  const match = /VERDICT\s*:\s*\**\s*(PASS|FAIL)\b/i.exec(text);
  return match?.[1]?.toUpperCase() === "PASS" ? "pass" : "fail";
}

/** "SCORE: 7/10" (or "7 out of 10", or a bare "SCORE: 7") → 7, clamped to 0…10; none → 0. */
export function parseScore(text: string): number {
  const match = /SCORE\s*:\s*\**\s*(\d+(?:\.\d+)?)/i.exec(text);
  if (!match?.[1]) return 0;
  return Math.max(0, Math.min(10, Number(match[1])));
}

/** The feedback lines after "FEEDBACK:", or the whole text when the heading is missing. */
export function parseFeedback(text: string): string {
  const index = text.search(/FEEDBACK\s*:/i);
  return (index >= 0 ? text.slice(index).replace(/^FEEDBACK\s*:\s*\**\s*/i, "") : text).trim();
}

/** Numbered or bulleted lines after "SECTIONS:" become section titles, between 1 and `max` of them. */
export function parseSections(text: string, max: number): string[] {
  const index = text.search(/SECTIONS\s*:/i);
  const list = index >= 0 ? text.slice(index) : text;
  const titles = list
    .split("\n")
    .map((line) => /^\s*(?:\d+[.)]|[-*•])\s+(.+?)\s*$/.exec(line)?.[1])
    .filter((title): title is string => Boolean(title))
    .map((title) => title.replace(/\*\*/g, "").trim())
    .filter((title) => title.length > 0);
  const unique = [...new Set(titles)].slice(0, max);
  return unique.length > 0 ? unique : ["Overview"];
}
