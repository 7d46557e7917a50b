import { describe, expect, it } from "vitest";
import { MAX_INPUT_CHARS } from "@/lib/runs/limits";
import {
  cutToLimit,
  describeCount,
  describeCut,
  isRunShortcut,
  pasteWithinLimit,
  runBlockedReason,
} from "./task-input";

describe("describeCount", () => {
  it("groups thousands whatever the machine's locale", () => {
    expect(describeCount(1234, 4000)).toBe("1,234 / 4,000");
    expect(describeCount(0, 4000)).toBe("0 / 4,000");
  });
});

describe("cutToLimit", () => {
  it("keeps text that fits", () => {
    expect(cutToLimit("Porto", 5)).toBe("Porto");
  });

  it("cuts to the limit", () => {
    expect(cutToLimit("x".repeat(5000), MAX_INPUT_CHARS)).toHaveLength(MAX_INPUT_CHARS);
  });

  it("never splits a surrogate pair", () => {
    // "ab😀" is four code units; the emoji's halves sit at 2 and 3.
    expect(cutToLimit("ab😀", 3)).toBe("ab");
    expect(cutToLimit("ab😀c", 4)).toBe("ab😀");
    const cut = cutToLimit(`${"x".repeat(MAX_INPUT_CHARS - 1)}😀`, MAX_INPUT_CHARS);
    expect(cut).toBe("x".repeat(MAX_INPUT_CHARS - 1));
  });

  it("keeps nothing when there is no room", () => {
    expect(cutToLimit("abc", 0)).toBe("");
    expect(cutToLimit("abc", -2)).toBe("");
  });
});

describe("pasteWithinLimit", () => {
  it("pastes at the caret when it fits", () => {
    expect(pasteWithinLimit("Two in Porto", { start: 4, end: 4 }, "days ", 100)).toEqual({
      value: "Two days in Porto",
      caret: 9,
      dropped: 0,
    });
  });

  it("cuts a 5,000-character paste into an empty box to the limit and counts what it dropped", () => {
    const outcome = pasteWithinLimit("", { start: 0, end: 0 }, "y".repeat(5000), MAX_INPUT_CHARS);
    expect(outcome.value).toHaveLength(MAX_INPUT_CHARS);
    expect(outcome.dropped).toBe(5000 - MAX_INPUT_CHARS);
    expect(outcome.caret).toBe(MAX_INPUT_CHARS);
  });

  it("replaces the selection and cuts only the paste, never the text around it", () => {
    const outcome = pasteWithinLimit("abcdef", { start: 1, end: 3 }, "XYZW", 7);
    expect(outcome).toEqual({ value: "aXYZdef", caret: 4, dropped: 1 });
  });

  it("drops a whole emoji rather than half of it", () => {
    const outcome = pasteWithinLimit("abc", { start: 3, end: 3 }, "😀😀", 6);
    expect(outcome).toEqual({ value: "abc😀", caret: 5, dropped: 2 });
  });
});

describe("describeCut", () => {
  it("says how much was dropped and what the limit is", () => {
    expect(describeCut(1000, 4000)).toBe(
      "Your paste was cut: 1,000 characters did not fit, as a task can be at most 4,000 characters.",
    );
    expect(describeCut(1, 4000)).toMatch(/: 1 character did not fit/);
  });
});

describe("runBlockedReason", () => {
  it("asks for a task when the box is empty or blank", () => {
    expect(runBlockedReason({ task: "", busy: false })).toBe("Write a task to run");
    expect(runBlockedReason({ task: " \n\t", busy: false })).toBe("Write a task to run");
  });

  it("says a run is going while one is", () => {
    expect(runBlockedReason({ task: "Porto", busy: true })).toBe("A run is in progress");
    expect(runBlockedReason({ task: "", busy: true })).toBe("A run is in progress");
  });

  it("lets a task run when nothing is going", () => {
    expect(runBlockedReason({ task: "Porto", busy: false })).toBeUndefined();
  });
});

describe("isRunShortcut", () => {
  const key = (init: Partial<Parameters<typeof isRunShortcut>[0]>) =>
    isRunShortcut({ key: "Enter", ctrlKey: false, metaKey: false, ...init });

  it("runs on Ctrl+Enter and Cmd+Enter", () => {
    expect(key({ ctrlKey: true })).toBe(true);
    expect(key({ metaKey: true })).toBe(true);
  });

  it("leaves Enter alone, other keys, and Enter that ends an IME composition", () => {
    expect(key({})).toBe(false);
    expect(key({ key: "a", ctrlKey: true })).toBe(false);
    expect(key({ ctrlKey: true, isComposing: true })).toBe(false);
  });
});
