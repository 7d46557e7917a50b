import { describe, expect, it } from "vitest";
import { noteRunStartedHere, runPagePath, takeRunStartedHere } from "./run-handoff";

function memoryStore() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    size: () => items.size,
  };
}

describe("the started-run handoff", () => {
  it("tells the new run's page once, and only that page", () => {
    const store = memoryStore();
    noteRunStartedHere("run-2", store);
    expect(takeRunStartedHere("run-1", store)).toBe(false);
    expect(takeRunStartedHere("run-2", store)).toBe(true);
    expect(takeRunStartedHere("run-2", store)).toBe(false);
    expect(store.size()).toBe(0);
  });

  it("says nothing when storage refuses or is missing", () => {
    const refusing = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => undefined,
    };
    expect(() => noteRunStartedHere("run-1", refusing)).not.toThrow();
    expect(takeRunStartedHere("run-1", refusing)).toBe(false);
    expect(takeRunStartedHere("run-1", undefined)).toBe(false);
  });
});

describe("runPagePath", () => {
  it("escapes the id", () => {
    expect(runPagePath("8f0c-1")).toBe("/runs/8f0c-1");
    expect(runPagePath("a/b?c")).toBe("/runs/a%2Fb%3Fc");
  });
});
