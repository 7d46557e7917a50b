import { describe, expect, it } from "vitest";
import { parseFeedback, parseScore, parseSections, parseVerdict } from "./parse";

describe("parseVerdict", () => {
  it.each([
    ["VERDICT: PASS\n\n- Clear arc.", "pass"],
    ["verdict: pass", "pass"],
    ["VERDICT:PASS", "pass"],
    ["VERDICT: **PASS**", "pass"],
    ["**VERDICT:** PASS", "pass"],
    ["Some preamble.\n\nVERDICT: PASS", "pass"],
    ["VERDICT: FAIL\n\n- Sections overlap.", "fail"],
    ["VERDICT: **FAIL**", "fail"],
  ] as const)("reads %j as %s", (text, verdict) => {
    expect(parseVerdict(text)).toBe(verdict);
  });

  it("fails the gate when there is no verdict to read", () => {
    expect(parseVerdict("")).toBe("fail");
    expect(parseVerdict("This outline would PASS with flying colours.")).toBe("fail");
    expect(parseVerdict("VERDICT: maybe")).toBe("fail");
    expect(parseVerdict("VERDICT: PASSABLE at best")).toBe("fail");
  });

  it("takes the first verdict when a reply gives two", () => {
    expect(parseVerdict("VERDICT: FAIL\n\nOn reflection, VERDICT: PASS")).toBe("fail");
    expect(parseVerdict("VERDICT: PASS\n\nVERDICT: FAIL")).toBe("pass");
  });
});

describe("parseScore", () => {
  it.each([
    ["SCORE: 7/10", 7],
    ["score: 7 out of 10", 7],
    ["SCORE: 7", 7],
    ["SCORE:9/10", 9],
    ["SCORE: **8**/10", 8],
    ["**SCORE:** 6/10", 6],
    ["SCORE: 7.5/10", 7.5],
    ["SCORE: 0/10", 0],
    ["Intro line\nSCORE: 4/10\n\nFEEDBACK:\n- more", 4],
  ] as const)("reads %j as %d", (text, score) => {
    expect(parseScore(text)).toBe(score);
  });

  it("clamps to 10", () => {
    expect(parseScore("SCORE: 12/10")).toBe(10);
    expect(parseScore("SCORE: 100")).toBe(10);
  });

  it("scores 0 when there is no score to read, so the loop keeps improving", () => {
    expect(parseScore("")).toBe(0);
    expect(parseScore("I'd give it 9/10.")).toBe(0);
    expect(parseScore("SCORE: high")).toBe(0);
    expect(parseScore("SCORE: -3/10")).toBe(0);
  });
});

describe("parseFeedback", () => {
  it("returns the lines after the FEEDBACK heading", () => {
    expect(parseFeedback("SCORE: 6/10\n\nFEEDBACK:\n- Lead with the problem.\n- Add a number.\n")).toBe(
      "- Lead with the problem.\n- Add a number.",
    );
    expect(parseFeedback("SCORE: 6/10\nfeedback: tighten it")).toBe("tighten it");
    expect(parseFeedback("Feedback :\n\n  - one")).toBe("- one");
  });

  it("returns the whole text, trimmed, when the heading is missing", () => {
    expect(parseFeedback("  SCORE: 6/10\n\n- Lead with the problem.\n")).toBe(
      "SCORE: 6/10\n\n- Lead with the problem.",
    );
    expect(parseFeedback("")).toBe("");
  });

  it("drops the bold markers of a bold heading", () => {
    expect(parseFeedback("SCORE: 6/10\n\n**FEEDBACK:**\n- Add a number.")).toBe("- Add a number.");
  });

  it("starts at the first heading when there are two", () => {
    expect(parseFeedback("FEEDBACK: a\nFEEDBACK: b")).toBe("a\nFEEDBACK: b");
  });
});

describe("parseSections", () => {
  it("reads numbered titles after SECTIONS:", () => {
    expect(parseSections("SECTIONS:\n1. Background\n2. The core idea\n3. Next steps", 6)).toEqual([
      "Background",
      "The core idea",
      "Next steps",
    ]);
    expect(parseSections("sections:\n1) Costs\n2) Risks", 6)).toEqual(["Costs", "Risks"]);
  });

  it("reads bulleted titles, drops bold markers and trailing spaces", () => {
    expect(parseSections("SECTIONS:\n- **Costs**  \n* Risks\n• Who benefits\n  - Next steps", 6)).toEqual([
      "Costs",
      "Risks",
      "Who benefits",
      "Next steps",
    ]);
    expect(parseSections("SECTIONS:\n1. **Costs**: what it takes", 6)).toEqual(["Costs: what it takes"]);
  });

  it("ignores list lines before the marker and lines that are not list items", () => {
    const text =
      "Here is my thinking:\n- not a section\n\nSECTIONS:\nThe plan is:\n1. Background\n\n2. Risks\nThat is all.";
    expect(parseSections(text, 6)).toEqual(["Background", "Risks"]);
  });

  it("reads the whole reply when the marker is missing", () => {
    expect(parseSections("Plan:\n1. Background\n2. Risks", 6)).toEqual(["Background", "Risks"]);
  });

  it("drops duplicates, including ones that differ only in bold", () => {
    expect(parseSections("SECTIONS:\n1. Risks\n2. **Risks**\n3. Costs\n4. Risks", 6)).toEqual([
      "Risks",
      "Costs",
    ]);
  });

  it("keeps at most max titles, counted after removing duplicates", () => {
    const text = "SECTIONS:\n1. A\n2. A\n3. B\n4. C\n5. D\n6. E";
    expect(parseSections(text, 3)).toEqual(["A", "B", "C"]);
    expect(parseSections(text, 1)).toEqual(["A"]);
  });

  it("falls back to one Overview section when nothing can be read", () => {
    expect(parseSections("", 6)).toEqual(["Overview"]);
    expect(parseSections("SECTIONS:\nBackground, risks and costs.", 6)).toEqual(["Overview"]);
    expect(parseSections("SECTIONS:\n1. ****\n- **", 6)).toEqual(["Overview"]);
    expect(parseSections("SECTIONS:\n1.Background", 6)).toEqual(["Overview"]);
  });
});
