import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdleWatchdog } from "./idle-watchdog";
import { ModelStreamStalledError } from "./model-failures";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("IdleWatchdog", () => {
  it("allows the first chunk its own, longer limit", () => {
    const watchdog = new IdleWatchdog(15_000, 1_000);
    vi.advanceTimersByTime(14_999);
    expect(watchdog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(watchdog.signal.reason).toBeInstanceOf(ModelStreamStalledError);
  });

  it("after the first chunk, aborts once the stream is silent for the idle limit, not before", () => {
    const watchdog = new IdleWatchdog(15_000, 1_000);
    vi.advanceTimersByTime(5_000);
    watchdog.touch();
    // Chunks every 600 ms keep it alive for as long as they come.
    for (let index = 0; index < 20; index++) {
      vi.advanceTimersByTime(600);
      watchdog.touch();
    }
    expect(watchdog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(999);
    expect(watchdog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(watchdog.signal.aborted).toBe(true);
    expect((watchdog.signal.reason as Error).message).toBe("The model sent nothing for 1 s.");
  });

  it("keeps one timer however many chunks arrive, and none after dispose", () => {
    const watchdog = new IdleWatchdog(15_000, 1_000);
    for (let index = 0; index < 1_000; index++) watchdog.touch();
    expect(vi.getTimerCount()).toBe(1);
    watchdog.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(watchdog.signal.aborted).toBe(false);
  });
});
