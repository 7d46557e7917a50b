import { describe, expect, it } from "vitest";
import type { RunUIMessage } from "@/lib/runs/contract";
import { shownMessage } from "./seeded-message";

const message = (id: string, texts: string[]): RunUIMessage => ({
  id,
  role: "assistant",
  parts: texts.map((text) => ({ type: "text", text })),
});

describe("shownMessage", () => {
  const seed = message("run-1", ["hello world", "second"]);

  it("shows the live message when there is no seed", () => {
    const live = message("run-1", ["a"]);
    expect(shownMessage(undefined, live)).toBe(live);
    expect(shownMessage(undefined, undefined)).toBeUndefined();
  });

  it("keeps the seed while the replay is still behind it", () => {
    expect(shownMessage(seed, undefined)).toBe(seed);
    expect(shownMessage(seed, message("run-1", ["hello"]))).toBe(seed);
    expect(shownMessage(seed, message("run-1", ["hello world", "sec"]))).toBe(seed);
  });

  it("shows the replay once it has caught up, and a different run at once", () => {
    const caughtUp = message("run-1", ["hello world", "second", "third"]);
    expect(shownMessage(seed, caughtUp)).toBe(caughtUp);
    const other = message("run-2", []);
    expect(shownMessage(seed, other)).toBe(other);
  });
});
